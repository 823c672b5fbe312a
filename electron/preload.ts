/**
 * The window's only door to the desktop: a few named functions on `window.backpropDesktop` (no raw
 * ipcRenderer). Files travel as tokens, never paths: a dropped File's path is looked up here, in the
 * isolated preload world, and handed straight to main, which answers with a token. The engine's
 * MessagePort arrives from main and is passed on to the page as a window message.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_ERROR_PREFIX, Channel, ENGINE_PORT_MESSAGE, RendererEvent } from './contract.ts';
import type {
  ChannelArgs,
  ChannelResult,
  DesktopBridge,
  IpcError,
  IpcResult,
  RendererEventTypes,
} from './contract.ts';

/**
 * An IPC refusal or failure. Only an Error's message survives the context bridge, so the message
 * carries main's error (code, params) as JSON after BRIDGE_ERROR_PREFIX.
 */
class DesktopError extends Error {
  constructor(readonly error: IpcError) {
    super(BRIDGE_ERROR_PREFIX + JSON.stringify({ code: error.code, params: error.params }));
    this.name = 'DesktopError';
  }
  get code(): string {
    return this.error.code;
  }
}

async function call<C extends Channel>(channel: C, ...args: ChannelArgs<C>): Promise<ChannelResult<C>> {
  const r = (await ipcRenderer.invoke(channel, ...args)) as IpcResult<ChannelResult<C>>;
  if (!r.ok) throw new DesktopError(r.error);
  return r.value;
}

function subscribe<E extends keyof RendererEventTypes>(
  event: E,
  listener: (...args: RendererEventTypes[E]) => void,
): () => void {
  const wrapped = (_e: Electron.IpcRendererEvent, ...args: unknown[]) =>
    listener(...(args as RendererEventTypes[E]));
  ipcRenderer.on(event, wrapped);
  return () => void ipcRenderer.removeListener(event, wrapped);
}

// Ports cannot be returned across the context bridge; a window message can carry one into the page.
// '*' is safe here: the message goes to this very window, whose navigation main restricts to the app.
ipcRenderer.on(RendererEvent.enginePort, (e) => window.postMessage(ENGINE_PORT_MESSAGE, '*', e.ports));

const bridge: DesktopBridge = {
  requestEngine() {
    void call(Channel.engineConnect).catch((e: Error) => console.error(e.message));
  },
  onEngineExit: (listener) => subscribe(RendererEvent.engineExit, listener),
  openFile: (kind) => call(Channel.openDialog, kind),
  openFiles: (kind) => call(Channel.openManyDialog, kind),
  async readToken(token) {
    try {
      return await call(Channel.read, token);
    } catch (e) {
      if ((e as DesktopError).code === 'UNKNOWN_TOKEN') return null;
      throw e;
    }
  },
  async saveFile(kind, suggestedName, text, token) {
    if (token) {
      try {
        return await call(Channel.write, token, text);
      } catch (e) {
        const code = (e as DesktopError).code;
        if (code !== 'UNKNOWN_TOKEN' && code !== 'NOT_WRITABLE') throw e;
      }
    }
    const target = await call(Channel.saveDialog, kind, suggestedName);
    return target ? call(Channel.write, target.token, text) : null;
  },
  saveFiles: (files) => call(Channel.exportFiles, files),
  recentFiles: () => call(Channel.recentList),
  onMenu: (listener) => subscribe(RendererEvent.menuCommand, listener),
  async droppedFile(file) {
    const path = webUtils.getPathForFile(file);
    return path ? call(Channel.drop, path) : null;
  },
  async setDocumentState(state) {
    await call(Channel.documentState, state);
  },
  async writeRecovery(text, name = 'Unsaved work') {
    await call(Channel.recoveryWrite, text, name);
  },
  async readRecovery() {
    const left = (await call(Channel.recoveryList)).find((r) => !r.current);
    return left ? call(Channel.recoveryRead, left.id) : null;
  },
  async clearRecovery() {
    await call(Channel.recoveryDiscard, '*');
  },
};

contextBridge.exposeInMainWorld('backpropDesktop', bridge);
