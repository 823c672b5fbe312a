/**
 * Statistics fitted on the training split only: mean and population standard deviation in float64
 * (two passes), σ = 0 replaced by 1 so a constant column encodes to 0 rather than NaN; the mode and
 * sorted categories of a text column.
 */
import { fail } from '../errors.ts';
import { compareText } from './cells.ts';
import type { Column, Numbers } from './typing.ts';
import type { CategoricalFeature, MissingRule, Normalize, NumericFeature } from './types.ts';

/** Mean and population std of the non-NaN `values[rows[k]]`; a constant column has std 0 exactly. */
export function meanStd(
  values: Numbers,
  rows: ArrayLike<number>,
): { mean: number; std: number; count: number } {
  let sum = 0;
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]!]!;
    if (Number.isNaN(v)) continue;
    sum += v;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { mean: NaN, std: NaN, count };
  if (min === max) return { mean: min, std: 0, count };
  const mean = sum / count;
  let sq = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]!]!;
    if (!Number.isNaN(v)) sq += (v - mean) * (v - mean);
  }
  return { mean, std: Math.sqrt(sq / count), count };
}

/** Offset and scale for standardisation ('none': 0 and 1); σ = 0 or non-finite becomes 1. */
export function affine(
  stats: { mean: number; std: number },
  normalize: Normalize,
): { mean: number; scale: number } {
  if (normalize === 'none') return { mean: 0, scale: 1 };
  const scale = stats.std > 0 && Number.isFinite(stats.std) ? stats.std : 1;
  return { mean: stats.mean, scale };
}

function noValues(name: string): never {
  return fail('NO_DATA', 'data.noTrainingValues', { column: name }, { column: name });
}

/** A numeric feature's record from the training rows; `fill` is the training mean when imputing. */
export function fitNumeric(
  column: Column & { type: 'numeric' },
  train: ArrayLike<number>,
  missing: MissingRule,
  normalize: Normalize,
): NumericFeature {
  const stats = meanStd(column.values, train);
  if (stats.count === 0) noValues(column.name);
  const { mean, scale } = affine(stats, normalize);
  return { name: column.name, kind: 'numeric', mean, scale, fill: missing === 'impute' ? stats.mean : null };
}

/** A categorical feature's record: training categories sorted; `fill` is the training mode (ties: first sorted). */
export function fitCategorical(
  column: Column & { type: 'categorical' },
  train: ArrayLike<number>,
  missing: MissingRule,
): CategoricalFeature {
  const counts = new Map<string, number>();
  for (let k = 0; k < train.length; k++) {
    const v = column.values[train[k]!];
    if (v !== null && v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  if (counts.size === 0) noValues(column.name);
  const categories = [...counts.keys()].sort(compareText);
  let mode = categories[0]!;
  for (const c of categories) if (counts.get(c)! > counts.get(mode)!) mode = c;
  return { name: column.name, kind: 'categorical', categories, fill: missing === 'impute' ? mode : null };
}
