/** The whole window state (AppState) on the in-process engine, for tests of what a person does. */
import { vi } from 'vitest';
import type { EngineApi, ExportFile } from '../../engine/api.ts';
import type { EngineClient } from '../../engine/host/client.ts';
import { AppState } from '../../renderer/src/state/app.svelte.ts';
import type { PickedFile, Platform, SavedFile } from '../../renderer/src/platform/index.ts';
import { createService } from './helpers.ts';

/** The browser globals the state uses: frames as soon as the engine has answered, storage in memory. */
export function stubBrowser(): void {
  vi.stubGlobal('requestAnimationFrame', (cb: (time: number) => void) => setTimeout(() => cb(0), 0));
  vi.stubGlobal('cancelAnimationFrame', (h: number) => clearTimeout(h));
  const store = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  });
}

/** An engine client that never restarts: the service itself. */
export function inProcessClient(api: EngineApi = createService()): EngineClient {
  return {
    api,
    generation: 0,
    lastCheckpoint: null,
    checkpointNow: async () => undefined,
    restoreRun: async () => null,
    forgetRun: () => undefined,
    close: () => undefined,
  };
}

/** A platform held in memory: what was saved, the recovery copy, and the files the person will pick next. */
export interface MemoryPlatform extends Platform {
  saves: { kind: string; name: string; text: string; token?: string }[];
  /** Exports saved through `saveFiles`, one list of files each. */
  exports: ExportFile[][];
  /** The next answers of `saveFiles` (default: saved under the names given; `null`: cancelled). */
  exportAnswers: (string[] | null | Error)[];
  /** The next answers of the file dialogs (`null`: cancelled; an Error: the platform fails). */
  picks: (PickedFile | null | Error)[];
  /** The next answers of the dialogs that pick several files at once. */
  multiPicks: (PickedFile[] | null | Error)[];
  /** The next answers of save dialogs (default: saved under the suggested name, token `t<n>`). */
  saveAnswers: (SavedFile | null | Error)[];
  /** Files granted earlier, by token. */
  granted: Map<string, PickedFile>;
  kept: string | null;
}

export function memoryPlatform(): MemoryPlatform {
  const next = <T>(queue: (T | Error)[], fallback: () => T): Promise<T> => {
    const answer = queue.length ? queue.shift()! : fallback();
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const p: MemoryPlatform = {
    kind: 'browser',
    saves: [],
    exports: [],
    exportAnswers: [],
    picks: [],
    multiPicks: [],
    saveAnswers: [],
    granted: new Map(),
    kept: null,
    spawnEngine: () => {
      throw new Error('the tests give the window an in-process engine');
    },
    openFile: () => next(p.picks, () => null),
    openFiles: () => next(p.multiPicks, () => null),
    saveFile(kind, name, text, token) {
      return next<SavedFile | null>(p.saveAnswers, () => ({
        name,
        token: token ?? `t${p.saves.length}`,
      })).then((saved) => {
        if (saved)
          p.saves.push({ kind, name: saved.name, text, ...(saved.token ? { token: saved.token } : {}) });
        return saved;
      });
    },
    saveFiles(files) {
      return next<string[] | null>(p.exportAnswers, () => files.map((f) => f.name)).then((names) => {
        if (names) p.exports.push(files);
        return names;
      });
    },
    readToken: (token) => Promise.resolve(p.granted.get(token) ?? null),
    droppedFile: async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }),
    recovery: {
      write: async (text) => void (p.kept = text),
      read: async () => p.kept,
      clear: () => void (p.kept = null),
    },
    onMenu: () => () => undefined,
    setDocumentState: () => undefined,
  };
  return p;
}

/** A window on a small dataset (xor, 120 rows) with the default network; runs of 3 epochs. */
export async function newApp(platform: Platform = memoryPlatform()): Promise<AppState> {
  const app = new AppState({ engine: inProcessClient(), platform });
  await app.data.init();
  await app.data.loadBuiltin('xor', 120);
  app.applyTemplate('mlp');
  await app.dataChanged();
  app.training.epochs = 3;
  app.training.batchSize = 32;
  app.files.markSaved();
  return app;
}

/** Lets the training loop and the panel's polling run until the run stops. */
export async function settle(app: AppState): Promise<void> {
  for (let i = 0; i < 10_000 && app.training.status?.state === 'running'; i++)
    await new Promise((r) => setTimeout(r, 0));
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}
