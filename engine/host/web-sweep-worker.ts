/**
 * A sweep's worker in a browser (started by the engine's own worker, engine/host/web-worker.ts): serves
 * runs on its global scope. Large runs share their products with a helper worker where the page is
 * cross-origin isolated.
 */
import type { RunJob } from '../sweep/run-one.ts';
import { serveRuns } from '../sweep/serve.ts';
import { webThreads } from './web-threads.ts';

interface WorkerScope {
  onmessage: ((e: { data: RunJob }) => void) | null;
  postMessage(v: unknown): void;
}
const scope = globalThis as unknown as WorkerScope;
serveRuns(
  {
    onJob: (handler) => {
      scope.onmessage = (e) => handler(e.data);
    },
    post: (answer) => scope.postMessage(answer),
  },
  webThreads(),
);
