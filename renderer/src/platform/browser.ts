/**
 * The window in a browser: the engine in a Web Worker, files through the file picker and downloads,
 * unsaved work in IndexedDB, the project's name in the tab's title.
 */
import { exitReason } from '../../../engine/host/exit-reason.ts';
import type { HostProcess } from '../../../engine/host/client.ts';
import type { MessageRef } from '../../../engine/i18n.ts';
import type { FileKind, PickedFile, Platform, RecoveryCopy } from './platform.ts';

/** What the file picker offers for each kind of file. */
const ACCEPT: Record<FileKind, string> = {
  project: '.json,.bps.json',
  csv: '.csv,.tsv,.txt,text/csv',
  weights: '.json',
};

const MIME: Record<FileKind, string> = {
  project: 'application/json',
  csv: 'text/csv',
  weights: 'application/json',
};

export function browserPlatform(): Platform {
  return {
    kind: 'browser',
    spawnEngine: spawnWebWorker,
    openFile: async (kind) => (await pickFiles(ACCEPT[kind], false))?.[0] ?? null,
    openFiles: (kind) => pickFiles(kind === 'weights' ? `${ACCEPT.weights},.bin` : ACCEPT[kind], true),
    saveFile(kind, name, text) {
      download(name, text, MIME[kind]);
      return Promise.resolve({ name });
    },
    saveFiles(files) {
      for (const f of files) download(f.name, f.data, exportType(f.name));
      return Promise.resolve(files.map((f) => f.name));
    },
    readToken: () => Promise.resolve(null),
    async droppedFile(file) {
      return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
    },
    recovery: browserRecovery,
    onMenu: () => () => undefined,
    setDocumentState({ edited, title }) {
      document.title = edited ? `● ${title}` : title;
    },
  };
}

function spawnWebWorker(): HostProcess {
  const worker = new Worker(new URL('../../../engine/host/web-worker.ts', import.meta.url), {
    type: 'module',
  });
  let listener: ((reason: MessageRef) => void) | null = null;
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    listener?.(exitReason.failed(e.message || 'script error'));
  });
  return {
    endpoint: worker,
    kill: () => worker.terminate(),
    onExit(l) {
      listener = l;
    },
  };
}

/** The media type of an exported file, from its name. */
function exportType(name: string): string {
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.py')) return 'text/x-python';
  if (name.endsWith('.txt')) return 'text/plain';
  return 'application/octet-stream';
}

/** Saves by downloading: the browser puts the file where it puts downloads. */
function download(name: string, data: string | Uint8Array, type: string): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Opens the browser's file picker (one file, or several); resolves null when the person cancels. */
function pickFiles(accept: string, multiple: boolean): Promise<PickedFile[] | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.multiple = multiple;
    input.addEventListener('change', async () => {
      const files = [...(input.files ?? [])];
      resolve(
        files.length
          ? await Promise.all(
              files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
            )
          : null,
      );
    });
    input.addEventListener('cancel', () => resolve(null));
    input.click();
  });
}

/**
 * The browser's copy of unsaved work lives in IndexedDB: its writes happen off the page's thread, so a
 * large project (a long run's history) never stalls the window, and it holds far more than
 * localStorage. Where IndexedDB is missing, localStorage (best effort) keeps it.
 */
const RECOVERY_KEY = 'backprop-studio:recovery';
const DB_NAME = 'backprop-studio';
const STORE = 'work';

function openDb(): Promise<IDBDatabase> | null {
  if (typeof indexedDB === 'undefined') return null;
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Runs one request on the work store and closes the database after it. */
async function inStore<T>(
  mode: IDBTransactionMode,
  use: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T | undefined> {
  const opening = openDb();
  if (!opening) return undefined;
  const db = await opening;
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = use(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Browser storage is best effort: a full or refused store loses the copy, never the open work. */
const browserRecovery: RecoveryCopy = {
  async write(text) {
    try {
      if (typeof indexedDB !== 'undefined') await inStore('readwrite', (s) => s.put(text, RECOVERY_KEY));
      else localStorage.setItem(RECOVERY_KEY, text);
    } catch {
      // storage full or refused
    }
  },
  async read() {
    try {
      const kept = await inStore<unknown>('readonly', (s) => s.get(RECOVERY_KEY));
      if (typeof kept === 'string') return kept;
      return localStorage.getItem(RECOVERY_KEY);
    } catch {
      return null;
    }
  },
  clear() {
    void inStore('readwrite', (s) => s.delete(RECOVERY_KEY)).catch(() => undefined);
    try {
      localStorage.removeItem(RECOVERY_KEY);
    } catch {
      // nothing kept there
    }
  },
};
