/**
 * Helper threads for the kernel pool (engine/kernels/wasm/pool.ts) in a browser: a dedicated worker
 * started from a blob of the helper's classic script. Only a cross-origin-isolated page has the shared
 * memory the pool needs; elsewhere `webThreads()` gives null and models train on one thread.
 */
import type { HelperStart, HelperThread, ThreadHost, ThreadOptions } from '../kernels/wasm/pool.ts';

/** What is used of the browser's globals here (the engine is compiled without DOM types). */
interface BrowserGlobals {
  crossOriginIsolated?: boolean;
  Worker?: new (
    url: string,
    options?: { name?: string },
  ) => {
    postMessage(v: unknown): void;
    terminate(): void;
    onerror: ((e: { preventDefault(): void }) => void) | null;
  };
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
}

/** Starts helpers as dedicated workers from a blob URL (the page's CSP allows `worker-src blob:`). */
export const webThreadHost: ThreadHost = {
  spawn(source: string, init: HelperStart): HelperThread {
    const g = globalThis as unknown as BrowserGlobals;
    let url: string | null = null;
    try {
      url = g.URL.createObjectURL(
        new g.Blob!([`${source}\nself.onmessage = (e) => { self.onmessage = null; start(e.data); };`], {
          type: 'text/javascript',
        }),
      );
      const worker = new g.Worker!(url, { name: 'kernel-helper' });
      // A helper that fails to start never takes a job: the model then simply runs on one thread.
      worker.onerror = (e) => e.preventDefault();
      worker.postMessage(init);
      return { terminate: () => worker.terminate() };
    } catch {
      return { terminate() {} };
    } finally {
      // The worker has fetched its script by the time it runs; revoking later keeps the blob alive until then.
      if (url) setTimeout(() => g.URL.revokeObjectURL(url!), 10_000);
    }
  },
};

/** The two-core setting for a browser worker host, or null where the page is not cross-origin isolated. */
export function webThreads(): ThreadOptions | null {
  const g = globalThis as unknown as BrowserGlobals;
  return g.crossOriginIsolated === true && typeof g.Worker === 'function' && typeof g.Blob === 'function'
    ? { host: webThreadHost }
    : null;
}
