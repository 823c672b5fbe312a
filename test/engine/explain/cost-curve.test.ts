import { describe, expect, it } from 'vitest';
import { costCurve } from '../../../engine/explain/cost-curve.ts';

describe('cost curve', () => {
  it('counts and times per depth: backprop linear in depth, the others quadratic', () => {
    const points = costCurve({ depths: [1, 2, 4, 8], widths: [4], minTimeMs: 0 });
    expect(points.map((p) => p.depth)).toEqual([1, 2, 4, 8]);
    for (const p of points) {
      expect(p.maxRelDiff).toBeLessThan(1e-4);
      // Backprop: one forward (F) and a backward under 2F; finite differences: exactly 2 forwards per parameter.
      expect(p.multiplyAdds.backprop).toBeLessThan(3 * p.forward);
      expect(p.multiplyAdds.finiteDifferences).toBe(2 * p.params * p.forward);
      expect(p.multiplyAdds.naive).toBeGreaterThan(p.multiplyAdds.backprop);
      for (const t of Object.values(p.timeMs)) expect(t).toBeGreaterThan(0);
    }
    // inputs 2, width 4: F = 2·4 + (d − 1)·16 + 4;  backprop = F + backward, where the backward
    // does dW (= F) plus dX for every layer but the first (F − 8).  d = 1: F = 12, backprop = 12 + 12 + 4.
    expect(points[0]).toMatchObject({ params: 17, forward: 12, multiplyAdds: { backprop: 28 } });
    const [, d2, , d8] = points as [never, (typeof points)[0], never, (typeof points)[0]];
    expect(d8.multiplyAdds.backprop / d2.multiplyAdds.backprop).toBeLessThan(5);
    expect(d8.multiplyAdds.naive / d2.multiplyAdds.naive).toBeGreaterThan(10);
  });

  it('several widths, widths outermost', () => {
    const points = costCurve({ depths: [2, 3], widths: [2, 8], minTimeMs: 0 });
    expect(points.map((p) => [p.width, p.depth])).toEqual([
      [2, 2],
      [2, 3],
      [8, 2],
      [8, 3],
    ]);
  });

  it('refuses bad or too big requests', () => {
    expect(() => costCurve({ depths: [0] })).toThrow(/Depths/);
    expect(() => costCurve({ widths: [64], depths: [4] })).toThrow(/parameters, more than/);
  });
});
