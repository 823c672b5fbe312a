/**
 * Helper threads for the kernel pool (engine/kernels/wasm/pool.ts) as Node worker threads. The helper is
 * a short script evaluated in the worker, so it needs no file on disk and no TypeScript loader; the
 * worker is unref'd, so a process that is otherwise done exits without disposing its models first.
 */
import { Worker } from 'node:worker_threads';
import type { HelperStart, HelperThread, ThreadOptions } from '../kernels/wasm/pool.ts';

export interface NodeHelperThread extends HelperThread {
  /** Resolves with the exit code when the worker has ended. */
  readonly exited: Promise<number>;
}

/** Starts helpers as worker threads (a ThreadHost whose helpers also report their end). */
export const nodeThreadHost: { spawn(source: string, init: HelperStart): NodeHelperThread } = {
  spawn(source, init) {
    let worker: Worker;
    try {
      worker = new Worker(`${source}\nrequire('node:worker_threads').parentPort.once('message', start);`, {
        eval: true,
        name: 'kernel-helper',
      });
    } catch {
      // A runtime that cannot start worker threads at all: a helper that never starts, so never
      // takes a job, and the model runs on one thread.
      return { exited: Promise.resolve(1), terminate() {} };
    }
    // A helper that fails to start never takes a job: the model then simply runs on one thread.
    worker.on('error', () => {});
    worker.unref();
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    worker.postMessage(init);
    return {
      exited,
      terminate() {
        void worker.terminate();
      },
    };
  },
};

/** The setting the Node hosts (CLI, worker host) use for their models. */
export const nodeThreads: ThreadOptions = { host: nodeThreadHost };
