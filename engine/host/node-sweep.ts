/**
 * Sweep workers as Node worker threads (engine/host/sweep-worker.ts): from TypeScript source (tests,
 * `npm run cli`) through boot.mjs, which registers tsx first; compiled, the .js beside this file; in
 * the desktop app, the entry its bundler made.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunAnswer, RunWorker, RunWorkerHost } from '../sweep/serve.ts';

function spawnWorker(entry: string | URL | undefined): Worker {
  if (entry !== undefined) return new Worker(entry, { name: 'sweep-run' });
  const fromSource = import.meta.url.endsWith('.ts');
  const own = new URL(fromSource ? './sweep-worker.ts' : './sweep-worker.js', import.meta.url);
  return fromSource
    ? new Worker(new URL('./boot.mjs', import.meta.url), {
        workerData: { __tsEntry: own.href },
        name: 'sweep-run',
      })
    : new Worker(own, { name: 'sweep-run' });
}

export function startRunWorker(entry?: string | URL): RunWorker {
  const worker = spawnWorker(entry);
  let ended = false;
  let onExit: ((why: string | null) => void) | null = null;
  let onAnswer: ((a: RunAnswer) => void) | null = null;
  worker.on('message', (a: RunAnswer) => onAnswer?.(a));
  let why: string | null = null;
  worker.on('error', (e) => {
    why =
      (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? 'out of memory'
        : (e.stack ?? String(e));
  });
  worker.on('exit', () => {
    ended = true;
    onExit?.(why);
  });
  return {
    post: (job) => worker.postMessage(job),
    onAnswer(listener) {
      onAnswer = listener;
    },
    onExit(listener) {
      onExit = listener;
      if (ended) listener(why);
    },
    terminate() {
      if (!ended) void worker.terminate(); // 'exit' follows, with why null
    },
  };
}

/** Sweep workers for a Node host; `entry`: the worker's file where it is not beside this one. */
export function nodeRunWorkers(entry?: string | URL): RunWorkerHost {
  return { spawn: () => startRunWorker(entry), cores: availableParallelism(), twoCores: true };
}
