import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Channel, RendererEvent } from '../../electron/contract.ts';
import type { ElectronMock } from './electron-mock.ts';
import { FakeBrowserWindow, FakeMessageChannelMain } from './electron-mock.ts';

const state = vi.hoisted(() => ({ electron: null as unknown as ElectronMock }));
vi.mock('electron', async () => {
  const { createElectronMock } = await import('./electron-mock.ts');
  state.electron = createElectronMock();
  return { ...state.electron, default: state.electron };
});
vi.mock('../../engine/host/electron-utility.ts?modulePath', () => ({ default: '/app/out/main/engine.js' }));
vi.mock('../../engine/host/sweep-worker.ts?modulePath', () => ({ default: '/app/out/main/sweep-worker.js' }));

const userData = mkdtempSync(join(tmpdir(), 'bps-main-'));
let win: FakeBrowserWindow;
let e: ElectronMock;

beforeAll(async () => {
  Reflect.deleteProperty(process.env, 'ELECTRON_RENDERER_URL');
  const electron = (await import('electron')) as unknown as ElectronMock;
  electron.app.getPath.mockImplementation(() => userData);
  await import('../../electron/main.ts');
  e = state.electron;
  await e.app.whenReady.mock.results[0]!.value;
  await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1));
  win = FakeBrowserWindow.created[0]!;
  await vi.waitFor(() => expect(e.Menu.setApplicationMenu).toHaveBeenCalled());
});
afterAll(() => rmSync(userData, { recursive: true, force: true }));

/** An invoke event as Electron would build it. */
function event(o: { id?: number; url?: string | null; subframe?: boolean } = {}) {
  const sender = o.id === undefined ? win.webContents : { id: o.id, postMessage: vi.fn() };
  const url = o.url === undefined ? 'app://bundle/index.html' : o.url;
  return { sender, senderFrame: url === null ? null : { url, parent: o.subframe ? {} : null } };
}
type Fn = (...args: unknown[]) => unknown;
const invoke = (channel: string, ev: unknown, ...args: unknown[]) => e.handlers.get(channel)!(ev, ...args);

