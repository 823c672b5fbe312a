/**
 * GFLOP/s of each kernel set's three products at the W3/W4 layer shapes, float32, on one thread (and the
 * relaxed-SIMD kernels once more with the kernel pool's helper thread).
 */
import { nodeThreads } from '../engine/host/node-threads.ts';
import { tsKernels } from '../engine/kernels/kernel-sets.ts';
import type { MatmulKernels } from '../engine/kernels/kernel-sets.ts';
import { matmulNaive, matmulTransANaive, matmulTransBAccNaive } from '../engine/kernels/naive.ts';
import { createWasmKernels, supportsThreads, supportsWasmKernels } from '../engine/kernels/wasm/runtime.ts';
import { createRng } from '../engine/rng.ts';
import { now } from './timing.ts';

/** [label, B, nIn, nOut] of the layers whose products dominate W3 and W4. */
const SHAPES: [string, number, number, number][] = [
  ['W3 dense1 64×784→128', 64, 784, 128],
  ['W3 dense2 64×128→64', 64, 128, 64],
  ['W4 dense1 128×256→1024', 128, 256, 1024],
  ['W4 dense2 128×1024→1024', 128, 1024, 1024],
];

const naive: MatmulKernels = {
  name: 'ts',
  matmul: matmulNaive,
  matmulTransA: matmulTransANaive,
  matmulTransBAcc: matmulTransBAccNaive,
};

function gflops(flops: number, run: () => void, budgetMs: number): number {
  run();
  const times: number[] = [];
  const start = now();
  while (times.length < 3 || (now() - start < budgetMs && times.length < 200)) {
    const t0 = now();
    run();
    times.push(now() - t0);
  }
  return flops / (Math.min(...times) / 1000) / 1e9;
}

export async function matmulTable(quick: boolean): Promise<string[]> {
  const budget = quick ? 20 : 300;
  const sets: [string, MatmulKernels, (n: number) => Float32Array][] = [
    ['naive TS', naive, (n) => new Float32Array(n)],
    ['tiled TS', tsKernels, (n) => new Float32Array(n)],
  ];
  const pools: { ready: boolean; dispose(): void }[] = [];
  for (const name of ['simd', 'relaxed', 'relaxed2'] as const) {
    const kernel = name === 'relaxed2' ? 'relaxed' : name;
    if (!supportsWasmKernels(kernel) || (name === 'relaxed2' && !supportsThreads(kernel))) continue;
    const set = createWasmKernels(kernel, 1 << 22, 1 << 20, name === 'relaxed2' ? nodeThreads : null);
    if (set.pool) pools.push(set.pool);
    let used = 0;
    sets.push([
      name === 'simd'
        ? 'wasm SIMD'
        : name === 'relaxed'
          ? 'wasm relaxed SIMD'
          : 'wasm relaxed SIMD, 2 threads',
      set.kernels,
      (n) => {
        if (used === 0 || used + n > 1 << 22) used = 0;
        const v = set.heap.subarray(used, used + n);
        used += n;
        return v;
      },
    ]);
  }
  while (pools.some((p) => !p.ready)) await new Promise((resolve) => setTimeout(resolve, 5));
  const out = ['| shape | kernels | X·W | Xᵀ·dZ | dZ·Wᵀ |', '| --- | --- | --- | --- | --- |'];
  for (const [label, B, nIn, nOut] of SHAPES) {
    for (const [setName, k, alloc] of sets) {
      const rng = createRng(1);
      const rand = (n: number) => {
        const a = alloc(n);
        for (let i = 0; i < n; i++) a[i] = rng.normal();
        return a;
      };
      const x = rand(B * nIn);
      const w = rand(nIn * nOut);
      const dz = rand(B * nOut);
      const z = alloc(B * nOut);
      const dw = alloc(nIn * nOut);
      const dx = alloc(B * nIn);
      const f = 2 * B * nIn * nOut;
      const b = quick || setName !== 'naive TS' ? budget : budget / 3;
      const r = [
        gflops(f, () => k.matmul(x, w, z, B, nIn, nOut, null), b),
        gflops(f, () => k.matmulTransA(x, dz, dw, B, nIn, nOut), b),
        gflops(f, () => k.matmulTransBAcc(dz, w, dx, B, nOut, nIn), b),
      ];
      out.push(`| ${label} | ${setName} | ${r.map((v) => v.toFixed(1)).join(' | ')} |`);
    }
  }
  for (const p of pools) p.dispose();
  return out;
}
