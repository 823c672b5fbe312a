// Starts a TypeScript worker entry from source (development and tests): registers tsx, then imports it.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__tsEntry);
