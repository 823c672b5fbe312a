/** Chain-rule texts are notation only: the app shows them as they are, in English and in Chinese. */
import { describe, expect, it } from 'vitest';
import { inputStep, sumStep } from '../../../engine/explain/chain-text.ts';

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
    expect(s.text).toBe('∂L/∂a_1 = 0.5 (← dense_1) + (−0.25) (← dense_2) = 0.25');
    expect(words(s.text.replace(/dense_\d/g, ''))).toEqual([]);
    expect(s.reused).toEqual(['∂L/∂(dense_1)', '∂L/∂(dense_2)']);
  });
});
