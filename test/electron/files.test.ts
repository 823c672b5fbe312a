import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createRecentFiles, MAX_RECENT, parseRecent } from '../../electron/files/recent.ts';
import { createRecoveryStore } from '../../electron/files/recovery.ts';
import { createFileService, FileError, kindOfDroppedFile } from '../../electron/files/service.ts';
import type { Dialogs } from '../../electron/files/service.ts';
import { createTokenStore, isTokenShape } from '../../electron/files/tokens.ts';

vi.mock('electron', () => ({}));

const dir = mkdtempSync(join(tmpdir(), 'bps-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...p: string[]) => join(dir, ...p);

describe('tokens', () => {
  it('are unguessable ids bound to one file, kind and access', () => {
    const t = createTokenStore();
    const a = t.grant('/x/a.csv', 'csv', 'read');
    expect(isTokenShape(a)).toBe(true);
    expect(t.canRead(a)).toBe(true);
    expect(t.canWrite(a)).toBe(false);
    expect(t.grant('/x/a.csv', 'csv', 'read')).toBe(a);
    expect(t.grant('/x/a.csv', 'csv', 'write')).toBe(a);
    expect(t.canWrite(a)).toBe(true);
    expect(t.grant('/x/a.csv', 'project', 'read')).not.toBe(a);
    for (const bad of ['', '/x/a.csv', '../a', 'a'.repeat(36), '00000000-0000-0000-0000-00000000000g'])
      expect(t.get(bad)).toBeUndefined();
  });
});

describe('recent files', () => {
  it.each([
    ['', 0],
    ['not json', 0],
    ['{"version":2,"files":[]}', 0],
    ['{"version":1,"files":[{"path":"relative/a.json","kind":"project","openedAt":1}]}', 0],
    ['{"version":1,"files":[{"path":"/a.json","kind":"exe","openedAt":1}]}', 0],
    ['{"version":1,"files":[{"path":"/a.json","kind":"project","openedAt":1,"extra":true}]}', 0],
    ['{"version":1,"files":[{"path":"/a.json","kind":"project","openedAt":1}]}', 1],
  ])('reads %s as %i entries', (text, n) => {
    expect(parseRecent(text)).toHaveLength(n);
  });

  it('keeps the newest first, without duplicates, capped', async () => {
    let t = 0;
    const r = createRecentFiles(at('user', 'recent.json'), () => ++t);
    for (let i = 0; i < 15; i++) await r.add(at(`p${i}.bps.json`), 'project');
    await r.add(at('p3.bps.json'), 'project');
    const list = await r.list();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]!.path).toBe(at('p3.bps.json'));
    expect(new Set(list.map((f) => f.path)).size).toBe(MAX_RECENT);
    await r.clear();
    expect(await r.list()).toEqual([]);
  });
});

describe('recovery files', () => {
  it('lists, reads and discards autosaves; ids never name paths', async () => {
    const folder = at('recovery');
    const old = createRecoveryStore(folder, 'earlier-run', () => 1);
    await old.write('{"v":"old"}', 'net.bps.json');
    const now = createRecoveryStore(folder, 'this-run', () => 2);
    await now.write('{"v":"new"}', 'Untitled');
    writeFileSync(join(folder, 'broken.recovery.json'), '{');
    expect(await now.list()).toEqual([
      expect.objectContaining({ id: 'this-run', name: 'Untitled', current: true }),
      expect.objectContaining({ id: 'earlier-run', name: 'net.bps.json', current: false }),
    ]);
    expect(await now.read('earlier-run')).toBe('{"v":"old"}');
    expect(await now.read('missing')).toBeNull();
    await expect(now.read('../x')).resolves.toBeNull();
    await expect(now.discard('../../etc/passwd')).rejects.toThrow('bad recovery id');
    await now.discard('earlier-run');
    expect((await now.list()).map((r) => r.id)).toEqual(['this-run']);
    await now.discardAll();
    expect(await now.list()).toEqual([]);
    expect(() => createRecoveryStore(folder, '../x')).toThrow();
  });
});

