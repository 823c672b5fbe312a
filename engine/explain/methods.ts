/**
 * Three ways to the same gradient, each with a multiply-add counter and a wall time (the median of
 * several timed repetitions):
 *   backprop            the engine's computeGradients: one forward, one reverse pass  ≈ 3 forwards
 *   naive               one forward, then one forward-mode chain per parameter         ≈ P × (rest of the network)
 *   finite differences  (L(w + h) − L(w − h)) / 2h per parameter                      = 2P forwards
 * A multiply-add is one step s += a·b of a dense layer's matrix product (forward X·W, backward Xᵀ·dZ
 * and dZ·Wᵀ, forward-mode Ẋ·W) or of the naive method's final dot product with ∂L/∂p, counted around
 * the engine's kernels (counting.ts) and in the naive method's loop (forward-mode.ts). Element-wise work (bias, activations and
 * their derivatives, masks, add, concatenate, the loss) is linear in the neurons and is not counted.
 */
import { fail } from '../errors.ts';
import { centralDifference, lossAt } from '../gradcheck.ts';
import type { Model } from '../model/model.ts';
import { computeGradients, forward, seedLoss, applyPenalties } from '../model/run.ts';
import {
  checkBatch,
  DEFAULT_MASK_SEED,
  defaultClock,
  forwardWork,
  loadedCopy,
  maskedContext,
} from './working-copy.ts';
import type { Batch, Clock } from './working-copy.ts';
import { countInto, countingKernels, newCounter, useKernels } from './counting.ts';
import { forwardModeGradient } from './forward-mode.ts';

export type MethodName = 'backprop' | 'naive' | 'finiteDifferences';
export const METHOD_NAMES: readonly MethodName[] = ['backprop', 'naive', 'finiteDifferences'];

/** Limits for running all three methods (finite differences and naive grow with parameters²). */
export const METHOD_LIMITS = { params: 5000, rows: 8, work: 100_000_000 } as const;

export interface MethodResult {
  method: MethodName;
  /** ∂L/∂w in the layout of `model.grads` (penalties included). */
  gradient: Float64Array;
  /** Loss (with penalties) at the current weights. */
  loss: number;
  /** Multiply-adds of one run, counted. */
  multiplyAdds: number;
  /** Of which in forward passes (backprop: its one forward; naive: its one forward; finite differences: all). */
  forwardMultiplyAdds: number;
  /** Wall time of one run in ms: after one untimed warm-up run, the median over timed repetitions. */
  timeMs: number;
  /** Timed runs in all (1: the warm-up run was the timed one). */
  runs: number;
  /** Repetitions timed, whose median is `timeMs`. */
  repetitions: number;
}

export interface MethodOptions {
  /** Seed of the dropout masks (the same masks for every method and every pass). */
  seed?: number;
  /** Step of the central differences. */
  h?: number;
  clock?: Clock;
  /** Time runs for at least about this long in all (ms): short runs are repeated within a repetition. */
  minTimeMs?: number;
  /** At most this many timed runs (1: the warm-up run is the timed one, no repetitions). */
  maxRuns?: number;
}

interface Runner {
  run(): { loss: number; forward: number; total: number };
  gradient: Float64Array;
}

/** backprop: the engine's own forward + loss + reverse pass + penalties, counted through its kernels. */
function backpropRunner(model: Model, batch: Batch, seed: number): Runner {
  const fwd = newCounter();
  const bwd = newCounter();
  const gradient = new Float64Array(model.params.length);
  return {
    gradient,
    run() {
      fwd.madds = bwd.madds = 0;
      countInto(fwd, bwd);
      const loss = computeGradients(model, batch.y, maskedContext(batch.B, seed));
      gradient.set(model.grads);
      return { loss, forward: fwd.madds, total: fwd.madds + bwd.madds };
    },
  };
}

/** naive: one counted forward for the values, then one forward-mode chain per parameter. */
function naiveRunner(model: Model, batch: Batch, seed: number): Runner {
  const c = newCounter();
  const gradient = new Float64Array(model.params.length);
  const K = model.output.width;
  return {
    gradient,
    run() {
      c.madds = 0;
      countInto(c);
      forward(model, maskedContext(batch.B, seed));
      const loss = seedLoss(model, batch.y, batch.B, true) + applyPenalties(model, false);
      const forwardCount = c.madds;
      const g = Float64Array.from(model.output.dOut.subarray(0, batch.B * K));
      forwardModeGradient(model, batch.B, g, countingKernels, c, gradient);
      return { loss, forward: forwardCount, total: c.madds };
    },
  };
}

/** finite differences: two counted forwards per parameter, with the same dropout masks each time. */
function finiteDifferenceRunner(model: Model, batch: Batch, seed: number, h: number): Runner {
  const c = newCounter();
  const gradient = new Float64Array(model.params.length);
  const b = { y: batch.y, B: batch.B, seed };
  const loss = () => lossAt(model, b);
  return {
    gradient,
    run() {
      c.madds = 0;
      countInto(c);
      const w = model.params;
      for (let i = 0; i < w.length; i++) gradient[i] = centralDifference(w, i, h, loss);
      const total = c.madds;
      // Only reports the loss; not part of the method's work, so counted after the total is taken.
      return { loss: loss(), forward: total, total };
    },
  };
}

