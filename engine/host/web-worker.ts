/** Engine host in a browser Web Worker: the service exposed through Comlink on the worker's global scope. */
import * as Comlink from 'comlink';
import { createEngineService } from '../session/service.ts';
import { webRunWorkers } from './web-sweep.ts';
import { webThreads } from './web-threads.ts';

// A MessageChannel round trip yields to the event loop without setTimeout's 4 ms clamp.
interface Port {
  onmessage: (() => void) | null;
  postMessage(v: unknown): void;
}
const channel = new MessageChannel() as unknown as { port1: Port; port2: Port };
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
function yieldToHost(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

// Large networks share their matrix products with a helper worker where the page is cross-origin
// isolated (the web build's server sends the headers); elsewhere they train on one thread.
// Sweeps train in workers of their own, started from this one.
Comlink.expose(createEngineService({ yieldToHost, threads: webThreads(), runWorkers: webRunWorkers() }));
