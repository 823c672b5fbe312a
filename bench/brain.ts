/**
 * brain.js 1.6 on one workload. It trains one sample at a time with its own update rule and has no
 * softmax, so only its throughput is compared (on `w.brainRows` rows), not its loss.
 */
import brain from 'brain.js';
import type { Dataset } from '../engine/data/types.ts';
import { median, now } from './timing.ts';
import type { RunResult } from './timing.ts';
import type { Workload } from './workloads.ts';

interface BrainNet {
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
    learningRate: w.optimizer.learningRate,
  });
  net.train(samples, { iterations: 1, errorThresh: 1e-6, log: false }); // sizes and warms up the network
  const formatted = net.formatData(samples);
  const rates: number[] = [];
  const start = now();
  while (rates.length < (budgetMs < 500 ? 1 : 3) || (now() - start < budgetMs && rates.length < 50)) {
    const t0 = now();
    net.trainPatterns(formatted);
    rates.push(rows / ((now() - t0) / 1000));
  }
  return { samplesPerSecond: median(rates), loss: NaN, note: `${rows} rows, per-sample updates` };
}
