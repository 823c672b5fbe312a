/**
 * A Comlink endpoint over an Electron MessagePortMain. Unlike a DOM MessagePort it is an EventEmitter
 * whose 'message' events are `{ data, ports }`, it only starts delivering after `start()`, and it can
 * transfer only other MessagePortMains (typed arrays are copied by structured clone instead).
 */
import type * as Comlink from 'comlink';

/** The part of Electron's MessagePortMain this adapter uses (kept structural: no Electron import). */
export interface MessagePortMainLike {
  on(event: 'message', listener: (e: { data: unknown; ports: unknown[] }) => void): unknown;
  off(event: 'message', listener: (e: { data: unknown; ports: unknown[] }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown, transfer?: unknown[]): void;
  start(): void;
  close(): void;
}

type Listener = Parameters<Comlink.Endpoint['addEventListener']>[1];
type Handler = ((e: unknown) => void) | { handleEvent(e: unknown): void };

export function electronPortEndpoint(port: MessagePortMainLike): Comlink.Endpoint & { close(): void } {
  const wrapped = new WeakMap<Listener, (e: { data: unknown; ports: unknown[] }) => void>();
  let started = false;
  return {
    postMessage(message: unknown) {
      port.postMessage(message);
    },
    addEventListener(_type: string, listener: Listener) {
      const handler = (e: { data: unknown; ports: unknown[] }) => {
        const event = { data: e.data, ports: e.ports };
        const l = listener as unknown as Handler;
        if (typeof l === 'function') l(event);
        else l.handleEvent(event);
      };
      wrapped.set(listener, handler);
      port.on('message', handler);
      if (!started) {
        started = true;
        port.start();
      }
    },
    removeEventListener(_type: string, listener: Listener) {
      const handler = wrapped.get(listener);
      if (!handler) return;
      port.off('message', handler);
      wrapped.delete(listener);
    },
    close() {
      port.close();
    },
  };
}
