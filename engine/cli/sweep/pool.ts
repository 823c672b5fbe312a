/**
 * The CLI sweep's workers (engine/host/sweep-worker.ts in worker threads), each making one run at a
 * time and answering with its result.
 */
import { startRunWorker } from '../../host/node-sweep.ts';
import type { RunJob, RunResult } from '../../sweep/run-one.ts';

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

export function startWorker(): SweepWorker {
  const worker = startRunWorker();
  let ended = false;
  let pending: { resolve: (r: RunResult | null) => void; reject: (e: Error) => void } | null = null;
  const settle = (fn: (p: NonNullable<typeof pending>) => void) => {
    const p = pending;
    pending = null;
    if (p) fn(p);
  };
  worker.onAnswer((a) => {
    if (a.type === 'done') settle((p) => p.resolve(a.result));
    else if (a.type === 'error')
      settle((p) => p.reject(new RunError(a.message ?? a.stack ?? '', a.message === undefined)));
  });
  worker.onExit((why) => {
    ended = true;
    settle((p) => (why === null ? p.resolve(null) : p.reject(new RunError(why, true))));
  });
  return {
    run(job) {
      if (ended) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        worker.post(job);
      });
    },
    terminate: () => worker.terminate(),
  };
}
