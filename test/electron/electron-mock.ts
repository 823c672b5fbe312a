// A stand-in for the 'electron' module (the binary is not installed where these tests run): records what
// main and preload ask of it, and lets a test play the parts of Electron (ready, IPC, exits).
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  id = FakeWebContents.nextId++;
  send = vi.fn();
  postMessage = vi.fn();
  setWindowOpenHandler = vi.fn();
  mainFrame = { url: 'app://bundle/index.html', parent: null };
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  loadURL = vi.fn(async () => {});
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn();
  close = vi.fn();
  setTitle = vi.fn();
  setDocumentEdited = vi.fn();
  isMinimized = () => false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }
}

export class FakeUtilityProcess extends EventEmitter {
  postMessage = vi.fn();
  kill = vi.fn(() => true);
}

export class FakePort {
  constructor(readonly name: string) {}
  close = vi.fn();
}

export class FakeMessageChannelMain {
  static created: FakeMessageChannelMain[] = [];
  port1 = new FakePort('port1');
  port2 = new FakePort('port2');
  constructor() {
    FakeMessageChannelMain.created.push(this);
  }
}

function makeApp() {
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    getName: () => 'Backprop Studio',
    getVersion: () => '0.1.0',
    getLocale: vi.fn(() => 'en-US'),
    getPath: vi.fn((_name: string) => '/nonexistent'),
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    quit: vi.fn(),
    isReady: () => true,
    showAboutPanel: vi.fn(),
    whenReady: vi.fn(() => Promise.resolve()),
  });
  return app;
}

export function createElectronMock() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const rendererListeners = new Map<string, ((...a: unknown[]) => void)[]>();
  const forks: FakeUtilityProcess[] = [];
  const exposed: Record<string, unknown> = {};
  return {
    handlers,
    forks,
    exposed,
    rendererListeners,
    app: makeApp(),
    BrowserWindow: FakeBrowserWindow,
    MessageChannelMain: FakeMessageChannelMain,
    ipcMain: { handle: vi.fn((ch: string, fn: never) => handlers.set(ch, fn)), removeHandler: vi.fn() },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
    utilityProcess: {
      fork: vi.fn(() => {
        const p = new FakeUtilityProcess();
        forks.push(p);
        return p;
      }),
    },
    Menu: { buildFromTemplate: vi.fn((t: unknown) => ({ template: t })), setApplicationMenu: vi.fn() },
    dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBox: vi.fn() },
    shell: { openExternal: vi.fn(async () => {}) },
    nativeTheme: { themeSource: 'system', shouldUseDarkColors: false },
    contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => (exposed[key] = api)) },
    ipcRenderer: {
      invoke: vi.fn(),
      on: vi.fn((ch: string, l: (...a: unknown[]) => void) =>
        rendererListeners.set(ch, [...(rendererListeners.get(ch) ?? []), l]),
      ),
      removeListener: vi.fn((ch: string, l: (...a: unknown[]) => void) =>
        rendererListeners.set(
          ch,
          (rendererListeners.get(ch) ?? []).filter((x) => x !== l),
        ),
      ),
    },
    webUtils: { getPathForFile: vi.fn((f: { path?: string }) => f.path ?? '') },
  };
}
export type ElectronMock = ReturnType<typeof createElectronMock>;
