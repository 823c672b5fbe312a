/**
 * Saves that never leave a half-written file: write a temporary file next to the target, flush it to
 * disk, keep the old version as `name.bak`, then rename over the target (atomic on one volume). A crash
 * at any moment leaves the old file, the new file, or one of them plus a stray temporary file, which
 * `cleanTempFiles` removes on the next start. Windows may hold a file briefly (indexers, antivirus):
 * EPERM, EBUSY and EACCES are retried with backoff. A target that is a symbolic link is written through
 * to the file it points to (as editors do): the link stays a link, the `.bak` sits beside the real file.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, open, readdir, readlink, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const TEMP_SUFFIX = '.bps-tmp';
const TEMP_RE = /^\..+\.[0-9a-f]{12}\.bps-tmp$/;
const RETRYABLE = new Set(['EPERM', 'EBUSY', 'EACCES']);

export interface AtomicWriteOptions {
  /** Keep the previous version as `<name>.bak` (default true). */
  backup?: boolean;
  /** Attempts for each rename when the file is locked (default 6: about 1.5 s in all). */
  attempts?: number;
  /** First backoff in ms, doubled on each retry (default 25). */
  backoffMs?: number;
}

/** `.<name>.<random>.bps-tmp`: hidden, recognisable, unique per write. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

export function isTempFileName(name: string): boolean {
  return TEMP_RE.test(name);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn`, retrying while the OS reports the file as locked. */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 6, backoffMs = 25): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (i >= attempts || !RETRYABLE.has(code)) throw e;
      await sleep(backoffMs * 2 ** (i - 1));
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Flushes a directory entry (the rename) to disk where the OS allows opening directories. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const fh = await open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // some file systems refuse; the data itself is already flushed
  }
}

/** Writes `data` to a new temporary file in `dir` and flushes it; returns its path. */
async function writeTemp(target: string, data: string | Uint8Array): Promise<string> {
  const tmp = tempPathFor(target);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return tmp;
}

/** Replaces `<target>.bak` with the current target, itself atomically (hard link, else copy). */
async function backupCurrent(target: string, o: AtomicWriteOptions): Promise<void> {
  if (!(await exists(target))) return;
  const bak = `${target}.bak`;
  const tmp = tempPathFor(bak);
  try {
    await link(target, tmp);
  } catch {
    await copyFile(target, tmp);
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  try {
    await withRetry(() => rename(tmp, bak), o.attempts, o.backoffMs);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Links followed before a chain is taken for a loop (ELOOP), as the OS does. */
const MAX_LINKS = 32;

/**
 * The file a save to `target` should replace: `target` itself, or, when it is a symbolic link (or a
 * chain of them), the path the last link names (which may not exist yet).
 */
export async function resolveLinks(target: string): Promise<string> {
  let path = resolve(target);
  for (let hops = 0; ; hops++) {
    let isLink: boolean;
    try {
      isLink = (await lstat(path)).isSymbolicLink();
    } catch {
      return path; // a new file
    }
    if (!isLink) return path;
    if (hops >= MAX_LINKS) throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
    path = resolve(dirname(path), await readlink(path));
  }
}

const queues = new Map<string, Promise<unknown>>();

/** Writes `data` to `target` atomically; writes to one target from this process run one at a time. */
export function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  o: AtomicWriteOptions = {},
): Promise<void> {
  const previous = queues.get(target) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(async () => write(await resolveLinks(target), data, o));
  queues.set(target, next);
  void next
    .finally(() => {
      if (queues.get(target) === next) queues.delete(target);
    })
    .catch(() => {});
  return next;
}

async function write(target: string, data: string | Uint8Array, o: AtomicWriteOptions): Promise<void> {
  const tmp = await writeTemp(target, data);
  try {
    if (o.backup ?? true) await backupCurrent(target, o);
    await withRetry(() => rename(tmp, target), o.attempts, o.backoffMs);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await syncDir(dirname(target));
}

/** Removes temporary files left by interrupted saves in `dir` (only names this writer makes). */
export async function cleanTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!isTempFileName(name)) continue;
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch {
      // in use or already gone
    }
  }
  return removed;
}
