/**
 * What the desktop shell's preload offers the window (absent in the browser build). The window never
 * sees file paths: files come and go as opaque tokens from dialogs (or drops) the person saw.
 */

import type { MessageRef } from '../../../engine/i18n.ts';

/** The data of the window message that carries the engine's MessagePort. */
export const ENGINE_PORT_MESSAGE = 'backprop:engine-port';

export interface FileHandle {
  token: string;
  name: string;
}

export interface OpenedFile extends FileHandle {
  bytes: Uint8Array;
}

export type FileKind = 'project' | 'csv' | 'weights';

export interface DesktopBridge {
  /**
   * Asks for a fresh engine host; its MessagePort arrives as a window message whose data is
   * ENGINE_PORT_MESSAGE (ports cannot cross the context bridge as return values).
   */
  requestEngine(): void;
  /** Called when the engine host exits, with why (a message key and params); returns an unsubscribe function. */
  onEngineExit(listener: (reason: MessageRef) => void): () => void;
  openFile(kind: FileKind): Promise<OpenedFile | null>;
  readToken(token: string): Promise<OpenedFile | null>;
  /** Saves to `token` (Save) or asks where (Save As, or no token). */
  saveFile(kind: FileKind, suggestedName: string, text: string, token?: string): Promise<FileHandle | null>;
  /** Recent files by name (the native menu opens them; a name grants nothing). */
  recentFiles(): Promise<{ name: string; kind: FileKind }[]>;
  /** Menu commands (undo, redo, save, open, …) from the native menu; `open-recent` names its file. */
  onMenu(listener: (command: string, file?: FileHandle) => void): () => void;
  /** A file dropped on the window: the shell grants a token for it and returns its bytes. */
  droppedFile(file: File): Promise<OpenedFile | null>;
  /** Window title and unsaved-changes mark (the shell asks before closing an edited window). */
  setDocumentState(state: { edited: boolean; title: string }): Promise<unknown>;
  /** Autosave for crash recovery. */
  writeRecovery(text: string, name?: string): Promise<void>;
  readRecovery(): Promise<string | null>;
  clearRecovery(): Promise<void>;
}

declare global {
  interface Window {
    backpropDesktop?: DesktopBridge;
  }
}

export function desktop(): DesktopBridge | null {
  return typeof window !== 'undefined' && window.backpropDesktop ? window.backpropDesktop : null;
}
