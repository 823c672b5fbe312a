import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanTempFiles,
  isTempFileName,
  tempPathFor,
  withRetry,
  writeFileAtomic,
} from '../../electron/files/atomic-write.ts';
import { projectText } from './atomic-child.ts';

const dir = mkdtempSync(join(tmpdir(), 'bps-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the writer child, waits until it has begun, lets it run `ms`, then SIGKILLs it. */
function runAndKill(target: string, start: number, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'atomic-child.ts'), target, String(start)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer && out.includes('ready')) timer = setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.on('error', reject);
    child.on('exit', () => {
      const done = out
        .split('\n')
        .filter((l) => /^\d+$/.test(l))
        .map(Number);
      resolve(done.length ? done[done.length - 1]! + 1 : start);
    });
  });
}

function revisionOf(path: string): number {
  const text = readFileSync(path, 'utf8');
  const rev = (JSON.parse(text) as { revision: number }).revision;
  expect(text).toBe(projectText(rev));
  return rev;
}

describe('atomic save', () => {
  it('leaves a complete file (and a complete .bak) however often the writer is killed', async () => {
    const target = join(dir, 'net.bps.json');
    writeFileSync(target, projectText(0));
    let next = 1;
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) {
      next = await runAndKill(target, next, 5 + Math.floor(Math.random() * 120));
      const rev = revisionOf(target);
      seen.add(rev);
      if (existsSync(`${target}.bak`)) expect(revisionOf(`${target}.bak`)).toBeLessThanOrEqual(rev);
      next = Math.max(next, rev + 1);
    }
    expect(existsSync(`${target}.bak`)).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
    await cleanTempFiles(dir);
    expect(readdirSync(dir).filter(isTempFileName)).toEqual([]);
  }, 120_000);

  it('keeps the previous version as .bak', async () => {
    const target = join(dir, 'a.json');
    await writeFileAtomic(target, 'one');
    expect(existsSync(`${target}.bak`)).toBe(false);
    await writeFileAtomic(target, 'two');
    await writeFileAtomic(target, 'three');
    expect(readFileSync(target, 'utf8')).toBe('three');
    expect(readFileSync(`${target}.bak`, 'utf8')).toBe('two');
    await writeFileAtomic(target, 'four', { backup: false });
    expect(readFileSync(`${target}.bak`, 'utf8')).toBe('two');
  });

  it('runs concurrent saves to one file one after another', async () => {
    const target = join(dir, 'b.json');
    await Promise.all(['1', '2', '3', '4'].map((t) => writeFileAtomic(target, t)));
    expect(readFileSync(target, 'utf8')).toBe('4');
    expect(readFileSync(`${target}.bak`, 'utf8')).toBe('3');
  });

  it('cleans only its own temporary files', async () => {
    const sub = mkdtempSync(join(dir, 'clean-'));
    const mine = tempPathFor(join(sub, 'x.bps.json'));
    writeFileSync(mine, 'partial');
    for (const other of ['x.bps.json', '.x.bps.json.tmp', 'notes.bps-tmp', '.x.123.bps-tmp'])
      writeFileSync(join(sub, other), '');
    expect(await cleanTempFiles(sub)).toEqual([mine.slice(sub.length + 1)]);
    expect(readdirSync(sub).sort()).toEqual([
      '.x.123.bps-tmp',
      '.x.bps.json.tmp',
      'notes.bps-tmp',
      'x.bps.json',
    ]);
    expect(await cleanTempFiles(join(sub, 'missing'))).toEqual([]);
  });

  it.each([
    ['EPERM', true],
    ['EBUSY', true],
    ['EACCES', true],
    ['ENOENT', false],
  ])('retries a locked file (%s → %s)', async (code, retried) => {
    let calls = 0;
    const fn = async () => {
      if (++calls < 3) throw Object.assign(new Error(code), { code });
      return 'done';
    };
    if (retried) {
      await expect(withRetry(fn, 5, 1)).resolves.toBe('done');
      expect(calls).toBe(3);
    } else {
      await expect(withRetry(fn, 5, 1)).rejects.toThrow(code);
      expect(calls).toBe(1);
    }
  });

  it('gives up after the last attempt', async () => {
    let calls = 0;
    const fn = async () => {
      calls++;
      throw Object.assign(new Error('locked'), { code: 'EBUSY' });
    };
    await expect(withRetry(fn, 3, 1)).rejects.toThrow('locked');
    expect(calls).toBe(3);
  });
});
