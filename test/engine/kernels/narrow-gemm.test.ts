/**
 * The WebAssembly gemm's last columns (fewer than 4, as in a one-unit layer or a batch-of-one input
 * gradient) are plain float32 sums, q by q from zero, then the bias or the old C added: several rows
 * at once must give each row exactly the bits it gets alone.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { KernelName } from '../../../engine/kernels/kernel-sets.ts';
import { createWasmKernels, supportsWasmKernels } from '../../../engine/kernels/wasm/runtime.ts';
import { createRng } from '../../../engine/rng.ts';

setFlagsFromString('--experimental-wasm-relaxed-simd'); // on by default from Node 22 and in Electron

const f = Math.fround;

/** C[m×n] = A·B (+ bias, or + C), A [m×K], B [K×n], in float32 one product and one sum at a time. */
function reference(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  bias: Float32Array | null,
  m: number,
  K: number,
  n: number,
  acc: boolean,
): Float32Array {
  // prettier-ignore
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < K; q++) s = f(s + f(a[i * K + q]! * b[q * n + j]!));
      out[i * n + j] = acc ? f(s + c[i * n + j]!) : bias ? f(s + bias[j]!) : s;
    }
  return out;
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe('WebAssembly gemm, columns past the last group of 4', () => {
  for (const name of ['simd', 'relaxed'] as KernelName[])
    it(`${name}: each row's sums as alone, bit for bit`, () => {
      expect(supportsWasmKernels(name as 'simd')).toBe(true);
      const rng = createRng(3);
      const set = createWasmKernels(name as 'simd', 1 << 14, 1 << 12);
      const { matmul, matmulTransBAcc } = set.kernels;
      for (const m of [1, 3, 4, 5, 8, 11])
        for (const K of [1, 2, 7, 9])
          for (const n of [1, 2, 3]) {
            const heap = set.heap;
            const a = heap.subarray(0, m * K);
            const b = heap.subarray(1024, 1024 + K * n);
            const bias = heap.subarray(2048, 2048 + n);
            const c = heap.subarray(3072, 3072 + m * n);
            for (const v of [a, b, bias]) for (let i = 0; i < v.length; i++) v[i] = rng.normal();
            matmul(a, b, c, m, K, n, bias);
            expect(bits(c)).toEqual(bits(reference(a, b, c, bias, m, K, n, false)));
            matmul(a, b, c, m, K, n, null);
            expect(bits(c)).toEqual(bits(reference(a, b, c, null, m, K, n, false)));
            // C += A·Bᵀ with Bᵀ given as [n×K]: the same sums, added into the old C.
            const bt = heap.subarray(4096, 4096 + n * K);
            for (let q = 0; q < K; q++) for (let j = 0; j < n; j++) bt[j * K + q] = b[q * n + j]!;
            const before = Float32Array.from(c);
            matmulTransBAcc(a, bt, c, m, K, n);
            expect(bits(c)).toEqual(bits(reference(a, b, before, null, m, K, n, true)));
          }
    });
});
