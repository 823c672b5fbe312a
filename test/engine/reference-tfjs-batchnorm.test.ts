/**
 * Reference suite for batchnorm: our engine against TensorFlow.js layers' BatchNormalization (cpu
 * backend, float32) on the same weights, moving statistics and inputs, in a small CNN
 * (conv → batchnorm → relu → maxpool → flatten → dense softmax) and a flat network (dense → batchnorm
 * → relu → dense softmax). Compared: the training-mode output, every trainable gradient, the weights
 * and the moving statistics after one SGD step, and the inference-mode output (moving statistics).
 * Tolerance: |ours − tf| ≤ 1e-5 + 1e-4·|tf| (float32, other summation orders).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../engine/graph/compile.ts';
import type { GraphNode } from '../../engine/graph/types.ts';
import { createModel, layerWeights, setLayerWeights } from '../../engine/model/model.ts';
import type { DType } from '../../engine/model/model.ts';
import { computeGradients, forward, loadRows } from '../../engine/model/run.ts';
import { createOptimizer } from '../../engine/optimizers.ts';
import { createRng } from '../../engine/rng.ts';
import { denseNode } from './helpers.ts';
import { expectClose, useTfjsCpu } from './tfjs-reference-helpers.ts';

useTfjsCpu();

const B = 6;
const MOMENTUM = 0.9;

interface Case {
  name: string;
  /** One row's shape. */
  input: number[];
  /** Ours between the input `x` and the head (each reads the one before). */
  nodes: GraphNode[];
  /** The same as tf.layers, the head included. */
  layers: () => tfl.layers.Layer[];
}

let seed = 1;
const init = () => ({
  kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }),
  biasInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: seed++ }),
});
const bn = () => tfl.layers.batchNormalization({ momentum: MOMENTUM, epsilon: 1e-3 });
const head = () => tfl.layers.dense({ units: 3, activation: 'softmax', ...init() });

const CASES: Case[] = [
  {
    name: '8×8×2 → conv 4 3×3 same → batchnorm → relu → maxpool 2 → flatten → dense softmax 3',
    input: [8, 8, 2],
    nodes: [
      {
        id: 'c',
        type: 'conv2d',
        inputs: ['x'],
        filters: 4,
        kernelSize: [3, 3],
        strides: [1, 1],
        padding: 'same',
        activation: 'linear',
        useBias: true,
        kernelInitializer: 'zeros',
      },
      { id: 'bn', type: 'batchnorm', inputs: ['c'], momentum: MOMENTUM },
      { id: 'r', type: 'activation', inputs: ['bn'], activation: 'relu' },
      { id: 'p', type: 'maxpool2d', inputs: ['r'], poolSize: [2, 2], padding: 'valid' },
      { id: 'f', type: 'flatten', inputs: ['p'] },
    ],
    layers: () => [
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', ...init() }),
      bn(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      head(),
    ],
  },
  {
    name: '5 features → dense 4 → batchnorm → relu → dense softmax 3',
    input: [5],
    nodes: [
      denseNode('d', 'x', 4, 'linear', { kernelInitializer: 'zeros' }),
      { id: 'bn', type: 'batchnorm', inputs: ['d'], momentum: MOMENTUM },
      { id: 'r', type: 'activation', inputs: ['bn'], activation: 'relu' },
    ],
    layers: () => [
      tfl.layers.dense({ units: 4, ...init() }),
      bn(),
      tfl.layers.activation({ activation: 'relu' }),
      head(),
    ],
  },
];

/** Both networks on the same weights, moving statistics and a batch of B rows with one-hot targets. */
function buildPair(c: Case, dtype: DType) {
  const rng = createRng(17);
  const size = c.input.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: B * size }, () => rng.normal() + 0.5);
  const y = new Float32Array(B * 3);
  for (let r = 0; r < B; r++) y[r * 3 + rng.int(3)] = 1;
  const xT = () => tf.tensor(x, [B, ...c.input]);
  const yT = () => tf.tensor2d(y, [B, 3]);
  const layers = c.layers();
  const run = (training: boolean) => layers.reduce((h, l) => l.apply(h, { training }) as tf.Tensor, xT());
  tf.tidy(() => run(false)); // builds the layers
  const norm = layers.find(
    (l) => l instanceof tfl.layers.Layer && l.getClassName() === 'BatchNormalization',
  )!;
  const C = norm.getWeights()[0]!.shape[0]!;
  const vec = (f: () => number) => tf.tensor1d(Array.from({ length: C }, f));
  norm.setWeights([
    vec(() => 1 + 0.3 * rng.normal()),
    vec(() => 0.2 * rng.normal()),
    vec(() => 0.5 * rng.normal()),
    vec(() => 0.5 + rng.next()),
  ]);

  const nodes: GraphNode[] = [
    {
      id: 'x',
      type: 'input',
      inputs: [],
      units: c.input.length === 1 ? c.input[0]! : 0,
      ...(c.input.length === 3 ? { shape: c.input as [number, number, number] } : {}),
    },
    ...c.nodes,
    denseNode('head', c.nodes.at(-1)!.id, 3, 'softmax', { kernelInitializer: 'zeros' }),
    { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
  ];
  const model = createModel(compileGraph({ nodes }), { maxBatch: B, dtype, seed: 0 });
  const tfLayers = layers.filter((l) => l.getWeights().length > 0);
  expect(tfLayers.length).toBe(model.layers.length);
  tfLayers.forEach((l, i) => {
    const [k, b, mean, variance] = l.getWeights().map((w) => w.dataSync());
    const stats = mean && variance ? { movingMean: mean, movingVariance: variance } : undefined;
    setLayerWeights(model, model.layers[i]!.nodeId, k!, b!, stats);
  });
  loadRows(model, x, null, 0, B);
  return { model, layers, tfLayers, norm, run, y, yT };
}

