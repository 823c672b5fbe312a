/**
 * Reference suite, optimisers: our `createOptimizer(...).step` against TensorFlow.js's tf.train optimisers
 * (cpu backend, float32), from the same weights with the same gradient sequence, after one and after five
 * steps; and against the Keras 3 update rules written out below in float64.
 *
 * Formula notes (TF.js 4.22 vs Keras 3, which our engine follows):
 *  - sgd: identical, w −= η·g.
 *  - momentum: TF.js keeps a = μa + g and does w −= η·a (Nesterov: w −= η(g + μa)); Keras keeps v = μv − η·g
 *    and does w += v (Nesterov: w += μv − η·g). With a constant η, v = −η·a, so both give the same weights;
 *    they part only when η changes between steps (a schedule), which these tests do not do.
 *  - rmsprop (momentum 0, not centred): identical, s = ρs + (1−ρ)g², w −= η·g/√(s + ε). Both start s at 0.
 *  - adam: TF.js does w −= η·m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ); Keras 3 does
 *    w −= η·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε) = η·m̂/(√v̂ + ε/√(1−β₂ᵗ)). So Keras's ε acts as ε/√(1−β₂ᵗ) in
 *    TF.js's form (≈ 31.6·ε at t = 1). With ε = 1e-7 and gradients ≥ 0.05 in size the two updates differ
 *    by < 1e-4 relative (far below float32 tolerance here); a separate test pins the difference exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../../engine/kernels/matmul.ts';
import { createOptimizer } from '../../engine/optimizers.ts';
import type { OptimizerConfig } from '../../engine/train/config.ts';
import { createRng } from '../../engine/rng.ts';
import { expectClose, useTfjsCpu } from './tfjs-reference-helpers.ts';

useTfjsCpu();

// Same start and the same five gradients for every optimiser; gradient sizes spread over 0.05…1.5.
const N = 24;
const rng = createRng(2024);
const w0 = Float32Array.from({ length: N }, () => rng.normal());
const GRADS = Array.from({ length: 5 }, () =>
  Float32Array.from({ length: N }, () => (rng.next() < 0.5 ? -1 : 1) * (0.05 + 1.45 * rng.next())),
);

type TfMake = () => tf.Optimizer;
const cases: [string, OptimizerConfig, TfMake][] = [
  ['sgd', { name: 'sgd', learningRate: 0.1 }, () => tf.train.sgd(0.1)],
  [
    'momentum',
    { name: 'momentum', learningRate: 0.1, momentum: 0.9 },
    () => tf.train.momentum(0.1, 0.9, false),
  ],
  [
    'momentum (nesterov)',
    { name: 'momentum', learningRate: 0.1, momentum: 0.9, nesterov: true },
    () => tf.train.momentum(0.1, 0.9, true),
  ],
  [
    'rmsprop',
    { name: 'rmsprop', learningRate: 0.01, rho: 0.9, epsilon: 1e-7 },
    () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7),
  ],
  [
    'adam',
    { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    () => tf.train.adam(0.01, 0.9, 0.999, 1e-7),
  ],
  [
    'adam (β 0.8/0.99, η 0.05)',
    { name: 'adam', learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-7 },
    () => tf.train.adam(0.05, 0.8, 0.99, 1e-7),
  ],
];

/** Weights after each of `steps` tf.train steps (applyGradients), as float32 arrays. */
function tfTrajectory(make: TfMake, start: Float32Array, grads: Float32Array[]): Float32Array[] {
  const opt = make();
  const v = tf.variable(tf.tensor1d(start)); // a fresh, uniquely named variable
  const out = grads.map((g) => {
    tf.tidy(() => opt.applyGradients({ [v.name]: tf.tensor1d(g) }));
    return Float32Array.from(v.dataSync());
  });
  opt.dispose();
  v.dispose();
  return out;
}

function oursTrajectory(
  config: OptimizerConfig,
  start: ArrayLike<number>,
  grads: ArrayLike<number>[],
  f64: boolean,
) {
  const w: FloatArray = f64 ? Float64Array.from(start) : Float32Array.from(start);
  const opt = createOptimizer(config, w.length, w);
  return grads.map((g) => {
    opt.step(w, f64 ? Float64Array.from(g) : Float32Array.from(g));
    return w.slice();
  });
}

