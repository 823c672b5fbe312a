/**
 * The desktop app's main process, given Electron and the engine host's bundled entry: one window on the
 * app:// protocol, hardened sessions and web contents, the menu, file access through tokens, crash
 * recovery files, and the engine in a utility process wired to the window by a MessageChannelMain.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type * as ElectronModule from 'electron';
import type { BrowserWindow as BrowserWindowType, IpcMainInvokeEvent } from 'electron';
import { createAppProtocolHandler } from './app-protocol.ts';
import { RendererEvent } from './contract.ts';
import type { FileHandle, MenuCommand, RendererEventTypes } from './contract.ts';
import { createEngineHost } from './engine-host.ts';
import type { EngineHost } from './engine-host.ts';
import { cleanTempFiles } from './files/atomic-write.ts';
import { createRecentFiles } from './files/recent.ts';
import type { RecentFiles } from './files/recent.ts';
import { createRecoveryStore } from './files/recovery.ts';
import { createFileService } from './files/service.ts';
import { createTokenStore } from './files/tokens.ts';
import { registerIpc, senderInfo } from './ipc.ts';
import type { Handlers } from './ipc.ts';
import { desktopLang, desktopTranslator, exportFilters, fileFilters, modelFilters } from './i18n.ts';
import type { DesktopTranslate } from './i18n.ts';
import { buildMenuTemplate } from './menu.ts';
import {
  APP_ENTRY,
  APP_ORIGIN,
  APP_SCHEME,
  isSafeExternalUrl,
  isTrustedSender,
  originOf,
} from './security.ts';
import { createMainWindow, hardenSession, hardenWebContents } from './window.ts';

export interface StartOptions {
  /** The bundled engine host entry (electron-utility.ts built for the utility process). */
  engineEntry: string;
  /** The bundled sweep worker (sweep-worker.ts), which the engine host starts in worker threads. */
  sweepEntry?: string;
  /** Folder of the built main bundle (out/main): preload and renderer sit next to it. */
  mainDir: string;
  /** Development: load the renderer from the Vite dev server at this URL. */
  devServerUrl?: string;
  /** Let the engine host accept fault-injection calls (end-to-end tests of crash recovery). */
  engineFaults?: boolean;
}

/** The engine host's arguments: where its sweep worker is, and fault injection for tests. */
export function engineArgs(o: Pick<StartOptions, 'sweepEntry' | 'engineFaults'>): string[] {
  return [
    ...(o.sweepEntry ? [`--sweep-worker=${o.sweepEntry}`] : []),
    ...(o.engineFaults ? ['--engine-faults'] : []),
  ];
}

/** The parts of Electron's main-process API the app uses. */
export type ElectronApi = Pick<
  typeof ElectronModule,
  | 'app'
  | 'BrowserWindow'
  | 'dialog'
  | 'ipcMain'
  | 'Menu'
  | 'MessageChannelMain'
  | 'nativeTheme'
  | 'protocol'
  | 'session'
  | 'shell'
  | 'utilityProcess'
>;

export interface AppHandle {
  readonly window: BrowserWindowType | null;
  readonly engine: EngineHost;
  readonly ready: Promise<void>;
}

