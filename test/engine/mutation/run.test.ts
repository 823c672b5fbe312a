// The graph walks of engine/model/run.ts on a two-layer network small enough to differentiate by hand:
// rows loaded through an index, the loss and its penalties, and gradients that do not pile up between
// steps.
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/graph/compile.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { createModel } from '../../../engine/model/model.ts';
import { applyPenalties, computeGradients, loadRows } from '../../../engine/model/run.ts';
import { createRng } from '../../../engine/rng.ts';
import { denseNode } from '../helpers.ts';

/** in(2) → a: dense(2, linear, l1 0.5) → b: dense(2, linear, l2 0.25) → mse. */
const graph: GraphSpec = {
  nodes: [
    { id: 'in', type: 'input', inputs: [], units: 2 },
    denseNode('a', 'in', 2, 'linear', { l1: 0.5 }),
    denseNode('b', 'a', 2, 'linear', { l2: 0.25 }),
    { id: 'out', type: 'output', inputs: ['b'], loss: 'mse' },
  ],
};

function handModel(maxBatch = 1) {
  const model = createModel(compileGraph(graph), { maxBatch, dtype: 'float64', seed: 1 });
  const [a, b] = model.layers;
  // Keras layout [nIn × units]: z_j = Σ_i x_i·W[i·units + j] + b_j.
  a!.kernel.set([0, 2, -3, 0.5]);
  a!.bias!.set([0, 0]);
  b!.kernel.set([1, 0, 0, 1]);
  b!.bias!.set([0, 0]);
  return { model, a: a!, b: b! };
}

const ctx = (B: number) => ({ B, training: true, rng: createRng(5) });

describe('loadRows', () => {
  const x = [10, 11, 20, 21, 30, 31, 40, 41]; // four rows of two features

  it('copies rows start … start+B in order without an index', () => {
    const { model } = handModel(2);
    loadRows(model, x, null, 2, 2);
    expect(Array.from(model.input.out.subarray(0, 4))).toEqual([30, 31, 40, 41]);
  });

  it('copies rows index[start … start+B) with one', () => {
    const { model } = handModel(2);
    loadRows(model, x, [3, 0, 2, 1], 1, 2);
    expect(Array.from(model.input.out.subarray(0, 4))).toEqual([10, 11, 30, 31]);
  });
});

describe('computeGradients by hand (x = (1, 2), y = (−5, 1))', () => {
  // a: z = (1·0 + 2·(−3), 1·2 + 2·0.5) = (−6, 3); b is the identity, so p = (−6, 3); p − y = (−1, 2).
  // mse = (1 + 4)/2 = 2.5; l1 term 0.5·(0 + 2 + 3 + 0.5) = 2.75; l2 term 0.25·(1 + 0 + 0 + 1) = 0.5.
  // ∂L/∂p = 2(p − y)/2 = (−1, 2) = dB_b = dA (b is the identity) = dB_a.
  // dW_b = aᵀ·dP + 2·0.25·W_b = (6, −12, −3, 6) + (0.5, 0, 0, 0.5)
  // dW_a = xᵀ·dA + 0.5·sign(W_a), with sign(0) = 0 = (−1, 2, −2, 4) + (0, 0.5, −0.5, 0.5)
  const run = () => {
    const { model, a, b } = handModel();
    loadRows(model, [1, 2], null, 0, 1);
    const loss = computeGradients(model, [-5, 1], ctx(1));
    return { model, a, b, loss };
  };

  it('returns the data loss plus both penalties', () => {
    expect(run().loss).toBeCloseTo(2.5 + 2.75 + 0.5, 14);
  });

  it('fills every parameter gradient, penalties included', () => {
    const { a, b } = run();
    expect(Array.from(b.dKernel)).toEqual([6.5, -12, -3, 6.5]);
    expect(Array.from(b.dBias!)).toEqual([-1, 2]);
    expect(Array.from(a.dKernel)).toEqual([-1, 2.5, -2.5, 4.5]);
    expect(Array.from(a.dBias!)).toEqual([-1, 2]);
  });

  it('gives the same gradients when called again (stored gradients are cleared, not added to)', () => {
    const { model } = handModel(3);
    const xs = [1, 2, -1, 0.5, 3, -2];
    const ys = [-5, 1, 0.3, 0.7, 2, -1];
    loadRows(model, xs, null, 0, 3);
    const first = computeGradients(model, ys, ctx(3));
    const g1 = Float64Array.from(model.grads);
    const second = computeGradients(model, ys, ctx(3));
    expect(second).toBe(first);
    expect(Array.from(model.grads)).toEqual(Array.from(g1));
  });
});

describe('applyPenalties', () => {
  it('adds l1·Σ|w| + l2·Σw², and their gradient only when asked', () => {
    const { model, a, b } = handModel();
    a.dKernel.fill(0);
    b.dKernel.fill(0);
    expect(applyPenalties(model, false)).toBe(2.75 + 0.5);
    expect(Array.from(a.dKernel)).toEqual([0, 0, 0, 0]);
    expect(Array.from(b.dKernel)).toEqual([0, 0, 0, 0]);
    expect(applyPenalties(model, true)).toBe(2.75 + 0.5);
    expect(Array.from(a.dKernel)).toEqual([0, 0.5, -0.5, 0.5]);
    expect(Array.from(b.dKernel)).toEqual([0.5, 0, 0, 0.5]);
  });
});
