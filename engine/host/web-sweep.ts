/**
 * Sweep workers in a browser: dedicated module workers (engine/host/web-sweep-worker.ts) started by the
 * engine's worker. A browser says nothing when a worker it terminated ends, so `terminate` reports the
 * end itself.
 */
import type { RunAnswer, RunWorker, RunWorkerHost } from '../sweep/serve.ts';
import { webThreads } from './web-threads.ts';

/** What is used of the browser's globals here (the engine is compiled without DOM types). */
interface BrowserWorker {
  postMessage(v: unknown): void;
  terminate(): void;
  onmessage: ((e: { data: RunAnswer }) => void) | null;
  onerror: ((e: { message?: string; preventDefault(): void }) => void) | null;
}
interface BrowserGlobals {
  Worker?: unknown;
  navigator?: { hardwareConcurrency?: number };
}
/** The browser's Worker (written as `new Worker(new URL(…))` so the bundler builds the worker's file). */
declare const Worker: new (url: URL, options: { type: 'module'; name: string }) => BrowserWorker;

function startWebRunWorker(): RunWorker {
  const worker = new Worker(new URL('./web-sweep-worker.ts', import.meta.url), {
    type: 'module',
    name: 'sweep-run',
  });
  let ended = false;
  let onExit: ((why: string | null) => void) | null = null;
  let onAnswer: ((a: RunAnswer) => void) | null = null;
  const end = (why: string | null) => {
    if (ended) return;
    ended = true;
    worker.terminate();
    onExit?.(why);
  };
  worker.onmessage = (e) => onAnswer?.(e.data);
  // An uncaught error ends the run (out of memory, a bug): the worker is not trusted with another.
  worker.onerror = (e) => {
    e.preventDefault();
    end(e.message || 'error');
  };
  return {
    post: (job) => worker.postMessage(job),
    onAnswer(listener) {
      onAnswer = listener;
    },
    onExit(listener) {
      onExit = listener;
    },
    terminate: () => end(null),
  };
}

/** Sweep workers for a browser engine worker, or null where this scope cannot start workers. */
export function webRunWorkers(): RunWorkerHost | null {
  const g = globalThis as unknown as BrowserGlobals;
  if (typeof g.Worker !== 'function') return null;
  return {
    spawn: startWebRunWorker,
    cores: Math.max(1, g.navigator?.hardwareConcurrency ?? 2),
    twoCores: webThreads() !== null,
  };
}
