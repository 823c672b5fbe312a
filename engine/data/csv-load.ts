/**
 * Reading a CSV that is already in memory (bytes or text) in slices, yielding to the host between
 * them, so that an engine loading a large file still answers its other calls (heartbeats, progress,
 * a cancel) within a slice's time, and can say how far it has got.
 */
import { fail } from '../errors.ts';
import type { ColumnTable } from './column-table.ts';
import { createCsvReader } from './csv.ts';

export interface SlicedReadOptions {
  /** Lets the host answer other calls; awaited after every slice. */
  yieldToHost: () => Promise<void>;
  /** Bytes (or characters) per slice (default 1 MiB). */
  slice?: number;
  /** Told how much has been read after each slice. */
  progress?: (done: number, total: number) => void;
  /** Asked after each slice; true stops the read with a BAD_STATE `request.loadCancelled` error. */
  cancelled?: () => boolean;
  /** The file's name, for the cancellation message. */
  name?: string;
}

/** Reads CSV bytes or text into typed columns, a slice at a time (see `createCsvReader`). */
export async function readCsvInSlices(
  input: Uint8Array | string,
  o: SlicedReadOptions,
): Promise<ColumnTable> {
  const step = o.slice ?? 1 << 20;
  const total = input.length;
  const reader = createCsvReader({ sizeHint: total });
  for (let at = 0; at < total; at += step) {
    if (typeof input === 'string') reader.pushText(input.slice(at, at + step));
    else reader.push(input.subarray(at, at + step));
    o.progress?.(Math.min(total, at + step), total);
    await o.yieldToHost();
    if (o.cancelled?.()) fail('BAD_STATE', 'request.loadCancelled', { name: o.name ?? '' });
  }
  return reader.finish();
}
