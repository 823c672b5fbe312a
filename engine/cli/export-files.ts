/**
 * Writing an export (engine/formats/exports.ts) from the CLI, shared by `export` and `train --export`:
 * the format's files are made in memory first, every destination is checked (a folder that has to be
 * made is made for the check and removed again when something else fails), then each file is written
 * atomically, the main file (which names the others) last.
 */
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { EXPORT_FORMAT_IDS, EXPORT_FORMATS, exportStem } from '../formats/exports.ts';
import type { ExportFile, ExportFormatId, ExportOptions } from '../formats/exports.ts';
import type { LoadedWeights } from '../formats/weights-file.ts';
import { choice } from './args.ts';
import { checkWritable, inFile, UsageError, writeAtomic } from './io.ts';

/** The export format ids as a help text or message lists them. */
export const exportFormatList = () => EXPORT_FORMAT_IDS.join(', ');

/** A format option's value (`--format`, `--export`): one of the registry's ids, or a UsageError listing them. */
export function exportFormatOption(name: string, v: unknown): ExportFormatId {
  if (v === undefined) throw new UsageError('usage.formatRequired', { formats: exportFormatList() });
  return choice(name, v, EXPORT_FORMAT_IDS)!;
}

/** The stem of an export's file names: the weights file's name, or its file name without `.json`. */
export const stemFor = (loaded: LoadedWeights, weightsPath: string) =>
  exportStem(loaded.metadata.name ?? basename(weightsPath));

/**
 * The format's files for a network, made in memory; an error in them (UNSUPPORTED_EXPORT naming the
 * block) is reported as in `source`, the file the network was read from (if any).
 */
export function exportFiles(
  format: ExportFormatId,
  loaded: LoadedWeights,
  options: ExportOptions,
  source: string | undefined,
): ExportFile[] {
  const write = () => EXPORT_FORMATS[format].write(loaded, options) as ExportFile[];
  const files = source === undefined ? write() : inFile(source, write);
  if (files.length === 0) throw new Error(`The ${format} export wrote no files`);
  return files;
}

/** Where the files of an export go: `paths[i]` for `files[i]`, all in `dir`. */
export interface ExportDestination {
  dir: string;
  paths: string[];
}

/** Looks like a file name's extension (`.onnx`, `.py`, `.json`), not a dot in a folder's name (`v1.2`). */
const FILE_EXTENSION = /^\.[a-z][a-z0-9]{0,5}$/i;

/**
 * Where `--out` puts the files: a path ending in the main file's extension (`x.onnx`, `train_x.py`)
 * is the main file itself and its folder takes the others; anything else is a folder that takes them
 * all under their own names (a path ending in a separator always is). A path with another file
 * extension is refused, naming the extension the main file has.
 */
export function exportDestination(
  format: ExportFormatId,
  files: readonly ExportFile[],
  out: string,
): ExportDestination {
  const main = files[0]!.name;
  const ext = extname(main);
  const asFolder = out.endsWith('/') || out.endsWith(sep);
  if (!asFolder && ext !== '' && out.toLowerCase().endsWith(ext.toLowerCase()) && basename(out) !== ext) {
    const dir = dirname(out);
    return { dir, paths: files.map((f, i) => (i === 0 ? out : join(dir, f.name))) };
  }
  const outExt = extname(out);
  let isFolder = asFolder;
  try {
    isFolder ||= statSync(out, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    // unreadable: the write check below says so
  }
  if (!isFolder && FILE_EXTENSION.test(outExt))
    throw new UsageError(ext ? 'usage.exportOutExtension' : 'usage.exportOutFolder', {
      path: out,
      format,
      main,
      ext,
    });
  return { dir: out, paths: files.map((f) => join(out, f.name)) };
}

/** True when the two paths name the same existing file (through links too), or the same path. */
function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const sa = statSync(a, { throwIfNoEntry: false });
    const sb = statSync(b, { throwIfNoEntry: false });
    return Boolean(sa && sb && sa.dev === sb.dev && sa.ino === sb.ino);
  } catch {
    return false;
  }
}

/** Removes the folders `mkdirSync(dir, { recursive: true })` made, deepest first, from `dir` up to `first`. */
function removeMade(dir: string, first: string | undefined): void {
  if (first === undefined) return;
  const top = resolve(first);
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top || dirname(d) === d) return;
  }
}

/**
 * Checks that every file of the export can be written: none is one of `inputs` (the files read), no
 * two are the same, the folder exists or can be made, and each file can be created there. With
 * `keep`, a folder made for the check stays (the files are written next); without, it is removed.
 */
export function checkDestination(dest: ExportDestination, inputs: readonly string[], keep: boolean): void {
  for (const [i, p] of dest.paths.entries()) {
    for (const input of inputs)
      if (sameFile(p, input)) throw new UsageError('usage.exportOverInput', { path: p });
    if (dest.paths.slice(0, i).some((q) => resolve(q) === resolve(p)))
      throw new UsageError('usage.exportSamePath', { path: p });
  }
  let first: string | undefined;
  try {
    first = mkdirSync(dest.dir, { recursive: true });
  } catch (e) {
    throw new UsageError('io.cannotWrite', {
      path: dest.dir,
      code: (e as NodeJS.ErrnoException).code ?? 'error',
    });
  }
  try {
    for (const p of dest.paths) checkWritable(p);
  } catch (e) {
    removeMade(dest.dir, first);
    throw e;
  }
  if (!keep) removeMade(dest.dir, first);
}

/**
 * Writes the files (checked first, as `checkDestination`): the others, then the main file, each
 * atomically. Returns the paths written, the main file first.
 */
export function writeExport(
  dest: ExportDestination,
  files: readonly ExportFile[],
  inputs: readonly string[],
): string[] {
  checkDestination(dest, inputs, true);
  for (let i = 1; i < files.length; i++) writeAtomic(dest.paths[i]!, files[i]!.data);
  writeAtomic(dest.paths[0]!, files[0]!.data);
  return dest.paths;
}
