/**
 * File access for the CLI: reads that name the file in their errors and refuse by size before reading,
 * and atomic writes through temporary files created exclusively under unpredictable names.
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EngineError, fail } from '../errors.ts';
import { ContainerCounter } from '../formats/json-locate.ts';
import { noun } from '../i18n.ts';
import type { MessageParam, MessageParams } from '../i18n.ts';
import { FILE_LIMITS } from '../formats/limits.ts';
import { english } from './i18n.ts';

/** An error in the user's input: printed as one line, exit code 2; `key` is in cli.json. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly key: string;
  readonly params: MessageParams;
  constructor(key: string, params: MessageParams = {}) {
    super(english(key, params));
    this.key = key;
    this.params = params;
  }
}

/** Largest CSV read (it is read in chunks into typed columns, so memory follows its numbers). */
export const MAX_CSV_BYTES = 512 * 1024 * 1024;
/** Largest JSON file read: the engine's cap on JSON text (a file this large is refused unread). */
export const MAX_JSON_BYTES = FILE_LIMITS.textLength;

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? 'error';

/** The size of a readable regular file; a missing, unreadable or too large one is a UsageError. */
export function fileSize(path: string, max: number): number {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError('io.folder', { path });
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(code(e) === 'ENOENT' ? 'io.noSuchFile' : 'io.unreadable', { path });
  }
  if (size > max) throw new UsageError('io.tooLarge', { path, mb: Math.round(max / (1024 * 1024)) });
  return size;
}

/** Bytes read at a time. */
export const READ_CHUNK = 1 << 20;

/**
 * Calls `each` with the file's bytes, READ_CHUNK at a time (the same buffer, refilled: copy what
 * must outlive the call). The size is checked first, so a file over `max` is never read.
 */
export function readChunks(path: string, max: number, each: (chunk: Uint8Array) => void): void {
  fileSize(path, max);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UsageError(code(e) === 'ENOENT' ? 'io.noSuchFile' : 'io.unreadable', { path });
  }
  const buffer = new Uint8Array(READ_CHUNK);
  let total = 0;
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch {
        throw new UsageError('io.unreadable', { path });
      }
      if (n === 0) break;
      total += n;
      // A file that grows while it is read is held to the same limit.
      if (total > max) throw new UsageError('io.tooLarge', { path, mb: Math.round(max / (1024 * 1024)) });
      each(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/** The first `n` bytes of a file (fewer if it is shorter), without reading the rest. */
export function readHead(path: string, n: number): Uint8Array {
  fileSize(path, Infinity);
  try {
    const fd = openSync(path, 'r');
    try {
      const head = new Uint8Array(n);
      return head.subarray(0, readSync(fd, head, 0, n, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    throw new UsageError('io.unreadable', { path });
  }
}

/**
 * Reads a UTF-8 JSON file (`what` names its kind in messages), refusing one larger than the JSON cap
 * before reading it, and one with more objects and lists than any valid file as soon as the bytes read
 * show it (so a file of millions of `{}` costs a read buffer, not its text). The bytes are checked as
 * UTF-8 and decoded in one piece, so ASCII text becomes a one-byte string.
 */
export function readText(path: string, what = 'weights file'): string {
  let bytes = Buffer.allocUnsafe(fileSize(path, MAX_JSON_BYTES));
  let at = 0;
  const counter = new ContainerCounter();
  readChunks(path, MAX_JSON_BYTES, (chunk) => {
    if (counter.push(chunk) > FILE_LIMITS.containers)
      inFile(path, () =>
        fail('TOO_LARGE', 'file.tooManyItems', {
          what: noun(what),
          max: FILE_LIMITS.containers.toLocaleString('en'),
          items: { key: 'file.items.containers' },
        }),
      );
    if (at + chunk.length > bytes.length) bytes = Buffer.concat([bytes.subarray(0, at)], at + chunk.length);
    bytes.set(chunk, at);
    at += chunk.length;
  });
  if (!isUtf8(bytes.subarray(0, at))) throw new UsageError('io.notUtf8', { path });
  return bytes.toString('utf8', 0, at);
}

const TEMP_SUFFIX = '.bps-tmp';

/** `.<name>.<pid>.<16 random hex digits>.bps-tmp`: unpredictable, and whose writer can be told. */
function tempPathFor(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`,
  );
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return code(e) !== 'ESRCH';
  }
}

/**
 * Removes temporary files that writes to this folder left when their process was killed: names this
 * writer makes (and the `.<name>.<pid>.tmp` of earlier versions, for the same target) whose process
 * has ended. A file of a running writer is left alone.
 */
export function cleanStaleTemps(path: string): void {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const ours = /^\..+\.(\d+)\.[0-9a-f]{16}\.bps-tmp$/.exec(name);
    const legacy = name.startsWith(`.${base}.`) ? /^\.(?:.+)\.(\d+)\.tmp$/.exec(name) : null;
    const pid = Number((ours ?? legacy)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || processAlive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/**
 * Checks that `path` can be written, before any work is done for it: not a folder, its folder exists
 * and takes a new file (a probe temporary file is created exclusively and removed).
 */
export function checkWritable(path: string): void {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory())
      throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    const tmp = tempPathFor(path);
    closeSync(openSync(tmp, 'wx', 0o600));
    unlinkSync(tmp);
  } catch (e) {
    throw new UsageError('io.cannotWrite', { path, code: code(e) });
  }
}

/**
 * Writes via a temporary file in the same folder (created exclusively, never following a link planted
 * there), fsync, then rename: the target is never half-written. Stale temporary files of killed
 * writes in that folder are removed first.
 */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  cleanStaleTemps(path);
  const tmp = tempPathFor(path);
  let created = false;
  try {
    const fd = openSync(tmp, 'wx', 0o666);
    created = true;
    try {
      if (typeof data === 'string') writeSync(fd, data);
      else for (let at = 0; at < data.length;) at += writeSync(fd, data, at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    if (created) rmSync(tmp, { force: true });
    throw new UsageError('io.cannotWrite', { path, code: code(e) });
  }
}

/** An engine error as a message parameter: its key and params, or its English text if it has no key. */
export function engineMessage(e: EngineError): MessageParam {
  return e.key !== undefined ? { key: e.key, params: e.params ?? {} } : e.message;
}

/** Prefixes an engine error with the file it came from. */
export function inFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EngineError) throw new UsageError('io.inFile', { path, problem: engineMessage(e) });
    throw e;
  }
}
