/** The four benchmark workloads and their seeded synthetic data (a random teacher labels Gaussian inputs). */
import type { Dataset } from '../engine/data/types.ts';
import { buildMlp } from '../engine/graph/builders.ts';
import type { GraphSpec } from '../engine/graph/types.ts';
import { createRng } from '../engine/rng.ts';
import type { OptimizerConfig } from '../engine/train/config.ts';

export interface Workload {
  id: string;
  label: string;
  sizes: number[];
  activation: 'tanh' | 'relu';
  head: 'sigmoid' | 'softmax';
  batch: number;
  optimizer: OptimizerConfig;
  /** Training rows, epochs compared with TF.js, and rows brain.js trains on (it is per-sample). */
  n: number;
  epochs: number;
  brainRows: number;
}

const W: Workload[] = [
  {
    id: 'W1',
    label: '2-8-8-1 tanh, sigmoid, batch 10, SGD',
    sizes: [2, 8, 8, 1],
    activation: 'tanh',
    head: 'sigmoid',
    batch: 10,
    optimizer: { name: 'sgd', learningRate: 0.1 },
    n: 2000,
    epochs: 10,
    brainRows: 2000,
  },
  {
    id: 'W2',
    label: '13-64-64-3 relu, softmax, batch 32, Adam',
    sizes: [13, 64, 64, 3],
    activation: 'relu',
    head: 'softmax',
    batch: 32,
    optimizer: { name: 'adam', learningRate: 1e-3 },
    n: 4096,
    epochs: 3,
    brainRows: 1024,
  },
  {
    id: 'W3',
    label: '784-128-64-10 relu, softmax, batch 64, SGD',
    sizes: [784, 128, 64, 10],
    activation: 'relu',
    head: 'softmax',
    batch: 64,
    optimizer: { name: 'sgd', learningRate: 0.05 },
    n: 4096,
    epochs: 2,
    brainRows: 512,
  },
  {
    id: 'W4',
    label: '256-1024-1024-10 relu, softmax, batch 128, SGD',
    sizes: [256, 1024, 1024, 10],
    activation: 'relu',
    head: 'softmax',
    batch: 128,
    optimizer: { name: 'sgd', learningRate: 0.05 },
    n: 512,
    epochs: 2,
    brainRows: 128,
  },
];

/** The workloads; `quick` shrinks the data and epochs for a smoke run. */
export function workloads(quick: boolean): Workload[] {
  if (!quick) return W;
  return W.map((w) => ({
    ...w,
    n: Math.min(w.n, w.batch * 2),
    epochs: 1,
    brainRows: Math.min(w.brainRows, 16),
  }));
}

export function graphOf(w: Workload): GraphSpec {
  const s = w.sizes;
  return buildMlp({
    inputs: s[0]!,
    hidden: s.slice(1, -1),
    outputs: s.at(-1)!,
    activation: w.activation,
    head: w.head,
  });
}

/**
 * x ~ N(0, 1); the class is the argmax of a random linear teacher (one output: its sign), so every
 * workload is learnable and the same seed gives the same rows.
 */
export function syntheticData(w: Workload, seed = 7): Dataset {
  const rng = createRng(seed);
  const nIn = w.sizes[0]!;
  const K = w.sizes.at(-1)!;
  const classes = Math.max(K, 2);
  const teacher = Float32Array.from({ length: nIn * classes }, () => rng.normal());
  const x = new Float32Array(w.n * nIn);
  const y = new Float32Array(w.n * K);
  for (let r = 0; r < w.n; r++) {
    for (let j = 0; j < nIn; j++) x[r * nIn + j] = rng.normal();
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < classes; c++) {
      let v = 0;
      for (let j = 0; j < nIn; j++) v += x[r * nIn + j]! * teacher[j * classes + c]!;
      if (K === 1 && nIn === 2) v = c === 1 ? 1 - Math.hypot(x[r * nIn]!, x[r * nIn + 1]!) : 0; // a circle
      if (v > bestV) [best, bestV] = [c, v];
    }
    if (K === 1) y[r] = best;
    else y[r * K + best] = 1;
  }
  return { n: w.n, nIn, nOut: K, x, y };
}

/**
 * The learning rate of the batch-1 comparison with brain.js: the workload's, divided by its batch size
 * (a step per sample takes the batch's mean step in as many pieces; the workload's own rate, taken per
 * sample, makes the wide networks diverge).
 */
export function perSampleRate(w: Workload): number {
  return w.optimizer.learningRate / w.batch;
}

/** Multiply-adds of the workload's largest product (batch × inputs × units of its widest layer). */
export function largestProduct(w: Workload): number {
  let most = 0;
  for (let i = 1; i < w.sizes.length; i++) most = Math.max(most, w.batch * w.sizes[i - 1]! * w.sizes[i]!);
  return most;
}

/** Training FLOPs per sample: forward 2·nIn·nOut per layer, backward twice that. */
export function flopsPerSample(w: Workload): number {
  let f = 0;
  for (let i = 1; i < w.sizes.length; i++) f += 6 * w.sizes[i - 1]! * w.sizes[i]!;
  return f;
}
