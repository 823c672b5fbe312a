/**
 * Exports on the desktop: one save dialog for the first file, filtered by its extension; the others
 * written beside it under their names, replacing files of those names; nothing written when the person
 * cancels. The IPC channel refuses a foreign sender and every message that could name a path or
 * overflow main (separators, `..`, hidden or unknown-type names, too many or too large files, text
 * where bytes go and the reverse shapes).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Channel, EXPORT_LIMITS } from '../../electron/contract.ts';
import { createRecentFiles } from '../../electron/files/recent.ts';
import { createFileService } from '../../electron/files/service.ts';
import type { Dialogs } from '../../electron/files/service.ts';
import { createTokenStore } from '../../electron/files/tokens.ts';
import { registerIpc } from '../../electron/ipc.ts';
import type { Handlers } from '../../electron/ipc.ts';

vi.mock('electron', () => ({}));

const dir = mkdtempSync(join(tmpdir(), 'bps-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...p: string[]) => join(dir, ...p);

function service(save: string | null, maxBytes = 100_000, picked: string[] | null = null) {
  const dialogs: Dialogs = {
    open: vi.fn(async () => null),
    openMany: vi.fn(async () => picked),
    save: vi.fn(async () => save),
  };
  const recent = createRecentFiles(at(`recent-${Math.random().toString(16).slice(2)}.json`));
  const tokens = createTokenStore();
  const files = createFileService({ tokens, recent, dialogs, defaultDir: at('docs'), maxBytes });
  return { files, dialogs, recent, tokens };
}

const shard = new Uint8Array([0, 0, 128, 63, 0, 0, 0, 64]);
const tfjs = () => [
  { name: 'model.json', data: '{"format":"layers-model"}' },
  { name: 'group1-shard1of1.bin', data: shard },
];

describe('an export through the save dialog', () => {
  it('asks for the first file by its extension and writes the others beside the picked one', async () => {
    mkdirSync(at('out'), { recursive: true });
    const { files, dialogs, recent, tokens } = service(at('out', 'iris-model.json'));
    const saved = await files.exportFiles(tfjs());
    expect(saved).toEqual({ names: ['iris-model.json', 'group1-shard1of1.bin'] });
    expect(dialogs.save).toHaveBeenCalledWith({
      kind: 'export',
      filters: [{ name: 'JSON', extensions: ['json'] }],
      defaultPath: at('docs', 'model.json'),
    });
    expect(readFileSync(at('out', 'iris-model.json'), 'utf8')).toBe('{"format":"layers-model"}');
    expect(new Uint8Array(readFileSync(at('out', 'group1-shard1of1.bin')))).toEqual(shard);
    // Nothing else: no backups, no temporary files; no token granted, nothing among the recent files.
    expect(readdirSync(at('out')).sort()).toEqual(['group1-shard1of1.bin', 'iris-model.json']);
    expect(tokens.size()).toBe(0);
    expect(await recent.list()).toEqual([]);
    // The next dialog starts in that folder.
    await files.exportFiles(tfjs());
    expect(vi.mocked(dialogs.save).mock.calls[1]![0].defaultPath).toBe(at('out', 'model.json'));
  });

  it('replaces files of the same names, as the command line does', async () => {
    mkdirSync(at('again'), { recursive: true });
    writeFileSync(at('again', 'model.json'), 'old');
    writeFileSync(at('again', 'group1-shard1of1.bin'), 'old');
    const { files } = service(at('again', 'model.json'));
    await files.exportFiles(tfjs());
    expect(readFileSync(at('again', 'model.json'), 'utf8')).toContain('layers-model');
    expect(readFileSync(at('again', 'group1-shard1of1.bin'))).toHaveLength(8);
  });

  it('writes nothing when the person cancels', async () => {
    const { files } = service(null);
    await expect(files.exportFiles(tfjs())).resolves.toBeNull();
    expect(existsSync(at('docs'))).toBe(false);
  });

  it('refuses a picked name that one of the other files takes, writing nothing', async () => {
    mkdirSync(at('clash'), { recursive: true });
    const { files } = service(at('clash', 'GROUP1-shard1of1.bin'));
    await expect(files.exportFiles(tfjs())).rejects.toMatchObject({ code: 'NOT_WRITABLE' });
    expect(readdirSync(at('clash'))).toEqual([]);
  });

  it('refuses an export larger than the limit, writing nothing', async () => {
    mkdirSync(at('big'), { recursive: true });
    const { files } = service(at('big', 'model.json'), 10);
    await expect(files.exportFiles(tfjs())).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(readdirSync(at('big'))).toEqual([]);
  });

  it('says which file could not be written', async () => {
    const { files } = service(at('missing-folder', 'model.json'));
    await expect(files.exportFiles(tfjs())).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      params: { name: 'group1-shard1of1.bin', errno: 'ENOENT' },
    });
  });
});

describe('files picked together (a TF.js model and its weights)', () => {
  it('are read in one dialog that offers .json and .bin, granted for reading only', async () => {
    mkdirSync(at('model'), { recursive: true });
    writeFileSync(at('model', 'model.json'), '{}');
    writeFileSync(at('model', 'group1-shard1of1.bin'), shard);
    const picks = [at('model', 'model.json'), at('model', 'group1-shard1of1.bin')];
    const { files, dialogs, tokens, recent } = service(null, 100_000, picks);
    const opened = await files.openManyDialog('weights');
    expect(vi.mocked(dialogs.openMany!).mock.calls[0]![0].filters).toEqual([
      { name: 'Weights (JSON) or TensorFlow.js model', extensions: ['json', 'bin'] },
    ]);
    expect(opened!.map((f) => [f.name, f.kind, f.bytes.byteLength])).toEqual([
      ['model.json', 'weights', 2],
      ['group1-shard1of1.bin', 'weights', 8],
    ]);
    expect(JSON.stringify(opened!.map((f) => f.name))).not.toContain(dir);
    for (const f of opened!) {
      expect(tokens.canRead(f.token)).toBe(true);
      expect(tokens.canWrite(f.token)).toBe(false);
    }
    expect(await recent.list()).toEqual([]);
  });

  it('cancelled, give null; together larger than one file may be, are refused', async () => {
    await expect(service(null, 100_000, null).files.openManyDialog('weights')).resolves.toBeNull();
    const picks = [at('model', 'model.json'), at('model', 'group1-shard1of1.bin')];
    await expect(service(null, 9, picks).files.openManyDialog('weights')).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      params: { name: 'group1-shard1of1.bin' },
    });
    const many = Array.from({ length: 17 }, () => at('model', 'model.json'));
    await expect(service(null, 100_000, many).files.openManyDialog('weights')).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });
});

describe('the export channel', () => {
  /** The IPC handlers registered with a fake ipcMain; the sender is trusted unless it says `evil`. */
  function channel() {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
    const exportFiles = vi.fn(async (list: { name: string }[]) => ({ names: list.map((f) => f.name) }));
    registerIpc(
      { handle: (ch, fn) => void handlers.set(ch, fn as never) },
      new Proxy({} as Handlers, {
        get: (_t, key) => (key === Channel.exportFiles ? ([list]: [never]) => exportFiles(list) : () => null),
      }),
      (event: IpcMainInvokeEvent) => (event as unknown as { evil?: boolean }).evil !== true,
    );
    const invoke = (event: object, ...args: unknown[]) => handlers.get(Channel.exportFiles)!(event, ...args);
    return { invoke, exportFiles };
  }

  it('passes a well-formed export on', async () => {
    const { invoke, exportFiles } = channel();
    await expect(invoke({}, tfjs())).resolves.toEqual({
      ok: true,
      value: { names: ['model.json', 'group1-shard1of1.bin'] },
    });
    await expect(
      invoke({}, [
        { name: 'train_iris.py', data: 'print(1)' },
        { name: 'iris_weights.npz', data: shard },
      ]),
    ).resolves.toMatchObject({ ok: true });
    expect(exportFiles).toHaveBeenCalledTimes(2);
  });

  it('refuses a foreign sender before looking at the message', async () => {
    const { invoke, exportFiles } = channel();
    await expect(invoke({ evil: true }, tfjs())).resolves.toMatchObject({
      ok: false,
      error: { code: 'BAD_SENDER' },
    });
    expect(exportFiles).not.toHaveBeenCalled();
  });

  const file = (name: unknown, data: unknown = 'x') => ({ name, data });
  it.each([
    ['no files', []],
    ['a path', [file('../model.json')]],
    ['a parent folder', [file('model.json'), file('..')]],
    ['dots inside', [file('a..json')]],
    ['an absolute path', [file('/etc/model.json')]],
    ['a Windows path', [file('C:\\x\\model.json')]],
    ['a backslash', [file('a\\model.json')]],
    ['a hidden file', [file('.bashrc.json')]],
    ['a name without an export extension', [file('model.json'), file('autostart.desktop')]],
    ['an executable', [file('run.exe')]],
    ['a control character', [file('mod\nel.json')]],
    ['a null byte', [file('model.json\0.bin')]],
    ['a very long name', [file(`${'a'.repeat(300)}.json`)]],
    ['the same name twice', [file('model.json'), file('Model.json')]],
    ['too many files', Array.from({ length: EXPORT_LIMITS.files + 1 }, (_, i) => file(`f${i}.bin`))],
    ['a number as contents', [file('model.json', 42)]],
    ['an array as contents', [file('model.json', [1, 2, 3])]],
    ['an object as contents', [file('model.json', { 0: 1, length: 1 })]],
    ['a name that is not a string', [file(['model.json'])]],
    ['an extra field', [{ name: 'model.json', data: 'x', path: '/tmp/x' }]],
    ['a missing name', [{ data: 'x' }]],
    ['not a list', file('model.json')],
  ])('refuses %s', async (_what, files) => {
    const { invoke, exportFiles } = channel();
    await expect(invoke({}, files)).resolves.toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    expect(exportFiles).not.toHaveBeenCalled();
  });

  it('refuses extra arguments and a message over 256 MB in all', async () => {
    const { invoke, exportFiles } = channel();
    await expect(invoke({}, tfjs(), '/tmp')).resolves.toMatchObject({ ok: false });
    const big = new Uint8Array(130 * 1024 * 1024);
    await expect(
      invoke({}, [
        { name: 'a.bin', data: big },
        { name: 'b.bin', data: big },
      ]),
    ).resolves.toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    expect(exportFiles).not.toHaveBeenCalled();
  });
});
