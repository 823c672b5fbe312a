// What the kinds answer besides forward and backward: dropout's draws, the explainer's events and
// penalties, the editor's α field, and the refusals of kinds asked for what they do not have.
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/graph/compile.ts';
import type { GraphNode } from '../../../engine/graph/types.ts';
import { add } from '../../../engine/layers/add.ts';
import { concatenate } from '../../../engine/layers/concatenate.ts';
import { dense } from '../../../engine/layers/dense.ts';
import type { BackwardBase } from '../../../engine/layers/kind.ts';
import { output } from '../../../engine/layers/output.ts';
import { createModel } from '../../../engine/model/model.ts';
import { computeGradients, forward, loadRows } from '../../../engine/model/run.ts';
import { createRng } from '../../../engine/rng.ts';
import { denseNode } from '../helpers.ts';

const modelOf = (nodes: GraphNode[], maxBatch = 1) =>
  createModel(compileGraph({ nodes }), { maxBatch, dtype: 'float64', seed: 1 });

describe('dropout while training', () => {
  const N = 2000;
  const nodes = (rate: number): GraphNode[] => [
    { id: 'in', type: 'input', inputs: [], units: N },
    { id: 'x', type: 'dropout', inputs: ['in'], rate },
    { id: 'out', type: 'output', inputs: ['x'], loss: 'mse' },
  ];
  const xs = Float64Array.from({ length: N }, (_, i) => i + 1);

  it('drops about `rate` of the values and scales the rest by 1/(1 − rate)', () => {
    const model = modelOf(nodes(0.2));
    loadRows(model, xs, null, 0, 1);
    const out = forward(model, { B: 1, training: true, rng: createRng(9) });
    const mask = model.byId.get('x')!.mask!;
    let dropped = 0;
    for (let i = 0; i < N; i++) {
      expect([0, 1.25]).toContain(mask[i]);
      expect(out[i]).toBe(xs[i]! * mask[i]!);
      if (mask[i] === 0) dropped++;
    }
    // Binomial(2000, 0.2): mean 400, standard deviation ≈ 18.
    expect(dropped).toBeGreaterThan(320);
    expect(dropped).toBeLessThan(480);
  });

  it('at rate 0 keeps everything and draws nothing from the generator', () => {
    const model = modelOf(nodes(0));
    loadRows(model, xs, null, 0, 1);
    const rng = createRng(9);
    const out = forward(model, { B: 1, training: true, rng });
    expect(Array.from(out.subarray(0, N))).toEqual(Array.from(xs));
    expect(rng.next()).toBe(createRng(9).next());
  });
});

describe('explainer events', () => {
  const merge: GraphNode[] = [
    { id: 'in', type: 'input', inputs: [], units: 1 },
    denseNode('a', 'in', 1, 'linear'),
    denseNode('b', 'in', 1, 'linear'),
    { id: 's', type: 'add', inputs: ['a', 'b'] },
    { id: 'c', type: 'concatenate', inputs: ['s', 'a'] },
    { id: 'out', type: 'output', inputs: ['c'], loss: 'mse' },
  ];

  it('add and concatenate name their inputs in order', () => {
    const model = modelOf(merge);
    loadRows(model, [1], null, 0, 1);
    forward(model, { B: 1, training: false, rng: createRng(1) });
    const s = model.byId.get('s')!;
    const c = model.byId.get('c')!;
    const base = { nodeId: 'x' } as BackwardBase;
    expect(add.forwardEvent(s, 1)).toMatchObject({ inputIds: ['a', 'b'] });
    expect(add.backwardEvent(s, 1, base, [])).toMatchObject({ inputIds: ['a', 'b'] });
    expect(concatenate.forwardEvent(c, 1)).toMatchObject({ inputIds: ['s', 'a'] });
    expect(concatenate.backwardEvent(c, 1, base, [])).toMatchObject({ inputIds: ['s', 'a'] });
  });

  it('dense: the penalty’s share of dW is l1·sign(w) + 2·l2·w, with sign(0) = 0, per neuron', () => {
    const model = modelOf([
      { id: 'in', type: 'input', inputs: [], units: 2 },
      denseNode('a', 'in', 2, 'linear', { l1: 0.5, l2: 0.25 }),
      { id: 'out', type: 'output', inputs: ['a'], loss: 'mse' },
    ]);
    // Kernel [nIn × units] = [[0, 2], [−3, 0.5]].
    model.layers[0]!.kernel.set([0, 2, -3, 0.5]);
    loadRows(model, [1, 2], null, 0, 1);
    computeGradients(model, [0, 0], { B: 1, training: true, rng: createRng(1) });
    const e = dense.backwardEvent(model.byId.get('a')!, 1, { nodeId: 'a' } as BackwardBase, [[]]);
    const pen = (v: number) => 0.5 * Math.sign(v) + 2 * 0.25 * v;
    // Rows are neurons j, columns inputs i: w_ij = kernel[i·units + j].
    expect((e as { dWPenalty: number[][] }).dWPenalty).toEqual([
      [pen(0), pen(-3)],
      [pen(2), pen(0.5)],
    ]);
  });

  it('dense: an l1 penalty alone still has its share of dW; no penalty has none', () => {
    const events = [{ l1: 0.5 }, {}].map((extra) => {
      const model = modelOf([
        { id: 'in', type: 'input', inputs: [], units: 1 },
        denseNode('a', 'in', 1, 'linear', extra),
        { id: 'out', type: 'output', inputs: ['a'], loss: 'mse' },
      ]);
      model.layers[0]!.kernel.set([-2]);
      loadRows(model, [1], null, 0, 1);
      computeGradients(model, [0], { B: 1, training: true, rng: createRng(1) });
      return dense.backwardEvent(model.byId.get('a')!, 1, { nodeId: 'a' } as BackwardBase, [[]]);
    });
    expect(events.map((e) => (e as { dWPenalty: number[][] | null }).dWPenalty)).toEqual([[[-0.5]], null]);
  });
});

describe('what a kind does not have', () => {
  it('parameter-free kinds: no penalties, no logits to fuse with, no parameter to seed', () => {
    const node: Parameters<typeof add.penalties>[0] = { id: 's', type: 'add', inputs: ['a', 'b'] };
    expect(add.penalties(node)).toEqual({ l1: 0, l2: 0 });
    const s = {} as Parameters<typeof add.logits>[0];
    expect(() => add.logits(s)).toThrow('A add node applies no activation for the loss to fuse with');
    expect(() => add.seedTangent(s, 0, 1, new Float64Array(1))).toThrow('A add node has no parameters');
  });

  it('the output has no backward event of its own (the loss event stands for it)', () => {
    const s = {} as Parameters<typeof output.backwardEvent>[0];
    expect(() => output.backwardEvent(s, 1, { nodeId: 'o' } as BackwardBase, [])).toThrow(/unreachable/);
  });

  it('the editor shows α for leaky ReLU and ELU only', () => {
    const alpha = dense.fields.find((f) => f.key === 'alpha')!;
    expect(alpha.shownIf!({ activation: 'leaky_relu' })).toBe(true);
    expect(alpha.shownIf!({ activation: 'elu' })).toBe(true);
    expect(alpha.shownIf!({ activation: 'relu' })).toBe(false);
    expect(alpha.shownIf!({ activation: '' })).toBe(false);
  });
});
