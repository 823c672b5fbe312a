import { describe, expect, it } from 'vitest';
import {
  compareMethods,
  gradientDifference,
  median,
  runMethod,
  TIMING,
} from '../../../engine/explain/methods.ts';
import { buildMlp } from '../../../engine/graph/builders.ts';
import { computeGradients, loadRows } from '../../../engine/model/run.ts';
import { createRng } from '../../../engine/rng.ts';
import { EngineError } from '../../../engine/errors.ts';
import { net221, randomGraph, randomModel } from './helpers.ts';

/*
 * Hand count on the 2-2-1 network: x (2) → h = tanh(x·W1 + b1) (2 units) → o = h·W2 + b2 (1 unit),
 * MSE, one row. Parameters: W1 4, b1 2, W2 2, b2 1 = 9. A multiply-add is one s += a·b of a
 * dense layer's product (or of the naive method's final dot with ∂L/∂p); biases, tanh, tanh', the
 * loss are element-wise and not counted.
 *
 * One forward pass F:  z1 = x·W1: 1 row × 2 in × 2 units = 4;  z2 = h·W2: 1 × 2 × 1 = 2.   F = 6.
 *
 * backprop = F + backward
 *   output layer (linear, so dZ2 = dA2 is a copy):  dW2 = hᵀ·dZ2: 2 × 1 = 2;  dH = dZ2·W2ᵀ: 1 × 2 = 2
 *   hidden layer (dZ1 = dH ⊙ (1 − h²), element-wise): dW1 = xᵀ·dZ1: 2 × 2 = 4;  no dX: x is data, 0
 *   backward = 2 + 2 + 4 = 8,  backprop = 6 + 8 = 14.
 *
 * naive = F + one forward-mode chain per parameter
 *   W1_ij and b1_j (6 parameters): seed ż1 = x_i·e_j (or e_j), ḣ = (1 − h²) ⊙ ż1 (element-wise, 0),
 *     ż2 = ḣ·W2: 2 × 1 = 2, then ∂L/∂w = ∂L/∂p · ż2: 1 → 3 each, 18 in all.
 *   W2_i and b2 (3 parameters): seed ż2 = h_i (or 1), then ∂L/∂p · ż2: 1 → 1 each, 3 in all.
 *   naive = 6 + 18 + 3 = 27.
 *
 * finite differences = 2 forward passes per parameter = 9 × 2 × 6 = 108.
 */
describe('multiply-add counters, by hand on 2-2-1 (tanh, MSE, one row)', () => {
  it.each([
    ['backprop', 14, 6],
    ['naive', 27, 6],
    ['finiteDifferences', 108, 108],
  ] as const)('%s does %i multiply-adds (%i in forward passes)', (method, total, fwd) => {
    const { model, batch } = randomModel(net221('tanh'), 1, 5, 'real');
    const r = runMethod(model, batch, method, { maxRuns: 3 });
    expect(r.multiplyAdds).toBe(total);
    expect(r.forwardMultiplyAdds).toBe(fwd);
  });

  it('the same counts with sigmoid and with a batch of 3 rows (every product × 3)', () => {
    const { model, batch } = randomModel(net221('sigmoid'), 3, 6, 'real');
    const c = compareMethods(model, batch, { maxRuns: 2 });
    expect([c.backprop.multiplyAdds, c.naive.multiplyAdds, c.finiteDifferences.multiplyAdds]).toEqual([
      42, 81, 324,
    ]);
    expect(c.forwardMultiplyAdds).toBe(18);
  });
});

