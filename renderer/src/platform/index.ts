/** Where the window runs, decided once at start-up: inside the desktop shell when its bridge is there. */
import { browserPlatform } from './browser.ts';
import { desktopBridge, desktopPlatform } from './desktop.ts';
import type { Platform } from './platform.ts';

export type { PickedFile, Platform, RecoveryCopy, SavedFile } from './platform.ts';

export function choosePlatform(): Platform {
  const bridge = desktopBridge();
  return bridge ? desktopPlatform(bridge) : browserPlatform();
}
