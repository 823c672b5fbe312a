/**
 * What the window needs from where it runs: files, the recovery copy of unsaved work, the engine's
 * host, the native menu and title bar. The browser and the desktop shell each implement it once
 * (browser.ts, desktop.ts); `choosePlatform()` (index.ts) picks one at start-up and nothing else in the
 * window asks where it runs.
 */
import type { HostProcess } from '../../../engine/host/client.ts';
import type { DocumentState, FileKind, MenuCommand } from '../../../electron/contract.ts';
import type { ExportFile } from '../../../engine/formats/exports.ts';

export type { FileKind, MenuCommand } from '../../../electron/contract.ts';

/** A file the person chose or dropped. `token` names it for saving back (desktop only). */
export interface PickedFile {
  name: string;
  bytes: Uint8Array;
  token?: string;
}

/** Where a save went: the name it was saved under, and its token where the platform grants one. */
export interface SavedFile {
  name: string;
  token?: string;
}

/** The copy of unsaved work kept so that it survives a crash or a closed window. */
export interface RecoveryCopy {
  /** Keeps `text` (the project `name`); rejects when it could not be kept and the person must be told. */
  write(text: string, name: string): Promise<void>;
  /** The work an earlier session left unsaved, if any. */
  read(): Promise<string | null>;
  /** Forgets it (after a save, or when the person discards it). */
  clear(): void;
}

export interface Platform {
  readonly kind: 'browser' | 'desktop';
  /** Starts a host for the engine (again after a crash); the engine client supervises it. */
  spawnEngine(): HostProcess;
  /** Asks for a file of this kind; null when the person cancels. Rejects when the file cannot be read. */
  openFile(kind: FileKind): Promise<PickedFile | null>;
  /**
   * Asks for one or more files of this kind, picked together (a TensorFlow.js model.json with its
   * weights files); null when the person cancels.
   */
  openFiles(kind: FileKind): Promise<PickedFile[] | null>;
  /**
   * Saves `text`: over the file `token` names where given (Save), else where the person says (Save As,
   * or a download in the browser). Null when cancelled; rejects when it could not be written.
   */
  saveFile(kind: FileKind, suggestedName: string, text: string, token?: string): Promise<SavedFile | null>;
  /**
   * Saves the files of an export: where the person says for the first (a save dialog on the desktop,
   * which writes the others beside it under their names; downloads in the browser). The names saved
   * (the first as the person named it), or null when cancelled; rejects when they could not be written.
   */
  saveFiles(files: ExportFile[]): Promise<string[] | null>;
  /** A file granted earlier (the desktop's recent files); null when it is gone. */
  readToken(token: string): Promise<PickedFile | null>;
  /** A file dropped on the window; rejects when the platform refuses it (not a kind it opens, too large). */
  droppedFile(file: File): Promise<PickedFile>;
  readonly recovery: RecoveryCopy;
  /** Commands from a native menu (none in the browser); returns an unsubscribe function. */
  onMenu(listener: (command: MenuCommand, token?: string) => void): () => void;
  /** The project's name and unsaved mark in the title bar (and the desktop's close prompt). */
  setDocumentState(state: DocumentState): void;
}
