/**
 * Learning-rate schedules against Keras 3.16's formulas (keras/src/optimizers/schedules/
 * learning_rate_schedule.py, keras/src/callbacks/reduce_lr_on_plateau.py), values worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { initialPlateau, plateauStep, scheduledLr } from '../../../engine/train/lr-schedule.ts';

describe('per-epoch step decay', () => {
  it('base · factor^⌊epoch / dropEvery⌋ (0-based epochs)', () => {
    const s = { type: 'step', dropEvery: 3, factor: 0.5 } as const;
    const at = (epoch: number) => scheduledLr(s, 0.1, 12345, epoch);
    expect([0, 1, 2, 3, 5, 6, 7].map(at)).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
  });
});

describe('ExponentialDecay', () => {
  it('base · rate^(step / decaySteps)', () => {
    const s = { type: 'exponential', decaySteps: 10, decayRate: 0.5 } as const;
    expect(scheduledLr(s, 0.1, 0, 0)).toBe(0.1);
    expect(scheduledLr(s, 0.1, 5, 0)).toBeCloseTo(0.1 * Math.SQRT1_2, 15); // 0.0707106781…
    expect(scheduledLr(s, 0.1, 10, 0)).toBeCloseTo(0.05, 15);
    expect(scheduledLr(s, 0.1, 25, 0)).toBeCloseTo(0.01767766952966369, 15);
  });
  it('staircase floors the exponent', () => {
    const s = { type: 'exponential', decaySteps: 10, decayRate: 0.5, staircase: true } as const;
    expect([0, 5, 9, 10, 19, 25].map((k) => scheduledLr(s, 0.1, k, 0))).toEqual([
      0.1, 0.1, 0.1, 0.05, 0.05, 0.025,
    ]);
  });
});

describe('CosineDecay', () => {
  it('base · ((1 − α)·½(1 + cos(π·min(step, D)/D)) + α)', () => {
    const s = { type: 'cosine', decaySteps: 100 } as const;
    expect(scheduledLr(s, 1, 0, 0)).toBe(1);
    expect(scheduledLr(s, 1, 25, 0)).toBeCloseTo(0.8535533905932737, 15); // ½(1 + √½)
    expect(scheduledLr(s, 1, 50, 0)).toBeCloseTo(0.5, 15);
    expect(scheduledLr(s, 1, 100, 0)).toBeCloseTo(0, 15);
    expect(scheduledLr(s, 1, 150, 0)).toBeCloseTo(0, 15);
    const a = { type: 'cosine', decaySteps: 100, alpha: 0.1 } as const;
    expect(scheduledLr(a, 2, 25, 0)).toBeCloseTo(2 * (0.9 * 0.8535533905932737 + 0.1), 15);
    expect(scheduledLr(a, 2, 50, 0)).toBeCloseTo(1.1, 15);
    expect(scheduledLr(a, 2, 1000, 0)).toBeCloseTo(0.2, 15);
  });
  it("Keras's warm-up: linear from the base to warmupTarget, then the decay from the target", () => {
    const s = { type: 'cosine', decaySteps: 100, warmupSteps: 10, warmupTarget: 1 } as const;
    expect(scheduledLr(s, 0.1, 0, 0)).toBeCloseTo(0.1, 15);
    expect(scheduledLr(s, 0.1, 5, 0)).toBeCloseTo(0.55, 15); // 0.1 + 0.9 · 5/10
    expect(scheduledLr(s, 0.1, 10, 0)).toBe(1);
    expect(scheduledLr(s, 0.1, 60, 0)).toBeCloseTo(0.5, 15);
    expect(scheduledLr(s, 0.1, 110, 0)).toBeCloseTo(0, 15);
    expect(scheduledLr(s, 0.1, 500, 0)).toBeCloseTo(0, 15);
  });
  it('warm-up steps without a target: from 0 up to the base', () => {
    const s = { type: 'cosine', decaySteps: 10, warmupSteps: 4, alpha: 0.5 } as const;
    expect([0, 1, 2, 4].map((k) => scheduledLr(s, 1, k, 0))).toEqual([0, 0.25, 0.5, 1]);
    expect(scheduledLr(s, 1, 9, 0)).toBeCloseTo(0.75, 15); // ½ · (½(1 + cos(π/2))) + ½
    expect(scheduledLr(s, 1, 14, 0)).toBeCloseTo(0.5, 15);
  });
});

describe('ReduceLROnPlateau', () => {
  it('patience, cooldown and min_lr, worked epoch by epoch', () => {
    const s = {
      type: 'plateau',
      monitor: 'loss',
      factor: 0.5,
      patience: 2,
      cooldown: 2,
      minLr: 0.2,
    } as const;
    const st = initialPlateau(1);
    const lrs: number[] = [];
    const reduced: number[] = [];
    for (let e = 1; e <= 12; e++) {
      if (plateauStep(s, st, 1.0)) reduced.push(e);
      lrs.push(st.lr);
    }
    // e1 best; e2 wait 1; e3 wait 2: 0.5, cooldown 2; e4 cooldown 1; e5 cooldown 0, wait 1; e6 wait 2:
    // 0.25; e7, e8 as e4, e5; e9: max(0.125, 0.2) = 0.2; e12: 0.2 is not above float32(0.2): no change.
    expect(reduced).toEqual([3, 6, 9]);
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2]);
    expect(st.wait).toBe(2);
  });
  it('an improvement (by more than min_delta, default 1e-4) resets the wait', () => {
    const s = { type: 'plateau', monitor: 'val_accuracy', patience: 2 } as const;
    const st = initialPlateau(0.01);
    // max mode: 0.50005 − 1e-4 is not > 0.5 (no improvement), 0.6 − 1e-4 is.
    const seq = [0.5, 0.50005, 0.6, 0.6, 0.6];
    const r = seq.map((v) => plateauStep(s, st, v));
    expect(r).toEqual([false, false, false, false, true]);
    expect(st.lr).toBeCloseTo(0.001, 15); // factor 0.1
    expect(st.best).toBe(0.6);
  });
});
