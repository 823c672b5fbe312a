/** Chain-rule texts are notation only: the app shows them as they are, in English and in Chinese. */
import { describe, expect, it } from 'vitest';
import { activationStep, inputStep, lossStep, sumStep } from '../../../engine/explain/chain-text.ts';

/** Latin words of three or more letters, apart from the function names formulas use. */
const words = (text: string) =>
  (text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !['sign', 'softmax'].includes(w));

describe('chain-rule texts', () => {
  it('a long sum shows its first terms, "…" and the last term, whose index says how many', () => {
    const n = 12;
    const w = Array.from({ length: n }, (_, j) => j + 1);
    const dZ = Array.from({ length: n }, () => 0.5);
    const s = inputStep(0, w, dZ, 39);
    expect(s.text).toBe(
      '∂L/∂x_1 = Σ_j W_1,j·∂L/∂z_j = W_1,1·∂L/∂z_1 + W_1,2·∂L/∂z_2 + W_1,3·∂L/∂z_3 + … + W_1,12·∂L/∂z_12' +
        ' = 1·0.5 + 2·0.5 + 3·0.5 + 4·0.5 + 5·0.5 + … + 12·0.5 = 39',
    );
    expect(words(s.text)).toEqual([]);
  });

  it('a short sum is written out in full', () => {
    const s = inputStep(1, [0.5, -2], [0.25, 1], -1.875);
    expect(s.text).toBe(
      '∂L/∂x_2 = Σ_j W_2,j·∂L/∂z_j = W_2,1·∂L/∂z_1 + W_2,2·∂L/∂z_2 = 0.5·0.25 + (−2)·1 = −1.875',
    );
  });

  it('a gradient summed over consumers names each term by an arrow from its consumer', () => {
    const s = sumStep(0, ['dense_1', 'dense_2'], [0.5, -0.25], 0.25);
    // A negative term is subtracted, with a real minus sign.
    expect(s.text).toBe('∂L/∂a_1 = 0.5 (← dense_1) − 0.25 (← dense_2) = 0.25');
    expect(sumStep(0, ['a', 'b'], [-0.5, 0.25], -0.25).text).toBe(
      '∂L/∂a_1 = −0.5 (← a) + 0.25 (← b) = −0.25',
    );
    expect(words(s.text.replace(/dense_\d/g, ''))).toEqual([]);
    expect(s.reused).toEqual(['∂L/∂(dense_1)', '∂L/∂(dense_2)']);
  });

  it('a saturated tanh shows enough digits that 1 − a² is not written as 1 − 1²', () => {
    const a = 0.99996;
    const fPrime = 1 - a * a;
    const s = activationStep('tanh', 0, 0, 0.5, 5, a, fPrime, 0.5 * fPrime);
    expect(s.text).toBe('∂L/∂z_1 = ∂L/∂a_1 · (1 − a_1²) = 0.5 · (1 − 0.99996²) = 0.5 · 8×10⁻⁵ = 4×10⁻⁵');
    // What the text says, computed from the text, is what the step used.
    const shownA = Number(/\(1 − ([\d.]+)²\)/.exec(s.text)![1]);
    expect(Math.abs(1 - shownA ** 2 - fPrime) / fPrime).toBeLessThan(0.005);
    const sig = activationStep('sigmoid', 0, 1, -2, 9, 0.99988, 0.99988 * 0.00012, -2 * 0.99988 * 0.00012);
    expect(sig.text).toContain('(−2) · 0.99988·(1 − 0.99988) = (−2) · 1.2×10⁻⁴ = −2.4×10⁻⁴');
    expect(sig.text).not.toMatch(/[-]|e-|\^/);
  });

  it('a negative target is bracketed where it is subtracted', () => {
    expect(lossStep('mse', 0, 0.5, -1, -1, 1, 3).text).toBe(
      '∂L/∂p_1 = 2(p_1 − y_1)/1 = 2·(0.5 − (−1))/1 = 3',
    );
  });
});
