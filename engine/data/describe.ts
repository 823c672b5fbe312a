/**
 * Per-column summary for the data panel and the `inspect` command: type, missing and distinct
 * counts, min/max/mean/std (population) for numbers, the most frequent categories for text.
 */
import { compareText } from './cells.ts';
import { typeColumn } from './typing.ts';
import type { ColumnType } from './typing.ts';
import type { RawTable } from './types.ts';
import { tableLength } from './types.ts';

/** How many categories `describeTable` lists per column. */
export const TOP_CATEGORIES = 10;

/** One column as `describeTable` sees it. */
export interface ColumnSummary {
  name: string;
  type: ColumnType;
  /** Non-missing cells. */
  count: number;
  missing: number;
  /** Distinct values among non-missing cells (numbers by value: `1` and `1.0` are one). */
  distinct: number;
  /** Numeric columns: over the cells that are numbers. */
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  /** Numeric columns only: cells that are neither numbers nor missing (preparation refuses them). */
  invalid?: { count: number; row: number; value: string };
  /** Categorical columns: up to TOP_CATEGORIES values, most frequent first, ties by name. */
  top?: { value: string; count: number }[];
}

/**
 * Distinct numbers (NaN left out; 0 and −0 are one): a sorted copy, so memory is one column's worth
 * whatever the table's size (a Set of millions of numbers would take many times that).
 */
function distinctNumbers(values: Float64Array | Float32Array): number {
  const sorted = values.slice().sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (Number.isNaN(v)) break; // sort puts NaN last
    if (i === 0 || v !== sorted[i - 1]) distinct++;
  }
  return distinct;
}

/** How often each category occurs (from the stored codes when the CSV reader kept the column as text). */
function categoryCounts(raw: RawTable, j: number, values: (string | null)[]): Map<string, number> {
  const counts = new Map<string, number>();
  const stored = 'cells' in raw ? raw.cells[j] : undefined;
  if (stored?.kind === 'texts') {
    const byCode = new Float64Array(stored.dict.length + 1);
    for (let i = 0; i < stored.codes.length; i++) byCode[stored.codes[i]!]!++;
    stored.dict.forEach((d, k) => {
      if (byCode[k + 1]! > 0) counts.set(d, byCode[k + 1]!);
    });
    return counts;
  }
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Summarises every column of a table; reports bad cells instead of throwing. */
export function describeTable(raw: RawTable): ColumnSummary[] {
  return raw.columns.map((_, j) => describeColumn(raw, j));
}

/** Summarises column `j` (see `describeTable`). */
export function describeColumn(raw: RawTable, j: number): ColumnSummary {
  const { column, bad } = typeColumn(raw, j);
  const count = tableLength(raw) - column.missing - (bad?.count ?? 0);
  if (column.type === 'numeric') {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of column.values) {
      if (Number.isNaN(v)) continue;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / count;
    let sq = 0;
    for (const v of column.values) if (!Number.isNaN(v)) sq += (v - mean) * (v - mean);
    const summary: ColumnSummary = {
      name: column.name,
      type: 'numeric',
      count,
      missing: column.missing,
      distinct: distinctNumbers(column.values),
      min,
      max,
      mean,
      std: Math.sqrt(sq / count),
    };
    if (bad) summary.invalid = bad;
    return summary;
  }
  const counts = categoryCounts(raw, j, column.values);
  const top = [...counts]
    .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
    .slice(0, TOP_CATEGORIES)
    .map(([value, c]) => ({ value, count: c }));
  return {
    name: column.name,
    type: 'categorical',
    count,
    missing: column.missing,
    distinct: counts.size,
    top,
  };
}
