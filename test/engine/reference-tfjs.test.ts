/**
 * Reference suite: our engine against TensorFlow.js (cpu backend, float32) on identical inputs and
 * weights. tfjs-layers is a port of Keras (Dense kernels are [nIn, units], the same layout as ours), so its
 * losses, layers and initialisers are the closest runnable stand-in for the Keras definitions we follow.
 * Inputs are rounded to float32 first, so both sides see exactly the same numbers.
 * Default tolerance (float32): |ours − tf| ≤ 1e-5 + 1e-4·|tf|.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers also registers tfjs-core's gradient functions (tfjs-core's node bundle alone has none).
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../engine/graph/compile.ts';
import type { Activation, GraphNode, Initializer, LossName } from '../../engine/graph/types.ts';
import { initKernel } from '../../engine/init.ts';
import { computeGradients, forward, loadRows } from '../../engine/model/run.ts';
import { createModel, setLayerWeights } from '../../engine/model/model.ts';
import type { DType, Model } from '../../engine/model/model.ts';
import { lossAndGradient } from '../../engine/losses.ts';
import { createOptimizer } from '../../engine/optimizers.ts';
import { createRng } from '../../engine/rng.ts';
import { denseNode } from './helpers.ts';
import { expectClose, useTfjsCpu } from './tfjs-reference-helpers.ts';

useTfjsCpu();

const f32 = (n: number, draw: () => number) => Float32Array.from({ length: n }, draw);
const sigmoid = (z: ArrayLike<number>) => Float64Array.from(z, (v) => 1 / (1 + Math.exp(-v)));
function softmaxRows(z: ArrayLike<number>, K: number): Float64Array {
  const p = new Float64Array(z.length);
  for (let r = 0; r < z.length; r += K) {
    const row = Array.from({ length: K }, (_, j) => z[r + j]!);
    const max = Math.max(...row);
    const s = row.reduce((acc, v) => acc + Math.exp(v - max), 0);
    for (let j = 0; j < K; j++) p[r + j] = Math.exp(row[j]! - max) / s;
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------------
// 1. Losses (value and gradient) on random predictions/targets, B = 5, K = 3.
describe('losses match tf.losses / Keras-style tf.metrics', () => {
  const B = 5;
  const K = 3;
  const rng = createRng(11);
  const oneHot = f32(B * K, () => 0);
  for (let r = 0; r < B; r++) oneHot[r * K + rng.int(K)] = 1;
  const soft = f32(B * K, () => rng.next()); // soft labels in [0, 1): cross-entropies accept them
  for (let r = 0; r < B * K; r += K) {
    const s = soft[r]! + soft[r + 1]! + soft[r + 2]!;
    for (let j = 0; j < K; j++) soft[r + j] = soft[r + j]! / s; // rows summing to 1 for the categorical case
  }
  const unnormalised = f32(B * K, () => rng.next()); // rows not summing to 1 (multi-label style targets)
  const binary = f32(B * K, () => rng.int(2));
  const real = f32(B * K, () => rng.normal());
  // Regression predictions, and moderate logits (σ 1.5) so that the Keras-style probability losses, which
  // clip p to [1e-7, 1 − 1e-7] before taking logs, lose no float32 precision worth noting.
  const pred = f32(B * K, () => rng.normal() * 1.5);
  const logits = f32(B * K, () => rng.normal() * 1.5);
  type Ref = (y: tf.Tensor, v: tf.Tensor) => tf.Tensor;
  const T = (a: Float32Array) => tf.tensor2d(a, [B, K]);
  // `v` is what the loss is differentiated in: p for mse/mae, the logits z for the cross-entropies.
  const mse: Ref = (y, p) => tf.losses.meanSquaredError(y, p);
  const mae: Ref = (y, p) => tf.mean(tfl.metrics.meanAbsoluteError(y, p));
  const sigmoidCE: Ref = (y, z) => tf.losses.sigmoidCrossEntropy(y, z);
  const softmaxCE: Ref = (y, z) => tf.losses.softmaxCrossEntropy(y, z);
  const kerasBce: Ref = (y, z) => tf.mean(tfl.metrics.binaryCrossentropy(y, tf.sigmoid(z)));
  const kerasCce: Ref = (y, z) => tf.mean(tfl.metrics.categoricalCrossentropy(y, tf.softmax(z)));
  const cases: [string, LossName, Float32Array, Ref][] = [
    ['mse vs tf.losses.meanSquaredError', 'mse', real, mse],
    ['mae vs mean of tf.metrics.meanAbsoluteError', 'mae', real, mae],
    ['bce (0/1) vs tf.losses.sigmoidCrossEntropy', 'binary_crossentropy', binary, sigmoidCE],
    ['bce (soft) vs tf.losses.sigmoidCrossEntropy', 'binary_crossentropy', soft, sigmoidCE],
    [
      'bce vs Keras-style tf.metrics.binaryCrossentropy(y, sigmoid(z))',
      'binary_crossentropy',
      binary,
      kerasBce,
    ],
    ['cce (one-hot) vs tf.losses.softmaxCrossEntropy', 'categorical_crossentropy', oneHot, softmaxCE],
    ['cce (soft) vs tf.losses.softmaxCrossEntropy', 'categorical_crossentropy', soft, softmaxCE],
    [
      'cce vs Keras-style tf.metrics.categoricalCrossentropy(y, softmax(z))',
      'categorical_crossentropy',
      oneHot,
      kerasCce,
    ],
    // −Σ y·log softmax(z) has gradient softmax(z)·Σy − y. tf.losses.softmaxCrossEntropy's hand-written
    // gradient is softmax(z) − y, right only when rows sum to 1, so here the autodiff Keras path is the reference.
    [
      'cce (rows not summing to 1) vs Keras-style categoricalCrossentropy',
      'categorical_crossentropy',
      unnormalised,
      kerasCce,
    ],
  ];

  it.each(cases)('%s', (_name, loss, y, ref) => {
    const regression = loss === 'mse' || loss === 'mae';
    const v = regression ? pred : logits;
    const p = regression
      ? Float64Array.from(pred)
      : loss === 'binary_crossentropy'
        ? sigmoid(v)
        : softmaxRows(v, K);
    const grad = new Float64Array(B * K);
    const ours = lossAndGradient(loss, p, Float64Array.from(v), y, grad, B, K);
    const { value, grad: g } = tf.tidy(() => {
      const yT = T(y);
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => ref(yT, x) as tf.Scalar)(T(v));
      return { value: value.dataSync()[0]!, grad: grad.dataSync() };
    });
    expectClose([ours], [value], 'loss');
    expectClose(grad, g, 'dLoss');
  });
});

// ---------------------------------------------------------------------------------------------------------
// 2–3. A 4-6-5-K MLP: forward outputs and every layer's dKernel/dBias, weights copied from tf.layers.
type Hidden = Exclude<Activation, 'softmax' | 'linear'>;
const HIDDEN: Hidden[] = ['relu', 'tanh', 'elu', 'leaky_relu', 'softplus', 'sigmoid'];
const DTYPES: DType[] = ['float32', 'float64'];
const B = 7;

/** Builds the same network in both; our weights are copied from tf's (seeded glorot kernels, random biases). */
function buildPair(act: Hidden, head: 'softmax' | 'linear', dtype: DType, seed: number) {
  const widths = [4, 6, 5, 3];
  const tfModel = tfl.sequential();
  const nodes: GraphNode[] = [{ id: 'in', type: 'input', inputs: [], units: 4 }];
  for (let i = 1; i < widths.length; i++) {
    const last = i === widths.length - 1;
    const a: Activation = last ? head : act;
    tfModel.add(
      tfl.layers.dense({
        units: widths[i]!,
        inputShape: i === 1 ? [4] : undefined,
        // tfjs-layers has no 'leaky_relu' activation string: a linear Dense + LeakyReLU layer is the same map.
        activation: a === 'leaky_relu' ? 'linear' : a,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + i }),
        biasInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.5, seed: seed + 10 + i }),
      }),
    );
    // alpha 0.2 given to tf explicitly (tfjs's own default is the older Keras 0.3); ours is left unset to check
    // that our default is Keras 3's 0.2.
    if (a === 'leaky_relu') tfModel.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
    nodes.push({
      id: `d${i}`,
      type: 'dense',
      inputs: [nodes[i - 1]!.id],
      units: widths[i]!,
      activation: a,
      useBias: true,
      kernelInitializer: 'zeros',
    });
  }
  const loss: LossName = head === 'softmax' ? 'categorical_crossentropy' : 'mse';
  nodes.push({ id: 'out', type: 'output', inputs: ['d3'], loss });
  const model = createModel(compileGraph({ nodes }), { maxBatch: B, dtype, seed: 0 });
  const dense = tfModel.layers.filter((l) => l.getClassName() === 'Dense');
  dense.forEach((l, i) => {
    const [k, b] = l.getWeights();
    setLayerWeights(model, `d${i + 1}`, k!.dataSync(), b!.dataSync());
  });
  const rng = createRng(seed);
  // Inputs spread enough to exercise both sides of relu/leaky/elu.
  const x = f32(B * 4, () => rng.normal() * 1.5);
  const y = f32(B * 3, () => (head === 'softmax' ? 0 : rng.normal()));
  if (head === 'softmax') for (let r = 0; r < B; r++) y[r * 3 + rng.int(3)] = 1;
  loadRows(model, x, null, 0, B);
  return { tfModel, model, dense, x, y };
}

