/**
 * Prediction on new raw rows with a saved preprocessing record, and model outputs back to labels or
 * values. Stricter than training: columns must match by name, and an unseen category is an error.
 */
import { fail } from '../errors.ts';
import { isMissing, parseNumber } from './cells.ts';
import { rowNumber } from './csv.ts';
import { encodeFeatures, encodeTarget } from './encode.ts';
import { columnIndex, typeColumn } from './typing.ts';
import type { Column } from './typing.ts';
import type { Preprocessing, RawTable } from './types.ts';
import { tableLength } from './types.ts';

/** Reads column `j` as the kind the record expects; a non-number in a numeric column is BAD_CELL. */
function readAs(raw: RawTable, j: number, kind: 'numeric' | 'categorical'): Column {
  const name = raw.columns[j]!;
  if (kind === 'categorical') return typeColumn(raw, j, true).column;
  const notNumber = (row: number, value: string): never =>
    fail('BAD_CELL', 'data.cellNotNumber', { row, column: name, value }, { row, column: name });
  if (!('rows' in raw)) {
    // Typed as numbers whatever the majority: any cell that is not one is refused.
    const c = raw.cells[j]!;
    if (c.kind === 'numbers') {
      if (c.texts.length) notNumber(rowNumber(raw, c.textRows[0]!), c.texts[0]!);
      return { name, type: 'numeric', values: c.values, missing: c.missing };
    }
    const { column, bad } = typeStored(raw, j);
    if (bad) notNumber(bad.row, bad.value);
    return column;
  }
  let missing = 0;
  const values = new Float64Array(raw.rows.length);
  raw.rows.forEach((r, i) => {
    const cell = r[j] ?? '';
    if (isMissing(cell)) {
      values[i] = NaN;
      missing++;
      return;
    }
    const v = parseNumber(cell);
    if (Number.isNaN(v)) notNumber(rowNumber(raw, i), cell.trim());
    values[i] = v;
  });
  return { name, type: 'numeric', values, missing };
}

/** A stored text column read as numbers, with its first cell that is not one. */
function typeStored(raw: RawTable, j: number) {
  const { column, bad } = typeColumn(raw, j);
  if (column.type === 'numeric') return { column, bad };
  // Text by majority, but the record says numbers: the first text cell is the problem.
  const first = column.values.findIndex((v) => v !== null && Number.isNaN(parseNumber(v)));
  return {
    column: { name: column.name, type: 'numeric' as const, values: new Float64Array(0), missing: 0 },
    bad: { row: rowNumber(raw, first), value: column.values[first]! },
  };
}

function needColumn(raw: RawTable, name: string): number {
  const j = columnIndex(raw, name);
  if (j < 0) fail('MISSING_COLUMN', 'data.missingColumn', { column: name }, { column: name });
  return j;
}

/** Encoded rows: inputs [n, nIn]; targets [n, nOut] when they were asked for. */
export interface EncodedRows {
  x: Float32Array;
  n: number;
  nIn: number;
  /** Target width as prepareData makes it: the number of classes (one-hot), or 1 for regression. */
  nOut: number;
  y?: Float32Array;
}

/**
 * Encodes raw rows as the model's inputs (and, with `requireTarget`, its targets, one-hot over all
 * classes). Throws MISSING_COLUMN, EXTRA_COLUMN or BAD_CELL naming row and column. Without
 * `requireTarget` a target column may be present and is ignored.
 */
export function encodeRows(
  prep: Preprocessing,
  raw: RawTable,
  options: { requireTarget?: boolean } = {},
): EncodedRows {
  const known = new Set([...prep.features.map((f) => f.name), prep.target.name]);
  for (const name of raw.columns) {
    if (!known.has(name)) {
      fail('EXTRA_COLUMN', 'data.extraColumn', { column: name }, { column: name });
    }
  }
  const columns = prep.features.map((f) => readAs(raw, needColumn(raw, f.name), f.kind));
  const rows = Array.from({ length: tableLength(raw) }, (_, i) => i);
  const row = (i: number) => rowNumber(raw, i);
  const { x, nIn } = encodeFeatures(prep.features, columns, rows, row, 'error');
  const nOut = prep.target.task === 'classification' ? prep.target.classes.length : 1;
  const out: EncodedRows = { x, n: rows.length, nIn, nOut };
  if (options.requireTarget) {
    const t = prep.target;
    const column = readAs(raw, needColumn(raw, t.name), t.task === 'regression' ? 'numeric' : 'categorical');
    out.y = encodeTarget(t, column, rows, row);
  }
  return out;
}

/** One decoded model output: a class with its probabilities (in `classes` order), or a value. */
export type Prediction = { label: string; probabilities: number[] } | { value: number };

/**
 * Model outputs [n, nOut] to predictions. Classification: nOut = number of classes (softmax; the
 * label is the first arg-max) or nOut = 1 for two classes (sigmoid p = P(classes[1]); the label is
 * classes[1] when p > 0.5, as Keras's binary accuracy thresholds). Regression: y·scale + mean.
 */
export function decodeOutput(
  prep: Preprocessing,
  outputs: Float32Array,
  n: number,
  nOut: number,
): Prediction[] {
  const t = prep.target;
  const widths = t.task === 'regression' ? [1] : t.classes.length === 2 ? [1, 2] : [t.classes.length];
  if (!widths.includes(nOut) || outputs.length !== n * nOut) {
    fail('OUTPUT_WIDTH_MISMATCH', 'data.outputShape', {
      n,
      widths:
        widths.length === 2 ? { key: 'data.eitherOr', params: { a: widths[0]!, b: widths[1]! } } : widths[0]!,
      values: outputs.length,
      width: nOut,
    });
  }
  const result: Prediction[] = [];
  for (let i = 0; i < n; i++) {
    if (t.task === 'regression') {
      result.push({ value: outputs[i]! * t.scale + t.mean });
    } else if (nOut === 1) {
      const p = outputs[i]!;
      result.push({ label: t.classes[p > 0.5 ? 1 : 0]!, probabilities: [1 - p, p] });
    } else {
      const probabilities = Array.from(outputs.subarray(i * nOut, (i + 1) * nOut));
      let best = 0;
      for (let c = 1; c < nOut; c++) if (probabilities[c]! > probabilities[best]!) best = c;
      result.push({ label: t.classes[best]!, probabilities });
    }
  }
  return result;
}
