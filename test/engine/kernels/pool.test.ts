import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildMlp } from '../../../engine/graph/builders.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { compileGraph } from '../../../engine/graph/compile.ts';
import { nodeThreadHost } from '../../../engine/host/node-threads.ts';
import type { NodeHelperThread } from '../../../engine/host/node-threads.ts';
import { createModel } from '../../../engine/model/model.ts';
import type {
  HelperStart,
  KernelPool,
  ThreadHost,
  ThreadOptions,
} from '../../../engine/kernels/wasm/pool.ts';
import { createWasmKernels, supportsThreads } from '../../../engine/kernels/wasm/runtime.ts';
import type { WasmKernelSet } from '../../../engine/kernels/wasm/runtime.ts';
import { createRng } from '../../../engine/rng.ts';
import type { OptimizerConfig } from '../../../engine/train/config.ts';
import { createTrainer } from '../../../engine/train/trainer.ts';

setFlagsFromString('--experimental-wasm-relaxed-simd'); // on by default from Node 22 and in Electron

/** The Node helper host, keeping every helper it starts so tests can see them end. */
function recordingHost(): ThreadHost & { started: NodeHelperThread[] } {
  const started: NodeHelperThread[] = [];
  return {
    started,
    spawn(source: string, init: HelperStart) {
      const t = nodeThreadHost.spawn(source, init);
      started.push(t);
      return t;
    },
  };
}

const live: { dispose(): void }[] = [];
afterEach(() => {
  for (const x of live.splice(0)) x.dispose();
});

async function whenReady(pool: KernelPool | null): Promise<KernelPool> {
  expect(pool).not.toBeNull();
  await vi.waitFor(() => expect(pool!.ready).toBe(true), { timeout: 30_000, interval: 10 });
  return pool!;
}

/** Exact equality, bit for bit (NaN payloads and the sign of zero included). */
function expectSameBits(a: Float32Array, b: Float32Array, what: string): void {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let first = -1;
  for (let i = 0; i < x.length && first < 0; i++) if (x[i] !== y[i]) first = i;
  expect(first < 0 ? '' : `${what}[${first}]: ${a[first]} vs ${b[first]}`).toBe('');
}

/** [m, k, n]: odd sizes around the tiles, reductions past one 256-slice, widths past 16 column chunks. */
const SHAPES: [number, number, number][] = [
  [1, 3, 5],
  [4, 8, 16],
  [7, 33, 129],
  [13, 300, 70],
  [33, 65, 257],
  [64, 130, 10],
  [128, 257, 203],
  [130, 520, 64],
  [5, 1031, 300],
];

/** Every product on the same inputs in two kernel sets; the outputs must agree bit for bit. */
function compareProducts(one: WasmKernelSet, two: WasmKernelSet, seed: number): void {
  let at = 1; // odd float offsets: nothing assumes alignment
  const pair = (n: number, fill: boolean): [Float32Array, Float32Array] => {
    const a = one.heap.subarray(at, at + n);
    const b = two.heap.subarray(at, at + n);
    at += n + 3;
    if (fill) {
      const rng = createRng(seed++);
      for (let i = 0; i < n; i++) a[i] = b[i] = rng.normal();
    }
    return [a, b];
  };
  for (const [m, k, n] of SHAPES) {
    at = 1;
    const tag = `${m}×${k}×${n}`;
    const [x1, x2] = pair(m * k, true);
    const [w1, w2] = pair(k * n, true);
    const [b1, b2] = pair(n, true);
    const [dz1, dz2] = pair(m * n, true);
    const [z1, z2] = pair(m * n, false);
    const [dw1, dw2] = pair(k * n, false);
    const [dx1, dx2] = pair(m * k, true);
    for (const bias of [false, true]) {
      one.kernels.matmul(x1, w1, z1, m, k, n, bias ? b1 : null);
      two.kernels.matmul(x2, w2, z2, m, k, n, bias ? b2 : null);
      expectSameBits(z1, z2, `${tag} X·W${bias ? '+b' : ''}`);
    }
    one.kernels.matmulTransA(x1, dz1, dw1, m, k, n);
    two.kernels.matmulTransA(x2, dz2, dw2, m, k, n);
    expectSameBits(dw1, dw2, `${tag} Xᵀ·dZ`);
    one.kernels.matmulTransBAcc(dz1, w1, dx1, m, n, k);
    two.kernels.matmulTransBAcc(dz2, w2, dx2, m, n, k);
    expectSameBits(dx1, dx2, `${tag} dX+=dZ·Wᵀ`);
  }
}

