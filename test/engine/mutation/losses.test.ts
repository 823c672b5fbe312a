// Each loss's gradient against central differences of its own value, on cases the Keras examples leave
// out: residuals of exactly zero, soft targets whose rows do not sum to one, B ≠ K.
import { describe, expect, it } from 'vitest';
import { centralDifference } from '../../../engine/gradcheck.ts';
import { lossAndGradient } from '../../../engine/losses.ts';
import type { LossName } from '../../../engine/graph/types.ts';

const B = 2;
const K = 3;
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const softmaxRows = (z: Float64Array) => {
  const p = new Float64Array(z.length);
  for (let r = 0; r < z.length; r += K) {
    const row = Array.from(z.subarray(r, r + K));
    const e = row.map((v) => Math.exp(v));
    const s = e.reduce((a, b) => a + b, 0);
    for (let j = 0; j < K; j++) p[r + j] = e[j]! / s;
  }
  return p;
};

/** The activated output the loss expects at logits (or predictions) v. */
const activated = (loss: LossName, v: Float64Array): Float64Array =>
  loss === 'binary_crossentropy'
    ? v.map(sigmoid)
    : loss === 'categorical_crossentropy'
      ? softmaxRows(v)
      : Float64Array.from(v);

/** The loss at logits (or predictions) v. */
function lossAt(loss: LossName, v: Float64Array, y: number[]): number {
  return lossAndGradient(loss, activated(loss, v), v, y, new Float64Array(v.length), B, K);
}

function expectGradientMatchesDifferences(loss: LossName, v0: number[], y: number[]) {
  const v = Float64Array.from(v0);
  const grad = new Float64Array(v.length);
  lossAndGradient(loss, activated(loss, v), v, y, grad, B, K);
  for (let i = 0; i < v.length; i++) {
    const numeric = centralDifference(v, i, 1e-6, () => lossAt(loss, v, y));
    expect(grad[i], `${loss} ∂/∂v[${i}]`).toBeCloseTo(numeric, 7);
  }
}

const v0 = [0.4, -1.2, 2.0, -0.3, 0.9, 0.1];

describe('loss gradients agree with central differences (B = 2, K = 3)', () => {
  it.each([
    ['mse', [1.5, -0.5, 0, 0.2, 0.3, -1]],
    ['mae', [1.5, -0.5, 0, 0.2, 0.3, -1]],
    ['binary_crossentropy', [1, 0, 0.25, 0, 1, 0.5]],
    // Soft targets whose rows sum to 1.5 and 0.4: the gradient is softmax(z)·Σy − y, not softmax(z) − y.
    ['categorical_crossentropy', [0.5, 0.5, 0.5, 0.1, 0.3, 0]],
  ] as const)('%s', (loss, y) => {
    expectGradientMatchesDifferences(loss, v0, [...y]);
  });
});

describe('hand-computed values', () => {
  it('mae: sign(p − y)/(B·K), and 0 where p = y exactly', () => {
    const p = Float64Array.from([3, 1, 2, 0.5, -1, 4]);
    const y = [1, 1, 4, 0.5, 1, 4];
    const grad = new Float64Array(6);
    // |d| = 2, 0, 2, 0, 2, 0 → mean 1
    expect(lossAndGradient('mae', p, p, y, grad, B, K)).toBe(1);
    expect(Array.from(grad)).toEqual([1 / 6, 0, -1 / 6, 0, -1 / 6, 0]);
  });

  it('mse: Σ(p − y)²/(B·K) and 2(p − y)/(B·K)', () => {
    const p = Float64Array.from([3, 1, 2, 0.5, -1, 4]);
    const y = [1, 1, 4, 0.5, 1, 4];
    const grad = new Float64Array(6);
    expect(lossAndGradient('mse', p, p, y, grad, B, K)).toBe(12 / 6);
    expect(Array.from(grad)).toEqual([4 / 6, 0, -4 / 6, 0, -4 / 6, 0]);
  });

  it('categorical cross-entropy with soft targets: Σ_rows Σ y·(logΣe^z − z) / B', () => {
    // Row 1: z = (0, ln 3, 0): Σe^z = 5; y = (0.5, 0.5, 0.5). Row 2: z = (ln 4, 0, 0): Σe^z = 6; y = (0, 0.4, 0).
    const z = Float64Array.from([0, Math.log(3), 0, Math.log(4), 0, 0]);
    const p = softmaxRows(z);
    const y = [0.5, 0.5, 0.5, 0, 0.4, 0];
    const grad = new Float64Array(6);
    const expected = (0.5 * 3 * Math.log(5) - 0.5 * Math.log(3) + 0.4 * Math.log(6)) / B;
    expect(lossAndGradient('categorical_crossentropy', p, z, y, grad, B, K)).toBeCloseTo(expected, 14);
    const want = [
      (0.2 * 1.5 - 0.5) / 2,
      (0.6 * 1.5 - 0.5) / 2,
      (0.2 * 1.5 - 0.5) / 2,
      ((4 / 6) * 0.4) / 2,
      ((1 / 6) * 0.4 - 0.4) / 2,
      ((1 / 6) * 0.4) / 2,
    ];
    want.forEach((g, i) => expect(grad[i]).toBeCloseTo(g, 14));
  });
});
