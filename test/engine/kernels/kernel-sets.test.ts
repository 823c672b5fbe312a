import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { activate, activateBackward } from '../../../engine/activations.ts';
import { ACTIVATIONS } from '../../../engine/graph/types.ts';
import { bindActivation, bindDense, tsKernels, tsVectors } from '../../../engine/kernels/kernel-sets.ts';
import type { MatmulKernels, VectorKernels } from '../../../engine/kernels/kernel-sets.ts';
import type { FloatArray } from '../../../engine/kernels/matmul.ts';
import { sumRows } from '../../../engine/kernels/matmul.ts';
import { createWasmKernels } from '../../../engine/kernels/wasm/runtime.ts';
import { createRng } from '../../../engine/rng.ts';

setFlagsFromString('--experimental-wasm-relaxed-simd'); // on by default from Node 22 and in Electron

interface KernelSet {
  name: string;
  kernels: MatmulKernels;
  vectors: VectorKernels;
  /** Starts allocating afresh (from the start of the WebAssembly memory) and returns the allocator. */
  buffers: () => (n: number) => FloatArray;
}

/** Buffers in a WebAssembly memory (at odd offsets too), or plain typed arrays. */
function sets(): KernelSet[] {
  const wasm = (name: 'simd' | 'relaxed', scratch: number): KernelSet => {
    const set = createWasmKernels(name, 1 << 16, scratch);
    const buffers = () => {
      let used = 0;
      return (n: number) => {
        const v = set.heap.subarray(used, used + n);
        used += n + 1;
        expect(used).toBeLessThan(set.heap.length);
        return v;
      };
    };
    return {
      name: `${name}, ${scratch} floats of scratch`,
      kernels: set.kernels,
      vectors: set.vectors,
      buffers,
    };
  };
  return [
    { name: 'ts float64', kernels: tsKernels, vectors: tsVectors, buffers: () => (n) => new Float64Array(n) },
    { name: 'ts float32', kernels: tsKernels, vectors: tsVectors, buffers: () => (n) => new Float32Array(n) },
    wasm('simd', 1 << 14),
    wasm('relaxed', 1 << 14),
    wasm('relaxed', 0),
    {
      ...wasm('simd', 1 << 14),
      name: 'simd, arrays outside its memory',
      buffers: () => (n) => new Float32Array(n),
    },
  ];
}

const bits = (x: FloatArray) => Array.from(x instanceof Float32Array ? new Uint32Array(x.slice().buffer) : x);

/** [rows of the batch, rows the buffers hold, nIn, nOut]: W1's and W2's layers, one-wide ends, a short batch. */
const SHAPES: [number, number, number, number][] = [
  [10, 10, 2, 8],
  [10, 10, 8, 8],
  [10, 10, 8, 1],
  [7, 10, 8, 8],
  [32, 32, 13, 64],
  [32, 32, 64, 3],
  [5, 8, 1, 1],
  [3, 4, 9, 17],
];

describe('a dense layer bound to its buffers', () => {
  it.each(sets().map((s) => [s.name, s] as const))(
    'gives the bits of its three products called one by one (%s)',
    (_, s) => {
      for (const [B, rows, nIn, nOut] of SHAPES)
        for (const withBias of [true, false])
          for (const withDX of [true, false]) {
            const alloc = s.buffers();
            const buffers = () => {
              const r = createRng(B * 1000 + nIn * 10 + nOut);
              const f = (n: number) => {
                const v = alloc(n);
                for (let i = 0; i < n; i++) v[i] = r.normal();
                return v;
              };
              return {
                x: f(rows * nIn),
                w: f(nIn * nOut),
                bias: withBias ? f(nOut) : null,
                z: f(rows * nOut),
                dZ: f(rows * nOut),
                dW: f(nIn * nOut),
                dBias: withBias ? f(nOut) : null,
                dX: withDX ? f(rows * nIn) : null,
                nIn,
                nOut,
              };
            };
            const bound = buffers();
            const p = bindDense(s.kernels, bound);
            expect(p.kernels).toBe(s.kernels);
            p.forward(B);
            p.backward(B);
            const one = buffers();
            s.kernels.matmul(one.x, one.w, one.z, B, nIn, nOut, one.bias);
            s.kernels.matmulTransA(one.x, one.dZ, one.dW, B, nIn, nOut);
            if (one.dBias) sumRows(one.dZ, one.dBias, B, nOut);
            if (one.dX) s.kernels.matmulTransBAcc(one.dZ, one.w, one.dX, B, nOut, nIn);
            const tag = `${B}/${rows}×${nIn}→${nOut}${withBias ? ' +b' : ''}${withDX ? ' dX' : ''}`;
            for (const k of ['z', 'dW', 'dBias', 'dX'] as const)
              expect(bound[k] && bits(bound[k]), `${tag} ${k}`).toEqual(one[k] && bits(one[k]));
          }
    },
  );
});

describe('an activation bound to its buffers', () => {
  it.each(sets().map((s) => [s.name, s] as const))(
    'gives the bits of activate and activateBackward, NaN, ±0 and ±∞ included (%s)',
    (_, s) => {
      const special = [0, -0, NaN, Infinity, -Infinity, 1e-45, 7.905311107635498, -8, 30];
      for (const f of ACTIVATIONS)
        for (const [B, rows, width] of [
          [10, 10, 8],
          [3, 5, 3],
          [1, 1, 1],
          [7, 7, 5],
        ] as const) {
          const rng = createRng(width + rows);
          const alloc = s.buffers();
          const fill = (n: number, withSpecial: boolean) => {
            const v = alloc(n);
            for (let i = 0; i < n; i++)
              v[i] = withSpecial && i < special.length ? special[i]! : rng.normal() * 3;
            return v;
          };
          const n = B * width;
          const bound = {
            z: fill(rows * width, true),
            a: alloc(rows * width),
            dA: fill(rows * width, false),
          };
          const dZ = alloc(rows * width);
          const ops = bindActivation(s.vectors, f, 0.3, { ...bound, dZ, width });
          expect(ops.vectors).toBe(s.vectors);
          ops.forward(B);
          ops.backward(B);
          const a = new (bound.a.constructor as Float32ArrayConstructor)(rows * width);
          const wantDZ = new (bound.a.constructor as Float32ArrayConstructor)(rows * width);
          activate(f, 0.3, bound.z, a, n, width);
          activateBackward(f, 0.3, bound.z, a, bound.dA, wantDZ, n, width);
          const tag = `${f} ${B}/${rows}×${width}`;
          expect(bits(bound.a.subarray(0, n)), `${tag} forward`).toEqual(bits(a.subarray(0, n)));
          expect(bits(dZ.subarray(0, n)), `${tag} backward`).toEqual(bits(wantDZ.subarray(0, n)));
        }
    },
  );
});
