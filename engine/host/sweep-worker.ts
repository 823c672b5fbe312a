/**
 * A sweep's worker thread in Node (the CLI's `sweep`, the desktop engine host and the Node worker
 * host): serves runs on its parent port. Large runs share their products with a helper thread of their own.
 */
import { parentPort } from 'node:worker_threads';
import type { RunJob } from '../sweep/run-one.ts';
import { serveRuns } from '../sweep/serve.ts';
import { nodeThreads } from './node-threads.ts';

const port = parentPort!;
serveRuns(
  {
    onJob: (handler) => port.on('message', (job: RunJob) => handler(job)),
    post: (answer) => port.postMessage(answer),
  },
  nodeThreads,
);
