/**
 * The kernels a model runs with: the tiled TypeScript ones, or WebAssembly SIMD ones that work on
 * buffers inside their own WebAssembly memory. All compute the same products (see matmul.ts)
 * and agree within float32 rounding; which set a model uses never changes its results beyond that.
 * A layer's kernels can also be bound once to its buffers (bindDense, bindActivation), so that a
 * training step does not find out again, on every call, where those buffers are.
 */
import { activate, activateBackward, sigmoidSoftplus } from '../activations.ts';
import type { Activation } from '../graph/types.ts';
import { matmul, matmulTransA, matmulTransBAcc, sumRows } from './matmul.ts';
import type { FloatArray, Matmul, MatmulTransA, MatmulTransBAcc } from './matmul.ts';
import { allFinite, axpy, relu, reluBackward, sumSquares } from './vector.ts';

/** `relaxed`: WebAssembly SIMD with fused multiply-add; `simd`: WebAssembly SIMD; `ts`: TypeScript. */
export type KernelName = 'relaxed' | 'simd' | 'ts';

/** What a model may ask for: `auto` takes the fastest the runtime supports. */
export type KernelChoice = KernelName | 'auto';

export interface MatmulKernels {
  readonly name: KernelName;
  /** The three products of a dense layer (see matmul.ts). */
  matmul: Matmul;
  matmulTransA: MatmulTransA;
  matmulTransBAcc: MatmulTransBAcc;
  /** A faster binding of a dense layer's products than bindDense's, where the set has one (else null). */
  bindDense?(d: DenseBuffers): DenseProducts | null;
  /**
   * A new recording of kernel calls (see StepRecorder) into `slot` (0 or 1), replacing what was recorded
   * there; null when this set cannot record (TypeScript kernels, or a helper thread that takes part in
   * products as they come).
   */
  record?(slot: number): StepRecording | null;
}

/**
 * The kernel calls of a pass over a model's buffers for one batch size, appended by the bound layers
 * (DenseProducts.record, ActivationOps.record) instead of made, to be replayed later with few calls.
 * The calls depend on the sizes only, never on the numbers, so a replay computes exactly what calling
 * the kernels one by one would. What the kernels cannot do is appended as a JavaScript step.
 */
export interface StepRecorder {
  /** a = 0 over its first n elements; false when `a` is not in the kernels' memory. */
  zero(a: FloatArray, n: number): boolean;
  /** to = from over the first n elements; false when either is not in the kernels' memory. */
  copy(to: FloatArray, from: FloatArray, n: number): boolean;
  /** Σ a[i]² over [start, end) as VectorKernels.sumSquares computes it, into `sums[slot]` after a replay. */
  sumSquares(a: FloatArray, start: number, end: number, slot: number): boolean;
  /** A step in JavaScript, run in its place when replayed. */
  js(step: () => void): void;
}

/** A finished or ongoing recording: its replay, and where its sums of squares land. */
export interface StepRecording extends StepRecorder {
  /** The recorded steps in order, each a run of kernel calls or a JavaScript step; null when it overflowed. */
  finish(): (() => void)[] | null;
  /** The values of `sumSquares`, by slot, after each replay. */
  readonly sums: Float64Array;
}

/** Whole-array passes the trainer runs every step, over the same buffers. */
export interface VectorKernels {
  /** Σ a[i]² over [start, end), in float64 precision. */
  sumSquares(a: FloatArray, start: number, end: number): number;
  /** True when no element is ±Infinity or NaN. */
  allFinite(a: FloatArray): boolean;
  /** y += α·x over the whole of y (x at least as long). */
  axpy(y: FloatArray, x: FloatArray, alpha: number): void;
  /**
   * y += α·x as `axpy` computes it, only if every result is finite: true when y was updated, false when
   * it was left as it was; null when these arrays are not ones the set can check first.
   */
  axpyIfFinite?(y: FloatArray, x: FloatArray, alpha: number): boolean | null;
  /** a = z > 0 ? z : 0 over the first n elements (NaN and −0 give +0). */
  relu(z: FloatArray, a: FloatArray, n: number): void;
  /** dz = z > 0 ? da : 0 over the first n elements. */
  reluBackward(z: FloatArray, da: FloatArray, dz: FloatArray, n: number): void;
  /** A faster binding of `f` than bindActivation's, where the set has one (else null). */
  bindActivation?(f: Activation, d: ActivationBuffers): ActivationOps | null;
}

