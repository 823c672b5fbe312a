/**
 * The window's only door to the desktop: a few named functions on `window.backpropDesktop` (no raw
 * ipcRenderer). Files travel as tokens, never paths: a dropped File's path is looked up here, in the
 * isolated preload world, and handed straight to main, which answers with a token. The engine's
 * MessagePort arrives from main and is passed on to the page as a window message.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { MessageRef } from '../engine/i18n.ts';
import type { DesktopBridge } from '../renderer/src/lib/desktop.ts';
import { BRIDGE_ERROR_PREFIX, Channel, ENGINE_PORT_MESSAGE, RendererEvent } from './channels.ts';
import type {
  AppInfo,
  FileHandle,
  FileKind,
  IpcError,
  IpcResult,
  MenuCommand,
  OpenedFile,
  RecentFileName,
  RecoveryEntry,
} from './channels.ts';

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

async function call<T>(channel: Channel, ...args: unknown[]): Promise<T> {
  const r = (await ipcRenderer.invoke(channel, ...args)) as IpcResult<T>;
  if (!r.ok) throw new DesktopError(r.error);
  return r.value;
}

function subscribe<A extends unknown[]>(event: string, listener: (...args: A) => void): () => void {
  const wrapped = (_e: Electron.IpcRendererEvent, ...args: unknown[]) => listener(...(args as A));
  ipcRenderer.on(event, wrapped);
  return () => void ipcRenderer.removeListener(event, wrapped);
}

// Ports cannot be returned across the context bridge; a window message can carry one into the page.
// '*' is safe here: the message goes to this very window, whose navigation main restricts to the app.
ipcRenderer.on(RendererEvent.enginePort, (e) => window.postMessage(ENGINE_PORT_MESSAGE, '*', e.ports));

const bridge = {
  requestEngine() {
    void call(Channel.engineConnect).catch((e: Error) => console.error(e.message));
  },
  onEngineExit: (listener: (reason: MessageRef) => void) =>
    subscribe<[MessageRef]>(RendererEvent.engineExit, listener),
  openFile: (kind: FileKind) => call<OpenedFile | null>(Channel.openDialog, kind),
  async readToken(token: string) {
    try {
      return await call<OpenedFile>(Channel.read, token);
    } catch (e) {
      if ((e as DesktopError).code === 'UNKNOWN_TOKEN') return null;
      throw e;
    }
  },
  async saveFile(kind: FileKind, suggestedName: string, text: string, token?: string) {
    if (token) {
      try {
        return await call<FileHandle>(Channel.write, token, text);
      } catch (e) {
        const code = (e as DesktopError).code;
        if (code !== 'UNKNOWN_TOKEN' && code !== 'NOT_WRITABLE') throw e;
      }
    }
    const target = await call<FileHandle | null>(Channel.saveDialog, kind, suggestedName);
    return target ? call<FileHandle>(Channel.write, target.token, text) : null;
  },
  recentFiles: () => call<RecentFileName[]>(Channel.recentList),
  clearRecentFiles: () => call<null>(Channel.recentClear),
  onMenu: (listener: (command: MenuCommand, file?: FileHandle) => void) =>
    subscribe<[MenuCommand, FileHandle | undefined]>(RendererEvent.menuCommand, listener),
  /** A File dropped on the window (or picked in an <input>): main grants a token for its path. */
  async droppedFile(file: File): Promise<OpenedFile | null> {
    const path = webUtils.getPathForFile(file);
    return path ? call<OpenedFile>(Channel.drop, path) : null;
  },
  async writeRecovery(text: string, name = 'Unsaved work') {
    await call<null>(Channel.recoveryWrite, text, name);
  },
  /** The newest work left by an earlier run that did not end cleanly, if any. */
  async readRecovery() {
    const left = (await call<RecoveryEntry[]>(Channel.recoveryList)).find((r) => !r.current);
    return left ? call<string | null>(Channel.recoveryRead, left.id) : null;
  },
  async clearRecovery() {
    await call<null>(Channel.recoveryDiscard, '*');
  },
  listRecovery: () => call<RecoveryEntry[]>(Channel.recoveryList),
  readRecoveryEntry: (id: string) => call<string | null>(Channel.recoveryRead, id),
  discardRecovery: (id: string) => call<null>(Channel.recoveryDiscard, id),
  appInfo: () => call<AppInfo>(Channel.appInfo),
  /** Window title and unsaved-changes mark (main asks before closing an edited window). */
  setDocumentState: (state: { edited: boolean; title: string }) => call<null>(Channel.documentState, state),
};

/** The bridge is the window's DesktopBridge contract, plus a few desktop-only extras. */
export type ElectronBridge = typeof bridge;
const contract: DesktopBridge = bridge;

contextBridge.exposeInMainWorld('backpropDesktop', contract);