const ctx = () => ({ B, training: true, rng: createRng(0) });
const grid = HIDDEN.flatMap((a) => DTYPES.map((d) => [a, d] as const));

describe('forward pass of a 4-6-5-3 softmax MLP matches tf.sequential', () => {
  it.each(grid)('hidden %s, ours in %s', (act, dtype) => {
    const { tfModel, model, x } = buildPair(act, 'softmax', dtype, 100);
    const ours = forward(model, ctx()).slice(0, B * 3);
    const ref = tf.tidy(() => (tfModel.predict(tf.tensor2d(x, [B, 4])) as tf.Tensor).dataSync());
    expectClose(ours, ref, 'softmax output');
  });
});

/** tf's gradient of `lossFn` with respect to every Dense kernel and bias, in layer order. */
function tfGradients(
  pair: ReturnType<typeof buildPair>,
  lossFn: (y: tf.Tensor, out: tf.Tensor) => tf.Tensor,
) {
  return tf.tidy(() => {
    const vars = pair.dense.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
    const xT = tf.tensor2d(pair.x, [B, 4]);
    const yT = tf.tensor2d(pair.y, [B, 3]);
    const { grads } = tf.variableGrads(
      () => lossFn(yT, pair.tfModel.apply(xT) as tf.Tensor) as tf.Scalar,
      vars,
    );
    return vars.map((v) => Float32Array.from(grads[v.name]!.dataSync()));
  });
}

