/** The whole window state (AppState) on the in-process engine, for tests of what a person does. */
import { vi } from 'vitest';
import type { EngineApi } from '../../engine/api.ts';
import type { EngineClient } from '../../engine/host/client.ts';
import { AppState } from '../../renderer/src/state/app.svelte.ts';
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
    recover: async () => null,
    forgetRun: () => undefined,
    close: () => undefined,
  };
}

/** A window on a small dataset (xor, 120 rows) with the default network; runs of 3 epochs. */
export async function newApp(): Promise<AppState> {
  const app = new AppState(inProcessClient());
  await app.data.init();
  await app.data.loadBuiltin('xor', 120);
  app.applyTemplate('mlp');
  await app.dataChanged();
  app.training.epochs = 3;
  app.training.batchSize = 32;
  app.savedRevision = app.revisionKey;
  return app;
}

/** Lets the training loop and the panel's polling run until the run stops. */
export async function settle(app: AppState): Promise<void> {
  for (let i = 0; i < 10_000 && app.training.status?.state === 'running'; i++)
    await new Promise((r) => setTimeout(r, 0));
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}
