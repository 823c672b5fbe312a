/** Our engine on one workload: a warm-up run, then the compared epochs, then timing-only epochs. */
import type { Dataset } from '../engine/data/types.ts';
import { nodeThreads } from '../engine/host/node-threads.ts';
import type { ThreadOptions } from '../engine/kernels/wasm/pool.ts';
import { createTrainer } from '../engine/train/trainer.ts';
import type { Trainer } from '../engine/train/trainer.ts';
import { median, now } from './timing.ts';
import type { InitialWeights, RunResult } from './timing.ts';
import { graphOf, perSampleRate } from './workloads.ts';
import type { Workload } from './workloads.ts';

export function makeTrainer(
  w: Workload,
  data: Dataset,
  seed = 1,
  threads: ThreadOptions | null = null,
): Trainer {
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
    threads,
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

/** The first `rows` rows of `data`. */
function firstRows(data: Dataset, rows: number): Dataset {
  const n = Math.min(rows, data.n);
  return { ...data, n, x: data.x.slice(0, n * data.nIn), y: data.y.slice(0, n * data.nOut) };
}

/**
 * Ours at brain.js's work: batch 1 and plain SGD at `perSampleRate(w)`, on the same
 * `w.brainRows` rows; a warm-up epoch, then epochs timed until `budgetMs` has passed.
 */
export function runOursPerSample(w: Workload, data: Dataset, budgetMs: number): RunResult {
  const rows = firstRows(data, w.brainRows);
  const perSample: Workload = {
    ...w,
    batch: 1,
    optimizer: { name: 'sgd', learningRate: perSampleRate(w) },
  };
  const t = makeTrainer(perSample, rows);
  t.runEpoch();
  const rates: number[] = [];
  const start = now();
  while (rates.length < 3 || (now() - start < budgetMs && rates.length < 200)) {
    const t0 = now();
    t.runEpoch();
    rates.push(rows.n / ((now() - t0) / 1000));
  }
  return { samplesPerSecond: median(rates), loss: NaN, note: `${rows.n} rows, batch 1, SGD` };
}

export interface PairResult {
  /** Samples/s on one thread and with the helper thread, medians over interleaved epochs. */
  one: number;
  two: number;
  /** The median over pairs of neighbouring epochs of two-thread over one-thread samples/s. */
  speedup: number;
  /** The two runs' weights after the compared epochs are the same, bit for bit. */
  identical: boolean;
}

/**
 * One core against two on the same workload: the same seed trained on one thread and with the kernel
 * pool's helper thread, the compared epochs checked for identical weights, then timing epochs taken in
 * turns (one, two, one, …) for `budgetMs` so both see the same machine load; the speed-up is taken
 * pair by pair, so a machine whose speed drifts (a shared host) moves both sides of each ratio.
 */
export async function runPair(w: Workload, data: Dataset, budgetMs: number): Promise<PairResult> {
  const one = makeTrainer(w, data);
  const two = makeTrainer(w, data, 1, nodeThreads);
  if (!two.model.pool) throw new Error(`${w.id} is too small for the kernel pool`);
  const pool = two.model.pool;
  while (!pool.ready) await new Promise((resolve) => setTimeout(resolve, 5));
  for (let e = 0; e < w.epochs; e++) {
    one.runEpoch();
    two.runEpoch();
  }
  const a = new Uint32Array(one.model.params.buffer, one.model.params.byteOffset, one.model.params.length);
  const b = new Uint32Array(two.model.params.buffer, two.model.params.byteOffset, two.model.params.length);
  const identical = a.every((v, i) => v === b[i]);
  const rates: [number[], number[]] = [[], []];
  const epoch = (t: Trainer, into: number[]) => {
    const t0 = now();
    t.runEpoch();
    into.push(data.n / ((now() - t0) / 1000));
  };
  const ratios: number[] = [];
  const start = now();
  while (rates[0].length < 3 || (now() - start < budgetMs && rates[0].length < 400)) {
    epoch(one, rates[0]);
    epoch(two, rates[1]);
    ratios.push(rates[1].at(-1)! / rates[0].at(-1)!);
  }
  two.dispose();
  return { one: median(rates[0]), two: median(rates[1]), speedup: median(ratios), identical };
}

/** Milliseconds from nothing to a compiled 2-8-8-1 network that has taken its first step. */
export function firstStepMs(w: Workload, data: Dataset): number {
  const t0 = now();
  makeTrainer(w, data, 5).trainBatch();
  return now() - t0;
}
