import { describe, expect, it } from 'vitest';
import { sigmoid, sigmoidSoftplus } from '../../engine/activations.ts';
import { lossAndGradient } from '../../engine/losses.ts';
import type { LossName } from '../../engine/graph/types.ts';
import { summarize, accumulate, createAccumulator } from '../../engine/train/metrics.ts';

const logit = (p: number) => Math.log(p / (1 - p));

/** Keras's documented examples and hand-computed values (B = 2 rows). */
const cases: Array<[LossName, number[], number[], number[] | null, number, number]> = [
  // loss, y, p, z (logits, null = p), K, expected
  ['mse', [0, 1, 0, 0], [1, 1, 1, 0], null, 2, 0.5],
  ['mae', [0, 1, 0, 0], [1, 1, 1, 0], null, 2, 0.5],
  // Keras: binary_crossentropy([[0,1],[0,0]], [[0.6,0.4],[0.4,0.6]]) = 0.815
  [
    'binary_crossentropy',
    [0, 1, 0, 0],
    [0.6, 0.4, 0.4, 0.6],
    [0.6, 0.4, 0.4, 0.6].map(logit),
    2,
    (-Math.log(0.4) * 3 - Math.log(0.6)) / 4,
  ],
  // mean over samples of −log p(true class)
  [
    'categorical_crossentropy',
    [0, 1, 0, 0, 0, 1],
    [0.05, 0.9, 0.05, 0.1, 0.8, 0.1],
    [0.05, 0.9, 0.05, 0.1, 0.8, 0.1].map(Math.log),
    3,
    (-Math.log(0.9) - Math.log(0.1)) / 2,
  ],
];

describe('losses equal the Keras definitions', () => {
  it.each(cases)('%s', (loss, y, p, z, K, expected) => {
    const grad = new Float64Array(y.length);
    const v = lossAndGradient(loss, Float64Array.from(p), Float64Array.from(z ?? p), y, grad, 2, K);
    expect(v).toBeCloseTo(expected, 12);
  });

  it('Keras doc values to three places', () => {
    const g = new Float64Array(4);
    const bce = lossAndGradient(
      'binary_crossentropy',
      Float64Array.from([0.6, 0.4, 0.4, 0.6]),
      Float64Array.from([0.6, 0.4, 0.4, 0.6].map(logit)),
      [0, 1, 0, 0],
      g,
      2,
      2,
    );
    expect(bce).toBeCloseTo(0.815, 3);
  });

  it('cross-entropy from logits stays finite where probabilities round to 0 or 1', () => {
    const g = new Float64Array(2);
    const z = Float64Array.from([800, -800]);
    const p = Float64Array.from([1, 0]);
    expect(lossAndGradient('binary_crossentropy', p, z, [0, 1], g, 1, 2)).toBeCloseTo(800, 6);
    const g3 = new Float64Array(3);
    const zc = Float64Array.from([1000, 0, -1000]);
    const pc = Float64Array.from([1, 0, 0]);
    expect(lossAndGradient('categorical_crossentropy', pc, zc, [0, 0, 1], g3, 1, 3)).toBeCloseTo(2000, 6);
    expect(Array.from(g3)).toEqual([1, 0, -1]);
  });

  it('gradients: mse 2(p−y)/(B·K), softmax cross-entropy (p−y)/B', () => {
    const g = new Float64Array(4);
    lossAndGradient(
      'mse',
      Float64Array.from([1, 2, 3, 4]),
      Float64Array.from([1, 2, 3, 4]),
      [0, 0, 0, 0],
      g,
      2,
      2,
    );
    expect(Array.from(g)).toEqual([0.5, 1, 1.5, 2]);
    const gc = new Float64Array(4);
    const p = [0.25, 0.75, 0.5, 0.5];
    lossAndGradient(
      'categorical_crossentropy',
      Float64Array.from(p),
      Float64Array.from(p.map(Math.log)),
      [0, 1, 1, 0],
      gc,
      2,
      2,
    );
    expect(Array.from(gc)).toEqual([0.125, -0.125, -0.25, 0.25]);
  });
});

describe('binary cross-entropy', () => {
  // Logits around every case of max(z, 0) and ln(1 + e^{−|z|}): signs, zeros, the tiny, the huge, ±∞, NaN.
  const z = [0, -0, 1e-45, -1e-45, 0.3, -0.3, 7, -7, 40, -40, 800, -800, 1e300, -1e300, 1.7e308, -1.7e308];
  const special = [Infinity, -Infinity, NaN];
  /** The definition as the loss computed it before it shared the forward pass's softplus. */
  const reference = (zs: number[], ys: number[]) => {
    let sum = 0;
    for (let i = 0; i < zs.length; i++)
      sum += Math.max(zs[i]!, 0) - zs[i]! * ys[i]! + Math.log1p(Math.exp(-Math.abs(zs[i]!)));
    return sum / zs.length;
  };

  it('gives the bits of the definition, with and without the forward pass’s softplus', () => {
    const batches = [
      z.slice(0, 12),
      ...[...z, ...special].map((v) => [v]),
      ...special.map((v) => [0.5, v, -2]),
    ];
    for (const zs of batches)
      for (const yv of [0, 1, 0.3]) {
        const ys = zs.map(() => yv);
        const n = zs.length;
        const zArr = Float64Array.from(zs);
        const p = new Float64Array(n);
        const sp = new Float64Array(n);
        sigmoidSoftplus(zArr, p, sp, n);
        expect(Array.from(p)).toEqual(zs.map(sigmoid));
        const g1 = new Float64Array(n);
        const g2 = new Float64Array(n);
        const plain = lossAndGradient('binary_crossentropy', p, zArr, ys, g1, 1, n);
        const shared = lossAndGradient('binary_crossentropy', p, zArr, ys, g2, 1, n, sp);
        expect(plain, `${zs} ${yv}`).toBe(reference(zs, ys));
        expect(shared, `${zs} ${yv}`).toBe(plain);
        expect(g2).toEqual(g1);
      }
  });
});

describe('metrics', () => {
  it('accuracy: argmax, and p ≥ 0.5 for one sigmoid output', () => {
    const m = createAccumulator('classification', 3);
    accumulate(m, Float64Array.from([0.1, 0.7, 0.2, 0.5, 0.3, 0.2]), [0, 1, 0, 0, 0, 1], 2, 1);
    expect(summarize(m)).toEqual({ loss: 1, accuracy: 0.5 });
    const b = createAccumulator('classification', 1);
    accumulate(b, Float64Array.from([0.9, 0.2, 0.6, 0.4]), [1, 0, 0, 0], 4, 0.5);
    expect(summarize(b).accuracy).toBe(0.75);
    // At 0.5 exactly both sides count as class 1; NaN as class 0.
    const c = createAccumulator('classification', 1);
    accumulate(c, Float64Array.from([0.5, 0.5, NaN, NaN, 0.4999]), [1, 0, 0, 1, 0.5], 5, 0);
    expect(c.correct).toBe(2);
  });

  it('MAE and R² in target units (R² = 1 − SS_res/SS_tot)', () => {
    const m = createAccumulator('regression', 1);
    // standardised predictions and targets; scale 2, mean 10 → y = [8, 10, 12], p = [9, 10, 13]
    accumulate(m, Float64Array.from([-0.5, 0, 1.5]), [-1, 0, 1], 3, 0, 2, 10);
    const s = summarize(m);
    expect(s.mae).toBeCloseTo(2 / 3, 12);
    expect(s.r2).toBeCloseTo(1 - 2 / 8, 12);
  });
});
