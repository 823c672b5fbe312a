/** Where the CLI's rows come from: a CSV file, or a built-in dataset written `builtin:NAME`. */
import { parseCsv } from '../data/csv.ts';
import { loadBuiltin } from '../data/builtin.ts';
import type { RawTable } from '../data/types.ts';
import { inFile, readBytes, UsageError } from './io.ts';

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
  const bytes = readBytes(spec);
  return inFile(spec, () => parseCsv(bytes));
}