const kernelNames = ['simd', 'relaxed'] as const;

describe('the two-thread kernel pool', () => {
  it('is available in Node', () => {
    for (const name of kernelNames) expect(supportsThreads(name)).toBe(true);
  });

  // Full scratch: every product on its fastest path; 40 floats: the slower paths (unblocked Xᵀ·dZ).
  it.each([
    ['simd', 1 << 20],
    ['relaxed', 1 << 20],
    ['relaxed', 40],
  ] as const)(
    '%s kernels, %i floats of scratch: both threads give the single-thread bits',
    async (name, scratch) => {
      const host = recordingHost();
      const one = createWasmKernels(name, 1 << 20, scratch);
      const two = createWasmKernels(name, 1 << 20, scratch, { host, minMultiplyAdds: 0 });
      live.push(two.pool!);
      const pool = await whenReady(two.pool);
      // The helper takes chunks only when it wakes in time; repeat until it has taken part.
      for (let round = 0; round < 50 && (round < 2 || pool.stats().helperChunks === 0); round++)
        compareProducts(one, two, 1 + round);
      expect(pool.stats().helperChunks).toBeGreaterThan(0);
      expect(host.started).toHaveLength(1);
    },
  );

  const wide = buildMlp({ inputs: 64, hidden: [256, 200], outputs: 10, activation: 'relu', head: 'softmax' });
  const deep = buildMlp({
    inputs: 30,
    hidden: [96, 96, 96],
    outputs: 1,
    activation: 'tanh',
    head: 'sigmoid',
  });

  function data(nIn: number, nOut: number, n: number, seed: number) {
    const rng = createRng(seed);
    const x = Float32Array.from({ length: n * nIn }, () => rng.normal());
    const y = new Float32Array(n * nOut);
    for (let r = 0; r < n; r++)
      if (nOut === 1) y[r] = x[r * nIn]! > 0 ? 1 : 0;
      else y[r * nOut + (Math.abs(Math.floor(x[r * nIn]! * 3)) % nOut)] = 1;
    return { n, nIn, nOut, x, y };
  }

  it.each([
    ['64-256-200-10 relu, softmax, SGD', wide, 10, { name: 'sgd', learningRate: 0.05 }],
    ['64-256-200-10 relu, softmax, Adam', wide, 10, { name: 'adam', learningRate: 0.001 }],
    ['30-96-96-96-1 tanh, sigmoid, momentum', deep, 1, { name: 'momentum', learningRate: 0.05 }],
  ] as [string, GraphSpec, number, OptimizerConfig][])(
    'training %s: the same seed gives the same weights, bit for bit, on one thread and on two',
    async (_label, graph, nOut, optimizer) => {
      const nIn = graph === wide ? 64 : 30;
      const train = data(nIn, nOut, 300, 5); // the last batch of each epoch is short
      const make = (threads: ThreadOptions | null) =>
        createTrainer({
          graph,
          train,
          config: { optimizer, batchSize: 64, epochs: 3, validationSplit: 0, shuffle: true, seed: 11 },
          task: 'classification',
          threads,
        });
      const one = make(null);
      const two = make({ host: nodeThreadHost, minMultiplyAdds: 0 });
      live.push(two);
      expect(one.model.pool).toBeNull();
      const pool = await whenReady(two.model.pool);
      while (one.status === 'ready') {
        const a = one.trainBatch().loss;
        const b = two.trainBatch().loss;
        expect(Object.is(a, b)).toBe(true);
      }
      expect(two.status).toBe('done');
      expectSameBits(one.model.params as Float32Array, two.model.params as Float32Array, 'weights');
      expect(pool.stats().jobs).toBeGreaterThan(0);
    },
  );

  it('small products run on the calling thread; small networks start no helper', () => {
    const host = recordingHost();
    const threads: ThreadOptions = { host, minMultiplyAdds: 1 << 20 };
    const set = createWasmKernels('simd', 1 << 21, 1 << 20, threads);
    live.push(set.pool!);
    const a = set.heap.subarray(0, 128 * 128);
    const b = set.heap.subarray(1 << 15, (1 << 15) + 128 * 128);
    const c = set.heap.subarray(1 << 16, (1 << 16) + 128 * 128);
    set.kernels.matmul(a, b, c, 16, 16, 16, null);
    set.kernels.matmul(a, b, c, 127, 128, 64, null); // 1,040,384 multiply-adds: just under 2²⁰
    expect(set.pool!.stats().jobs).toBe(0);
    set.kernels.matmul(a, b, c, 128, 128, 64, null); // exactly 2²⁰
    expect(set.pool!.stats().jobs).toBe(1);

    const small = buildMlp({ inputs: 13, hidden: [64, 64], outputs: 3, activation: 'relu', head: 'softmax' });
    const model = createModel(compileGraph(small), { maxBatch: 32, seed: 1, threads });
    expect(model.pool).toBeNull();
    expect(host.started).toHaveLength(1); // only the kernel set's above
  });

  it('models use no helper unless asked (only a host passes threads)', () => {
    const big = buildMlp({ inputs: 256, hidden: [1024], outputs: 10, activation: 'relu', head: 'softmax' });
    expect(createModel(compileGraph(big), { maxBatch: 128, seed: 1 }).pool).toBeNull();
  });

  it('dispose() ends the helper thread; the model keeps working on one thread', async () => {
    const host = recordingHost();
    const graph = buildMlp({ inputs: 64, hidden: [256], outputs: 4, activation: 'relu', head: 'softmax' });
    const train = data(64, 4, 128, 2);
    const t = createTrainer({
      graph,
      train,
      config: {
        optimizer: { name: 'sgd', learningRate: 0.1 },
        batchSize: 64,
        epochs: 2,
        validationSplit: 0,
        shuffle: false,
        seed: 1,
      },
      task: 'classification',
      threads: { host, minMultiplyAdds: 0 },
    });
    const pool = await whenReady(t.model.pool);
    t.trainBatch();
    expect(host.started).toHaveLength(1);
    t.dispose();
    expect(pool.disposed).toBe(true);
    expect(pool.ready).toBe(false);
    await expect(host.started[0]!.exited).resolves.toBeTypeOf('number');
    const jobs = pool.stats().jobs;
    t.fit();
    expect(t.status).toBe('done');
    expect(pool.stats().jobs).toBe(jobs);
    t.dispose(); // twice is fine
  });

  it('a model dropped without dispose() ends its helper when it is collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const host = recordingHost();
    const graph = buildMlp({ inputs: 256, hidden: [1024], outputs: 10, activation: 'relu', head: 'softmax' });
    (() => {
      const model = createModel(compileGraph(graph), { maxBatch: 128, seed: 1, threads: { host } });
      expect(model.pool).not.toBeNull();
    })();
    let exited = false;
    void host.started[0]!.exited.then(() => (exited = true));
    await vi.waitFor(
      () => {
        gc();
        expect(exited).toBe(true);
      },
      { timeout: 30_000, interval: 20 },
    );
  });
});