function expectGradientsMatch(pair: ReturnType<typeof buildPair>, ref: Float32Array[]) {
  pair.model.layers.forEach((l, i) => {
    expectClose(l.dKernel, ref[2 * i]!, `${l.nodeId}.dKernel`);
    expectClose(l.dBias!, ref[2 * i + 1]!, `${l.nodeId}.dBias`);
  });
}

describe('parameter gradients match tf.variableGrads', () => {
  it.each(grid)(
    'categorical cross-entropy (Keras-style, on softmax probabilities), hidden %s, ours in %s',
    (act, dtype) => {
      const pair = buildPair(act, 'softmax', dtype, 200);
      computeGradients(pair.model, pair.y, ctx());
      // The Keras loss on probabilities (clipped at 1e-7, not reached here); ours fuses softmax + CE on logits.
      expectGradientsMatch(
        pair,
        tfGradients(pair, (y, p) => tf.mean(tfl.metrics.categoricalCrossentropy(y, p))),
      );
    },
  );

  it.each(grid)('mse with a linear output, hidden %s, ours in %s', (act, dtype) => {
    const pair = buildPair(act, 'linear', dtype, 300);
    computeGradients(pair.model, pair.y, ctx());
    expectGradientsMatch(
      pair,
      tfGradients(pair, (y, out) => tf.losses.meanSquaredError(y, out)),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// 5. Initialisers over a 200×300 kernel: published definitions, and tf's initialisers' empirical std.
describe('kernel initialisers follow the Keras 3 definitions', () => {
  const fanIn = 200;
  const fanOut = 300;
  const stats = (w: ArrayLike<number>) => {
    let s = 0;
    let q = 0;
    let max = 0;
    for (let i = 0; i < w.length; i++)
      [s, q, max] = [s + w[i]!, q + w[i]! * w[i]!, Math.max(max, Math.abs(w[i]!))];
    const mean = s / w.length;
    return { mean, std: Math.sqrt(q / w.length - mean * mean), max };
  };
  const TRUNC = 0.87962566103423978; // std of a unit normal truncated at ±2
  const cases: [
    Initializer,
    number,
    'uniform' | 'normal',
    () => ReturnType<typeof tfl.initializers.heNormal>,
  ][] = [
    ['glorot_uniform', 2 / (fanIn + fanOut), 'uniform', () => tfl.initializers.glorotUniform({ seed: 5 })],
    ['he_uniform', 2 / fanIn, 'uniform', () => tfl.initializers.heUniform({ seed: 5 })],
    ['glorot_normal', 2 / (fanIn + fanOut), 'normal', () => tfl.initializers.glorotNormal({ seed: 5 })],
    ['he_normal', 2 / fanIn, 'normal', () => tfl.initializers.heNormal({ seed: 5 })],
  ];

  it.each(cases)('%s', (kind, variance, dist, tfInit) => {
    const target = Math.sqrt(variance); // Keras: Var = 2/(fanIn+fanOut) (Glorot) or 2/fanIn (He)
    const w = new Float64Array(fanIn * fanOut);
    initKernel(kind, w, fanIn, fanOut, createRng(42));
    const ours = stats(w);
    // 60 000 draws: the std's standard error is ≈ 0.3 %, the mean's ≈ 0.004·σ.
    expect(Math.abs(ours.mean)).toBeLessThan(0.02 * target);
    expect(Math.abs(ours.std / target - 1)).toBeLessThan(0.02);
    // Bounds: uniform on ±√(3)·σ = ±√(6/n); Keras 3's truncated normal draws N(0, σ/0.8796) cut at 2 of its
    // own (pre-scale) standard deviations, so |w| ≤ 2σ/0.8796 and the kept values have std σ.
    const bound = dist === 'uniform' ? Math.sqrt(3) * target : (2 * target) / TRUNC;
    expect(ours.max).toBeLessThanOrEqual(bound);
    expect(ours.max).toBeGreaterThan(0.99 * bound);
    const theirs = stats(tf.tidy(() => tfInit().apply([fanIn, fanOut], 'float32').dataSync()));
    if (dist === 'uniform') {
      expect(Math.abs(ours.std / theirs.std - 1)).toBeLessThan(0.03);
      expect(theirs.max).toBeLessThanOrEqual(bound * (1 + 1e-6));
    } else {
      // Formula difference: tfjs-layers' VarianceScaling passes σ itself to
      // truncatedNormal, without the /0.8796 correction that tf.keras and Keras 3 apply, so its values have std 0.8796·σ and
      // |w| ≤ 2σ. We keep Keras 3's definition; hence ours ≈ tf / 0.8796.
      expect(Math.abs(ours.std / (theirs.std / TRUNC) - 1)).toBeLessThan(0.03);
      expect(theirs.max).toBeLessThanOrEqual(2 * target * (1 + 1e-6));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// 6. XOR: a 2-8-1 tanh/sigmoid network, 50 full-batch SGD steps (lr 0.5), binary cross-entropy.
describe('training XOR matches tf.LayersModel.fit', () => {
  it('50 full-batch SGD steps from the same weights end at the same weights and losses', async () => {
    const x = Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]);
    const y = Float32Array.from([0, 1, 1, 0]);
    const tfModel = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: 8,
          inputShape: [2],
          activation: 'tanh',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 7 }),
          biasInitializer: tfl.initializers.randomNormal({ stddev: 0.3, seed: 8 }),
        }),
        tfl.layers.dense({
          units: 1,
          activation: 'sigmoid',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 9 }),
        }),
      ],
    });
    const graph = {
      nodes: [
        { id: 'in', type: 'input', inputs: [], units: 2 },
        denseNode('h', 'in', 8, 'tanh'),
        denseNode('o', 'h', 1, 'sigmoid'),
        { id: 'out', type: 'output', inputs: ['o'], loss: 'binary_crossentropy' },
      ] as GraphNode[],
    };
    const model: Model = createModel(compileGraph(graph), { maxBatch: 4, dtype: 'float32', seed: 0 });
    const initial = tfModel.getWeights().map((t) => t.dataSync().slice());
    setLayerWeights(model, 'h', initial[0]!, initial[1]!);
    setLayerWeights(model, 'o', initial[2]!, initial[3]!);

    const opt = createOptimizer({ name: 'sgd', learningRate: 0.5 }, model.params.length, model.params);
    const losses: number[] = [];
    loadRows(model, x, null, 0, 4);
    for (let step = 0; step < 50; step++) {
      losses.push(computeGradients(model, y, { B: 4, training: true, rng: createRng(0) }));
      opt.step(model.params, model.grads);
    }

    tfModel.compile({ optimizer: tf.train.sgd(0.5), loss: 'binaryCrossentropy' });
    const history = await tfModel.fit(tf.tensor2d(x, [4, 2]), tf.tensor2d(y, [4, 1]), {
      epochs: 50,
      batchSize: 4,
      shuffle: false,
      verbose: 0,
    });
    // Each epoch's loss is evaluated before its update, like ours. 50 float32 steps accumulate rounding
    // differences (other summation orders); observed ≈ 2e-7 at the end, so the default tolerance holds.
    expectClose(losses, history.history.loss as number[], 'loss per step');
    const final = tfModel.getWeights().map((t) => t.dataSync());
    const [h, o] = model.layers;
    expectClose(h!.kernel, final[0]!, 'h.kernel');
    expectClose(h!.bias!, final[1]!, 'h.bias');
    expectClose(o!.kernel, final[2]!, 'o.kernel');
    expectClose(o!.bias!, final[3]!, 'o.bias');
    // The run moved the weights, and learnt something.
    expect(Math.abs(o!.kernel[0]! - initial[2]![0]!)).toBeGreaterThan(1e-2);
    expect(losses[49]!).toBeLessThan(losses[0]!);
  });
});
