import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Channel, ENGINE_PORT_MESSAGE, RendererEvent } from '../../electron/contract.ts';
import type { DesktopBridge } from '../../electron/contract.ts';
import { desktopFailure } from '../../renderer/src/lib/desktop-error.ts';
import type { ElectronMock } from './electron-mock.ts';

const state = vi.hoisted(() => ({ electron: null as unknown as ElectronMock }));
vi.mock('electron', async () => {
  const { createElectronMock } = await import('./electron-mock.ts');
  state.electron = createElectronMock();
  return { ...state.electron, default: state.electron };
});

const postMessage = vi.fn();
let bridge: DesktopBridge;
let e: ElectronMock;
const ok = (value: unknown) => ({ ok: true, value });
const fail = (code: string, params: Record<string, unknown> = {}) => ({
  ok: false,
  error: { code, message: `failed: ${code}`, params },
});

beforeAll(async () => {
  (globalThis as { window?: unknown }).window = { postMessage };
  await import('../../electron/preload.ts');
  e = state.electron;
  bridge = e.exposed.backpropDesktop as DesktopBridge;
});

describe('preload', () => {
  it('exposes named functions only, no raw ipcRenderer', () => {
    expect(e.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(e.exposed)).toEqual(['backpropDesktop']);
    for (const [name, value] of Object.entries(bridge)) expect(typeof value, name).toBe('function');
    for (const raw of ['invoke', 'send', 'sendSync', 'on', 'postMessage', 'ipcRenderer'])
      expect(bridge).not.toHaveProperty(raw);
  });

  it('exposes exactly the contract: no method the window does not know of', () => {
    // Typed by the contract, so this list cannot miss a method of DesktopBridge or name one it lacks.
    const methods: Record<keyof DesktopBridge, true> = {
      requestEngine: true,
      onEngineExit: true,
      openFile: true,
      openFiles: true,
      readToken: true,
      saveFile: true,
      saveFiles: true,
      recentFiles: true,
      onMenu: true,
      droppedFile: true,
      setDocumentState: true,
      writeRecovery: true,
      readRecovery: true,
      clearRecovery: true,
    };
    expect(Object.keys(bridge).sort()).toEqual(Object.keys(methods).sort());
  });

  it('sends the window title and unsaved mark to main', async () => {
    e.ipcRenderer.invoke.mockResolvedValueOnce(ok(null));
    await expect(
      bridge.setDocumentState({ edited: true, title: 'a – Backprop Studio' }),
    ).resolves.toBeUndefined();
    expect(e.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channel.documentState, {
      edited: true,
      title: 'a – Backprop Studio',
    });
  });

  it('asks main for the engine and forwards the port to the page as a window message', async () => {
    e.ipcRenderer.invoke.mockResolvedValueOnce(ok(null));
    bridge.requestEngine();
    expect(e.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channel.engineConnect);
    const port = { name: 'port' };
    for (const l of e.rendererListeners.get(RendererEvent.enginePort) ?? []) l({ ports: [port] });
    expect(postMessage).toHaveBeenCalledWith(ENGINE_PORT_MESSAGE, '*', [port]);
  });

  it('reports engine exits and menu commands until unsubscribed', () => {
    const exits = vi.fn();
    const off = bridge.onEngineExit(exits);
    const fire = (ch: string, ...a: unknown[]) =>
      (e.rendererListeners.get(ch) ?? []).forEach((l) => l({}, ...a));
    const reason = { key: 'host.reason.exitCode', params: { code: 9 } };
    fire(RendererEvent.engineExit, reason);
    off();
    fire(RendererEvent.engineExit, { key: 'host.reason.didNotStart' });
    expect(exits.mock.calls).toEqual([[reason]]);
    const menu = vi.fn();
    bridge.onMenu(menu);
    fire(RendererEvent.menuCommand, 'open-recent', { token: 't', name: 'a.bps.json', kind: 'project' });
    expect(menu).toHaveBeenCalledWith('open-recent', { token: 't', name: 'a.bps.json', kind: 'project' });
  });

  it('asks main for files picked together', async () => {
    e.ipcRenderer.invoke.mockResolvedValueOnce(
      ok([{ token: 't', name: 'model.json', kind: 'weights', bytes: new Uint8Array([1]) }]),
    );
    await expect(bridge.openFiles('weights')).resolves.toMatchObject([{ name: 'model.json' }]);
    expect(e.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channel.openManyDialog, 'weights');
  });

  it('sends an export to main in one call, and passes a refusal on as a bridge error', async () => {
    const files = [
      { name: 'model.json', data: '{}' },
      { name: 'group1-shard1of1.bin', data: new Uint8Array([1, 2]) },
    ];
    e.ipcRenderer.invoke.mockResolvedValueOnce(ok({ names: ['m.json', 'group1-shard1of1.bin'] }));
    await expect(bridge.saveFiles(files)).resolves.toEqual({ names: ['m.json', 'group1-shard1of1.bin'] });
    expect(e.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channel.exportFiles, files);
    e.ipcRenderer.invoke.mockResolvedValueOnce(fail('WRITE_FAILED', { name: 'm.json', errno: 'ENOSPC' }));
    const error = await bridge.saveFiles(files).catch((x: unknown) => x);
    expect(desktopFailure(error)).toMatchObject({ code: 'WRITE_FAILED', params: { errno: 'ENOSPC' } });
  });

  it('opens and reads files by token; a forgotten token reads as null', async () => {
    e.ipcRenderer.invoke.mockResolvedValueOnce(
      ok({ token: 't', name: 'iris.csv', kind: 'csv', bytes: new Uint8Array([1]) }),
    );
    await expect(bridge.openFile('csv')).resolves.toMatchObject({ name: 'iris.csv' });
    expect(e.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channel.openDialog, 'csv');
    e.ipcRenderer.invoke.mockResolvedValueOnce(fail('UNKNOWN_TOKEN'));
    await expect(bridge.readToken('t')).resolves.toBeNull();
    e.ipcRenderer.invoke.mockResolvedValueOnce(fail('READ_FAILED', { name: 'iris.csv', errno: 'EACCES' }));
    const error = await bridge.readToken('t').catch((x: unknown) => x);
    // Only the message crosses the context bridge: the code and facts must be readable from it alone.
    const copied = new Error((error as Error).message);
    expect(desktopFailure(copied)).toEqual({
      code: 'READ_FAILED',
      params: { name: 'iris.csv', errno: 'EACCES' },
    });
  });

  it('saves to a token, or asks where when it cannot', async () => {
    const handle = { token: 'u', name: 'n.bps.json', kind: 'project' };
    e.ipcRenderer.invoke.mockResolvedValueOnce(ok(handle));
    await expect(bridge.saveFile('project', 'n.bps.json', '{}', 'u')).resolves.toEqual(handle);
    expect(e.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channel.write, 'u', '{}');

    e.ipcRenderer.invoke
      .mockResolvedValueOnce(fail('NOT_WRITABLE'))
      .mockResolvedValueOnce(ok(handle))
      .mockResolvedValueOnce(ok(handle));
    await expect(bridge.saveFile('project', 'n.bps.json', '{}', 'r')).resolves.toEqual(handle);
    expect(e.ipcRenderer.invoke.mock.calls.slice(-2)).toEqual([
      [Channel.saveDialog, 'project', 'n.bps.json'],
      [Channel.write, 'u', '{}'],
    ]);

    e.ipcRenderer.invoke.mockResolvedValueOnce(ok(null));
    await expect(bridge.saveFile('weights', 'w.weights.json', '{}')).resolves.toBeNull();
  });

  it('turns a dropped File into a token through main, and ignores Files without a path', async () => {
    e.ipcRenderer.invoke.mockResolvedValueOnce(
      ok({ token: 'd', name: 'x.csv', kind: 'csv', bytes: new Uint8Array() }),
    );
    await expect(bridge.droppedFile({ path: '/home/me/x.csv' } as unknown as File)).resolves.toMatchObject({
      token: 'd',
    });
    expect(e.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channel.drop, '/home/me/x.csv');
    const calls = e.ipcRenderer.invoke.mock.calls.length;
    await expect(bridge.droppedFile({} as File)).resolves.toBeNull();
    expect(e.ipcRenderer.invoke.mock.calls.length).toBe(calls);
  });

  it('offers back work left by an earlier run, not this one', async () => {
    e.ipcRenderer.invoke
      .mockResolvedValueOnce(
        ok([
          { id: 'now', current: true },
          { id: 'old', current: false },
        ]),
      )
      .mockResolvedValueOnce(ok('{"left":1}'));
    await expect(bridge.readRecovery()).resolves.toBe('{"left":1}');
    expect(e.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channel.recoveryRead, 'old');
    e.ipcRenderer.invoke.mockResolvedValueOnce(ok([{ id: 'now', current: true }]));
    await expect(bridge.readRecovery()).resolves.toBeNull();
    e.ipcRenderer.invoke.mockResolvedValueOnce(ok(null));
    await bridge.clearRecovery();
    expect(e.ipcRenderer.invoke).toHaveBeenLastCalledWith(Channel.recoveryDiscard, '*');
  });
});