/** Timed repetitions of each method: the time shown is their median, so one slow run cannot move it. */
export const TIMING = { repetitions: 7, minRepetitions: 3, budgetMs: 2000 } as const;

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Runs once untimed (the JIT's warm-up; its counts are the result), then times TIMING.repetitions
 * repetitions (fewer, but at least TIMING.minRepetitions, when a run is so slow that they would take
 * longer than TIMING.budgetMs). A repetition is as many runs as make it last minTime/repetitions
 * (judged from the warm-up; at least one), timed together; the time is the median over repetitions of
 * their time per run: noise that slows one repetition down does not reach the figure.
 */
function timed(method: MethodName, r: Runner, o: MethodOptions): MethodResult {
  const clock = o.clock ?? defaultClock;
  const minTime = o.minTimeMs ?? 35;
  const maxRuns = o.maxRuns ?? 1000;
  const t = clock();
  const first = r.run();
  const warmUp = clock() - t;
  const result = (timeMs: number, runs: number, repetitions: number): MethodResult => ({
    method,
    gradient: r.gradient,
    loss: first.loss,
    multiplyAdds: first.total,
    forwardMultiplyAdds: first.forward,
    timeMs,
    runs,
    repetitions,
  });
  if (maxRuns <= 1) return result(warmUp, 1, 1);
  const affordable = warmUp > 0 ? Math.floor(TIMING.budgetMs / warmUp) : TIMING.repetitions;
  const repetitions = Math.max(
    1,
    Math.min(TIMING.repetitions, Math.max(TIMING.minRepetitions, affordable), maxRuns),
  );
  const perRepetition = Math.max(
    1,
    Math.min(Math.floor(maxRuns / repetitions), warmUp > 0 ? Math.ceil(minTime / repetitions / warmUp) : 1),
  );
  const samples: number[] = [];
  for (let k = 0; k < repetitions; k++) {
    const t0 = clock();
    for (let n = 0; n < perRepetition; n++) r.run();
    samples.push((clock() - t0) / perRepetition);
  }
  return result(median(samples), repetitions * perRepetition, repetitions);
}

/** Refuses networks or batches too big to differentiate 2P times. */
export function checkMethodSize(model: Model, batch: Batch): void {
  checkBatch(model, batch, METHOD_LIMITS.rows);
  const P = model.params.length;
  if (P > METHOD_LIMITS.params)
    fail('TOO_LARGE', 'explain.methodsTooManyParams', {
      params: P.toLocaleString('en'),
      max: METHOD_LIMITS.params.toLocaleString('en'),
    });
  const work = 2 * P * forwardWork(model, batch.B);
  if (work > METHOD_LIMITS.work)
    fail('TOO_LARGE', 'explain.methodsTooMuchWork', {
      work: work.toExponential(1),
      max: METHOD_LIMITS.work.toExponential(0),
    });
}

/** Runs one method on a float64 copy of `model` with `batch` (the model itself is not changed). */
export function runMethod(
  model: Model,
  batch: Batch,
  method: MethodName,
  o: MethodOptions = {},
): MethodResult {
  checkMethodSize(model, batch);
  const copy = loadedCopy(model, batch);
  useKernels(copy, countingKernels);
  const seed = o.seed ?? DEFAULT_MASK_SEED;
  const runner =
    method === 'backprop'
      ? backpropRunner(copy, batch, seed)
      : method === 'naive'
        ? naiveRunner(copy, batch, seed)
        : finiteDifferenceRunner(copy, batch, seed, o.h ?? 1e-5);
  return timed(method, runner, o);
}

/** How far apart two gradients are. */
export interface GradientDifference {
  a: MethodName;
  b: MethodName;
  /**
   * max over parameters of |a − b| / max(|a|, |b|, 0.001 · the largest |gradient| entry): relative
   * where the entries are of normal size, on the gradient's own scale where both are tiny.
   */
  maxRelDiff: number;
  maxAbsDiff: number;
}

export function gradientDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { maxRelDiff: number; maxAbsDiff: number } {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]!), Math.abs(b[i]!));
  const floor = Math.max(1e-3 * scale, 1e-300);
  let maxRelDiff = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    maxAbsDiff = Math.max(maxAbsDiff, d);
    maxRelDiff = Math.max(maxRelDiff, d / Math.max(Math.abs(a[i]!), Math.abs(b[i]!), floor));
  }
  return { maxRelDiff, maxAbsDiff };
}

export interface MethodComparison {
  params: number;
  rows: number;
  /** Multiply-adds of one forward pass over the rows. */
  forwardMultiplyAdds: number;
  backprop: MethodResult;
  naive: MethodResult;
  finiteDifferences: MethodResult;
  /** backprop–naive, backprop–finite differences, naive–finite differences. */
  differences: GradientDifference[];
}

/** The three methods on the same weights, rows and dropout masks, and how far their gradients differ. */
export function compareMethods(model: Model, batch: Batch, o: MethodOptions = {}): MethodComparison {
  const [backprop, naive, finiteDifferences] = METHOD_NAMES.map((m) => runMethod(model, batch, m, o)) as [
    MethodResult,
    MethodResult,
    MethodResult,
  ];
  const pair = (x: MethodResult, y: MethodResult): GradientDifference => ({
    a: x.method,
    b: y.method,
    ...gradientDifference(x.gradient, y.gradient),
  });
  return {
    params: model.params.length,
    rows: batch.B,
    forwardMultiplyAdds: backprop.forwardMultiplyAdds,
    backprop,
    naive,
    finiteDifferences,
    differences: [pair(backprop, naive), pair(backprop, finiteDifferences), pair(naive, finiteDifferences)],
  };
}
