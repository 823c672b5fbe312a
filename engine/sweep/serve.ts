/**
 * A sweep's worker: takes runs one at a time and answers each with its epochs as they end and then its
 * result (or the error that ended it). The same in a Node worker thread and a browser worker; the host
 * entry only hands over its port.
 */
import { EngineError } from '../errors.ts';
import { formatError } from '../i18n.ts';
import type { ThreadOptions } from '../kernels/wasm/pool.ts';
import type { EpochMetrics } from '../train/trainer.ts';
import { runOne } from './run-one.ts';
import type { RunJob, RunResult } from './run-one.ts';

/** What a worker says about the run it was given. */
export type RunAnswer =
  | { type: 'epoch'; index: number; metrics: EpochMetrics }
  | { type: 'done'; result: RunResult }
  /** An error in the run's input (`message`, as the engine says it) or a bug (`stack`). */
  | { type: 'error'; index: number; message?: string; stack?: string };

export interface RunPort {
  onJob(handler: (job: RunJob) => void): void;
  post(answer: RunAnswer): void;
}

export function serveRuns(port: RunPort, threads: ThreadOptions | null): void {
  port.onJob((job) => {
    try {
      const result = runOne(job, threads, (metrics) =>
        port.post({ type: 'epoch', index: job.index, metrics }),
      );
      port.post({ type: 'done', result });
    } catch (e) {
      if (e instanceof EngineError)
        port.post({ type: 'error', index: job.index, message: formatError(e, job.lang) });
      else port.post({ type: 'error', index: job.index, stack: (e as Error).stack ?? String(e) });
    }
  });
}

/** A worker that makes runs, as its host starts it. */
export interface RunWorker {
  post(job: RunJob): void;
  /** Sets the listener for the worker's answers (replacing the one before). */
  onAnswer(listener: (answer: RunAnswer) => void): void;
  /** Sets the listener (replacing the one before), called once when the worker has ended: `why` is null when it was terminated, else what ended it. */
  onExit(listener: (why: string | null) => void): void;
  terminate(): void;
}

/** How a host starts sweep workers, and how many runs it can train side by side. */
export interface RunWorkerHost {
  spawn(): RunWorker;
  /** Cores to share between small runs (large ones go one at a time, on two cores where `twoCores`). */
  cores: number;
  /** Whether a worker's large run can share its products with a helper thread. */
  twoCores: boolean;
}
