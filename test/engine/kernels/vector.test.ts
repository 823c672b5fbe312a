import { describe, expect, it } from 'vitest';
import { tanhF32 } from '../../../engine/activations.ts';
import { allFinite, axpy, relu, reluBackward, sumSquares } from '../../../engine/kernels/vector.ts';
import { createWasmKernels } from '../../../engine/kernels/wasm/runtime.ts';

describe('vector reductions', () => {
  it.each([0, 1, 3, 4, 5, 9])('sumSquares over ranges of length %i', (len) => {
    const a = Float32Array.from({ length: 20 }, (_, i) => i - 7.5);
    let want = 0;
    for (let i = 2; i < 2 + len; i++) want += a[i]! * a[i]!;
    expect(sumSquares(a, 2, 2 + len)).toBe(want);
  });

  it('allFinite finds one non-finite value anywhere', () => {
    for (const n of [1, 4, 7])
      for (let at = 0; at < n; at++)
        for (const bad of [Infinity, -Infinity, NaN]) {
          const a = new Float32Array(n).fill(1e30);
          expect(allFinite(a)).toBe(true);
          a[at] = bad;
          expect(allFinite(a)).toBe(false);
        }
    expect(allFinite(new Float64Array(0))).toBe(true);
  });
});

describe('WebAssembly reductions agree with the TypeScript ones', () => {
  const { vectors, heap } = createWasmKernels('simd', 4096, 0);

  it('sumSquares over odd offsets and lengths', () => {
    for (let i = 0; i < heap.length; i++) heap[i] = Math.sin(i) * 100;
    for (const [start, len] of [
      [0, 0],
      [1, 1],
      [3, 7],
      [5, 4000],
      [0, 4096],
    ] as const) {
      const want = sumSquares(heap, start, start + len);
      expect(vectors.sumSquares(heap, start, start + len)).toBeCloseTo(want, 6);
      const view = heap.subarray(start, start + len);
      expect(vectors.sumSquares(view, 0, len)).toBeCloseTo(want, 6);
    }
  });

  it('allFinite finds a non-finite value in the vector body and in the tail', () => {
    for (const len of [1, 3, 4, 9, 31]) {
      const view = heap.subarray(1, 1 + len).fill(3e38);
      expect(vectors.allFinite(view)).toBe(true);
      for (let at = 0; at < len; at++)
        for (const bad of [Infinity, NaN]) {
          view[at] = bad;
          expect(vectors.allFinite(view)).toBe(false);
          view[at] = 1;
        }
    }
  });
});

describe('axpy', () => {
  it('WebAssembly and TypeScript agree to float32 rounding, tails included', () => {
    const { vectors, heap } = createWasmKernels('simd', 4096, 0);
    for (const len of [1, 3, 4, 7, 1001]) {
      const y = heap.subarray(1, 1 + len);
      const x = heap.subarray(2000, 2000 + len);
      for (let i = 0; i < len; i++) [y[i], x[i]] = [Math.cos(i), Math.sin(i)];
      const want = Float64Array.from(y);
      axpy(want, x, -0.37);
      vectors.axpy(y, x, -0.37);
      for (let i = 0; i < len; i++) expect(y[i]).toBeCloseTo(want[i]!, 6);
    }
  });
});

describe('relu', () => {
  it('WebAssembly gives the TypeScript bits (−0, NaN and ±∞ included), tails too', () => {
    const { vectors, heap } = createWasmKernels('simd', 8192, 0);
    const special = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45];
    for (const len of [1, 3, 4, 7, 1001]) {
      const z = heap.subarray(1, 1 + len);
      const da = heap.subarray(1100, 1100 + len);
      const a = heap.subarray(2200, 2200 + len);
      const dz = heap.subarray(3300, 3300 + len);
      for (let i = 0; i < len; i++) {
        z[i] = i < special.length ? special[i]! : Math.sin(i * 7) * 3;
        da[i] = Math.cos(i) - 0.5;
      }
      const wantA = new Float32Array(len);
      const wantDz = new Float32Array(len);
      relu(z, wantA, len);
      reluBackward(z, da, wantDz, len);
      vectors.relu(z, a, len);
      vectors.reluBackward(z, da, dz, len);
      expect(new Uint32Array(a.slice().buffer)).toEqual(new Uint32Array(wantA.buffer));
      expect(new Uint32Array(dz.slice().buffer)).toEqual(new Uint32Array(wantDz.buffer));
    }
  });
});

describe('tanhF32', () => {
  it('is within 3e-7 of Math.tanh everywhere, exact in sign, and odd', () => {
    let worst = 0;
    for (let z = -30; z <= 30; z += 1e-3) {
      const t = tanhF32(z);
      worst = Math.max(worst, Math.abs(t - Math.tanh(z)));
      expect(tanhF32(-z)).toBe(-t);
    }
    expect(worst).toBeLessThan(3e-7);
    for (const z of [1e-30, 1e-8, 1e-4]) expect(tanhF32(z) / Math.tanh(z)).toBeCloseTo(1, 6);
    expect(tanhF32(0)).toBe(0);
  });
});
