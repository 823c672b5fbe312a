/** Engine host in a Node worker thread (tests, CLI): the service exposed through Comlink on the parent port. */
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createEngineService } from '../session/service.ts';
import { withFaults } from './faults.ts';

const service = createEngineService({ yieldToHost: () => new Promise((resolve) => setImmediate(resolve)) });
const exposed = (workerData as { faults?: boolean } | undefined)?.faults
  ? withFaults(service, () => process.exit(70))
  : service;
Comlink.expose(exposed, nodeEndpoint(parentPort!));
