/**
 * Rows to model inputs and targets with a fitted preprocessing record:
 * numeric x' = (x − mean) / scale, categorical one-hot in `categories` order, classes one-hot,
 * regression y' = (y − mean) / scale. Arithmetic in float64, stored as float32.
 */
import { fail } from '../errors.ts';
import { numberLabel, parseNumber } from './cells.ts';
import { labelAt } from './target.ts';
import type { Column } from './typing.ts';
import type { FeatureSpec, TargetSpec } from './types.ts';

/** Maps a data-row index to the row number a user sees. */
export type RowNumber = (i: number) => number;

/** Encoded features, with how many cells were imputed and how many categories were unseen. */
export interface EncodedFeatures {
  x: Float32Array;
  nIn: number;
  imputed: number;
  unseen: number;
}

function missingCell(name: string, row: number): never {
  return fail('BAD_CELL', 'data.missingNoFill', { row, column: name }, { row, column: name });
}

/**
 * Encodes `rows` (indices into the columns) into row-major [n, nIn] features. `columns[f]` holds the
 * cells of `specs[f]` with the same kind. A missing cell takes `fill` (BAD_CELL if fill is null). A
 * category not in the record is all zeros when `unseen` is 'zero', BAD_CELL when it is 'error'.
 */
export function encodeFeatures(
  specs: FeatureSpec[],
  columns: Column[],
  rows: ArrayLike<number>,
  rowNumber: RowNumber,
  unseen: 'zero' | 'error',
): EncodedFeatures {
  let nIn = 0;
  for (const spec of specs) nIn += spec.kind === 'numeric' ? 1 : spec.categories.length;
  const n = rows.length;
  const x = new Float32Array(n * nIn);
  const out: EncodedFeatures = { x, nIn, imputed: 0, unseen: 0 };
  let offset = 0;
  specs.forEach((spec, f) => {
    const column = columns[f]!;
    if (spec.kind === 'numeric' && column.type === 'numeric') {
      for (let k = 0; k < n; k++) {
        let v = column.values[rows[k]!]!;
        if (Number.isNaN(v)) {
          if (spec.fill === null) missingCell(spec.name, rowNumber(rows[k]!));
          v = spec.fill;
          out.imputed++;
        }
        x[k * nIn + offset] = (v - spec.mean) / spec.scale;
      }
      offset++;
    } else if (spec.kind === 'categorical' && column.type === 'categorical') {
      const index = new Map(spec.categories.map((c, i) => [c, i]));
      for (let k = 0; k < n; k++) {
        let v = column.values[rows[k]!] ?? null;
        if (v === null) {
          if (spec.fill === null) missingCell(spec.name, rowNumber(rows[k]!));
          v = spec.fill;
          out.imputed++;
        }
        const c = index.get(v);
        if (c !== undefined) x[k * nIn + offset + c] = 1;
        else if (unseen === 'zero') out.unseen++;
        else {
          const row = rowNumber(rows[k]!);
          fail(
            'BAD_CELL',
            'data.unseenCategory',
            { row, column: spec.name, value: v },
            { row, column: spec.name },
          );
        }
      }
      offset += spec.categories.length;
    } else {
      throw new Error(`column "${spec.name}" is ${column.type}, its record is ${spec.kind}`);
    }
  });
  return out;
}

/** Targets [n, nOut]: one-hot over the classes, or the standardised regression value. */
export function encodeTarget(
  spec: TargetSpec,
  column: Column,
  rows: ArrayLike<number>,
  rowNumber: RowNumber,
): Float32Array {
  const n = rows.length;
  const where = (k: number) => ({ row: rowNumber(rows[k]!), column: spec.name });
  if (spec.task === 'regression') {
    if (column.type !== 'numeric') throw new Error(`regression target "${spec.name}" is not numeric`);
    const y = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const v = column.values[rows[k]!]!;
      if (Number.isNaN(v))
        fail('BAD_CELL', 'data.targetMissing', { row: where(k).row, column: spec.name }, where(k));
      y[k] = (v - spec.mean) / spec.scale;
    }
    return y;
  }
  const nOut = spec.classes.length;
  const index = new Map(spec.classes.map((c, i) => [c, i]));
  const y = new Float32Array(n * nOut);
  /** The class of a label: by name, else (a number written another way, `1.0`) by its canonical name. */
  const classOf = (label: string, k: number): number => {
    let c = index.get(label);
    if (c === undefined) {
      const v = parseNumber(label);
      if (!Number.isNaN(v)) c = index.get(numberLabel(v));
    }
    if (c === undefined)
      fail('BAD_CELL', 'data.unknownClass', { row: where(k).row, column: spec.name, value: label }, where(k));
    return c;
  };
  const missing = (k: number): never =>
    fail('BAD_CELL', 'data.targetMissing', { row: where(k).row, column: spec.name }, where(k));
  if (column.type === 'categorical') {
    const values = column.values;
    for (let k = 0; k < n; k++) {
      const label = values[rows[k]!] ?? null;
      if (label === null) missing(k);
      else y[k * nOut + classOf(label, k)] = 1;
    }
    return y;
  }
  // Numbers: each distinct value is looked up by name once.
  const values = column.values;
  const byValue = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    const v = values[rows[k]!]!;
    if (Number.isNaN(v)) missing(k);
    let c = byValue.get(v);
    if (c === undefined) {
      c = classOf(labelAt(column, rows[k]!)!, k);
      byValue.set(v, c);
    }
    y[k * nOut + c] = 1;
  }
  return y;
}
