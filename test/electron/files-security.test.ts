/**
 * The desktop's file service against a compromised window and odd file systems: a drop grants reading
 * only, recent files are granted only when the person picks one in the menu, and a save through a
 * symbolic link writes the file the link points to, as editors do.
 */
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../../electron/files/atomic-write.ts';
import { createRecentFiles } from '../../electron/files/recent.ts';
import { createFileService } from '../../electron/files/service.ts';
import type { Dialogs } from '../../electron/files/service.ts';
import { createTokenStore } from '../../electron/files/tokens.ts';

vi.mock('electron', () => ({}));

const dir = mkdtempSync(join(tmpdir(), 'bps-files-sec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...p: string[]) => join(dir, ...p);

function service(picks: { open?: string | null; save?: string | null } = {}) {
  const dialogs: Dialogs = {
    open: vi.fn(async () => picks.open ?? null),
    save: vi.fn(async () => picks.save ?? null),
  };
  const tokens = createTokenStore();
  const recent = createRecentFiles(at(`recent-${Math.random().toString(16).slice(2)}.json`));
  const files = createFileService({ tokens, recent, dialogs, defaultDir: dir, maxBytes: 100_000 });
  return { files, recent, tokens, dialogs };
}

describe('a dropped file', () => {
  it('is granted for reading only, even a project: writing back needs a save dialog', async () => {
    writeFileSync(at('dropped.bps.json'), '{"v":0}');
    const { files, tokens } = service();
    const f = await files.drop(at('dropped.bps.json'));
    expect(f.kind).toBe('project');
    expect(tokens.canWrite(f.token)).toBe(false);
    await expect(files.write(f.token, '{"v":1}')).rejects.toMatchObject({ code: 'NOT_WRITABLE' });
    expect(readFileSync(at('dropped.bps.json'), 'utf8')).toBe('{"v":0}');
  });

  it('is not added to the recent files (which are reopened later without a drop)', async () => {
    writeFileSync(at('d.csv'), 'a,b\n1,2\n');
    const { files, recent } = service();
    await files.drop(at('d.csv'));
    expect(await recent.list()).toEqual([]);
  });
});

describe('recent files', () => {
  it('are listed by name without granting anything; picking one grants it', async () => {
    writeFileSync(at('r1.bps.json'), '{}');
    writeFileSync(at('r2.csv'), 'a,b\n1,2\n');
    const { files, recent, tokens } = service();
    await recent.add(at('r2.csv'), 'csv');
    await recent.add(at('r1.bps.json'), 'project');
    await recent.add(at('gone.bps.json'), 'project');
    const list = await files.recent();
    expect(list).toEqual([
      { name: 'r1.bps.json', kind: 'project' },
      { name: 'r2.csv', kind: 'csv' },
    ]);
    expect(JSON.stringify(list)).not.toContain(dir);
    expect(tokens.size()).toBe(0);
    const picked = await files.openRecent(0);
    expect(picked).toMatchObject({ name: 'r1.bps.json', kind: 'project' });
    expect(tokens.size()).toBe(1);
    await expect(files.read(picked!.token)).resolves.toMatchObject({ name: 'r1.bps.json' });
    expect(await files.openRecent(7)).toBeNull();
  });
});

describe('saving through a symbolic link', () => {
  it('writes the file the link points to and keeps the link', async () => {
    mkdirSync(at('real'), { recursive: true });
    writeFileSync(at('real', 'net.bps.json'), '{"v":1}');
    symlinkSync(at('real', 'net.bps.json'), at('link.bps.json'));
    await writeFileAtomic(at('link.bps.json'), '{"v":2}');
    expect(lstatSync(at('link.bps.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(at('link.bps.json'))).toBe(at('real', 'net.bps.json'));
    expect(readFileSync(at('real', 'net.bps.json'), 'utf8')).toBe('{"v":2}');
    // The previous version sits next to the real file, as a file.
    expect(readFileSync(at('real', 'net.bps.json.bak'), 'utf8')).toBe('{"v":1}');
    expect(lstatSync(at('real', 'net.bps.json.bak')).isSymbolicLink()).toBe(false);
  });

  it('follows a relative link and a chain of links', async () => {
    mkdirSync(at('chain'), { recursive: true });
    writeFileSync(at('chain', 'target.json'), 'old');
    symlinkSync('target.json', at('chain', 'one.json'));
    symlinkSync(join('chain', 'one.json'), at('two.json'));
    await writeFileAtomic(at('two.json'), 'new');
    expect(readFileSync(at('chain', 'target.json'), 'utf8')).toBe('new');
    expect(lstatSync(at('two.json')).isSymbolicLink()).toBe(true);
    expect(lstatSync(at('chain', 'one.json')).isSymbolicLink()).toBe(true);
  });

  it('through the service, too (a save-dialog token for a link)', async () => {
    writeFileSync(at('real', 'w.weights.json'), 'old');
    symlinkSync(at('real', 'w.weights.json'), at('w-link.weights.json'));
    const { files } = service({ save: at('w-link.weights.json') });
    const h = await files.saveDialog('weights', 'w.weights.json');
    await files.write(h!.token, 'new');
    expect(readFileSync(at('real', 'w.weights.json'), 'utf8')).toBe('new');
    expect(lstatSync(at('w-link.weights.json')).isSymbolicLink()).toBe(true);
  });
});
