/**
 * The three matrix products of a dense layer written the plain way, one multiply-add at a time:
 *   forward  Z  = X · W        backward  dW = Xᵀ · dZ      dX += dZ · Wᵀ
 * The reference the tiled and WebAssembly kernels are tested against (same signatures).
 */
import type { FloatArray } from './matmul.ts';

/** C[m×n] = A[m×k] · B[k×n] (+ bias[n] broadcast over rows when given). */
export function matmulNaive(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
  bias: FloatArray | null,
): void {
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    if (bias) for (let j = 0; j < n; j++) c[ci + j] = bias[j]!;
    else c.fill(0, ci, ci + n);
    const ai = i * k;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p]!;
      if (av === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j]! += av * b[bp + j]!;
    }
  }
}

/** C[k×n] = A[m×k]ᵀ · B[m×n] (overwrites C). */
export function matmulTransANaive(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
): void {
  c.fill(0, 0, k * n);
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    const bi = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p]!;
      if (av === 0) continue;
      const cp = p * n;
      for (let j = 0; j < n; j++) c[cp + j]! += av * b[bi + j]!;
    }
  }
}

/** C[m×k] += A[m×n] · B[k×n]ᵀ (accumulates into C). */
export function matmulTransBAccNaive(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  n: number,
  k: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = i * n;
    const ci = i * k;
    for (let p = 0; p < k; p++) {
      const bp = p * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += a[ai + j]! * b[bp + j]!;
      c[ci + p]! += s;
    }
  }
}