/** A dense layer's buffers [rows × width] for up to the model's largest batch; they never move. */
export interface DenseBuffers {
  /** Input x [B × nIn], kernel W [nIn × nOut], bias b [nOut], pre-activation z = x·W + b [B × nOut]. */
  x: FloatArray;
  w: FloatArray;
  bias: FloatArray | null;
  z: FloatArray;
  /** ∂L/∂z, ∂L/∂W, ∂L/∂b, and ∂L/∂x (added into; null when x is data, whose gradient nobody needs). */
  dZ: FloatArray;
  dW: FloatArray;
  dBias: FloatArray | null;
  dX: FloatArray | null;
  nIn: number;
  nOut: number;
}

/** A dense layer's products on its own buffers, for the first B rows. */
export interface DenseProducts {
  /** The kernels these call: a model whose kernels are swapped binds again. */
  readonly kernels: MatmulKernels;
  /** z = x·W + b. */
  forward(B: number): void;
  /** dW = xᵀ·dZ, db = Σ_rows dZ, dX += dZ·Wᵀ. */
  backward(B: number): void;
  /** Appends forward's or backward's kernel calls for B rows instead (false: they cannot be recorded). */
  record?(pass: Pass, B: number, r: StepRecorder): boolean;
}

export type Pass = 'forward' | 'backward';

/** An element-wise activation's buffers, rows of `width`: a = f(z); dZ = f′(z) ⊙ dA. */
export interface ActivationBuffers {
  z: FloatArray;
  a: FloatArray;
  dA: FloatArray;
  dZ: FloatArray;
  width: number;
  /** Sigmoid before binary cross-entropy: ln(1 + e^{−|z|}) as well, for the loss (see sigmoidSoftplus). */
  softplus?: Float64Array | null;
}

/** An activation on its own buffers, for the first B rows. */
export interface ActivationOps {
  readonly vectors: VectorKernels;
  forward(B: number): void;
  backward(B: number): void;
  /** Appends forward's or backward's kernel calls for B rows instead (false: they cannot be recorded). */
  record?(pass: Pass, B: number, r: StepRecorder): boolean;
}

export const tsKernels: MatmulKernels = { name: 'ts', matmul, matmulTransA, matmulTransBAcc };

export const tsVectors: VectorKernels = { sumSquares, allFinite, axpy, relu, reluBackward };

/** The products of one dense layer bound to its buffers: the set's own binding, or its three kernels. */
export function bindDense(k: MatmulKernels, d: DenseBuffers): DenseProducts {
  const fast = k.bindDense?.(d);
  if (fast) return fast;
  const { x, w, bias, z, dZ, dW, dBias, dX, nIn, nOut } = d;
  return {
    kernels: k,
    forward: (B) => k.matmul(x, w, z, B, nIn, nOut, bias),
    backward(B) {
      k.matmulTransA(x, dZ, dW, B, nIn, nOut);
      if (dBias) sumRows(dZ, dBias, B, nOut);
      if (dX) k.matmulTransBAcc(dZ, w, dX, B, nOut, nIn);
    },
  };
}

/**
 * Activation `f` (with `alpha` for leaky_relu and elu) bound to its buffers: the set's own binding, or
 * relu from the set and the others in TypeScript.
 */
export function bindActivation(
  v: VectorKernels,
  f: Activation,
  alpha: number,
  d: ActivationBuffers,
): ActivationOps {
  const fast = v.bindActivation?.(f, d);
  if (fast) return fast;
  const { z, a, dA, dZ, width, softplus } = d;
  const backward = (B: number) => activateBackward(f, alpha, z, a, dA, dZ, B * width, width);
  if (f === 'relu')
    return {
      vectors: v,
      forward: (B) => v.relu(z, a, B * width),
      backward: (B) => v.reluBackward(z, dA, dZ, B * width),
    };
  if (f === 'sigmoid' && softplus)
    return { vectors: v, forward: (B) => sigmoidSoftplus(z, a, softplus, B * width), backward };
  return { vectors: v, forward: (B) => activate(f, alpha, z, a, B * width, width), backward };
}
