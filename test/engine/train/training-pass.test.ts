/**
 * A recorded training pass (engine/model/training-pass.ts) replays the kernel calls the graph walks make,
 * so a run with it must be the run without it, bit for bit: every step's loss and gradient norms, the
 * epochs' metrics and the weights. Each case trains the same seed twice, once with the model's kernels
 * unable to record (the walks run), and compares.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../../../engine/data/types.ts';
import { buildMlp } from '../../../engine/graph/builders.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { nodeThreads } from '../../../engine/host/node-threads.ts';
import type { KernelName, StepRecording } from '../../../engine/kernels/kernel-sets.ts';
import type { FloatArray } from '../../../engine/kernels/matmul.ts';
import { supportsWasmKernels } from '../../../engine/kernels/wasm/runtime.ts';
import type { DType } from '../../../engine/model/model.ts';
import { createRng } from '../../../engine/rng.ts';
import type { OptimizerConfig } from '../../../engine/train/config.ts';
import { createTrainer } from '../../../engine/train/trainer.ts';
import type { Trainer } from '../../../engine/train/trainer.ts';

setFlagsFromString('--experimental-wasm-relaxed-simd'); // on by default from Node 22 and in Electron

/** n rows of nIn Gaussian features; one-hot classes of a random linear teacher (K = 1: its sign). */
function data(n: number, nIn: number, K: number, seed: number): Dataset {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: n * nIn }, () => rng.normal());
  const y = new Float32Array(n * K);
  const teacher = Float64Array.from({ length: nIn * Math.max(K, 2) }, () => rng.normal());
  for (let r = 0; r < n; r++) {
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < Math.max(K, 2); c++) {
      let v = 0;
      for (let j = 0; j < nIn; j++) v += x[r * nIn + j]! * teacher[j * Math.max(K, 2) + c]!;
      if (v > bestV) [best, bestV] = [c, v];
    }
    if (K === 1) y[r] = best;
    else y[r * K + best] = 1;
  }
  return { n, nIn, nOut: K, x, y };
}

interface Case {
  name: string;
  graph: GraphSpec;
  train: Dataset;
  batch: number;
  optimizer: OptimizerConfig;
  epochs: number;
  task?: 'classification' | 'regression';
}

const mlp = (sizes: number[], activation: 'tanh' | 'relu', head: 'sigmoid' | 'softmax' | 'linear', l2 = 0) =>
  buildMlp({ inputs: sizes[0]!, hidden: sizes.slice(1, -1), outputs: sizes.at(-1)!, activation, head, l2 });

const CASES: Case[] = [
  {
    name: '2-8-8-1 tanh, sigmoid, SGD, batch 1',
    graph: mlp([2, 8, 8, 1], 'tanh', 'sigmoid'),
    train: data(97, 2, 1, 1),
    batch: 1,
    optimizer: { name: 'sgd', learningRate: 0.1 },
    epochs: 3,
  },
  {
    name: '2-8-8-1 tanh, sigmoid, SGD, batch 10 (a last batch of 7)',
    graph: mlp([2, 8, 8, 1], 'tanh', 'sigmoid'),
    train: data(207, 2, 1, 2),
    batch: 10,
    optimizer: { name: 'sgd', learningRate: 0.1 },
    epochs: 4,
  },
  {
    name: '13-32-32-3 relu, softmax, Adam, batch 32 (a last batch of 4)',
    graph: mlp([13, 32, 32, 3], 'relu', 'softmax'),
    train: data(100, 13, 3, 3),
    batch: 32,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    epochs: 3,
  },
  {
    name: '300-24-5 tanh, softmax, momentum, batch 64 (a reduction past one slice, Xᵀ transposed)',
    graph: mlp([300, 24, 5], 'tanh', 'softmax'),
    train: data(150, 300, 5, 4),
    batch: 64,
    optimizer: { name: 'momentum', learningRate: 0.05 },
    epochs: 2,
  },
  {
    name: '6-16-1 relu, linear, mse with an l2 penalty (a JavaScript step before the sums)',
    graph: mlp([6, 16, 1], 'relu', 'linear', 0.01),
    train: data(50, 6, 1, 5),
    batch: 8,
    optimizer: { name: 'sgd', learningRate: 0.05 },
    epochs: 3,
    task: 'regression',
  },
  {
    name: 'an activation block and dropout between dense layers (JavaScript steps)',
    graph: {
      nodes: [
        { id: 'x', type: 'input', inputs: [], units: 4 },
        { id: 'h', type: 'dense', inputs: ['x'], units: 12, activation: 'linear', useBias: true, kernelInitializer: 'glorot_uniform' }, // prettier-ignore
        { id: 'a', type: 'activation', inputs: ['h'], activation: 'tanh' },
        { id: 'd', type: 'dropout', inputs: ['a'], rate: 0.25 },
        { id: 'o', type: 'dense', inputs: ['d'], units: 3, activation: 'softmax', useBias: true, kernelInitializer: 'glorot_uniform' }, // prettier-ignore
        { id: 'out', type: 'output', inputs: ['o'], loss: 'categorical_crossentropy' },
      ],
    },
    train: data(60, 4, 3, 6),
    batch: 16,
    optimizer: { name: 'sgd', learningRate: 0.1 },
    epochs: 3,
  },
];

