/**
 * Column types. A column is numeric when every non-missing cell is a strict number, categorical
 * (text) when at most half of its non-missing cells are numbers. In between (numbers are a strict
 * majority but some cells are not numbers, like `12abc` in an age column) the column is numeric with
 * bad cells: preparation refuses it with BAD_CELL naming the first one, rather than guessing. In a
 * categorical column a number cell is named canonically (`1.0` and `1` are the category "1"), the same
 * whether the table came by rows or was read into typed columns.
 */
import { fail } from '../errors.ts';
import { isMissing, numberLabel, parseNumber } from './cells.ts';
import type { StoredColumn } from './column-table.ts';
import { rowNumber } from './csv.ts';
import type { RawTable } from './types.ts';

/** Numbers of a column: float32 where the file's values all were exactly float32, else float64. */
export type Numbers = Float64Array | Float32Array;

/** Numbers, or text (categories). */
export type ColumnType = 'numeric' | 'categorical';

/** A typed column: numbers (NaN = missing) or trimmed text (null = missing). */
export type Column =
  | { name: string; type: 'numeric'; values: Numbers; missing: number }
  | { name: string; type: 'categorical'; values: (string | null)[]; missing: number };

/** The outcome of typing one column, with its first bad cell when a numeric column has some. */
export interface TypedColumn {
  column: Column;
  bad: { count: number; row: number; value: string } | null;
}

/** Index of a column by name, or -1 (names are compared exactly, after the header's trimming). */
export function columnIndex(raw: RawTable, name: string): number {
  return raw.columns.indexOf(name);
}

/** Types column `j`; `forceCategorical` keeps it as text whatever its cells look like. Never throws. */
export function typeColumn(raw: RawTable, j: number, forceCategorical = false): TypedColumn {
  if (!('rows' in raw))
    return typeStored(raw.columns[j]!, raw.cells[j]!, raw.length, forceCategorical, (i) => rowNumber(raw, i));
  const name = raw.columns[j]!;
  const n = raw.rows.length;
  const numbers = new Float64Array(n);
  let missing = 0;
  let numeric = 0;
  let bad: TypedColumn['bad'] = null;
  let badCount = 0;
  for (let i = 0; i < n; i++) {
    const cell = raw.rows[i]![j] ?? '';
    if (isMissing(cell)) {
      numbers[i] = NaN;
      missing++;
      continue;
    }
    const v = parseNumber(cell);
    numbers[i] = v;
    if (Number.isNaN(v)) {
      badCount++;
      bad ??= { count: 0, row: rowNumber(raw, i), value: cell.trim() };
    } else numeric++;
  }
  const present = n - missing;
  if (!forceCategorical && present > 0 && numeric * 2 > present) {
    return {
      column: { name, type: 'numeric', values: numbers, missing },
      bad: bad ? { ...bad, count: badCount } : null,
    };
  }
  const values = raw.rows.map((r) => textOf(r[j] ?? ''));
  return { column: { name, type: 'categorical', values, missing }, bad: null };
}

/** A cell as a category: null when missing, a number's canonical name, else the trimmed text. */
export function textOf(cell: string): string | null {
  if (isMissing(cell)) return null;
  const v = parseNumber(cell);
  return Number.isNaN(v) ? cell.trim() : numberLabel(v);
}

/** Types a column the CSV reader stored (same rule as for rows: numbers a strict majority). */
function typeStored(
  name: string,
  c: StoredColumn,
  n: number,
  forceCategorical: boolean,
  row: (i: number) => number,
): TypedColumn {
  const present = n - c.missing;
  const numeric = !forceCategorical && present > 0 && c.numbers * 2 > present;
  const missing = c.missing;
  if (c.kind === 'numbers') {
    if (numeric) {
      const bad = c.texts.length
        ? { count: c.texts.length, row: row(c.textRows[0]!), value: c.texts[0]! }
        : null;
      return { column: { name, type: 'numeric', values: c.values, missing }, bad };
    }
    const values = new Array<string | null>(n);
    let t = 0;
    for (let i = 0; i < n; i++) {
      const v = c.values[i]!;
      if (!Number.isNaN(v)) values[i] = numberLabel(v);
      else if (c.textRows[t] === i) values[i] = c.texts[t++]!;
      else values[i] = null;
    }
    return { column: { name, type: 'categorical', values, missing }, bad: null };
  }
  if (!numeric) {
    const values = new Array<string | null>(n);
    for (let i = 0; i < n; i++) {
      const k = c.codes[i]!;
      values[i] = k === 0 ? null : c.dict[k - 1]!;
    }
    return { column: { name, type: 'categorical', values, missing }, bad: null };
  }
  const asNumber = c.dict.map((d) => parseNumber(d));
  const values = new Float64Array(n);
  let bad: TypedColumn['bad'] = null;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const k = c.codes[i]!;
    const v = k === 0 ? NaN : asNumber[k - 1]!;
    values[i] = v;
    if (k !== 0 && Number.isNaN(v)) {
      count++;
      bad ??= { count: 0, row: row(i), value: c.dict[k - 1]! };
    }
  }
  return { column: { name, type: 'numeric', values, missing }, bad: bad ? { ...bad, count } : null };
}

/** Types column `j` and refuses bad cells in a numeric column (BAD_CELL naming row and column). */
export function readColumn(raw: RawTable, j: number, forceCategorical = false): Column {
  const { column, bad } = typeColumn(raw, j, forceCategorical);
  if (bad) {
    const more =
      bad.count > 1
        ? { key: bad.count > 2 ? 'data.moreCells' : 'data.oneMoreCell', params: { n: bad.count - 1 } }
        : '';
    fail(
      'BAD_CELL',
      'data.notANumber',
      { row: bad.row, column: column.name, value: bad.value, more },
      { row: bad.row, column: column.name },
    );
  }
  return column;
}
