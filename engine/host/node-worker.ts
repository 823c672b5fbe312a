/**
 * Engine host in a Node worker thread (tests, CLI): the service exposed through Comlink on the parent port.
 * Large networks use a helper thread for their largest products (engine/kernels/wasm/pool.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createEngineService } from '../session/service.ts';
import { withFaults } from './faults.ts';
import { nodeThreads } from './node-threads.ts';
import { nodeRunWorkers } from './node-sweep.ts';

const service = createEngineService({
  yieldToHost: () => new Promise((resolve) => setImmediate(resolve)),
  threads: nodeThreads,
  runWorkers: nodeRunWorkers(),
});
const exposed = (workerData as { faults?: boolean } | undefined)?.faults
  ? withFaults(service, () => process.exit(70))
  : service;
Comlink.expose(exposed, nodeEndpoint(parentPort!));
