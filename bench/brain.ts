/**
 * brain.js 1.6 on one workload, at the work it can do: one sample per update (it has no mini-batches),
 * plain SGD at `perSampleRate(w)` (momentum 0), on `w.brainRows` rows. Its output layer uses
 * the hidden layers' activation and it minimises squared error (it has no softmax or cross-entropy), so
 * only its throughput is compared, against ours at the same batch, rows and optimiser (`runOursPerSample`).
 */
import brain from 'brain.js';
import type { Dataset } from '../engine/data/types.ts';
import { median, now } from './timing.ts';
import type { RunResult } from './timing.ts';
import { perSampleRate } from './workloads.ts';
import type { Workload } from './workloads.ts';

interface BrainNet {
  trainOpts: { learningRate: number; momentum: number };
  train(data: unknown, opts: object): unknown;
  formatData(data: unknown): unknown;
  trainPatterns(data: unknown): void;
}

export function runBrain(w: Workload, data: Dataset, budgetMs: number): RunResult {
  const rows = Math.min(w.brainRows, data.n);
  const samples = [];
  for (let r = 0; r < rows; r++)
    samples.push({
      input: Array.from(data.x.subarray(r * data.nIn, (r + 1) * data.nIn)),
      output: Array.from(data.y.subarray(r * data.nOut, (r + 1) * data.nOut)),
    });
  const Net = (brain as unknown as { NeuralNetwork: new (o: object) => BrainNet }).NeuralNetwork;
  const net = new Net({
    hiddenLayers: w.sizes.slice(1, -1),
    activation: w.activation === 'relu' ? 'relu' : 'tanh',
  });
  // Sizes and warms up the network. train() resets the training options to brain.js's defaults
  // (learning rate 0.3, momentum 0.1) and refuses momentum 0, so plain SGD at the per-sample rate is
  // set on the options the per-sample updates read.
  net.train(samples, { iterations: 1, errorThresh: 1e-6, log: false });
  net.trainOpts.learningRate = perSampleRate(w);
  net.trainOpts.momentum = 0;
  const formatted = net.formatData(samples);
  const rates: number[] = [];
  const start = now();
  while (rates.length < (budgetMs < 500 ? 1 : 3) || (now() - start < budgetMs && rates.length < 50)) {
    const t0 = now();
    net.trainPatterns(formatted);
    rates.push(rows / ((now() - t0) / 1000));
  }
  return { samplesPerSecond: median(rates), loss: NaN, note: `${rows} rows, batch 1, SGD` };
}
