/**
 * Batchnorm: a hand-computed case (training and inference, the moving statistics' update), float64
 * central differences of the training-mode forward on flat rows and on images (a planted bug in its
 * backward is caught), and the optimiser leaving the moving statistics alone.
 */
import { describe, expect, it } from 'vitest';
import { analyticGradient, compareGradients, numericGradient } from '../../../engine/gradcheck.ts';
import { compileGraph } from '../../../engine/graph/compile.ts';
import type { GraphNode, GraphSpec } from '../../../engine/graph/types.ts';
import { createModel, layerWeights } from '../../../engine/model/model.ts';
import { computeGradients, forward, loadRows } from '../../../engine/model/run.ts';
import { createOptimizer } from '../../../engine/optimizers.ts';
import { compileSummary } from '../../../engine/session/graph-check.ts';
import { createRng } from '../../../engine/rng.ts';
import { denseNode, randomSetup } from '../helpers.ts';

const ctx = (B: number, training: boolean) => ({ B, training, rng: createRng(0) });

/** input (2 features) → batchnorm → output (mse): the batch norm's output is the prediction. */
function lone(momentum?: number): GraphSpec {
  return {
    nodes: [
      { id: 'x', type: 'input', inputs: [], units: 2 },
      { id: 'bn', type: 'batchnorm', inputs: ['x'], ...(momentum === undefined ? {} : { momentum }) },
      { id: 'y', type: 'output', inputs: ['bn'], loss: 'mse' },
    ],
  };
}

describe('batchnorm by hand', () => {
  it('normalises with the batch while training and updates the moving statistics (Keras defaults)', () => {
    const model = createModel(compileGraph(lone()), { maxBatch: 2, dtype: 'float64', seed: 0 });
    const bn = layerWeights(model).get('bn')!;
    // γ = 1, β = 0, moving mean 0 and variance 1 to start, as Keras.
    expect([...bn.kernel, ...bn.bias!, ...bn.movingMean!, ...bn.movingVariance!]).toEqual([
      1, 1, 0, 0, 0, 0, 1, 1,
    ]);
    bn.kernel.set([2, 1]);
    bn.bias!.set([0.5, 0]);
    // Feature 0: 1 and 3 (mean 2, biased variance 1); feature 1: 0 and 0 (variance 0).
    loadRows(model, [1, 0, 3, 0], null, 0, 2);
    const out = Array.from(forward(model, ctx(2, true)).slice(0, 4));
    const s = 1 / Math.sqrt(1 + 1e-3);
    [2 * -s + 0.5, 0, 2 * s + 0.5, 0].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 12));
    // moving = moving·0.99 + batch·0.01
    expect(bn.movingMean![0]).toBeCloseTo(0.99 * 0 + 0.01 * 2, 15);
    expect(bn.movingMean![1]).toBe(0);
    expect(bn.movingVariance![0]).toBeCloseTo(0.99 + 0.01 * 1, 15);
    expect(bn.movingVariance![1]).toBeCloseTo(0.99, 15);
  });

  it('normalises with the moving statistics at inference and leaves them alone', () => {
    const model = createModel(compileGraph(lone(0.5)), { maxBatch: 2, dtype: 'float64', seed: 0 });
    const bn = layerWeights(model).get('bn')!;
    bn.movingMean!.set([1, -1]);
    bn.movingVariance!.set([4, 0.25]);
    loadRows(model, [3, 0, 1, -1], null, 0, 2);
    const out = Array.from(forward(model, ctx(2, false)).slice(0, 4));
    const a = 1 / Math.sqrt(4 + 1e-3);
    const b = 1 / Math.sqrt(0.25 + 1e-3);
    [2 * a, 1 * b, 0, 0].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 12));
    expect(Array.from(bn.movingMean!)).toEqual([1, -1]);
    expect(Array.from(bn.movingVariance!)).toEqual([4, 0.25]);
  });

  it('is left alone by the optimiser: its moving statistics change only by the training forward', () => {
    const model = createModel(compileGraph(lone(0.5)), { maxBatch: 2, dtype: 'float64', seed: 0 });
    const opt = createOptimizer({ name: 'adam', learningRate: 0.5 }, model.params.length, model.params);
    // Feature 0: 1 and 3 (mean 2, variance 1); feature 1: 0 and 4 (mean 2, variance 4).
    loadRows(model, [1, 0, 3, 4], null, 0, 2);
    computeGradients(model, [0, 1, 1, 0], ctx(2, true));
    const bn = layerWeights(model).get('bn')!;
    const after = [...bn.movingMean!, ...bn.movingVariance!];
    expect(after).toEqual([1, 1, 1, 2.5]);
    expect(Array.from(model.grads.slice(4))).toEqual([0, 0, 0, 0]);
    opt.step(model.params, model.grads);
    expect([...bn.movingMean!, ...bn.movingVariance!]).toEqual(after);
    expect(Array.from(bn.kernel)).not.toEqual([1, 1]);
  });
});

