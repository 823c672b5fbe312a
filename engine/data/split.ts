/**
 * The one train/validation split: optionally a seeded Fisher–Yates shuffle of the row indices, then
 * the first floor(n · (1 − validationSplit)) rows train and the rest validate, as Keras's
 * `validation_split` does (plus a 1e-9 tolerance, so 30 rows at 0.3 train 21, not 20). prepareData
 * and splitDataset both use it: the same seed holds out the same rows, prepared afresh or re-encoded.
 */
import { fail } from '../errors.ts';
import { createRng, shuffle as shuffleInPlace } from '../rng.ts';
import type { Dataset } from './types.ts';

/** Splits `rows` (indices, copied, not mutated) into training and validation indices. */
export function splitIndices(
  rows: readonly number[],
  validationSplit: number,
  seed: number,
  shuffle = true,
): { train: number[]; validation: number[] } {
  if (!(validationSplit >= 0 && validationSplit < 1)) {
    fail('BAD_HYPERPARAMETER', 'data.validationSplit', { value: String(validationSplit) });
  }
  const order = rows.slice();
  if (shuffle) shuffleInPlace(createRng(seed), order);
  const nTrain = Math.floor(order.length * (1 - validationSplit) + 1e-9);
  if (nTrain === 0) fail('NO_DATA', 'data.noTrainingRows', { held: order.length });
  return { train: order.slice(0, nTrain), validation: order.slice(nTrain) };
}

/** The rows `idx` of a dataset, in that order. */
export function takeRows(d: Dataset, idx: readonly number[]): Dataset {
  const x = new Float32Array(idx.length * d.nIn);
  const y = new Float32Array(idx.length * d.nOut);
  idx.forEach((i, k) => {
    x.set(d.x.subarray(i * d.nIn, (i + 1) * d.nIn), k * d.nIn);
    y.set(d.y.subarray(i * d.nOut, (i + 1) * d.nOut), k * d.nOut);
  });
  return { n: idx.length, nIn: d.nIn, nOut: d.nOut, x, y };
}

/** Splits already-encoded rows (e.g. from encodeRows, to continue training) like prepareData splits raw ones. */
export function splitDataset(
  all: Dataset,
  validationSplit: number,
  seed: number,
  shuffle = true,
): { train: Dataset; validation: Dataset } {
  const { train, validation } = splitIndices(
    Array.from({ length: all.n }, (_, i) => i),
    validationSplit,
    seed,
    shuffle,
  );
  return { train: takeRows(all, train), validation: takeRows(all, validation) };
}
