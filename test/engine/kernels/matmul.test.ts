import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { tsKernels } from '../../../engine/kernels/kernel-sets.ts';
import type { MatmulKernels } from '../../../engine/kernels/kernel-sets.ts';
import type { FloatArray } from '../../../engine/kernels/matmul.ts';
import { matmulNaive, matmulTransANaive, matmulTransBAccNaive } from '../../../engine/kernels/naive.ts';
import { createWasmKernels, supportsWasmKernels } from '../../../engine/kernels/wasm/runtime.ts';
import { createRng } from '../../../engine/rng.ts';

// Node 20 runs relaxed SIMD behind a flag; later runtimes (and Electron) have it on. Test both modules.
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** [m, k, n]: batch sizes of 1 and odd widths around the 4- and 8-wide tiles, and a few large ones. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 3],
  [2, 2, 8],
  [3, 5, 4],
  [4, 8, 8],
  [5, 3, 9],
  [7, 13, 12],
  [8, 1, 17],
  [9, 16, 33],
  [13, 31, 7],
  [32, 13, 64],
  [64, 100, 10],
  [33, 65, 129],
];

type Alloc = (n: number) => FloatArray;

function fill(x: FloatArray, seed: number): FloatArray {
  const rng = createRng(seed);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return x;
}

/** |ours − reference| ≤ 1e-5 · (1 + Σ|a||b|) elementwise: float32 rounding of a k-term sum. */
function expectNear(ours: FloatArray, ref: FloatArray, mag: FloatArray, what: string): void {
  let worst = '';
  for (let i = 0; i < ref.length; i++)
    if (!(Math.abs(ours[i]! - ref[i]!) <= 1e-5 * (1 + mag[i]!))) {
      worst = `${what}[${i}]: ${ours[i]} vs ${ref[i]}`;
      break;
    }
  expect(worst).toBe('');
}

const abs = (x: FloatArray) => Float64Array.from(x, Math.abs);

/** Runs all three products through `kernels` on buffers from `alloc` and compares with the naive ones. */
function checkAll(kernels: MatmulKernels, alloc: Alloc): void {
  let seed = 1;
  for (const [m, k, n] of SHAPES) {
    const tag = `${kernels.name} ${m}×${k}×${n}`;
    const x = fill(alloc(m * k), seed++);
    const w = fill(alloc(k * n), seed++);
    const bias = fill(alloc(n), seed++);
    const dz = fill(alloc(m * n), seed++);
    const z = alloc(m * n);
    const dw = alloc(k * n);
    const dx = fill(alloc(m * k), seed++);
    const ref = (len: number) => new Float64Array(len);

    for (const b of [null, bias]) {
      const r = ref(m * n);
      const mag = ref(m * n);
      matmulNaive(x, w, r, m, k, n, b);
      matmulNaive(abs(x), abs(w), mag, m, k, n, b && abs(b));
      kernels.matmul(x, w, z, m, k, n, b);
      expectNear(z, r, mag, `${tag} X·W${b ? '+b' : ''}`);
    }
    {
      const r = ref(k * n);
      const mag = ref(k * n);
      matmulTransANaive(x, dz, r, m, k, n);
      matmulTransANaive(abs(x), abs(dz), mag, m, k, n);
      kernels.matmulTransA(x, dz, dw, m, k, n);
      expectNear(dw, r, mag, `${tag} Xᵀ·dZ`);
    }
    {
      const r = Float64Array.from(dx);
      const mag = abs(dx);
      matmulTransBAccNaive(dz, w, r, m, n, k);
      matmulTransBAccNaive(abs(dz), abs(w), mag, m, n, k);
      kernels.matmulTransBAcc(dz, w, dx, m, n, k);
      expectNear(dx, r, mag, `${tag} dX+=dZ·Wᵀ`);
    }
  }
}

describe('matmul kernels agree with the naive products', () => {
  it('tiled TypeScript, float64', () => checkAll(tsKernels, (n) => new Float64Array(n)));
  it('tiled TypeScript, float32', () => checkAll(tsKernels, (n) => new Float32Array(n)));

  // With a full scratch area every product takes its fastest path; with less, the slower ones.
  it.each([
    ['simd', 1 << 16],
    ['relaxed', 1 << 16],
    ['simd', 40],
    ['relaxed', 0],
  ] as const)('WebAssembly %s, buffers inside its memory, %i floats of scratch', (name, scratch) => {
    expect(supportsWasmKernels(name)).toBe(true);
    const set = createWasmKernels(name, 1 << 18, scratch);
    let used = 0;
    checkAll(set.kernels, (n) => {
      const v = set.heap.subarray(used, used + n);
      used += n + ((4 - (n % 4)) % 4) + 1; // odd offsets too: nothing assumes alignment
      return v;
    });
    expect(used).toBeLessThan(1 << 18);
  });

  it('WebAssembly kernels fall back to TypeScript for arrays outside their memory', () => {
    const set = createWasmKernels('simd', 1024, 1024);
    checkAll(set.kernels, (n) => new Float32Array(n));
  });
});
