import { describe, expect, it } from 'vitest';
import { perRow } from '../../../engine/explain/rows.ts';
import { traceStep } from '../../../engine/explain/trace.ts';
import type { BackwardEvent, ForwardEvent, StepTrace } from '../../../engine/explain/trace-types.ts';
import { EngineError } from '../../../engine/errors.ts';
import { buildMlp } from '../../../engine/graph/builders.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import type { Model } from '../../../engine/model/model.ts';
import { setLayerWeights } from '../../../engine/model/model.ts';
import { computeGradients, loadRows } from '../../../engine/model/run.ts';
import { createRng } from '../../../engine/rng.ts';
import { denseNode, net221, randomGraph, randomModel } from './helpers.ts';

const fwd = (t: StepTrace, id: string) => t.forward.find((e) => e.nodeId === id)!;
const bwd = (t: StepTrace, id: string) => t.backward.find((e) => e.nodeId === id)!;
const transpose = (m: number[][]) => m[0]!.map((_, i) => m.map((row) => row[i]!));
const close = (a: number[][], b: number[][], digits = 12) =>
  a.forEach((row, r) => row.forEach((v, j) => expect(v).toBeCloseTo(b[r]![j]!, digits)));

/** The engine's own gradient evaluation on `model` (same weights, rows and dropout seed as the trace). */
function engineStep(model: Model, x: ArrayLike<number>, y: ArrayLike<number>, B: number, seed = 7) {
  loadRows(model, x, null, 0, B);
  const loss = computeGradients(model, y, { B, training: true, rng: createRng(seed) });
  return loss;
}

/** Every number of the trace equals the engine's cache or gradient for the same step. */
function expectTraceIsEngine(t: StepTrace, model: Model, B: number, digits: number | null) {
  const same = (a: number[][], b: number[][]) =>
    digits === null ? expect(a).toEqual(b) : close(a, b, digits);
  for (const s of model.states) {
    const f = fwd(t, s.node.id) as ForwardEvent & { a?: number[][]; z?: number[][]; p?: number[][] };
    if (f.kind === 'output') same(f.p, perRow(s.out, B, s.width));
    else same(f.a!, perRow(s.out, B, s.width));
    if (f.kind === 'dense') same(f.z, perRow(s.z!, B, s.width));
    if (s.node.type === 'output' || s.node.type === 'input') continue;
    const e = bwd(t, s.node.id);
    if (e.dA) same(e.dA, perRow(s.dOut, B, s.width));
    if (e.kind === 'dense') {
      same(e.dZ, perRow(s.dZ!, B, s.width));
      same(transpose(e.dW), perRow(s.dKernel!, s.inputs[0]!.width, s.width));
      if (e.dB) same([e.dB], [Array.from(s.dBias!)]);
    }
  }
}

describe('the trace is the engine’s own step', () => {
  it('2-2-1 (tanh, MSE): every value equals computeGradients on the same weights, bit for bit', () => {
    const { model, batch } = randomModel(net221('tanh'), 1, 3, 'real');
    const t = traceStep(model, batch, { learningRate: 0.1 });
    const loss = engineStep(model, batch.x, batch.y, 1);
    expectTraceIsEngine(t, model, 1, null);
    expect(t.loss.total).toBe(loss);
    expect(t.loss).toMatchObject({ wrt: 'output', seedNodeId: 'o', penalty: 0, value: loss });
    expect(t.forward.map((e) => e.nodeId)).toEqual(['in', 'h', 'o', 'out']);
    expect(t.backward.map((e) => e.nodeId)).toEqual(['o', 'h', 'in']);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random graph with branches, seed %i (batch of 3)', (seed) => {
    const { graph, targets } = randomGraph(seed, true);
    const { model, batch } = randomModel(graph, 3, seed, targets);
    const t = traceStep(model, batch, { learningRate: 0.05, seed: 11 });
    engineStep(model, batch.x, batch.y, 3, 11);
    expectTraceIsEngine(t, model, 3, null);
    for (const e of t.backward) {
      // A node with several consumers: its stored gradient is the sum of their terms.
      if (e.sum) {
        const total = e.sum.reduce(
          (acc, s) => acc.map((row, r) => row.map((v, j) => v + s.term[r]![j]!)),
          e.sum[0]!.term.map((row) => row.map(() => 0)),
        );
        close(total, e.dA!, 12);
        // Notation only, no words: "∂L/∂a_1 = 0.1 (← d1) + (−0.2) (← d2) = −0.1".
        const text = e.sumSteps![0]![0]!.text;
        expect(text).toMatch(/^∂L\/∂a_1 = /);
        for (const s of e.sum) expect(text).toContain(`(← ${s.consumerId})`);
      }
    }
    // Each dense node's term of ∂L/∂x is part of its input's stored gradient.
    for (const e of t.backward)
      if (e.kind === 'dense' && e.dX && fwd(t, e.inputId).kind !== 'input') {
        const into = bwd(t, e.inputId);
        if (!into.sum) close(e.dX, into.dA!, 12);
        else close(e.dX, into.sum.find((s) => s.consumerId === e.nodeId)!.term, 14);
      }
  });

  it('a float32 run is traced on a float64 copy of its weights', () => {
    const graph = buildMlp({ inputs: 3, hidden: [4], outputs: 3, activation: 'relu', head: 'softmax' });
    const { model, batch } = randomModel(graph, 2, 9, 'onehot', 'float32');
    const t = traceStep(model, batch, { learningRate: 0.1 });
    engineStep(model, batch.x, batch.y, 2);
    expectTraceIsEngine(t, model, 2, 5);
  });
});