/** Makes the model's kernels unable to record, so the trainer runs the graph walks. */
function withoutRecording(t: Trainer): Trainer {
  if (Object.hasOwn(t.model.kernels, 'record')) delete (t.model.kernels as { record?: unknown }).record;
  return t;
}

/** Counts the recordings of the model's kernels that finished whole (so a case is not vacuous). */
function countRecordings(t: Trainer): { finished: number } {
  const seen = { finished: 0 };
  const k = t.model.kernels;
  const record = k.record?.bind(k);
  if (record)
    k.record = (slot: number) => {
      const r = record(slot);
      if (!r) return r;
      const finish = r.finish.bind(r);
      const spied: StepRecording = Object.assign(r, {
        finish: () => {
          const steps = finish();
          if (steps) seen.finished++;
          return steps;
        },
      });
      return spied;
    };
  return seen;
}

/** Every step's loss and gradient norms, then the history and the weights. */
function trace(t: Trainer) {
  const steps: number[] = [];
  while (t.status === 'ready') {
    const s = t.trainBatch();
    steps.push(s.loss, ...s.gradNorms);
  }
  return { steps: Float64Array.from(steps), history: t.history, params: t.model.params };
}

function bits(a: FloatArray): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
}

function expectSameRun(a: ReturnType<typeof trace>, b: ReturnType<typeof trace>): void {
  expect(bits(a.steps)).toEqual(bits(b.steps));
  expect(a.history).toEqual(b.history);
  expect(bits(a.params)).toEqual(bits(b.params));
}

const KERNELS: KernelName[] = (['relaxed', 'simd'] as const).filter((k) => supportsWasmKernels(k));

function trainer(c: Case, kernels: KernelName | 'auto', dtype: DType = 'float32', threads = false): Trainer {
  return createTrainer({
    graph: c.graph,
    train: c.train,
    config: {
      optimizer: { ...c.optimizer },
      batchSize: c.batch,
      epochs: c.epochs,
      validationSplit: 0,
      shuffle: true,
      seed: 11,
    },
    task: c.task ?? 'classification',
    dtype,
    kernels,
    ...(threads ? { threads: { ...nodeThreads, minMultiplyAdds: 0 } } : {}),
  });
}

describe('recorded training pass', () => {
  it('has WebAssembly kernels to test', () => {
    expect(KERNELS.length).toBeGreaterThan(0);
  });

  for (const c of CASES)
    for (const k of KERNELS)
      it(`${c.name}, ${k} kernels: the same bits as the graph walks`, () => {
        const fast = trainer(c, k);
        const seen = countRecordings(fast);
        const walked = withoutRecording(trainer(c, k));
        expectSameRun(trace(fast), trace(walked));
        expect(seen.finished).toBeGreaterThan(0);
      });

  it('float64 models (TypeScript kernels) run the walks, as before', () => {
    const c = CASES[0]!;
    const t = trainer(c, 'auto', 'float64');
    expect(t.model.kernels.record).toBeUndefined();
    const again = trainer(c, 'auto', 'float64');
    expectSameRun(trace(t), trace(again));
  });

  it('a model sharing products with a helper thread runs the walks, with the same bits', async () => {
    const c = CASES[2]!;
    const pooled = trainer(c, 'simd', 'float32', true);
    try {
      if (pooled.model.pool)
        await vi.waitFor(() => expect(pooled.model.pool!.ready).toBe(true), {
          timeout: 30_000,
          interval: 10,
        });
      const seen = countRecordings(pooled);
      expectSameRun(trace(pooled), trace(trainer(c, 'simd')));
      if (pooled.model.pool) expect(seen.finished).toBe(0);
    } finally {
      pooled.dispose();
    }
  });

  it('a step whose update overflows stops with the weights before it, as the walks do', () => {
    // p = x·w = 1e38 against y = 0: the loss and ∂L/∂w = 2e38 are finite, w − 10·∂L/∂w is not.
    const c: Case = {
      name: 'overflow',
      graph: mlp([1, 1], 'relu', 'linear'),
      train: { n: 4, nIn: 1, nOut: 1, x: Float32Array.of(1, 1, 1, 1), y: new Float32Array(4) },
      batch: 1,
      optimizer: { name: 'sgd', learningRate: 10 },
      epochs: 1,
      task: 'regression',
    };
    const run = (t: Trainer) => {
      t.model.params.set([1e38, 0]);
      let error = '';
      try {
        trace(t);
      } catch (e) {
        error = (e as { key?: string }).key ?? String(e);
      }
      return { error, step: t.step, status: t.status, params: Float32Array.from(t.model.params) };
    };
    const fast = run(trainer(c, KERNELS[0]!));
    const walked = run(withoutRecording(trainer(c, KERNELS[0]!)));
    expect(fast.error).toBe('run.weightNotFinite');
    expect(fast.status).toBe('failed');
    expect({ ...fast, params: null }).toEqual({ ...walked, params: null });
    expect(Array.from(fast.params)).toEqual([1e38, 0].map(Math.fround));
    expect(bits(fast.params)).toEqual(bits(walked.params));
  });
});
