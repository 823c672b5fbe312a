/**
 * The LeNet-like CNN of the benchmark (conv 5×5×6 same, max-pool 2, conv 5×5×16 valid, max-pool 2,
 * dense 120, 84, 10 softmax; ReLU) in TF.js (layers API, wasm or cpu backend) and ConvNetJS, trained
 * with plain SGD on batches of 64 real digits from the same initial weights where the library takes
 * them. Each reports samples per second and, for TF.js, the loss after the compared steps.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { median, now } from './timing.ts';

export const LENET = {
  height: 28,
  width: 28,
  classes: 10,
  batch: 64,
  learningRate: 0.01,
  /** conv1 [5,5,1,6], conv2 [5,5,6,16], dense [400,120], [120,84], [84,10] (Keras layouts). */
  kernels: [
    [5, 5, 1, 6],
    [5, 5, 6, 16],
    [400, 120],
    [120, 84],
    [84, 10],
  ],
} as const;

/** Digits as a batch-major float array [n, 28, 28, 1] in [0, 1] and one-hot labels [n, 10]. */
export interface Digits {
  n: number;
  x: Float32Array;
  y: Float32Array;
  labels: Uint8Array;
}

/** Initial weights in Keras layout, one kernel and bias per layer with parameters. */
export interface CnnWeights {
  kernels: Float32Array[];
  biases: Float32Array[];
}

export interface CnnResult {
  samplesPerSecond: number;
  /** Mean cross-entropy over the first `steps` batches' rows after training `steps` batches (NaN: not compared). */
  loss: number;
  /** Why the library could not train the network (then nothing was measured). */
  note?: string;
}

function buildTfjs(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(
    tfl.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 6,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
    }),
  );
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 120, activation: 'relu' }));
  m.add(tfl.layers.dense({ units: 84, activation: 'relu' }));
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.sgd(LENET.learningRate), loss: 'categoricalCrossentropy' });
  return m;
}

/**
 * TF.js on the current backend: `steps` batches from `init`, timed over `rounds` repetitions after one
 * warm-up; the loss is the model's on the trained rows afterwards.
 */
export async function runTfjsCnn(
  data: Digits,
  init: CnnWeights,
  steps: number,
  rounds = 3,
): Promise<CnnResult> {
  try {
    return await timeTfjs(data, init, steps, rounds);
  } catch (e) {
    // TF.js 4.22's wasm backend has no Conv2DBackpropFilter kernel: it cannot train a convolution.
    return { samplesPerSecond: NaN, loss: NaN, note: (e as Error).message.split('\n')[0] };
  }
}

async function timeTfjs(data: Digits, init: CnnWeights, steps: number, rounds: number): Promise<CnnResult> {
  const rows = steps * LENET.batch;
  const xs = tf.tensor4d(data.x.subarray(0, rows * 784), [rows, 28, 28, 1]);
  const ys = tf.tensor2d(data.y.subarray(0, rows * 10), [rows, 10]);
  const set = (m: tfl.Sequential) =>
    m.setWeights(
      init.kernels.flatMap((k, i) => [tf.tensor(k, [...LENET.kernels[i]!]), tf.tensor1d(init.biases[i]!)]),
    );
  const warm = buildTfjs();
  set(warm);
  const wx = tf.slice(xs, [0, 0, 0, 0], [LENET.batch * 2, 28, 28, 1]);
  const wy = tf.slice(ys, [0, 0], [LENET.batch * 2, 10]);
  await warm.fit(wx, wy, { batchSize: LENET.batch, epochs: 1, shuffle: false, verbose: 0 });
  warm.dispose();
  tf.dispose([wx, wy]);
  const times: number[] = [];
  let loss = NaN;
  for (let r = 0; r < rounds; r++) {
    const model = buildTfjs();
    set(model);
    const t0 = now();
    await model.fit(xs, ys, { batchSize: LENET.batch, epochs: 1, shuffle: false, verbose: 0 });
    times.push(now() - t0);
    if (r === 0) {
      const l = model.evaluate(xs, ys, { batchSize: 512 }) as tf.Scalar;
      loss = (await l.data())[0]!;
      l.dispose();
    }
    model.dispose();
  }
  tf.dispose([xs, ys]);
  return { samplesPerSecond: rows / (median(times) / 1000), loss };
}

interface ConvNetJs {
  Net: new () => { makeLayers(defs: object[]): void };
  Trainer: new (net: unknown, options: object) => { train(x: unknown, y: number): void };
  Vol: new (sx: number, sy: number, depth: number, fill: number) => { w: Float64Array | number[] };
}

/**
 * ConvNetJS (the browser library people used for CNNs in JavaScript): the same network with its own
 * initial weights (it does not take others'), SGD on batches of 64, one sample at a time as it trains.
 */
export function runConvNetJs(data: Digits, steps: number): CnnResult {
  const convnetjs = createRequire(import.meta.url)('convnetjs') as ConvNetJs;
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 120, activation: 'relu' },
    { type: 'fc', num_neurons: 84, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  const trainer = new convnetjs.Trainer(net, {
    method: 'sgd',
    learning_rate: LENET.learningRate,
    batch_size: LENET.batch,
    momentum: 0,
    l2_decay: 0,
  });
  const rows = steps * LENET.batch;
  // Volumes are made before timing: ConvNetJS takes one Vol per sample.
  const vols = Array.from({ length: rows }, (_, i) => {
    const v = new convnetjs.Vol(28, 28, 1, 0);
    for (let j = 0; j < 784; j++) v.w[j] = data.x[i * 784 + j]!;
    return v;
  });
  for (let i = 0; i < LENET.batch; i++) trainer.train(vols[i], data.labels[i]!);
  const t0 = now();
  for (let i = 0; i < rows; i++) trainer.train(vols[i], data.labels[i]!);
  return { samplesPerSecond: rows / ((now() - t0) / 1000), loss: NaN };
}
