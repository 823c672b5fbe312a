/** Our engine on one workload: a warm-up run, then the compared epochs, then timing-only epochs. */
import type { Dataset } from '../engine/data/types.ts';
import { createTrainer } from '../engine/train/trainer.ts';
import type { Trainer } from '../engine/train/trainer.ts';
import { median, now } from './timing.ts';
import type { InitialWeights, RunResult } from './timing.ts';
import { graphOf } from './workloads.ts';
import type { Workload } from './workloads.ts';

export function makeTrainer(w: Workload, data: Dataset, seed = 1): Trainer {
  return createTrainer({
    graph: graphOf(w),
    train: data,
    config: {
      optimizer: { ...w.optimizer },
      batchSize: w.batch,
      epochs: 1_000_000,
      validationSplit: 0,
      shuffle: false,
      seed,
    },
    task: 'classification',
  });
}

export function initialWeights(t: Trainer): InitialWeights {
  return {
    kernels: t.model.layers.map((l) => Float32Array.from(l.kernel)),
    biases: t.model.layers.map((l) => Float32Array.from(l.bias ?? [])),
  };
}

/** Trains `w.epochs` epochs (loss compared), then keeps timing epochs until `budgetMs` has passed. */
export function runOurs(w: Workload, data: Dataset, budgetMs: number): RunResult & { init: InitialWeights } {
  makeTrainer(w, data, 99).runEpoch(); // warm-up: compiles the hot paths
  const t = makeTrainer(w, data);
  const init = initialWeights(t);
  const rates: number[] = [];
  const epoch = () => {
    const t0 = now();
    t.runEpoch();
    rates.push(data.n / ((now() - t0) / 1000));
  };
  for (let e = 0; e < w.epochs; e++) epoch();
  const loss = t.evaluate(data).loss;
  const start = now();
  while (now() - start < budgetMs && rates.length < 200) epoch();
  return { samplesPerSecond: median(rates), loss, init };
}

/** Milliseconds from nothing to a compiled 2-8-8-1 network that has taken its first step. */
export function firstStepMs(w: Workload, data: Dataset): number {
  const t0 = now();
  makeTrainer(w, data, 5).trainBatch();
  return now() - t0;
}
