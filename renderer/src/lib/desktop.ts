/**
 * The desktop shell's bridge as the window reaches it (absent in the browser build). What it offers,
 * and the records it passes, are the desktop contract's (electron/contract.ts); the window never sees
 * file paths, only tokens from dialogs or drops the person saw.
 */
import type { DesktopBridge } from '../../../electron/contract.ts';

export { ENGINE_PORT_MESSAGE } from '../../../electron/contract.ts';
export type { DesktopBridge, FileHandle, FileKind, OpenedFile } from '../../../electron/contract.ts';

declare global {
  interface Window {
    backpropDesktop?: DesktopBridge;
  }
}

/** The bridge when the window runs inside the desktop shell, else null. */
export function desktop(): DesktopBridge | null {
  return typeof window !== 'undefined' && window.backpropDesktop ? window.backpropDesktop : null;
}
