import { describe, expect, it } from 'vitest';
import { gradientCheckLayers } from '../../../engine/explain/gradcheck-layers.ts';
import { buildMlp } from '../../../engine/graph/builders.ts';
import { randomGraph, randomModel } from './helpers.ts';

describe('per-layer gradient check', () => {
  it.each([1, 2, 3, 4])('random graph %i: every layer passes, all parameters checked', (seed) => {
    const { graph, targets } = randomGraph(seed, true);
    const { model, batch } = randomModel(graph, 3, seed, targets);
    const r = gradientCheckLayers(model, batch);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(model.params.length);
    for (const l of r.layers) {
      expect(l.checked).toBe(l.params);
      expect(l.maxRelError).toBeLessThan(1e-4);
    }
  });

  it('samples at most maxPerLayer parameters per layer (seeded) on a float32 run', () => {
    const graph = buildMlp({ inputs: 30, hidden: [64, 32], outputs: 3, activation: 'tanh', head: 'softmax' });
    const { model, batch } = randomModel(graph, 4, 2, 'onehot', 'float32');
    const before = Float32Array.from(model.params);
    const r = gradientCheckLayers(model, batch, { maxPerLayer: 50, seed: 3 });
    expect(r.layers.map((l) => [l.params, l.checked])).toEqual([
      [30 * 64 + 64, 50],
      [64 * 32 + 32, 50],
      [32 * 3 + 3, 50],
    ]);
    expect(r.ok).toBe(true);
    expect(gradientCheckLayers(model, batch, { maxPerLayer: 50, seed: 3 })).toEqual(r);
    expect(model.params).toEqual(before);
  });

  it('a work budget lowers the sample, at least one per layer', () => {
    const graph = buildMlp({ inputs: 10, hidden: [40, 40], outputs: 1, head: 'linear' });
    const { model, batch } = randomModel(graph, 2, 2, 'real');
    const r = gradientCheckLayers(model, batch, { maxWork: 1 });
    expect(r.layers.map((l) => l.checked)).toEqual([1, 1, 1]);
  });

  it('names the worst parameter', () => {
    const graph = buildMlp({ inputs: 2, hidden: [3], outputs: 1, activation: 'tanh', head: 'linear' });
    const { model, batch } = randomModel(graph, 1, 2, 'real');
    const r = gradientCheckLayers(model, batch);
    const w = r.layers[0]!.worst!;
    expect(w.kernel === null ? w.bias : w.kernel[0]).not.toBeNull();
    expect(Math.abs(w.analytic - w.numeric)).toBeLessThan(1e-6);
  });
});
