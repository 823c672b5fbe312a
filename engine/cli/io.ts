/** File access for the CLI: reads that name the file in their errors, and atomic writes. */
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EngineError } from '../errors.ts';
import type { MessageParam, MessageParams } from '../i18n.ts';
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

const MAX_FILE = 512 * 1024 * 1024;

/** Reads a whole file as bytes; a missing, unreadable or huge file is a UsageError naming it. */
export function readBytes(path: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError('io.folder', { path });
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'io.noSuchFile' : 'io.unreadable', {
      path,
    });
  }
  if (size > MAX_FILE) throw new UsageError('io.tooLarge', { path });
  return new Uint8Array(readFileSync(path));
}

/** Reads a UTF-8 text file (JSON). */
export function readText(path: string): string {
  const bytes = readBytes(path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError('io.notUtf8', { path });
  }
}

/** Writes via a temporary file in the same folder, fsync, then rename: the target is never half-written. */
export function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError('io.cannotWrite', { path, code: (e as NodeJS.ErrnoException).code ?? 'error' });
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
