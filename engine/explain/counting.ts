/**
 * Matmul kernels that count: the engine's own kernels, wrapped, so a model running with them computes
 * exactly what it computes without, and reports how many multiply-adds its dense layers did:
 *   forward  Z = X·W (matmul)        backward  dW = Xᵀ·dZ (matmulTransA), dX += dZ·Wᵀ (matmulTransBAcc)
 */
import { tsKernels } from '../kernels/kernel-sets.ts';
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
 * The engine's own TypeScript kernels, each call counted: a product of an m×k by a k×n matrix is
 * m·k·n multiply-adds, however the kernel orders them. One set for the whole engine, so the dense
 * layers' call sites keep seeing the same functions: new closures per run would make the JIT throw
 * their optimised code away, and the measured times would be the JIT's.
 */
export const countingKernels: ModelKernels = {
  ...tsKernels,
  matmul(a, b, c, m, k, n, bias) {
    tsKernels.matmul(a, b, c, m, k, n, bias);
    target.forward.madds += m * k * n;
  },
  matmulTransA(a, b, c, m, k, n) {
    tsKernels.matmulTransA(a, b, c, m, k, n);
    target.backward.madds += m * k * n;
  },
  matmulTransBAcc(a, b, c, m, n, k) {
    tsKernels.matmulTransBAcc(a, b, c, m, n, k);
    target.backward.madds += m * n * k;
  },
};

/** Makes every dense layer of `model` (a float64 working copy) run with `kernels`. */
export function useKernels(model: Model, kernels: ModelKernels): void {
  model.kernels = kernels;
  for (const s of model.states) s.kernels = kernels;
}
