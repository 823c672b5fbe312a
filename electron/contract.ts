/**
 * The one list of IPC channels between main and preload, and the shapes that cross them. Imported by
 * both ends (the preload bundles it), so it holds plain constants and types only: no zod, no Node.
 */

/** Renderer → main requests (`ipcRenderer.invoke`); every one answers an IpcResult. */
export const Channel = {
  appInfo: 'app:info',
  documentState: 'window:document-state',
  openDialog: 'files:open-dialog',
  saveDialog: 'files:save-dialog',
  read: 'files:read',
  write: 'files:write',
  drop: 'files:drop',
  recentList: 'recent:list',
  recentClear: 'recent:clear',
  recoveryList: 'recovery:list',
  recoveryRead: 'recovery:read',
  recoveryWrite: 'recovery:write',
  recoveryDiscard: 'recovery:discard',
  engineConnect: 'engine:connect',
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

/** Main → renderer events (`webContents.send` / `postMessage`). */
export const RendererEvent = {
  /** Carries the engine's MessagePort; the preload forwards it to the page as a window message. */
  enginePort: 'engine:port',
  /** The engine host exited unexpectedly; the payload is the reason. */
  engineExit: 'engine:exit',
  menuCommand: 'menu:command',
} as const;

/** The data of the window message that carries the engine port into the page. */
export const ENGINE_PORT_MESSAGE = 'backprop:engine-port';

export type FileKind = 'project' | 'csv' | 'weights';
export const FILE_KINDS: readonly FileKind[] = ['project', 'csv', 'weights'];

/** A file the person chose, as the renderer sees it: an opaque token and a display name. */
export interface FileHandle {
  token: string;
  name: string;
  kind: FileKind;
}

/** A recent file as the window and the menu list it: a name, no token (picking one grants it). */
export interface RecentFileName {
  name: string;
  kind: FileKind;
}

export interface OpenedFile extends FileHandle {
  bytes: Uint8Array;
}

export interface RecoveryEntry {
  id: string;
  name: string;
  savedAt: number;
  size: number;
  /** Written by this run of the app (not left over from a crash). */
  current: boolean;
}

export interface AppInfo {
  name: string;
  version: string;
  electron: string;
  chrome: string;
  node: string;
  platform: string;
}

/** Why main refused or failed a request; the window words each one (`desktopError.<code>` in app.json). */
export const IPC_ERROR_CODES = [
  'BAD_SENDER',
  'BAD_ARGUMENT',
  'UNKNOWN_TOKEN',
  'NOT_READABLE',
  'NOT_WRITABLE',
  'NOT_A_FILE',
  'UNSUPPORTED_FILE',
  'FILE_TOO_LARGE',
  'READ_FAILED',
  'WRITE_FAILED',
  'IO_ERROR',
] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

/** The facts an error is worded from: the file's name, a size limit, the system's error code. */
export interface IpcErrorParams {
  name?: string;
  mb?: number;
  errno?: string;
}

export interface IpcError {
  code: IpcErrorCode;
  /** English, for logs. */
  message: string;
  params: IpcErrorParams;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/**
 * The context bridge copies only the message of an Error thrown across it, so a failed bridge call
 * rejects with an Error whose message is this prefix and the IpcError as JSON; the window reads it
 * back with `desktopFailure()` (renderer/src/lib/desktop.ts).
 */
export const BRIDGE_ERROR_PREFIX = 'backprop-desktop-error:';

/** Menu commands the window acts on (the menu itself lives in main). */
export const MENU_COMMANDS = [
  'new',
  'open',
  'open-recent',
  'save',
  'save-as',
  'import-csv',
  'export-weights',
  'undo',
  'redo',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];