describe('file service', () => {
  function service(picks: { open?: string | null; save?: string | null }) {
    const dialogs: Dialogs = {
      open: vi.fn(async () => picks.open ?? null),
      save: vi.fn(async () => picks.save ?? null),
    };
    const recent = createRecentFiles(at('svc-recent.json'));
    return {
      files: createFileService({
        tokens: createTokenStore(),
        recent,
        dialogs,
        defaultDir: dir,
        maxBytes: 1000,
      }),
      dialogs,
      recent,
    };
  }

  it('opens what the person picked, as a token and a name only', async () => {
    writeFileSync(at('iris.csv'), 'a,b\n1,2\n');
    const { files, recent } = service({ open: at('iris.csv') });
    const f = await files.openDialog('csv');
    expect(f).toMatchObject({ name: 'iris.csv', kind: 'csv' });
    expect(JSON.stringify(f)).not.toContain(dir);
    expect(new TextDecoder().decode(f!.bytes)).toBe('a,b\n1,2\n');
    expect((await recent.list())[0]!.path).toBe(at('iris.csv'));
    await expect(files.write(f!.token, 'x')).rejects.toMatchObject({ code: 'NOT_WRITABLE' });
    expect(await service({}).files.openDialog('csv')).toBeNull();
  });

  it('saves through a save-dialog token, atomically with a .bak', async () => {
    const { files } = service({ save: at('net.bps.json') });
    const h = await files.saveDialog('project', 'net.bps.json');
    await files.write(h!.token, '{"v":1}');
    await files.write(h!.token, '{"v":2}');
    expect(readFileSync(at('net.bps.json'), 'utf8')).toBe('{"v":2}');
    expect(readFileSync(at('net.bps.json.bak'), 'utf8')).toBe('{"v":1}');
    await expect(files.write('00000000-0000-4000-8000-000000000000', 'x')).rejects.toMatchObject({
      code: 'UNKNOWN_TOKEN',
    });
    await expect(files.write(h!.token, 'x'.repeat(2000))).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it.each([
    ['/d/iris.csv', 'csv'],
    ['/d/data.TSV', 'csv'],
    ['/d/net.bps.json', 'project'],
    ['/d/net.weights.json', 'weights'],
    ['/d/run.exe', null],
    ['/d/.bashrc', null],
  ])('a dropped %s is %s', (path, kind) => {
    expect(kindOfDroppedFile(path)).toBe(kind);
  });

  it('reads dropped files it recognises, and refuses the rest', async () => {
    writeFileSync(at('drop.csv'), '1,2');
    writeFileSync(at('big.csv'), 'x'.repeat(5000));
    mkdirSync(at('folder.csv'));
    const { files } = service({});
    await expect(files.drop(at('drop.csv'))).resolves.toMatchObject({ name: 'drop.csv', kind: 'csv' });
    await expect(files.drop('relative.csv')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(files.drop(at('x.exe'))).rejects.toMatchObject({
      code: 'UNSUPPORTED_FILE',
      params: { name: 'x.exe' },
    });
    await expect(files.drop(at('folder.csv'))).rejects.toMatchObject({
      code: 'NOT_A_FILE',
      params: { name: 'folder.csv' },
    });
    await expect(files.drop(at('big.csv'))).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      params: { name: 'big.csv' },
    });
    await expect(files.drop(at('gone.csv'))).rejects.toMatchObject({
      code: 'READ_FAILED',
      params: { name: 'gone.csv', errno: 'ENOENT' },
    });
  });

  it('says why a save failed (the system error code, never a path), and keeps nothing half-written', async () => {
    writeFileSync(at('plain-file'), 'x');
    // A folder that is really a file: the save fails the same way for every user, root included.
    const { files } = service({ save: join(at('plain-file'), 'net.bps.json') });
    const h = await files.saveDialog('project', 'net.bps.json');
    const failure = await files.write(h!.token, '{"v":1}').catch((e: FileError) => e);
    expect(failure).toBeInstanceOf(FileError);
    expect(failure).toMatchObject({
      code: 'WRITE_FAILED',
      params: { name: 'net.bps.json', errno: 'ENOTDIR' },
    });
    expect(JSON.stringify((failure as FileError).params)).not.toContain(dir);
    expect(readFileSync(at('plain-file'), 'utf8')).toBe('x');
  });

  it('a save succeeds even when the recent-files list cannot be updated', async () => {
    const { files, recent } = service({ save: at('kept.bps.json') });
    recent.add = vi.fn(async () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    });
    const h = await files.saveDialog('project', 'kept.bps.json');
    await expect(files.write(h!.token, '{"v":1}')).resolves.toMatchObject({ name: 'kept.bps.json' });
    expect(readFileSync(at('kept.bps.json'), 'utf8')).toBe('{"v":1}');
    expect(recent.add).toHaveBeenCalled();
  });

  it('re-grants a recent file that still exists when it is picked', async () => {
    writeFileSync(at('keep.bps.json'), '{}');
    const { files, recent } = service({});
    await recent.clear();
    await recent.add(at('gone.bps.json'), 'project');
    await recent.add(at('keep.bps.json'), 'project');
    const list = await files.recent();
    expect(list.map((f) => f.name)).toEqual(['keep.bps.json']);
    const picked = await files.openRecent(0);
    await expect(files.read(picked!.token)).resolves.toMatchObject({ name: 'keep.bps.json' });
    expect(await files.recentDirs()).toEqual([dir]);
    expect(existsSync(at('gone.bps.json'))).toBe(false);
  });
});
