/**
 * Reference suite for the image kinds: our engine against TensorFlow.js layers (cpu backend, float32)
 * on the same weights and inputs. Conv2D kernels are [kh, kw, in, filters] in both, so weights copy as
 * they are. Compared: the forward output, every kernel's and bias's gradient, the gradient reaching the
 * middle of the network (dX of the second half), and the weights after one SGD step.
 * Tolerance: |ours − tf| ≤ 1e-5 + 1e-4·|tf| (float32, other summation orders).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../engine/graph/compile.ts';
import type { Conv2dNode, GraphNode } from '../../engine/graph/types.ts';
import { createModel, setLayerWeights } from '../../engine/model/model.ts';
import type { DType } from '../../engine/model/model.ts';
import { computeGradients, forward, loadRows } from '../../engine/model/run.ts';
import { createOptimizer } from '../../engine/optimizers.ts';
import { createRng } from '../../engine/rng.ts';
import { denseNode } from './helpers.ts';
import { expectClose, useTfjsCpu } from './tfjs-reference-helpers.ts';

useTfjsCpu();

const B = 5;

const conv = (id: string, input: string, c: Partial<Conv2dNode>): Conv2dNode => ({
  id,
  type: 'conv2d',
  inputs: [input],
  filters: 2,
  kernelSize: [3, 3],
  strides: [1, 1],
  padding: 'same',
  activation: 'linear',
  useBias: true,
  kernelInitializer: 'zeros',
  ...c,
});

interface Case {
  name: string;
  /** The image [h, w, c]. */
  image: [number, number, number];
  /** The nodes between the input `x` and the head, in order (each reads the one before). */
  nodes: (input: string) => GraphNode[];
  /** The same as tf.layers, the first with `inputShape` (split in two: the gradient between them is compared). */
  first: (inputShape: number[]) => tfl.layers.Layer[];
  second: (inputShape: number[]) => tfl.layers.Layer[];
  /** Where `first` ends among our nodes. */
  splitAt: string;
  /**
   * False where TF.js's gradient is not a reference: its avgPool gradient divides by the whole window
   * where a `same` window reaches into the padding, while its forward (and TensorFlow's) divides by
   * the cells inside (see the last test). Such a case compares the forward pass only.
   */
  gradients: boolean;
}

let seed = 1;
const init = () => ({
  kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }),
  biasInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: seed++ }),
});

