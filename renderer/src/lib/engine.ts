/**
 * The engine for this window: a supervised client over a Web Worker in the browser, or over the
 * MessagePort the desktop shell hands over (see desktop.ts). Either way the UI sees one EngineApi.
 */
import { createEngineClient } from '../../../engine/host/client.ts';
import { exitReason } from '../../../engine/host/exit-reason.ts';
import type { EngineClient, EngineEvent, HostProcess } from '../../../engine/host/client.ts';
import { desktop, ENGINE_PORT_MESSAGE } from './desktop.ts';
import type { DesktopBridge } from './desktop.ts';
import type { MessageRef } from '../../../engine/i18n.ts';

function spawnWebWorker(): HostProcess {
  const worker = new Worker(new URL('../../../engine/host/web-worker.ts', import.meta.url), {
    type: 'module',
  });
  let listener: ((reason: MessageRef) => void) | null = null;
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    listener?.(exitReason.failed(e.message || 'script error'));
  });
  return {
    endpoint: worker,
    kill: () => worker.terminate(),
    onExit(l) {
      listener = l;
    },
  };
}

/** The desktop host: the port arrives later as a window message, so messages wait in a queue until then. */
function spawnDesktopHost(bridge: DesktopBridge): HostProcess {
  let port: MessagePort | null = null;
  const queue: [unknown, Transferable[]][] = [];
  const listeners = new Set<EventListenerOrEventListenerObject>();
  const onWindowMessage = (e: MessageEvent) => {
    if (e.source !== window || e.data !== ENGINE_PORT_MESSAGE || !e.ports[0]) return;
    window.removeEventListener('message', onWindowMessage);
    port = e.ports[0];
    for (const l of listeners) port.addEventListener('message', l);
    port.start();
    for (const [msg, transfer] of queue.splice(0)) port.postMessage(msg, transfer);
  };
  window.addEventListener('message', onWindowMessage);
  bridge.requestEngine();
  let unsubscribe: (() => void) | null = null;
  return {
    endpoint: {
      postMessage(msg: unknown, transfer: Transferable[] = []) {
        if (port) port.postMessage(msg, transfer);
        else queue.push([msg, transfer]);
      },
      addEventListener(_type: string, l: EventListenerOrEventListenerObject) {
        listeners.add(l);
        port?.addEventListener('message', l);
      },
      removeEventListener(_type: string, l: EventListenerOrEventListenerObject) {
        listeners.delete(l);
        port?.removeEventListener('message', l);
      },
    },
    kill() {
      window.removeEventListener('message', onWindowMessage);
      unsubscribe?.();
      port?.close();
    },
    onExit(l) {
      unsubscribe = bridge.onEngineExit(l);
    },
  };
}

export function createEngine(onEvent: (e: EngineEvent) => void): EngineClient {
  const bridge = desktop();
  return createEngineClient({
    spawn: bridge ? () => spawnDesktopHost(bridge) : spawnWebWorker,
    heartbeatMs: 1000,
    hangTimeoutMs: 8000,
    checkpointMs: 5000,
    onEvent,
  });
}
