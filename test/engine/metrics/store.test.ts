import { describe, expect, it } from 'vitest';
import { createMetricsStore } from '../../../engine/metrics/store.ts';

describe('metrics store', () => {
  it('memory stays fixed over a million steps while the overview still spans them all', () => {
    const s = createMetricsStore(2, 1024, 256);
    const cap = s.capacity();
    const g = new Float64Array(2);
    for (let step = 1; step <= 1_000_000; step++) {
      g[0] = step;
      g[1] = 2 * step;
      s.record(step, step, g);
    }
    expect(s.capacity()).toBe(cap);
    const o = s.overview(256);
    expect(o.loss.length).toBeLessThanOrEqual(256);
    expect(o.steps.at(-1)).toBe(1_000_000);
    expect(o.stride).toBeGreaterThanOrEqual(1_000_000 / 256);
    // Each point is the mean of the steps it covers: for loss = step that is the middle step.
    for (let i = 0; i < o.loss.length - 1; i++) {
      const last = o.steps[i]!;
      expect(o.loss[i]).toBeCloseTo(last - (o.stride - 1) / 2, -1);
      expect(o.gradNorms[i * 2 + 1]).toBeCloseTo(2 * o.loss[i]!, -1);
    }
  });

  it('since(): exact steps after a cursor, newest first when capped, gap when the ring moved on', () => {
    const s = createMetricsStore(1, 16, 64);
    for (let step = 1; step <= 10; step++) s.record(step, step / 10, [step]);
    let w = s.since(4, 100);
    expect(w).toMatchObject({ firstStep: 5, gap: false });
    expect(Array.from(w.loss)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1].map(Math.fround));
    expect(Array.from(w.gradNorms)).toEqual([5, 6, 7, 8, 9, 10]);
    w = s.since(4, 2);
    expect(w).toMatchObject({ firstStep: 9, gap: true });
    for (let step = 11; step <= 40; step++) s.record(step, 0, [0]);
    w = s.since(10, 100);
    expect(w).toMatchObject({ firstStep: 25, gap: true });
    expect(w.loss).toHaveLength(16);
    expect(s.since(40, 100).loss).toHaveLength(0);
  });

  it('loads a saved overview and continues after it', () => {
    const a = createMetricsStore(1, 16, 8);
    for (let step = 1; step <= 100; step++) a.record(step, 1, [1]);
    const o = a.overview(8);
    const b = createMetricsStore(1, 16, 8);
    b.load(o, [{ epoch: 1, loss: 1 }]);
    expect(b.lastStep).toBe(100);
    expect(b.since(0, 100)).toMatchObject({ firstStep: 101, gap: true });
    b.record(101, 3, [3]);
    expect(b.since(100, 10).loss[0]).toBe(3);
    expect(b.epochs).toHaveLength(1);
  });
});