describe('main process', () => {
  it('registers app:// as a privileged scheme and sandboxes every renderer before ready', () => {
    expect(e.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    expect(e.app.enableSandbox).toHaveBeenCalled();
    expect(e.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(e.app.requestSingleInstanceLock).toHaveBeenCalled();
  });

  it('opens one window with exactly the secure webPreferences, on app://', () => {
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toEqual({
      preload: expect.stringMatching(/preload[/\\]preload\.cjs$/),
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
      devTools: false,
    });
    expect(prefs).not.toHaveProperty('nodeIntegrationInWorker');
    expect(win.loadURL).toHaveBeenCalledWith('app://bundle/index.html');
  });

  it('denies every permission and hardens each web contents', () => {
    const [[request]] = e.session.defaultSession.setPermissionRequestHandler.mock.calls as [[Fn]];
    const cb = vi.fn();
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])
      request(null, p, cb);
    expect(cb.mock.calls.every(([ok]) => ok === false)).toBe(true);
    const [[check]] = e.session.defaultSession.setPermissionCheckHandler.mock.calls as [[Fn]];
    expect(check(null, 'media')).toBe(false);

    e.app.emit('web-contents-created', {}, win.webContents);
    const [[open]] = win.webContents.setWindowOpenHandler.mock.calls as [[Fn]];
    expect(open({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(e.shell.openExternal.mock.calls).toEqual([['https://example.org/']]);
    for (const [url, blocked] of [
      ['https://evil.example/', true],
      ['file:///etc/passwd', true],
      ['app://bundle/index.html', false],
    ] as const) {
      const ev = { url, preventDefault: vi.fn() };
      win.webContents.emit('will-navigate', ev);
      expect(ev.preventDefault).toHaveBeenCalledTimes(blocked ? 1 : 0);
    }
  });

  it('registers a handler for every channel', () => {
    expect([...e.handlers.keys()].sort()).toEqual(Object.values(Channel).sort());
  });

  it.each(Object.values(Channel))('refuses %s from a foreign sender', async (channel) => {
    for (const ev of [
      event({ id: 4242 }),
      event({ subframe: true }),
      event({ url: 'https://evil.example/' }),
      event({ url: 'file:///tmp/x.html' }),
      event({ url: null }),
    ]) {
      await expect(invoke(channel, ev)).resolves.toMatchObject({ ok: false, error: { code: 'BAD_SENDER' } });
    }
  });

  it.each([
    [Channel.recentList, ['extra']],
    [Channel.openDialog, ['exe']],
    [Channel.openDialog, []],
    [Channel.openManyDialog, ['exe']],
    [Channel.openManyDialog, ['weights', '/etc']],
    [Channel.exportFiles, [[{ name: '../model.json', data: '{}' }]]],
    [Channel.saveDialog, ['project', '../../.bashrc']],
    [Channel.saveDialog, ['project', '/etc/passwd']],
    [Channel.saveDialog, ['project', 'C:\\x.json']],
    [Channel.read, ['/etc/passwd']],
    [Channel.read, [42]],
    [Channel.write, ['not-a-token', 'text']],
    [Channel.write, ['00000000-0000-0000-0000-000000000000', { text: 1 }]],
    [Channel.drop, [{ path: '/etc/passwd' }]],
    [Channel.recoveryRead, ['../../secrets']],
    [Channel.recoveryDiscard, ['a/b']],
    [Channel.documentState, [{ edited: 'yes', title: '' }]],
    [Channel.documentState, [{ edited: true, title: 'x', extra: 1 }]],
    [Channel.engineConnect, [1]],
  ])('refuses bad arguments: %s %j', async (channel, args) => {
    await expect(invoke(channel, event(), ...args)).resolves.toMatchObject({
      ok: false,
      error: { code: 'BAD_ARGUMENT' },
    });
  });

  it('answers a trusted sender', async () => {
    await expect(invoke(Channel.recentList, event())).resolves.toEqual({ ok: true, value: [] });
    await expect(
      invoke(Channel.read, event(), '00000000-0000-4000-8000-000000000000'),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_TOKEN' },
    });
    await expect(invoke(Channel.recoveryWrite, event(), '{"p":1}', 'Untitled')).resolves.toEqual({
      ok: true,
      value: null,
    });
    const list = (await invoke(Channel.recoveryList, event())) as { value: { current: boolean }[] };
    expect(list.value).toEqual([expect.objectContaining({ name: 'Untitled', current: true })]);
  });

  it('wires the engine: one port to the utility process, the other to the window', async () => {
    const before = FakeMessageChannelMain.created.length;
    await expect(invoke(Channel.engineConnect, event())).resolves.toEqual({ ok: true, value: null });
    const channel = FakeMessageChannelMain.created[before]!;
    const host = e.forks.at(-1)!;
    expect(e.utilityProcess.fork).toHaveBeenCalledWith(
      '/app/out/main/engine.js',
      ['--sweep-worker=/app/out/main/sweep-worker.js'],
      expect.objectContaining({ serviceName: expect.any(String) }),
    );
    expect(host.postMessage).toHaveBeenCalledWith({ type: 'connect' }, [channel.port1]);
    expect(win.webContents.postMessage).toHaveBeenCalledWith(RendererEvent.enginePort, null, [channel.port2]);
  });

  it('tells the window when the engine dies, starts a new host, and reconnects on request', async () => {
    const host = e.forks.at(-1)!;
    const forks = e.utilityProcess.fork.mock.calls.length;
    host.emit('exit', 9);
    expect(win.webContents.send).toHaveBeenCalledWith(RendererEvent.engineExit, {
      key: 'host.reason.exitCode',
      params: { code: 9 },
    });
    expect(e.utilityProcess.fork).toHaveBeenCalledTimes(forks + 1);
    await invoke(Channel.engineConnect, event());
    const spare = e.forks.at(-1)!;
    expect(spare.postMessage).toHaveBeenCalledWith({ type: 'connect' }, [
      FakeMessageChannelMain.created.at(-1)!.port1,
    ]);
    // a second connection (a hung host, a reload) replaces the host
    await invoke(Channel.engineConnect, event());
    expect(spare.kill).toHaveBeenCalled();
    expect(e.forks.at(-1)).not.toBe(spare);
  });

  it('builds the menu without reload or DevTools outside development', () => {
    const menu = e.Menu.buildFromTemplate.mock.calls.at(-1)![0] as {
      label?: string;
      submenu?: { role?: string }[];
    }[];
    const roles = menu.flatMap((m) => m.submenu ?? []).map((i) => i.role);
    expect(roles).not.toContain('reload');
    expect(roles).not.toContain('toggleDevTools');
    expect(menu.map((m) => m.label ?? 'Help')).toEqual(expect.arrayContaining(['File', 'Edit', 'View']));
  });

  it('asks before closing a window with unsaved changes', async () => {
    await invoke(Channel.documentState, event(), { edited: true, title: 'net.bps.json' });
    expect(win.setDocumentEdited).toHaveBeenCalledWith(true);
    e.dialog.showMessageBox.mockResolvedValueOnce({ response: 1 });
    const close = { preventDefault: vi.fn() };
    win.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
    await invoke(Channel.documentState, event(), { edited: false, title: '' });
    const again = { preventDefault: vi.fn() };
    win.emit('close', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });
});
