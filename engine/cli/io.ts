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

/** An error in the user's input: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const MAX_FILE = 512 * 1024 * 1024;

/** Reads a whole file as bytes; a missing, unreadable or huge file is a UsageError naming it. */
export function readBytes(path: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${path}: is a folder, not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}`,
    );
  }
  if (size > MAX_FILE) throw new UsageError(`${path}: the file is larger than 512 MB`);
  return new Uint8Array(readFileSync(path));
}

/** Reads a UTF-8 text file (JSON). */
export function readText(path: string): string {
  const bytes = readBytes(path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${path}: the file is not UTF-8 text`);
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
    throw new UsageError(`${path}: cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Prefixes an engine error with the file it came from. */
export function inFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EngineError) throw new UsageError(`${path}: ${e.message}`);
    throw e;
  }
}