describe('batchnorm parameters', () => {
  it('counts γ, β and the two moving statistics per channel, as Keras, in the node and in the total', () => {
    const summary = compileSummary(compileGraph(image));
    expect(summary.nodes.find((n) => n.id === 'bn')!.params).toBe(4 * 3);
    expect(summary.nodes.reduce((a, n) => a + n.params, 0)).toBe(summary.paramCount);
  });
});

/** The layers whose gradients disagree with central differences; `planted` passes no gradient on. */
function failingLayers(graph: GraphSpec, planted?: string, B = 4): string[] {
  const { model, y } = randomSetup(graph, B, 5, 'onehot');
  // Positive moving variances (randomSetup draws every parameter from a normal).
  for (const l of model.layers) if (l.moving) l.moving.fill(1, l.moving.length / 2);
  if (planted) {
    const s = model.byId.get(planted)!;
    const real = s.backward;
    const x = s.inputs[0]!;
    s.backward = (st, c) => {
      const before = x.dOut.slice();
      real(st, c);
      x.dOut.set(before);
    };
  }
  const batch = { y, B, seed: 5 };
  const a = analyticGradient(model, batch);
  const n = numericGradient(model, batch);
  return compareGradients(model, a, n)
    .filter((r) => r.failures > 0)
    .map((r) => r.nodeId);
}

const flat: GraphSpec = {
  nodes: [
    { id: 'x', type: 'input', inputs: [], units: 4 },
    denseNode('d', 'x', 5, 'linear'),
    { id: 'bn', type: 'batchnorm', inputs: ['d'], epsilon: 0.01 },
    { id: 'r', type: 'activation', inputs: ['bn'], activation: 'tanh' },
    denseNode('head', 'r', 3, 'softmax'),
    { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
  ],
};

const image: GraphSpec = {
  nodes: [
    { id: 'x', type: 'input', inputs: [], units: 0, shape: [5, 4, 2] },
    {
      id: 'c',
      type: 'conv2d',
      inputs: ['x'],
      filters: 3,
      kernelSize: [3, 2],
      strides: [1, 1],
      padding: 'same',
      activation: 'linear',
      useBias: true,
      kernelInitializer: 'glorot_uniform',
    },
    { id: 'bn', type: 'batchnorm', inputs: ['c'] },
    { id: 'r', type: 'activation', inputs: ['bn'], activation: 'tanh' },
    { id: 'p', type: 'maxpool2d', inputs: ['r'], poolSize: [2, 2], padding: 'valid' },
    { id: 'f', type: 'flatten', inputs: ['p'] } as GraphNode,
    denseNode('head', 'f', 3, 'softmax'),
    { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
  ],
};

describe('batchnorm agrees with central differences (float64, training mode)', () => {
  it.each([
    ['flat rows (dense → batchnorm)', flat],
    ['images (conv2d → batchnorm, statistics over batch, height and width)', image],
  ] as const)('%s', (_name, graph) => {
    expect(failingLayers(graph)).toEqual([]);
  });

  it.each([
    ['flat rows', flat, 'd'],
    ['images', image, 'c'],
  ] as const)('catches a backward that passes nothing on (%s)', (_name, graph, before) => {
    expect(failingLayers(graph, 'bn')).toContain(before);
  });
});