describe('the three methods agree (float64)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9])('random graph with branches, seed %i', (seed) => {
    const { graph, targets } = randomGraph(seed);
    const { model, batch } = randomModel(graph, 1 + (seed % 3), seed, targets);
    const c = compareMethods(model, batch, { maxRuns: 1, minTimeMs: 0 });
    for (const d of c.differences) expect(d.maxRelDiff, `${d.a} vs ${d.b}`).toBeLessThan(1e-4);
    // backprop and the naive chain are the same sums in another order: equal to rounding.
    expect(c.differences[0]!.maxRelDiff).toBeLessThan(1e-10);
    // All three see the same loss.
    expect(c.naive.loss).toBeCloseTo(c.backprop.loss, 12);
    expect(c.finiteDifferences.loss).toBeCloseTo(c.backprop.loss, 12);
  });

  const dropoutSeeds = Array.from({ length: 60 }, (_, i) => i + 1)
    .filter((seed) => randomGraph(seed, true).graph.nodes.some((n) => n.type === 'dropout'))
    .slice(0, 4);
  it.each(dropoutSeeds)('with dropout (a fixed mask) and penalties, seed %i', (seed) => {
    const { graph, targets } = randomGraph(seed, true);
    const { model, batch } = randomModel(graph, 2, seed, targets);
    const c = compareMethods(model, batch, { maxRuns: 1, minTimeMs: 0 });
    for (const d of c.differences) expect(d.maxRelDiff, `${d.a} vs ${d.b}`).toBeLessThan(1e-4);
  });

  it("backprop is the engine's computeGradients (same sums; the counting kernels add in another order)", () => {
    const { graph, targets } = randomGraph(4);
    const { model, batch } = randomModel(graph, 2, 4, targets);
    const r = runMethod(model, batch, 'backprop', { maxRuns: 1 });
    loadRows(model, batch.x, null, 0, 2);
    const loss = computeGradients(model, batch.y, { B: 2, training: true, rng: createRng(7) });
    expect(gradientDifference(r.gradient, model.grads).maxRelDiff).toBeLessThan(1e-13);
    expect(r.loss).toBeCloseTo(loss, 14);
  });

  it('a wrong gradient shows up as a difference', () => {
    const a = Float64Array.of(1, -2, 0.5, 1e-9);
    expect(gradientDifference(a, a).maxRelDiff).toBe(0);
    expect(gradientDifference(a, Float64Array.of(1, -2, 0.5001, 1e-9)).maxRelDiff).toBeCloseTo(2e-4, 6);
    // Entries far below the gradient's scale are judged on that scale (0.001 · 2), not relative to themselves.
    expect(gradientDifference(a, Float64Array.of(1, -2, 0.5, 2e-9)).maxRelDiff).toBeLessThan(1e-5);
  });
});

describe('cost grows as the lecture says', () => {
  it('naive and finite differences grow faster with depth than backprop', () => {
    const counts = [2, 4, 8].map((depth) => {
      const graph = buildMlp({
        inputs: 2,
        hidden: new Array(depth).fill(4),
        outputs: 1,
        activation: 'tanh',
        head: 'linear',
      });
      const { model, batch } = randomModel(graph, 1, depth, 'real');
      const c = compareMethods(model, batch, { maxRuns: 1, minTimeMs: 0 });
      return {
        b: c.backprop.multiplyAdds / c.forwardMultiplyAdds,
        n: c.naive.multiplyAdds,
        f: c.finiteDifferences.multiplyAdds,
      };
    });
    // backprop stays under three forward passes; the others grow roughly with depth².
    for (const c of counts) expect(c.b).toBeLessThan(3);
    expect(counts[2]!.n / counts[0]!.n).toBeGreaterThan(6);
    expect(counts[2]!.f / counts[0]!.f).toBeGreaterThan(10);
  });

  it('refuses networks too big to differentiate parameter by parameter', () => {
    const graph = buildMlp({ inputs: 20, hidden: [100, 100], outputs: 2, head: 'softmax' });
    const { model, batch } = randomModel(graph, 1, 1, 'onehot');
    expect(() => compareMethods(model, batch)).toThrow(EngineError);
    expect(() => compareMethods(model, batch)).toThrow(/per-layer gradient check/);
  });

  it('uses the injected clock', () => {
    let t = 0;
    const { model, batch } = randomModel(net221(), 1, 5, 'real');
    const r = runMethod(model, batch, 'backprop', { clock: () => (t += 2), minTimeMs: 7 });
    // warm-up 2 ms; then 7 repetitions, each of one 2 ms run (≥ 7/7 ms): their median.
    expect(r).toMatchObject({ runs: 7, repetitions: 7, timeMs: 2 });
  });

  /** A clock whose successive intervals (start, end, start, end, …) last `durations` ms. */
  function scripted(durations: number[]): () => number {
    const ticks = [0];
    for (const d of durations) ticks.push(ticks.at(-1)! + d, ticks.at(-1)! + d + 1);
    let i = 0;
    return () => ticks[Math.min(i++, ticks.length - 1)]!;
  }

  it('shows the median of seven timed repetitions: one slow repetition does not move it', () => {
    const { model, batch } = randomModel(net221(), 1, 5, 'real');
    // Warm-up 10 ms, then repetitions of 5, 50, 4, 6, 7, 100 and 5 ms.
    const clock = scripted([10, 5, 50, 4, 6, 7, 100, 5]);
    const r = runMethod(model, batch, 'naive', { clock, minTimeMs: 0 });
    expect(r).toMatchObject({ repetitions: 7, runs: 7, timeMs: 6 });
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('times a slow method fewer times, but at least three, within the budget', () => {
    const { model, batch } = randomModel(net221(), 1, 5, 'real');
    const slow = TIMING.budgetMs;
    const r = runMethod(model, batch, 'finiteDifferences', {
      clock: scripted([slow, slow, slow * 3, slow]),
    });
    expect(r).toMatchObject({
      repetitions: TIMING.minRepetitions,
      runs: TIMING.minRepetitions,
      timeMs: slow,
    });
  });
});