describe('optimisers match tf.train (one and five steps, same weights and gradients)', () => {
  const grid = cases.flatMap(([name, config, make]) =>
    (['float32', 'float64'] as const).map((d) => [name, d, config, make] as const),
  );
  it.each(grid)('%s, ours in %s', (_name, dtype, config, make) => {
    const ref = tfTrajectory(make, w0, GRADS);
    const ours = oursTrajectory(config, w0, GRADS, dtype === 'float64');
    expectClose(ours[0]!, ref[0]!, 'after 1 step');
    expectClose(ours[4]!, ref[4]!, 'after 5 steps');
    // The steps did move the weights by more than the tolerance.
    expect(Math.max(...ref[4]!.map((v, i) => Math.abs(v - w0[i]!)))).toBeGreaterThan(1e-2);
  });

  it('adam: TF.js ε equals Keras ε·√(1−β₂ᵗ) (pinned at t = 1 with a large ε)', () => {
    // With ε = 0.05 the placement matters: TF.js's step equals ours only after rescaling ε by √(1−β₂).
    const eps = 0.05;
    const b2 = 0.999;
    const ref = tfTrajectory(() => tf.train.adam(0.01, 0.9, b2, eps), w0, GRADS.slice(0, 1))[0]!;
    const cfg = (e: number): OptimizerConfig => ({ name: 'adam', learningRate: 0.01, beta2: b2, epsilon: e });
    const mapped = oursTrajectory(cfg(eps * Math.sqrt(1 - b2)), w0, GRADS.slice(0, 1), true)[0]!;
    expectClose(mapped, ref, 'ours with ε·√(1−β₂)');
    const same = oursTrajectory(cfg(eps), w0, GRADS.slice(0, 1), true)[0]!;
    const gap = Math.max(...same.map((v, i) => Math.abs(v - ref[i]!)));
    expect(gap, 'with the same ε the two definitions differ').toBeGreaterThan(1e-3);
  });
});

// ---------------------------------------------------------------------------------------------------------
/**
 * Keras 3's update_step (keras/src/optimizers/{sgd,rmsprop,adam}.py), written out in float64 for a
 * vector, one step at a time; `t` is the 1-based step (Keras's iterations + 1).
 */
function kerasStep(
  c: Required<OptimizerConfig>,
  w: number[],
  g: number[],
  s: { m: number[]; v: number[] },
  t: number,
) {
  const lr = c.learningRate;
  for (let i = 0; i < w.length; i++) {
    if (c.name === 'sgd') w[i]! -= g[i]! * lr;
    else if (c.name === 'momentum') {
      s.m[i] = s.m[i]! * c.momentum - g[i]! * lr; // m.assign(m·momentum − g·lr)
      w[i]! += c.nesterov ? s.m[i]! * c.momentum - g[i]! * lr : s.m[i]!;
    } else if (c.name === 'rmsprop') {
      s.v[i] = c.rho * s.v[i]! + (1 - c.rho) * g[i]! ** 2; // velocity
      w[i]! -= (lr * g[i]!) / Math.sqrt(s.v[i]! + c.epsilon);
    } else {
      const alpha = (lr * Math.sqrt(1 - c.beta2 ** t)) / (1 - c.beta1 ** t);
      s.m[i]! += (g[i]! - s.m[i]!) * (1 - c.beta1);
      s.v[i]! += (g[i]! ** 2 - s.v[i]!) * (1 - c.beta2);
      w[i]! -= (s.m[i]! * alpha) / (Math.sqrt(s.v[i]!) + c.epsilon);
    }
  }
}

describe('optimisers follow the Keras 3 update rules exactly (float64)', () => {
  const start = [0.5, -1.25, 2];
  const grads = [
    [0.3, -0.02, 1.5],
    [-0.1, -0.04, 0.7],
  ];
  const full = (c: OptimizerConfig): Required<OptimizerConfig> => ({
    momentum: 0,
    nesterov: false,
    rho: 0.9,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    ...c,
  });
  const configs: OptimizerConfig[] = [
    { name: 'sgd', learningRate: 0.1 },
    { name: 'momentum', learningRate: 0.1, momentum: 0.9 },
    { name: 'momentum', learningRate: 0.1, momentum: 0.8, nesterov: true },
    { name: 'rmsprop', learningRate: 0.01, rho: 0.9, epsilon: 1e-7 },
    { name: 'adam', learningRate: 0.01 },
    // A large ε, so its placement (added to √v, not to √v̂) shows in the numbers.
    { name: 'adam', learningRate: 0.1, beta1: 0.8, beta2: 0.95, epsilon: 0.1 },
  ];

  it.each(configs.map((c) => [JSON.stringify(c), c] as const))(
    '%s: two steps on a 3-vector',
    (_name, config) => {
      const w = [...start];
      const s = { m: [0, 0, 0], v: [0, 0, 0] };
      const ref = grads.map((g, t) => {
        kerasStep(full(config), w, g, s, t + 1);
        return [...w];
      });
      const ours = oursTrajectory(config, start, grads, true);
      expectClose(ours[0]!, ref[0]!, 'after step 1', 1e-12, 1e-14);
      expectClose(ours[1]!, ref[1]!, 'after step 2', 1e-12, 1e-14);
    },
  );

  it('adam, first step by hand: w₁ = w₀ − η·g/(|g| + ε/√(1−β₂)) for β₁ 0.9, β₂ 0.999', () => {
    // At t = 1: m = 0.1g, v = 0.001g², α = η√0.001/0.1, so the step is η·g/(|g| + ε/√0.001).
    const eps = 1e-3;
    const ours = oursTrajectory(
      { name: 'adam', learningRate: 0.01, epsilon: eps },
      start,
      grads.slice(0, 1),
      true,
    )[0]!;
    const hand = start.map(
      (w, i) => w - (0.01 * grads[0]![i]!) / (Math.abs(grads[0]![i]!) + eps / Math.sqrt(0.001)),
    );
    expectClose(ours, hand, 'step 1', 1e-12, 1e-14);
  });
});
