/**
 * What the explain tools share: a float64 working copy of a model (same graph and weights, its own
 * buffers, so the run's model is never touched), a batch, a training-mode context whose dropout masks
 * depend only on a seed, and a clock for wall times.
 */
import { fail } from '../errors.ts';
import { createModel } from '../model/model.ts';
import type { Model } from '../model/model.ts';
import { loadRows } from '../model/run.ts';
import type { RunContext } from '../model/state.ts';
import { createRng } from '../rng.ts';

/** B rows of features x [B × nIn] and targets y [B × K], row-major, already encoded. */
export interface Batch {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  B: number;
}

/** Seed of the dropout masks when none is given (the one engine/gradcheck.ts uses). */
export const DEFAULT_MASK_SEED = 7;

/** A float64 model with the same graph and weights as `model`, buffers for `maxBatch` rows, 'ts' kernels. */
export function float64Copy(model: Model, maxBatch: number): Model {
  const copy = createModel(model.compiled, { dtype: 'float64', maxBatch, seed: 0 });
  copy.params.set(model.params);
  return copy;
}

/** Checks a batch against the model (sizes, finite numbers, at most `maxRows` rows). */
export function checkBatch(model: Model, batch: Batch, maxRows: number): void {
  const { B, x, y } = batch;
  if (!Number.isInteger(B) || B < 1 || B > maxRows)
    fail('BAD_REQUEST', 'explain.rowsRange', { max: maxRows, value: String(B) });
  const nIn = model.input.width;
  const K = model.output.width;
  if (x.length !== B * nIn)
    fail('BAD_REQUEST', 'explain.inputSize', { rows: B, width: nIn, needed: B * nIn, got: x.length });
  if (y.length !== B * K)
    fail('BAD_REQUEST', 'explain.targetSize', { rows: B, width: K, needed: B * K, got: y.length });
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i]!))
      fail('BAD_REQUEST', 'explain.inputNotNumber', { index: i % nIn, row: Math.floor(i / nIn) });
  for (let i = 0; i < y.length; i++)
    if (!Number.isFinite(y[i]!))
      fail('BAD_REQUEST', 'explain.targetNotNumber', { index: i % K, row: Math.floor(i / K) });
}

/** A float64 copy of `model` with the batch's rows loaded into its input cache. */
export function loadedCopy(model: Model, batch: Batch): Model {
  const copy = float64Copy(model, batch.B);
  loadRows(copy, batch.x, null, 0, batch.B);
  return copy;
}

/**
 * A training-mode context with a fresh generator: every pass run with a context from the same seed
 * draws the same dropout masks, so all gradient methods differentiate the same function.
 */
export function maskedContext(B: number, seed: number): RunContext {
  return { B, training: true, rng: createRng(seed) };
}

/** Milliseconds from an arbitrary origin. */
export type Clock = () => number;

/** `performance.now()` where the host has it (browsers, workers, Node), else `Date.now()`. */
export const defaultClock: Clock = (() => {
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return p && typeof p.now === 'function' ? () => p.now() : () => Date.now();
})();

/** Multiply-adds of one forward pass of B rows: Σ over dense layers of B·nIn·units (a guard, not a count). */
export function forwardWork(model: Model, B: number): number {
  let w = 0;
  for (const p of model.compiled.params) w += B * p.kernel[0] * p.kernel[1];
  return w;
}
