/**
 * The sweep's worker threads. From TypeScript source (tests, `npm run cli`, the installed command
 * without a build) a worker starts through engine/host/boot.mjs, which registers tsx first; the compiled
 * CLI starts the compiled worker.js directly.
 */
import { Worker } from 'node:worker_threads';
import type { RunJob, RunResult } from './run-one.ts';

type Answer = { ok: true; result: RunResult } | { ok: false; message?: string; stack?: string };

/** A run the worker could not make: an engine error in its input (`message`) or a bug (`stack`). */
export class RunError extends Error {
  override name = 'RunError';
  constructor(
    message: string,
    readonly bug: boolean,
  ) {
    super(message);
  }
}

export interface SweepWorker {
  /** Makes one run; resolves null if the worker was terminated (or ended) before it finished. */
  run(job: RunJob): Promise<RunResult | null>;
  terminate(): void;
}

function spawnWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);
  return fromSource
    ? new Worker(new URL('../../host/boot.mjs', import.meta.url), {
        workerData: { __tsEntry: entry.href },
        name: 'sweep-run',
      })
    : new Worker(entry, { name: 'sweep-run' });
}

export function startWorker(): SweepWorker {
  const worker = spawnWorker();
  let ended = false;
  let pending: { resolve: (r: RunResult | null) => void; reject: (e: Error) => void } | null = null;
  const settle = (fn: (p: NonNullable<typeof pending>) => void) => {
    const p = pending;
    pending = null;
    if (p) fn(p);
  };
  worker.on('message', (a: Answer) =>
    settle((p) =>
      a.ok
        ? p.resolve(a.result)
        : p.reject(new RunError(a.message ?? a.stack ?? '', a.message === undefined)),
    ),
  );
  worker.on('error', (e) => settle((p) => p.reject(new RunError(e.stack ?? String(e), true))));
  worker.on('exit', () => {
    ended = true;
    settle((p) => p.resolve(null));
  });
  return {
    run(job) {
      if (ended) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        worker.postMessage(job);
      });
    },
    terminate() {
      if (!ended) void worker.terminate();
    },
  };
}