const CASES: Case[] = [
  {
    name: '8×8×1 → conv 4 3×3 same relu → maxpool 2 → conv 3 3×3 valid → avgpool 2 → flatten → dense softmax 3',
    image: [8, 8, 1],
    nodes: () => [
      conv('c1', 'x', { filters: 4, activation: 'relu' }),
      { id: 'p1', type: 'maxpool2d', inputs: ['c1'], poolSize: [2, 2], padding: 'valid' },
      conv('c2', 'p1', { filters: 3, padding: 'valid', activation: 'tanh' }),
      { id: 'p2', type: 'avgpool2d', inputs: ['c2'], poolSize: [2, 2], padding: 'valid' },
      { id: 'f', type: 'flatten', inputs: ['p2'] },
    ],
    first: (inputShape) => [
      tfl.layers.conv2d({
        inputShape,
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        ...init(),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
    ],
    second: (inputShape) => [
      tfl.layers.conv2d({
        inputShape,
        filters: 3,
        kernelSize: 3,
        padding: 'valid',
        activation: 'tanh',
        ...init(),
      }),
      tfl.layers.averagePooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
    ],
    splitAt: 'p1',
    gradients: true,
  },
  {
    name: '8×8×1 → conv 4 3×3 same relu → maxpool 2 → conv 3 3×3 valid → global average pooling → dense softmax 3',
    image: [8, 8, 1],
    nodes: () => [
      conv('c1', 'x', { filters: 4, activation: 'relu' }),
      { id: 'p1', type: 'maxpool2d', inputs: ['c1'], poolSize: [2, 2], padding: 'valid' },
      conv('c2', 'p1', { filters: 3, padding: 'valid' }),
      { id: 'g', type: 'globalavgpool2d', inputs: ['c2'] },
    ],
    first: (inputShape) => [
      tfl.layers.conv2d({
        inputShape,
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        ...init(),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
    ],
    second: (inputShape) => [
      tfl.layers.conv2d({ inputShape, filters: 3, kernelSize: 3, padding: 'valid', ...init() }),
      tfl.layers.globalAveragePooling2d({}),
    ],
    splitAt: 'p1',
    gradients: true,
  },
  {
    name: 'odd sizes and same padding: 7×5×3 → conv 2 2×3 strides 2 same elu → avgpool 3×2 strides 1 same → maxpool 2×3 same → conv 3 3×3 strides [1, 2] same → flatten',
    image: [7, 5, 3],
    nodes: () => [
      conv('c1', 'x', { filters: 2, kernelSize: [2, 3], strides: [2, 2], activation: 'elu' }),
      { id: 'p1', type: 'avgpool2d', inputs: ['c1'], poolSize: [3, 2], strides: [1, 1], padding: 'same' },
      { id: 'p2', type: 'maxpool2d', inputs: ['p1'], poolSize: [2, 3], padding: 'same' },
      conv('c2', 'p2', { filters: 3, strides: [1, 2], activation: 'sigmoid' }),
      { id: 'f', type: 'flatten', inputs: ['c2'] },
    ],
    first: (inputShape) => [
      tfl.layers.conv2d({
        inputShape,
        filters: 2,
        kernelSize: [2, 3],
        strides: 2,
        padding: 'same',
        activation: 'elu',
        ...init(),
      }),
      tfl.layers.averagePooling2d({ poolSize: [3, 2], strides: 1, padding: 'same' }),
    ],
    second: (inputShape) => [
      tfl.layers.maxPooling2d({ inputShape, poolSize: [2, 3], padding: 'same' }),
      tfl.layers.conv2d({
        filters: 3,
        kernelSize: 3,
        strides: [1, 2],
        padding: 'same',
        activation: 'sigmoid',
        ...init(),
      }),
      tfl.layers.flatten(),
    ],
    splitAt: 'p1',
    gradients: false,
  },
  {
    name: 'odd sizes: 7×5×3 → conv 2 2×3 strides 2 same elu → avgpool 3×2 strides 1 valid → maxpool 2×3 same → conv 3 3×3 strides [1, 2] same → flatten',
    image: [7, 5, 3],
    nodes: () => [
      conv('c1', 'x', { filters: 2, kernelSize: [2, 3], strides: [2, 2], activation: 'elu' }),
      { id: 'p1', type: 'avgpool2d', inputs: ['c1'], poolSize: [3, 2], strides: [1, 1], padding: 'valid' },
      { id: 'p2', type: 'maxpool2d', inputs: ['p1'], poolSize: [2, 3], padding: 'same' },
      conv('c2', 'p2', { filters: 3, strides: [1, 2], activation: 'sigmoid' }),
      { id: 'f', type: 'flatten', inputs: ['c2'] },
    ],
    first: (inputShape) => [
      tfl.layers.conv2d({
        inputShape,
        filters: 2,
        kernelSize: [2, 3],
        strides: 2,
        padding: 'same',
        activation: 'elu',
        ...init(),
      }),
      tfl.layers.averagePooling2d({ poolSize: [3, 2], strides: 1, padding: 'valid' }),
    ],
    second: (inputShape) => [
      tfl.layers.maxPooling2d({ inputShape, poolSize: [2, 3], padding: 'same' }),
      tfl.layers.conv2d({
        filters: 3,
        kernelSize: 3,
        strides: [1, 2],
        padding: 'same',
        activation: 'sigmoid',
        ...init(),
      }),
      tfl.layers.flatten(),
    ],
    splitAt: 'p1',
    gradients: true,
  },
];

/** Both networks on the same weights and a batch of B images with one-hot targets. */
function buildPair(c: Case, dtype: DType) {
  const first = tfl.sequential({ layers: c.first(c.image) });
  const second = tfl.sequential({
    layers: [
      ...c.second(first.outputs[0]!.shape.slice(1) as number[]),
      tfl.layers.dense({ units: 3, activation: 'softmax', ...init() }),
    ],
  });
  const middle = c.nodes('x');
  const nodes: GraphNode[] = [
    { id: 'x', type: 'input', inputs: [], units: 0, shape: c.image },
    ...middle,
    denseNode('head', middle.at(-1)!.id, 3, 'softmax', { kernelInitializer: 'zeros' }),
    { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
  ];
  const model = createModel(compileGraph({ nodes }), { maxBatch: B, dtype, seed: 0 });
  // Parameterised layers in order on both sides.
  const tfLayers = [...first.layers, ...second.layers].filter((l) => l.getWeights().length > 0);
  expect(tfLayers.map((l) => l.getWeights()[0]!.shape.length)).toEqual(
    model.layers.map((l) => (l.nodeId === 'head' ? 2 : 4)),
  );
  tfLayers.forEach((l, i) => {
    const [k, b] = l.getWeights();
    setLayerWeights(model, model.layers[i]!.nodeId, k!.dataSync(), b!.dataSync());
  });
  const rng = createRng(17);
  const size = c.image[0] * c.image[1] * c.image[2];
  const x = Float32Array.from({ length: B * size }, () => rng.normal());
  const y = new Float32Array(B * 3);
  for (let r = 0; r < B; r++) y[r * 3 + rng.int(3)] = 1;
  loadRows(model, x, null, 0, B);
  const xT = () => tf.tensor4d(x, [B, ...c.image]);
  const yT = () => tf.tensor2d(y, [B, 3]);
  return { first, second, model, tfLayers, x, y, xT, yT };
}

const ctx = () => ({ B, training: true, rng: createRng(0) });
const loss = (y: tf.Tensor, p: tf.Tensor) => tf.mean(tfl.metrics.categoricalCrossentropy(y, p)) as tf.Scalar;
const both = (cases: Case[]) =>
  cases.flatMap((c) => (['float32', 'float64'] as DType[]).map((d) => [c.name, d, c] as const));
const grid = both(CASES);
const withGradients = CASES.filter((c) => c.gradients);

describe('a small CNN matches tf.layers', () => {
  it.each(grid)('%s (ours in %s): forward output', (_name, dtype, c) => {
    const p = buildPair(c, dtype);
    const ours = forward(p.model, ctx()).slice(0, B * 3);
    const ref = tf.tidy(() => (p.second.apply(p.first.apply(p.xT())) as tf.Tensor).dataSync());
    expectClose(ours, ref, 'softmax output');
  });

  it.each(both(withGradients))('%s (ours in %s): dW, db, and dX of the second half', (_name, dtype, c) => {
    const p = buildPair(c, dtype);
    computeGradients(p.model, p.y, ctx());
    const { grads, dMiddle } = tf.tidy(() => {
      const vars = p.tfLayers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
      const { grads } = tf.variableGrads(
        () => loss(p.yT(), p.second.apply(p.first.apply(p.xT())) as tf.Tensor),
        vars,
      );
      const h = p.first.apply(p.xT()) as tf.Tensor;
      const dMiddle = tf.grad((m: tf.Tensor) => loss(p.yT(), p.second.apply(m) as tf.Tensor))(h);
      return {
        grads: vars.map((v) => Float32Array.from(grads[v.name]!.dataSync())),
        dMiddle: Float32Array.from(dMiddle.dataSync()),
      };
    });
    p.model.layers.forEach((l, i) => {
      expectClose(l.dKernel, grads[2 * i]!, `${l.nodeId}.dKernel`);
      expectClose(l.dBias!, grads[2 * i + 1]!, `${l.nodeId}.dBias`);
    });
    const split = p.model.byId.get(c.splitAt)!;
    expectClose(split.dOut.slice(0, B * split.width), dMiddle, `dX into ${c.splitAt}`);
  });

  it.each(withGradients.map((c) => [c.name, c] as const))('%s: one SGD step', (_name, c) => {
    const p = buildPair(c, 'float32');
    const opt = createOptimizer({ name: 'sgd', learningRate: 0.1 }, p.model.params.length, p.model.params);
    const before = computeGradients(p.model, p.y, ctx());
    opt.step(p.model.params, p.model.grads);
    const tfLoss = tf.tidy(() => {
      const vars = p.tfLayers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
      const { value, grads } = tf.variableGrads(
        () => loss(p.yT(), p.second.apply(p.first.apply(p.xT())) as tf.Tensor),
        vars,
      );
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
  });
});

describe("TF.js's average pooling with same padding", () => {
  it('differentiates its own forward wrongly where windows reach into the padding', () => {
    // 3×3 image, 2×2 windows, strides 1, same padding: the right column and bottom row of windows
    // hold fewer than four cells. L = Σ w ⊙ avgPool(x).
    const xs = Float32Array.from({ length: 9 }, (_, i) => i * 0.37 - 1);
    const w = Float32Array.from({ length: 9 }, (_, i) => i + 1);
    const L = (x: Float32Array) =>
      tf.tidy(
        () =>
          tf
            .sum(tf.mul(tf.avgPool(tf.tensor4d(x, [1, 3, 3, 1]), 2, 1, 'same'), tf.tensor4d(w, [1, 3, 3, 1])))
            .dataSync()[0]!,
      );
    const numeric = Array.from(xs, (_, i) => {
      const up = Float32Array.from(xs);
      const down = Float32Array.from(xs);
      up[i]! += 1e-2;
      down[i]! -= 1e-2;
      return (L(up) - L(down)) / 2e-2;
    });
    const theirs = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) =>
          tf.sum(tf.mul(tf.avgPool(x as tf.Tensor4D, 2, 1, 'same'), tf.tensor4d(w, [1, 3, 3, 1]))),
        )(tf.tensor4d(xs, [1, 3, 3, 1]))
        .dataSync(),
    );
    const gap = Math.max(...numeric.map((n, i) => Math.abs(n - theirs[i]!)));
    expect(gap).toBeGreaterThan(1);
    // Ours agrees with central differences for these windows: image-gradcheck.test.ts.
  });
});
