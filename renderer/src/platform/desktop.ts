/**
 * The window inside the desktop shell: every file, the recovery copy and the engine's host go through
 * the bridge the preload exposes (the desktop contract, electron/contract.ts). The window never sees
 * file paths, only tokens for files from dialogs or drops the person saw.
 */
import { ENGINE_PORT_MESSAGE } from '../../../electron/contract.ts';
import type { DesktopBridge } from '../../../electron/contract.ts';
import type { HostProcess } from '../../../engine/host/client.ts';
import type { PickedFile, Platform } from './platform.ts';

declare global {
  interface Window {
    backpropDesktop?: DesktopBridge;
  }
}

/** The bridge when the window runs inside the desktop shell, else null. */
export function desktopBridge(): DesktopBridge | null {
  return typeof window !== 'undefined' && window.backpropDesktop ? window.backpropDesktop : null;
}

export function desktopPlatform(bridge: DesktopBridge): Platform {
  return {
    kind: 'desktop',
    spawnEngine: () => spawnDesktopHost(bridge),
    openFile: (kind) => bridge.openFile(kind),
    openFiles: (kind) => bridge.openFiles(kind),
    saveFile: (kind, name, text, token) => bridge.saveFile(kind, name, text, token),
    saveFiles: async (files) => (await bridge.saveFiles(files))?.names ?? null,
    readToken: (token) => bridge.readToken(token),
    async droppedFile(file): Promise<PickedFile> {
      // A file the shell refuses (not a CSV, project or weights file; too large) rejects here; one whose
      // place it cannot tell comes back null, and its bytes are read in the window instead (no token).
      const granted = await bridge.droppedFile(file);
      return granted ?? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
    },
    recovery: {
      write: (text, name) => bridge.writeRecovery(text, name.slice(0, 200)),
      read: () => bridge.readRecovery().catch(() => null),
      clear: () => void bridge.clearRecovery().catch(() => undefined),
    },
    onMenu: (listener) => bridge.onMenu((command, file) => listener(command, file?.token)),
    // The title is a courtesy: a refusal (a name too long for it) must not become a page error.
    setDocumentState: (state) => void bridge.setDocumentState(state).catch(() => undefined),
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