describe('what the trace says', () => {
  /** x = (1, 2), W1 = [[0.1, 0.2], [0.3, −0.4]], b1 = (0, 0.1), W2 = (0.5, −0.6), b2 = 0.2, y = 1. */
  function lectureNet(head: 'linear' | 'sigmoid' = 'linear'): { model: Model; trace: StepTrace } {
    const graph: GraphSpec =
      head === 'linear'
        ? net221('sigmoid')
        : {
            nodes: [
              { id: 'in', type: 'input', inputs: [], units: 2 },
              denseNode('h', 'in', 2, 'sigmoid'),
              denseNode('o', 'h', 1, 'sigmoid'),
              { id: 'out', type: 'output', inputs: ['o'], loss: 'binary_crossentropy' },
            ],
          };
    const { model } = randomModel(graph, 1, 1, 'real');
    setLayerWeights(model, 'h', [0.1, 0.2, 0.3, -0.4], [0, 0.1]);
    setLayerWeights(model, 'o', [0.5, -0.6], [0.2]);
    return { model, trace: traceStep(model, { x: [1, 2], y: [1], B: 1 }, { learningRate: 0.5 }) };
  }

  it('forward: z_j = Σ x_i·W_ij + b_j with the inputs the formula needs', () => {
    const { trace } = lectureNet();
    const h = fwd(trace, 'h');
    if (h.kind !== 'dense') throw new Error('dense expected');
    expect(h.x).toEqual([[1, 2]]);
    expect(h.w).toEqual([
      [0.1, 0.3],
      [0.2, -0.4],
    ]);
    expect(h.b).toEqual([0, 0.1]);
    // z_1 = 1·0.1 + 2·0.3 + 0 = 0.7;  z_2 = 1·0.2 + 2·(−0.4) + 0.1 = −0.5
    expect(h.z[0]![0]).toBeCloseTo(0.7, 15);
    expect(h.z[0]![1]).toBeCloseTo(-0.5, 15);
    expect(h.a[0]![0]).toBeCloseTo(1 / (1 + Math.exp(-0.7)), 15);
  });

  it('backward: the chain-rule steps with their numbers, cache and reuse marked', () => {
    const { trace } = lectureNet();
    const a1 = 1 / (1 + Math.exp(-0.7));
    const a2 = 1 / (1 + Math.exp(0.5));
    const p = 0.5 * a1 - 0.6 * a2 + 0.2;
    expect(trace.loss.p[0]![0]).toBeCloseTo(p, 14);
    expect(trace.loss.gradient[0]![0]).toBeCloseTo(2 * (p - 1), 14);
    expect(trace.loss.steps[0]![0]!.text).toBe(
      `∂L/∂p_1 = 2(p_1 − y_1)/1 = 2·(${p.toPrecision(4)} − 1)/1 = −${Math.abs(2 * (p - 1)).toPrecision(4)}`,
    );
    const o = bwd(trace, 'o');
    const h = bwd(trace, 'h');
    if (o.kind !== 'dense' || h.kind !== 'dense') throw new Error('dense expected');
    const dp = 2 * (p - 1);
    // Output layer: linear, so ∂L/∂z = ∂L/∂a; ∂L/∂W_i1 = a_i · ∂L/∂z_1; ∂L/∂h_i = W_i1 · ∂L/∂z_1.
    expect(o.dW[0]![0]).toBeCloseTo(a1 * dp, 14);
    expect(o.dW[0]![1]).toBeCloseTo(a2 * dp, 14);
    expect(o.dB![0]).toBeCloseTo(dp, 14);
    expect(o.dX![0]).toEqual([expect.closeTo(0.5 * dp, 14), expect.closeTo(-0.6 * dp, 14)]);
    expect(o.dXSteps![0]![1]).toMatchObject({
      text: expect.stringMatching(
        /^∂L\/∂x_2 = Σ_j W_2,j·∂L\/∂z_j = W_2,1·∂L\/∂z_1 = \(−0\.6\)·\(−[\d.]+\) = [\d.]+$/,
      ),
      reused: ['∂L/∂z_1'],
    });
    // Hidden layer: ∂L/∂z_j = ∂L/∂a_j · a_j(1 − a_j) with a_j from the forward cache.
    const dz1 = 0.5 * dp * a1 * (1 - a1);
    expect(h.dZ[0]![0]).toBeCloseTo(dz1, 14);
    expect(h.fPrime![0]![0]).toBeCloseTo(a1 * (1 - a1), 15);
    expect(h.dZSteps[0]![0]).toMatchObject({
      text:
        `∂L/∂z_1 = ∂L/∂a_1 · a_1(1 − a_1) = (−${Math.abs(0.5 * dp).toPrecision(4)}) · ${a1.toPrecision(4)}·(1 − ${a1.toPrecision(4)})` +
        ` = (−${Math.abs(0.5 * dp).toPrecision(4)}) · ${(a1 * (1 - a1)).toPrecision(4)} = −${Math.abs(dz1).toPrecision(4)}`,
      cached: ['a_1'],
      reused: ['∂L/∂a_1'],
    });
    // ∂L/∂W_ij = x_i · ∂L/∂z_j: x = (1, 2).
    expect(h.dW[0]).toEqual([expect.closeTo(dz1, 14), expect.closeTo(2 * dz1, 14)]);
    expect(h.dX).toBeNull();
    expect(bwd(trace, 'in')).toMatchObject({ kind: 'input', dA: null });
  });

  it('fused sigmoid + cross-entropy hands over ∂L/∂z and says so', () => {
    const { trace } = lectureNet('sigmoid');
    expect(trace.loss).toMatchObject({ wrt: 'logits', seedNodeId: 'o', loss: 'binary_crossentropy' });
    expect(trace.loss.rule).toBe('∂L/∂z_j = (p_j − y_j)/(B·K), p = σ(z)');
    const o = bwd(trace, 'o');
    if (o.kind !== 'dense') throw new Error('dense expected');
    expect(o).toMatchObject({ fused: true, dA: null, fPrime: null });
    expect(o.dZ).toEqual(trace.loss.gradient);
    expect(o.dZSteps[0]![0]!.text).toMatch(/^∂L\/∂z_1 = \(p_1 − y_1\)\/1 = /);
  });

  it('update: plain SGD w − η·∂L/∂w, before and after, and the loss falls', () => {
    const { model, trace } = lectureNet();
    const u = trace.update;
    expect(u).toMatchObject({ rule: 'sgd', learningRate: 0.5 });
    const h = u.layers.find((l) => l.nodeId === 'h')!;
    expect(h.w.before).toEqual([
      [0.1, 0.3],
      [0.2, -0.4],
    ]);
    h.w.after.forEach((row, j) =>
      row.forEach((v, i) => expect(v).toBe(h.w.before[j]![i]! - 0.5 * h.w.gradient[j]![i]!)),
    );
    expect(u.lossAfter).toBeLessThan(u.lossBefore);
    // The model itself is untouched.
    expect(Array.from(model.params)).toEqual([0.1, 0.2, 0.3, -0.4, 0, 0.1, 0.5, -0.6, 0.2]);
  });

  it('is plain data (survives JSON)', () => {
    const { graph, targets } = randomGraph(3, true);
    const { model, batch } = randomModel(graph, 2, 3, targets);
    const t = traceStep(model, batch, { learningRate: 0.1 });
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });

  it('penalties show up in the loss and in dW', () => {
    const graph = buildMlp({
      inputs: 2,
      hidden: [3],
      outputs: 1,
      activation: 'tanh',
      head: 'linear',
      l2: 0.1,
    });
    const { model, batch } = randomModel(graph, 1, 2, 'real');
    const t = traceStep(model, batch, { learningRate: 0.1 });
    expect(t.loss.penalty).toBeGreaterThan(0);
    const e = bwd(t, 'dense1') as BackwardEvent & { kind: 'dense' };
    const w = fwd(t, 'dense1') as ForwardEvent & { kind: 'dense' };
    expect(e.dWPenalty![0]![0]).toBeCloseTo(2 * 0.1 * w.w[0]![0]!, 15);
  });

  it('refuses networks too big to draw and batches over 8 rows', () => {
    const big = buildMlp({ inputs: 2, hidden: [40, 30], outputs: 1, head: 'linear' });
    const a = randomModel(big, 1, 1, 'real');
    expect(() => traceStep(a.model, a.batch, { learningRate: 0.1 })).toThrow(
      /71 neurons in dense layers, more than 64/,
    );
    const b = randomModel(net221(), 9, 1, 'real');
    expect(() => traceStep(b.model, b.batch, { learningRate: 0.1 })).toThrow(EngineError);
    const c = randomModel(net221(), 1, 1, 'real');
    expect(() => traceStep(c.model, c.batch, { learningRate: -1 })).toThrow(/learning rate/);
  });
});
