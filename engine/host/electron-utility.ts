/**
 * Engine host in an Electron utility process. Main sends one MessagePortMain per connection over
 * `process.parentPort`; the engine service is exposed on it through Comlink, so the window talks to the
 * engine directly and main never relays training traffic. A new connection replaces the old one.
 * Large networks' matrix products are shared with a helper thread, as in the Node worker host.
 */
import type { ParentPort } from 'electron';
import * as Comlink from 'comlink';
import { createEngineService } from '../session/service.ts';
import { electronPortEndpoint } from './electron-port-adapter.ts';
import type { MessagePortMainLike } from './electron-port-adapter.ts';
import { withFaults } from './faults.ts';
import { nodeThreads } from './node-threads.ts';
import { nodeRunWorkers } from './node-sweep.ts';

const SWEEP_ARG = '--sweep-worker=';
const sweepEntry = process.argv.find((a) => a.startsWith(SWEEP_ARG))?.slice(SWEEP_ARG.length);
const parentPort = (process as unknown as { parentPort: ParentPort }).parentPort;
// Large networks train on two cores: a utility process is a Node process, with worker threads and
// shared memory (a runtime without them leaves every model on one thread).
const service = createEngineService({
  yieldToHost: () => new Promise((resolve) => setImmediate(resolve)),
  threads: nodeThreads,
  // Sweeps run in worker threads from the bundled worker main names (without it, no sweeps).
  runWorkers: sweepEntry ? nodeRunWorkers(sweepEntry) : null,
});
const exposed = process.argv.includes('--engine-faults')
  ? withFaults(service, () => process.exit(70))
  : service;

let current: ReturnType<typeof electronPortEndpoint> | null = null;
parentPort.on('message', (e) => {
  const port = e.ports[0] as unknown as MessagePortMainLike | undefined;
  if (!port || (e.data as { type?: string } | null)?.type !== 'connect') return;
  current?.close();
  current = electronPortEndpoint(port);
  Comlink.expose(exposed, current);
});