export function startApp(electron: ElectronApi, o: StartOptions): AppHandle {
  const {
    app,
    BrowserWindow,
    dialog,
    ipcMain,
    Menu,
    MessageChannelMain,
    nativeTheme,
    protocol,
    session,
    shell,
  } = electron;
  const isDev = !app.isPackaged && !!o.devServerUrl;
  const allowedOrigins = [APP_ORIGIN, ...(isDev && o.devServerUrl ? [originOf(o.devServerUrl)!] : [])];
  const rendererRoot = join(o.mainDir, '../renderer');
  const preload = join(o.mainDir, '../preload/preload.cjs');

  // Before ready: the scheme must be privileged (standard, secure) and every renderer sandboxed.
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
  app.enableSandbox();

  let win: BrowserWindowType | null = null;
  let edited = false;
  let closing = false;
  const openExternal = (url: string) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
  };

  const engine = createEngineHost({
    fork: () =>
      electron.utilityProcess.fork(o.engineEntry, engineArgs(o), {
        serviceName: 'Backprop Studio engine',
        stdio: 'inherit',
      }),
    createChannel: () => new MessageChannelMain(),
    onCrash: (reason) => send(RendererEvent.engineExit, reason),
  });

  const userData = () => app.getPath('userData');
  const tokens = createTokenStore();
  let recent: RecentFiles;
  let files: ReturnType<typeof createFileService>;
  let recovery: ReturnType<typeof createRecoveryStore>;

  const isTrusted = (event: IpcMainInvokeEvent) =>
    isTrustedSender(senderInfo(event), {
      webContentsId: win?.webContents.id ?? null,
      origins: allowedOrigins,
    });

  /** An event to the window, with the payload the contract gives it. */
  function send<E extends keyof RendererEventTypes>(event: E, ...args: RendererEventTypes[E]): void {
    win?.webContents.send(event, ...args);
  }
  const command = (c: MenuCommand, file?: FileHandle) => send(RendererEvent.menuCommand, c, file);

  /** The OS language (known once the app is ready), and the shell's words in it. */
  const lang = () => desktopLang(app.getLocale());
  const t: DesktopTranslate = (key, params) => desktopTranslator(lang())(key, params);

  async function refreshMenu(): Promise<void> {
    const template = buildMenuTemplate({
      platform: process.platform,
      isDev,
      lang: lang(),
      appName: app.getName(),
      recent: await files.recent().catch(() => []),
      command,
      // Picking a recent file in the menu is what grants it; the window then opens it by token.
      openRecent: (i) =>
        void files
          .openRecent(i)
          .then((h) => h && command('open-recent', h))
          .catch(() => {}),
      clearRecent: () => void recent.clear().then(refreshMenu),
      toggleDarkMode: () => {
        nativeTheme.themeSource = nativeTheme.shouldUseDarkColors ? 'light' : 'dark';
      },
      about: () => app.showAboutPanel(),
      openLink: openExternal,
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  const handlers: Handlers = {
    'window:document-state': ([s]) => {
      edited = s.edited;
      win?.setTitle(s.title || app.getName());
      win?.setDocumentEdited(s.edited);
    },
    'files:open-dialog': async ([kind]) => {
      const f = await files.openDialog(kind);
      if (f) void refreshMenu();
      return f;
    },
    'files:open-many': ([kind]) => files.openManyDialog(kind),
    'files:save-dialog': ([kind, name]) => files.saveDialog(kind, name),
    'files:read': ([token]) => files.read(token),
    'files:export': ([list]) => files.exportFiles(list),
    'files:write': async ([token, text]) => {
      const h = await files.write(token, text);
      void refreshMenu();
      return h;
    },
    'files:drop': async ([path]) => {
      const f = await files.drop(path);
      void refreshMenu();
      return f;
    },
    'recent:list': () => files.recent(),
    'recovery:list': () => recovery.list(),
    'recovery:read': ([id]) => recovery.read(id),
    'recovery:write': ([text, name]) => recovery.write(text, name),
    'recovery:discard': ([id]) => (id === '*' ? recovery.discardAll() : recovery.discard(id)),
    'engine:connect': (_args, event) => {
      const port = engine.connect();
      event.sender.postMessage(RendererEvent.enginePort, null, [port as ElectronModule.MessagePortMain]);
    },
  };

  function createWindow(): BrowserWindowType {
    const w = createMainWindow(BrowserWindow, { preload, isDev, title: app.getName() });
    w.once('ready-to-show', () => w.show());
    w.on('close', (e) => {
      if (!edited || closing) return;
      e.preventDefault();
      void dialog
        .showMessageBox(w, {
          type: 'question',
          buttons: [t('unsaved.discard'), t('unsaved.cancel')],
          defaultId: 1,
          cancelId: 1,
          message: t('unsaved.message'),
          detail: t('unsaved.detail'),
        })
        .then((r) => {
          if (r.response === 0) {
            closing = true;
            w.close();
          }
        });
    });
    w.on('closed', () => {
      if (win === w) win = null;
    });
    void w.loadURL(isDev && o.devServerUrl ? o.devServerUrl : APP_ENTRY);
    return w;
  }

  if (!app.requestSingleInstanceLock()) {
    app.quit();
  } else {
    app.on('second-instance', () => {
      if (!win) return;
      if (win.isMinimized()) win.restore();
      win.focus();
    });
  }

  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents, allowedOrigins, openExternal));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!win && app.isReady()) win = createWindow();
  });
  app.on('before-quit', () => engine.dispose());

  const ready = app.whenReady().then(async () => {
    hardenSession(session.defaultSession);
    protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererRoot));
    recent = createRecentFiles(join(userData(), 'recent-files.json'));
    files = createFileService({
      tokens,
      recent,
      defaultDir: app.getPath('documents'),
      dialogs: {
        open: async ({ kind, defaultPath }) => {
          const r = await dialog.showOpenDialog(win!, {
            title: t(`dialog.open.${kind}`),
            properties: ['openFile'],
            filters: fileFilters(kind, t),
            defaultPath,
          });
          return r.canceled ? null : (r.filePaths[0] ?? null);
        },
        openMany: async ({ kind, defaultPath }) => {
          const r = await dialog.showOpenDialog(win!, {
            title: t(`dialog.open.${kind}`),
            properties: ['openFile', 'multiSelections'],
            filters: kind === 'weights' ? modelFilters(t) : fileFilters(kind, t),
            defaultPath,
          });
          return r.canceled || r.filePaths.length === 0 ? null : r.filePaths;
        },
        save: async ({ kind, filters, defaultPath }) => {
          const r = await dialog.showSaveDialog(win!, {
            title: t(`dialog.save.${kind}`),
            filters: kind === 'export' ? exportFilters(filters, t) : fileFilters(kind, t),
            defaultPath,
            // Shown by macOS: the files written beside the picked one replace files of the same names.
            ...(kind === 'export' ? { message: t('dialog.exportMessage') } : {}),
            properties: ['showOverwriteConfirmation'],
          });
          return r.canceled ? null : (r.filePath ?? null);
        },
      },
    });
    recovery = createRecoveryStore(join(userData(), 'recovery'), randomUUID());
    registerIpc(ipcMain, handlers, isTrusted);
    await Promise.all([recovery.clean(), ...(await files.recentDirs()).map((d) => cleanTempFiles(d))]).catch(
      () => {},
    );
    engine.warm();
    win = createWindow();
    await refreshMenu();
  });

  return {
    get window() {
      return win;
    },
    engine,
    ready,
  };
}
