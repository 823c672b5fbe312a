/**
 * The main window and the rules every web contents lives under: fixed secure webPreferences (spelled
 * out even where they are Electron's defaults), no navigation away from the app, no new windows
 * (https links go to the system browser), no webviews, no permissions.
 */
import type { BrowserWindow as ElectronBrowserWindow, Session, WebContents } from 'electron';
import { isAllowedNavigation, isPermissionAllowed, isSafeExternalUrl } from './security.ts';

/**
 * The one window. Its options are written out in place (not built elsewhere) so that security
 * scanners reading this file see exactly what Electron gets.
 */
export function createMainWindow(
  BrowserWindow: typeof ElectronBrowserWindow,
  o: { preload: string; isDev: boolean; title: string },
): ElectronBrowserWindow {
  return new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    title: o.title,
    show: false,
    backgroundColor: '#1e1e24',
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
      devTools: o.isDev,
    },
  });
}

/** Navigation, new windows and webviews for one web contents. */
export function hardenWebContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  allowedOrigins: readonly string[],
  openExternal: (url: string) => void,
): void {
  const guard = (e: { preventDefault(): void }, url: string) => {
    if (!isAllowedNavigation(url, allowedOrigins)) e.preventDefault();
  };
  contents.on('will-navigate', (e) => guard(e, e.url));
  contents.on('will-redirect', (e) => guard(e, e.url));
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** Every permission request and check is answered from the allow-list (empty). */
export function hardenSession(
  s: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
): void {
  s.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionAllowed(permission)));
  s.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission));
}
