/** Where the CLI's rows come from: a CSV file, or a built-in dataset written `builtin:NAME`. */
import { createCsvReader } from '../data/csv.ts';
import { loadBuiltin } from '../data/builtin.ts';
import type { RawTable } from '../data/types.ts';
import { fileSize, inFile, MAX_CSV_BYTES, readChunks, UsageError } from './io.ts';

export interface SourceOptions {
  samples?: number;
  noise?: number;
  seed: number;
}

/** Reads and tokenises the data; errors name the file (and row and column, from the parser). */
export function readTable(spec: string, o: SourceOptions): RawTable {
  if (spec.startsWith('builtin:')) {
    const name = spec.slice('builtin:'.length);
    const opts: { samples?: number; noise?: number; seed: number } = { seed: o.seed };
    if (o.samples !== undefined) opts.samples = o.samples;
    if (o.noise !== undefined) opts.noise = o.noise;
    return inFile(spec, () => loadBuiltin(name, opts));
  }
  if (o.samples !== undefined || o.noise !== undefined) throw new UsageError('usage.builtinOnly');
  return readCsvFile(spec);
}

/** Reads a CSV file in chunks straight into typed columns; errors name the file (and row and column). */
export function readCsvFile(path: string): RawTable {
  const reader = createCsvReader({ sizeHint: fileSize(path, MAX_CSV_BYTES) });
  readChunks(path, MAX_CSV_BYTES, (chunk) => inFile(path, () => reader.push(chunk)));
  return inFile(path, () => reader.finish());
}
