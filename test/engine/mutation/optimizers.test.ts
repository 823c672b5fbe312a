// What the optimisers keep besides the update rule (test/engine/reference-tfjs-optimizers.test.ts
// checks the rules): their defaults, their moment buffers, their step count and a changed learning rate.
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/graph/compile.ts';
import { createModel } from '../../../engine/model/model.ts';
import { createOptimizer, withDefaults } from '../../../engine/optimizers.ts';
import { denseNode } from '../helpers.ts';

describe('defaults (Keras 3, and μ = 0.9 for the momentum optimiser)', () => {
  it.each([
    ['sgd', 0],
    ['momentum', 0.9],
    ['rmsprop', 0],
    ['adam', 0],
  ] as const)('%s', (name, momentum) => {
    expect(withDefaults({ name, learningRate: 0.5 })).toEqual({
      name,
      learningRate: 0.5,
      momentum,
      nesterov: false,
      rho: 0.9,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
  });

  it('keeps what the config sets', () => {
    const c = { name: 'adam', learningRate: 1, momentum: 0.5, nesterov: true, rho: 0.8 } as const;
    const full = { ...c, beta1: 0.7, beta2: 0.9, epsilon: 0.01 };
    expect(withDefaults(full)).toEqual(full);
  });

  it('momentum without μ given: v = 0.9v − ηg, by hand over two steps', () => {
    const w = Float64Array.from([1]);
    const opt = createOptimizer({ name: 'momentum', learningRate: 0.1 }, 1, w);
    opt.step(w, Float64Array.from([2])); // v = −0.2, w = 0.8
    opt.step(w, Float64Array.from([2])); // v = 0.9·(−0.2) − 0.2 = −0.38, w = 0.42
    expect(w[0]).toBeCloseTo(0.42, 15);
  });
});

describe('state', () => {
  it.each([
    ['sgd', 0],
    ['momentum', 1],
    ['rmsprop', 1],
    ['adam', 2],
  ] as const)('%s keeps %i moment buffer(s) of the parameters’ size and type', (name, count) => {
    for (const like of [new Float32Array(5), new Float64Array(5)]) {
      const opt = createOptimizer({ name, learningRate: 0.1 }, 5, like);
      expect(opt.slots).toHaveLength(count);
      for (const s of opt.slots) {
        expect(s.constructor).toBe(like.constructor);
        expect(s.length).toBe(5);
      }
    }
  });

  it('counts its steps', () => {
    const w = Float64Array.from([1, 2]);
    const opt = createOptimizer({ name: 'adam', learningRate: 0.1 }, 2, w);
    expect(opt.iterations).toBe(0);
    for (let t = 0; t < 3; t++) opt.step(w, Float64Array.from([0.5, -0.5]));
    expect(opt.iterations).toBe(3);
  });

  it('a new learning rate applies from the next step', () => {
    const w = Float64Array.from([1]);
    const opt = createOptimizer({ name: 'sgd', learningRate: 0.1 }, 1, w);
    opt.step(w, Float64Array.from([1])); // 0.9
    opt.setLearningRate(0.5);
    expect(opt.config.learningRate).toBe(0.5);
    opt.step(w, Float64Array.from([1])); // 0.4
    expect(w[0]).toBeCloseTo(0.4, 15);
  });

  it('plain SGD through the model’s vector kernels: w −= ηg', () => {
    const model = createModel(
      compileGraph({
        nodes: [
          { id: 'in', type: 'input', inputs: [], units: 1 },
          denseNode('d', 'in', 1, 'linear'),
          { id: 'out', type: 'output', inputs: ['d'], loss: 'mse' },
        ],
      }),
      { maxBatch: 1, dtype: 'float64', seed: 1 },
    );
    const w = Float64Array.from([1, -2, 3]);
    const opt = createOptimizer({ name: 'sgd', learningRate: 0.25 }, 3, w, model.vectors);
    opt.step(w, Float64Array.from([4, 4, -8]));
    expect(Array.from(w)).toEqual([0, -3, 5]);
  });
});
