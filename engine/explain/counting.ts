/**
 * Matmul kernels that count. Plain loops: each step of the inner loop is one multiply-add
 * `s += a·b` and bumps a counter, which is added to the caller's counter when the product is done.
 * A model running with them computes what it computes with the engine's kernels (float64, up to
 * rounding) and reports how many multiply-adds its dense layers did:
 *   forward  Z = X·W (matmul)        backward  dW = Xᵀ·dZ (matmulTransA), dX += dZ·Wᵀ (matmulTransBAcc)
 */
import { tsKernels } from '../kernels/kernels.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import type { Model } from '../model/model.ts';

/** The kernel set a model's dense layers call (what else it holds comes from the 'ts' set). */
export type ModelKernels = Model['kernels'];

/** Multiply-adds done so far. */
export interface Counter {
  madds: number;
}

export const newCounter = (): Counter => ({ madds: 0 });

/** Where the counting kernels add: the forward product into `forward`, the backward ones into `backward`. */
const target = { forward: newCounter(), backward: newCounter() };

/**
 * Counts the forward product (matmul, also used for forward-mode tangents) into `forward` and the two
 * backward products into `backward` (the same counter unless given), until the next call.
 */
export function countInto(forward: Counter, backward: Counter = forward): void {
  target.forward = forward;
  target.backward = backward;
}

/**
 * The counting kernels. One set for the whole engine, so the dense layers' call sites keep seeing the
 * same functions: new closures per run would make the JIT throw their optimised code away, and the
 * measured times would be the JIT's.
 */
export const countingKernels: ModelKernels = {
  ...tsKernels,
  matmul(
    a: FloatArray,
    b: FloatArray,
    c: FloatArray,
    m: number,
    k: number,
    n: number,
    bias: FloatArray | null,
  ) {
    let ops = 0;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = bias ? bias[j]! : 0;
        for (let q = 0; q < k; q++) {
          s += a[i * k + q]! * b[q * n + j]!;
          ops++;
        }
        c[i * n + j] = s;
      }
    target.forward.madds += ops;
  },
  matmulTransA(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number) {
    let ops = 0;
    for (let p = 0; p < k; p++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < m; i++) {
          s += a[i * k + p]! * b[i * n + j]!;
          ops++;
        }
        c[p * n + j] = s;
      }
    target.backward.madds += ops;
  },
  matmulTransBAcc(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number) {
    let ops = 0;
    for (let i = 0; i < m; i++)
      for (let p = 0; p < k; p++) {
        let s = c[i * k + p]!;
        for (let j = 0; j < n; j++) {
          s += a[i * n + j]! * b[p * n + j]!;
          ops++;
        }
        c[i * k + p] = s;
      }
    target.backward.madds += ops;
  },
};

/** Makes every dense layer of `model` (a float64 working copy) run with `kernels`. */
export function useKernels(model: Model, kernels: ModelKernels): void {
  model.kernels = kernels;
  for (const s of model.states) s.kernels = kernels;
}
