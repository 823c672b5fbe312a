/**
 * Where a window keeps work between sessions: unsaved work for crash recovery (the desktop shell's
 * recovery files, or the browser's storage) and, in the browser, the last few projects opened or saved.
 */
import { desktop } from '../lib/desktop.ts';

const RECOVERY_KEY = 'backprop-studio:recovery';
const RECENT_KEY = 'backprop-studio:recent';
/** Projects larger than this are not copied into browser storage as recent projects. */
const MAX_RECENT_CHARS = 2_000_000;

export interface RecentProject {
  name: string;
  text: string;
}

/**
 * The browser's copy of unsaved work lives in IndexedDB: its writes happen off the page's thread, so a
 * large project (a long run's history) never stalls the window, and it holds far more than
 * localStorage. Where IndexedDB is missing, localStorage (best effort) keeps it.
 */
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

/** Keeps `text` (the project `name`) for recovery; rejects when the desktop shell cannot write it (browser storage is best effort). */
export async function writeRecovery(text: string, name: string): Promise<void> {
  const bridge = desktop();
  if (bridge) return bridge.writeRecovery(text, name.slice(0, 200));
  try {
    if (typeof indexedDB !== 'undefined') await inStore('readwrite', (s) => s.put(text, RECOVERY_KEY));
    else localStorage.setItem(RECOVERY_KEY, text);
  } catch {
    // storage full or refused: recovery in the browser is best effort
  }
}

/** Work an earlier session left unsaved, if any. */
export async function readRecovery(): Promise<string | null> {
  const bridge = desktop();
  try {
    if (bridge) return await bridge.readRecovery();
    const kept = await inStore<unknown>('readonly', (s) => s.get(RECOVERY_KEY));
    if (typeof kept === 'string') return kept;
    return localStorage.getItem(RECOVERY_KEY);
  } catch {
    return null;
  }
}

/** Forgets the recovery copy (after a save, or when the person discards it). */
export function clearRecovery(): void {
  const bridge = desktop();
  if (bridge) {
    void bridge.clearRecovery().catch(() => undefined);
    return;
  }
  void inStore('readwrite', (s) => s.delete(RECOVERY_KEY)).catch(() => undefined);
  try {
    localStorage.removeItem(RECOVERY_KEY);
  } catch {
    // nothing kept there
  }
}

/** The recent projects kept in browser storage (at most five; malformed entries are skipped). */
export function readRecent(): RecentProject[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v)
      ? v
          .filter((x): x is RecentProject => typeof x?.name === 'string' && typeof x?.text === 'string')
          .slice(0, 5)
      : [];
  } catch {
    return [];
  }
}

/** `list` with `name` moved to the front, stored; unchanged when the project is too large to keep. */
export function rememberRecent(list: RecentProject[], name: string, text: string): RecentProject[] {
  if (text.length > MAX_RECENT_CHARS) return list;
  const next = [{ name, text }, ...list.filter((r) => r.name !== name)].slice(0, 5);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(next));
  } catch {
    // storage full
  }
  return next;
}
