/**
 * The three matrix products of a dense layer written the plain way, one multiply-add at a time:
 *   forward  Z  = X · W        backward  dW = Xᵀ · dZ      dX += dZ · Wᵀ
 * The reference the tiled and WebAssembly kernels are tested against (same signatures).
 */
import type { Matmul, MatmulTransA, MatmulTransBAcc } from './matmul.ts';

/** C = A·B (+ bias), the plain way. */
export const matmulNaive: Matmul = (a, b, c, m, k, n, bias) => {
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
};

/** C = Aᵀ·B, the plain way. */
export const matmulTransANaive: MatmulTransA = (a, b, c, m, k, n) => {
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
};

/** C += A·Bᵀ, the plain way. */
export const matmulTransBAccNaive: MatmulTransBAcc = (a, b, c, m, n, k) => {
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
};
