/**
 * The kernels a model runs with: the tiled TypeScript ones, or WebAssembly SIMD ones that work on
 * buffers inside their own WebAssembly memory. All compute the same products (see matmul.ts)
 * and agree within float32 rounding; which set a model uses never changes its results beyond that.
 */
import { matmul, matmulTransA, matmulTransBAcc } from './matmul.ts';
import type { FloatArray } from './matmul.ts';
import { allFinite, axpy, relu, reluBackward, sumSquares } from './vector.ts';

/** `relaxed`: WebAssembly SIMD with fused multiply-add; `simd`: WebAssembly SIMD; `ts`: TypeScript. */
export type KernelName = 'relaxed' | 'simd' | 'ts';

/** What a model may ask for: `auto` takes the fastest the runtime supports. */
export type KernelChoice = KernelName | 'auto';

export interface MatmulKernels {
  readonly name: KernelName;
  /** C[m×n] = A[m×k] · B[k×n] (+ bias[n]). */
  matmul(
    a: FloatArray,
    b: FloatArray,
    c: FloatArray,
    m: number,
    k: number,
    n: number,
    bias: FloatArray | null,
  ): void;
  /** C[k×n] = A[m×k]ᵀ · B[m×n]. */
  matmulTransA(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number): void;
  /** C[m×k] += A[m×n] · B[k×n]ᵀ. */
  matmulTransBAcc(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number): void;
}

/** Whole-array passes the trainer runs every step, over the same buffers. */
export interface VectorKernels {
  /** Σ a[i]² over [start, end), in float64 precision. */
  sumSquares(a: FloatArray, start: number, end: number): number;
  /** True when no element is ±Infinity or NaN. */
  allFinite(a: FloatArray): boolean;
  /** y += α·x over the whole of y (x at least as long). */
  axpy(y: FloatArray, x: FloatArray, alpha: number): void;
  /** a = z > 0 ? z : 0 over the first n elements (NaN and −0 give +0). */
  relu(z: FloatArray, a: FloatArray, n: number): void;
  /** dz = z > 0 ? da : 0 over the first n elements. */
  reluBackward(z: FloatArray, da: FloatArray, dz: FloatArray, n: number): void;
}

export const tsKernels: MatmulKernels = { name: 'ts', matmul, matmulTransA, matmulTransBAcc };

export const tsVectors: VectorKernels = { sumSquares, allFinite, axpy, relu, reluBackward };
