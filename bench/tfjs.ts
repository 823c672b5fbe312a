/** TF.js (layers API, cpu or wasm backend) on one workload, from our initial weights, same batches. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../engine/data/types.ts';
import { median, now } from './timing.ts';
import type { InitialWeights, RunResult } from './timing.ts';
import type { Workload } from './workloads.ts';

export type TfBackend = 'cpu' | 'wasm';

let wasmReady = false;

/** Selects the backend: wasm loads its SIMD binary from the installed package, one thread. */
export async function useBackend(name: TfBackend): Promise<void> {
  if (name === 'wasm' && !wasmReady) {
    const dist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')), '/');
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths(dist);
    setThreadsCount(1);
    wasmReady = true;
  }
  const quiet = console.warn;
  console.warn = () => {}; // the cpu backend suggests tfjs-node on first use
  await tf.setBackend(name);
  await tf.ready();
  tf.tensor1d([0]).dispose();
  console.warn = quiet;
}

export function wasmSimd(): boolean {
  return tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
}

function build(w: Workload): tfl.Sequential {
  const m = tfl.sequential();
  const s = w.sizes;
  for (let i = 1; i < s.length; i++) {
    const last = i === s.length - 1;
    m.add(
      tfl.layers.dense({
        units: s[i]!,
        activation: last ? w.head : w.activation,
        ...(i === 1 ? { inputShape: [s[0]!] } : {}),
      }),
    );
  }
  const o = w.optimizer;
  const optimizer =
    o.name === 'adam' ? tf.train.adam(o.learningRate, 0.9, 0.999, 1e-7) : tf.train.sgd(o.learningRate);
  m.compile({
    optimizer,
    loss: w.head === 'sigmoid' ? 'binaryCrossentropy' : 'categoricalCrossentropy',
  });
  return m;
}

function tensors(data: Dataset, rows = data.n): [tf.Tensor2D, tf.Tensor2D] {
  return [
    tf.tensor2d(data.x.subarray(0, rows * data.nIn), [rows, data.nIn]),
    tf.tensor2d(data.y.subarray(0, rows * data.nOut), [rows, data.nOut]),
  ];
}

/** Trains `w.epochs` epochs with per-epoch timing; the loss is evaluated on all training rows. */
export async function runTfjs(w: Workload, data: Dataset, init: InitialWeights): Promise<RunResult> {
  const [xs, ys] = tensors(data);
  const warm = build(w);
  const [wx, wy] = tensors(data, Math.min(data.n, w.batch * 2));
  await warm.fit(wx, wy, { batchSize: w.batch, epochs: 1, shuffle: false, verbose: 0 });
  warm.dispose();
  tf.dispose([wx, wy]);

  const model = build(w);
  const weights: tf.Tensor[] = [];
  init.kernels.forEach((k, i) => {
    weights.push(tf.tensor2d(k, [w.sizes[i]!, w.sizes[i + 1]!]), tf.tensor1d(init.biases[i]!));
  });
  model.setWeights(weights);
  tf.dispose(weights);
  const rates: number[] = [];
  for (let e = 0; e < w.epochs; e++) {
    const t0 = now();
    await model.fit(xs, ys, { batchSize: w.batch, epochs: 1, shuffle: false, verbose: 0 });
    rates.push(data.n / ((now() - t0) / 1000));
  }
  const l = model.evaluate(xs, ys, { batchSize: 512 }) as tf.Scalar;
  const loss = (await l.data())[0]!;
  tf.dispose([l, xs, ys]);
  model.dispose();
  return { samplesPerSecond: median(rates), loss };
}
