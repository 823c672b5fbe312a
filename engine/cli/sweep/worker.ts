/**
 * A sweep's worker thread: takes runs one at a time from the parent port and answers each with its
 * result (or the error that ended it). Large runs share their products with a helper thread of their own.
 */
import { parentPort } from 'node:worker_threads';
import { EngineError } from '../../errors.ts';
import { nodeThreads } from '../../host/node-threads.ts';
import { formatError } from '../../i18n.ts';
import { runOne } from './run-one.ts';
import type { RunJob } from './run-one.ts';

const port = parentPort!;
port.on('message', (job: RunJob) => {
  try {
    port.postMessage({ ok: true, result: runOne(job, nodeThreads) });
  } catch (e) {
    // An error in the input is said as the engine says it; anything else is a bug, with its stack.
    if (e instanceof EngineError) port.postMessage({ ok: false, message: formatError(e, job.lang) });
    else port.postMessage({ ok: false, stack: (e as Error).stack ?? String(e) });
  }
});
