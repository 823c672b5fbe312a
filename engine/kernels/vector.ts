/**
 * Whole-array passes the trainer runs every step: Σ a² (gradient norms), the finiteness of the weights,
 * y += α·x (the SGD update) and relu forward and backward. Four running sums break the chain of dependent additions that would otherwise bound the loop.
 */
import type { FloatArray } from './matmul.ts';

/** Σ a[i]² over [start, end), in float64. */
export function sumSquares(a: FloatArray, start: number, end: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const x0 = a[i]!;
    const x1 = a[i + 1]!;
    const x2 = a[i + 2]!;
    const x3 = a[i + 3]!;
    s0 += x0 * x0;
    s1 += x1 * x1;
    s2 += x2 * x2;
    s3 += x3 * x3;
  }
  for (; i < end; i++) s0 += a[i]! * a[i]!;
  return s0 + s1 + s2 + s3;
}

/** True when no element is ±Infinity or NaN (x·0 is 0 exactly for finite x, NaN otherwise). */
export function allFinite(a: FloatArray): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i]! * 0;
    s1 += a[i + 1]! * 0;
    s2 += a[i + 2]! * 0;
    s3 += a[i + 3]! * 0;
  }
  for (; i < n; i++) s0 += a[i]! * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/** y[i] += α·x[i] over the whole of y. */
export function axpy(y: FloatArray, x: FloatArray, alpha: number): void {
  for (let i = 0; i < y.length; i++) y[i]! += alpha * x[i]!;
}

/** a = z > 0 ? z : 0 over the first n elements. */
export function relu(z: FloatArray, a: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) a[i] = z[i]! > 0 ? z[i]! : 0;
}

/** dz = z > 0 ? da : 0 over the first n elements. */
export function reluBackward(z: FloatArray, da: FloatArray, dz: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) dz[i] = z[i]! > 0 ? da[i]! : 0;
}
