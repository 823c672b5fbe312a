/**
 * The desktop contract: everything main, preload and window agree on, in one module that each of them
 * imports (and that imports nothing of theirs). The channels with their arguments and results, the
 * events main sends, the bridge the preload exposes to the window, the file records and the error
 * codes. The preload and the window bundle it, so it holds plain constants and types only: no zod,
 * no Node, no Electron, no DOM. Main checks every argument against its own zod schemas, which must
 * match the argument types here (electron/ipc.ts).
 */
import type { MessageRef } from '../engine/i18n.ts';

/** Renderer → main requests (`ipcRenderer.invoke`); every one answers an IpcResult. */
export const Channel = {
  documentState: 'window:document-state',
  openDialog: 'files:open-dialog',
  openManyDialog: 'files:open-many',
  saveDialog: 'files:save-dialog',
  read: 'files:read',
  write: 'files:write',
  exportFiles: 'files:export',
  drop: 'files:drop',
  recentList: 'recent:list',
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
export type RendererEvent = (typeof RendererEvent)[keyof typeof RendererEvent];

/** The data of the window message that carries the engine port into the page. */
export const ENGINE_PORT_MESSAGE = 'backprop:engine-port';

/** What a file the window opens or saves holds; it picks the dialog's filters and the drop's reading. */
export const FILE_KINDS = ['project', 'csv', 'weights'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

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

/**
 * One file of an export as the window sends it: a plain name (no folders) and its contents, text or
 * bytes. The first file is the one the save dialog asks for; the others are written beside it under
 * their own names (the first refers to them by name).
 */
export interface ExportFileData {
  name: string;
  data: string | Uint8Array;
}

/** What an export may hold: how many files, and the file names main writes beside the one picked. */
export const EXPORT_LIMITS = {
  files: 8,
  /** A name of letters, digits, `_`, `-` and `.`, not starting with a dot, with one of these endings. */
  extensions: ['json', 'bin', 'onnx', 'py', 'npz', 'txt'],
} as const;

/** Where an export went: the names written (the picked one first). */
export interface ExportedFiles {
  names: string[];
}

export interface RecoveryEntry {
  id: string;
  name: string;
  savedAt: number;
  size: number;
  /** Written by this run of the app (not left over from a crash). */
  current: boolean;
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
 * back with `desktopFailure()` (renderer/src/lib/desktop-error.ts).
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

/** The window's title and whether it has unsaved changes (main asks before closing an edited window). */
export interface DocumentState {
  edited: boolean;
  title: string;
}

/**
 * Each channel's arguments (as `ipcRenderer.invoke` passes them after the channel) and the value of
 * its successful IpcResult. Main's zod schemas are checked against `args`, its handlers against
 * `result`; the preload's calls against both.
 */
export interface ChannelTypes {
  [Channel.documentState]: { args: [state: DocumentState]; result: null };
  [Channel.openDialog]: { args: [kind: FileKind]; result: OpenedFile | null };
  /** Files picked together in one open dialog (weights: a TF.js model.json with its .bin files). */
  [Channel.openManyDialog]: { args: [kind: FileKind]; result: OpenedFile[] | null };
  [Channel.saveDialog]: { args: [kind: FileKind, suggestedName: string]; result: FileHandle | null };
  [Channel.read]: { args: [token: string]; result: OpenedFile };
  [Channel.write]: { args: [token: string, text: string]; result: FileHandle };
  /**
   * Asks where the first file goes (a save dialog filtered by its extension) and writes every file
   * there, the others beside it under their names (files of those names are replaced); null when the
   * person cancels.
   */
  [Channel.exportFiles]: { args: [files: ExportFileData[]]; result: ExportedFiles | null };
  /** A dropped file's path, looked up in the preload (never by the window). */
  [Channel.drop]: { args: [path: string]; result: OpenedFile };
  [Channel.recentList]: { args: []; result: RecentFileName[] };
  [Channel.recoveryList]: { args: []; result: RecoveryEntry[] };
  [Channel.recoveryRead]: { args: [id: string]; result: string | null };
  [Channel.recoveryWrite]: { args: [text: string, name: string]; result: null };
  /** One entry by id, or '*' for every entry. */
  [Channel.recoveryDiscard]: { args: [id: string]; result: null };
  /** The engine's port arrives as the RendererEvent.enginePort message, not as the result. */
  [Channel.engineConnect]: { args: []; result: null };
}
export type ChannelArgs<C extends Channel> = ChannelTypes[C]['args'];
export type ChannelResult<C extends Channel> = ChannelTypes[C]['result'];

/** The payloads of main's events, as the preload's listeners receive them. */
export interface RendererEventTypes {
  [RendererEvent.enginePort]: [];
  [RendererEvent.engineExit]: [reason: MessageRef];
  [RendererEvent.menuCommand]: [command: MenuCommand, file?: FileHandle];
}

/**
 * What the preload offers the window as `window.backpropDesktop` (absent in the browser build): a few
 * named functions, no raw ipcRenderer. Files come and go as opaque tokens from dialogs or drops the
 * person saw, never as paths. A refused or failed call rejects with an Error whose message starts with
 * BRIDGE_ERROR_PREFIX.
 */
export interface DesktopBridge {
  /**
   * Asks for a fresh engine host; its MessagePort arrives as a window message whose data is
   * ENGINE_PORT_MESSAGE (ports cannot cross the context bridge as return values).
   */
  requestEngine(): void;
  /** Called when the engine host exits, with why; returns an unsubscribe function. */
  onEngineExit(listener: (reason: MessageRef) => void): () => void;
  openFile(kind: FileKind): Promise<OpenedFile | null>;
  /** Several files picked together (read only); null when cancelled. */
  openFiles(kind: FileKind): Promise<OpenedFile[] | null>;
  /** A granted file's current bytes; null when main no longer knows the token. */
  readToken(token: string): Promise<OpenedFile | null>;
  /** Saves to `token` (Save) or asks where (Save As, no token, or a token that cannot be written). */
  saveFile(kind: FileKind, suggestedName: string, text: string, token?: string): Promise<FileHandle | null>;
  /** Exports several files: a save dialog for the first, the others beside it; null when cancelled. */
  saveFiles(files: ExportFileData[]): Promise<ExportedFiles | null>;
  /** Recent files by name (the native menu opens them; a name grants nothing). */
  recentFiles(): Promise<RecentFileName[]>;
  /** Commands from the native menu; `open-recent` comes with the file it granted. */
  onMenu(listener: (command: MenuCommand, file?: FileHandle) => void): () => void;
  /** A File dropped on the window (or picked in an <input>): main grants a token for it. */
  droppedFile(file: File): Promise<OpenedFile | null>;
  setDocumentState(state: DocumentState): Promise<void>;
  /** Autosave for crash recovery. */
  writeRecovery(text: string, name?: string): Promise<void>;
  /** The newest work left by an earlier run that did not end cleanly, if any. */
  readRecovery(): Promise<string | null>;
  clearRecovery(): Promise<void>;
}
