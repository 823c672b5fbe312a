/**
 * Column types. A column is numeric when every non-missing cell is a strict number, categorical
 * (text) when at most half of its non-missing cells are numbers. In between (numbers are a strict
 * majority but some cells are not numbers, like `12abc` in an age column) the column is numeric with
 * bad cells: preparation refuses it with BAD_CELL naming the first one, rather than guessing.
 */
import { fail } from '../errors.ts';
import { isMissing, parseNumber } from './cells.ts';
import { rowNumber } from './csv.ts';
import type { RawTable } from './types.ts';

/** Numbers, or text (categories). */
export type ColumnType = 'numeric' | 'categorical';

/** A typed column: numbers (NaN = missing) or trimmed text (null = missing). */
export type Column =
  | { name: string; type: 'numeric'; values: Float64Array; missing: number }
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
  const values = raw.rows.map((r) => {
    const cell = r[j] ?? '';
    return isMissing(cell) ? null : cell.trim();
  });
  return { column: { name, type: 'categorical', values, missing }, bad: null };
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