const ctx = (training: boolean) => ({ B, training, rng: createRng(0) });
const loss = (y: tf.Tensor, p: tf.Tensor) => tf.mean(tfl.metrics.categoricalCrossentropy(y, p)) as tf.Scalar;
const grid = CASES.flatMap((c) => (['float32', 'float64'] as DType[]).map((d) => [c.name, d, c] as const));

/** TF.js's moving mean and variance, and ours, of the batchnorm node. */
function movingStats(p: ReturnType<typeof buildPair>) {
  const [, , mean, variance] = p.norm.getWeights().map((w) => w.dataSync());
  const ours = layerWeights(p.model).get('bn')!;
  return { mean: mean!, variance: variance!, ours };
}

describe('batchnorm matches tf.layers BatchNormalization', () => {
  it.each(grid)('%s (ours in %s): training-mode output and moving statistics', (_name, dtype, c) => {
    const p = buildPair(c, dtype);
    const ours = forward(p.model, ctx(true)).slice(0, B * 3);
    const ref = tf.tidy(() => p.run(true).dataSync());
    expectClose(ours, ref, 'softmax output (training)');
    const m = movingStats(p);
    expectClose(m.ours.movingMean!, m.mean, 'moving mean');
    expectClose(m.ours.movingVariance!, m.variance, 'moving variance');
  });

  it.each(grid)('%s (ours in %s): inference-mode output', (_name, dtype, c) => {
    const p = buildPair(c, dtype);
    const ours = forward(p.model, ctx(false)).slice(0, B * 3);
    const ref = tf.tidy(() => p.run(false).dataSync());
    expectClose(ours, ref, 'softmax output (inference)');
    // Inference leaves the moving statistics alone, and differs from the training-mode output.
    const m = movingStats(p);
    expectClose(m.ours.movingMean!, m.mean, 'moving mean');
    const trained = forward(p.model, ctx(true)).slice(0, B * 3);
    expect(Math.max(...trained.map((v, i) => Math.abs(v - ours[i]!)))).toBeGreaterThan(1e-3);
  });

  it.each(grid)('%s (ours in %s): every trainable gradient', (_name, dtype, c) => {
    const p = buildPair(c, dtype);
    computeGradients(p.model, p.y, ctx(true));
    const grads = tf.tidy(() => {
      const vars = p.tfLayers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
      const { grads } = tf.variableGrads(() => loss(p.yT(), p.run(true)), vars);
      return vars.map((v) => Float32Array.from(grads[v.name]!.dataSync()));
    });
    p.model.layers.forEach((l, i) => {
      expectClose(l.dKernel, grads[2 * i]!, `${l.nodeId}.dKernel`);
      // The bias of the layer before the batch norm cancels in x − μ: its gradient is zero in both.
      if (i === 0) {
        for (const g of [l.dBias!, grads[1]!])
          expect(Math.max(...Array.from(g, Math.abs))).toBeLessThan(1e-6);
      } else expectClose(l.dBias!, grads[2 * i + 1]!, `${l.nodeId}.dBias`);
    });
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: one SGD step, moving statistics included',
    (_name, c) => {
      const p = buildPair(c, 'float32');
      const opt = createOptimizer({ name: 'sgd', learningRate: 0.1 }, p.model.params.length, p.model.params);
      const before = computeGradients(p.model, p.y, ctx(true));
      opt.step(p.model.params, p.model.grads);
      const tfLoss = tf.tidy(() => {
        const vars = p.tfLayers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
        const { value, grads } = tf.variableGrads(() => loss(p.yT(), p.run(true)), vars);
        tf.train.sgd(0.1).applyGradients(grads);
        return value.dataSync()[0]!;
      });
      expectClose([before], [tfLoss], 'loss');
      p.tfLayers.forEach((l, i) => {
        const [k, b] = l.getWeights().map((w) => w.dataSync());
        const ours = p.model.layers[i]!;
        expectClose(ours.kernel, k!, `${ours.nodeId}.kernel after the step`);
        expectClose(ours.bias!, b!, `${ours.nodeId}.bias after the step`);
      });
      const m = movingStats(p);
      expectClose(m.ours.movingMean!, m.mean, 'moving mean after the step');
      expectClose(m.ours.movingVariance!, m.variance, 'moving variance after the step');
      // And inference after the step.
      const ours = forward(p.model, ctx(false)).slice(0, B * 3);
      expectClose(
        ours,
        tf.tidy(() => p.run(false).dataSync()),
        'inference output after the step',
      );
    },
  );
});
