/**
 * Early stopping's decisions against sequences worked by hand from Keras 3.16's
 * keras/src/callbacks/early_stopping.py (wait += 1; improvement resets it; stop when wait ≥ patience).
 */
import { describe, expect, it } from 'vitest';
import type { EarlyStoppingConfig } from '../../../engine/train/config.ts';
import {
  earlyStoppingStep,
  initialEarlyStopping,
  isImprovement,
  monitorDirection,
} from '../../../engine/train/early-stopping.ts';

/** Feeds values (epochs 1, 2, …) until a stop; returns the state and the epochs that improved. */
function feed(c: EarlyStoppingConfig, values: (number | undefined)[]) {
  const s = initialEarlyStopping();
  const improved: number[] = [];
  const waits: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const d = earlyStoppingStep(c, s, i + 1, values[i]);
    if (d.improved) improved.push(i + 1);
    waits.push(s.wait);
    if (d.stop) break;
  }
  return { ...s, improved, waits };
}

describe('early stopping (Keras EarlyStopping)', () => {
  it('min mode: stops when patience epochs pass without a lower value', () => {
    // e1 best 1.0; e2 0.9 improves; e3 0.95 wait 1; e4 0.91 wait 2 ≥ 2: stop.
    const r = feed({ monitor: 'val_loss', patience: 2 }, [1.0, 0.9, 0.95, 0.91, 0.8, 0.7]);
    expect(r).toMatchObject({
      best: 0.9,
      bestEpoch: 2,
      stoppedEpoch: 4,
      improved: [1, 2],
      waits: [0, 0, 1, 2],
    });
  });

  it('minDelta: a change of exactly minDelta is not an improvement (current + minDelta < best)', () => {
    // 0.75 + 0.25 = 1 is not < 1; 0.5 + 0.25 = 0.75 < 1 is.
    const r = feed({ monitor: 'loss', patience: 3, minDelta: 0.25 }, [1, 0.75, 0.5, 0.375, 0.3125, 0.25]);
    // e4: 0.375 + 0.25 = 0.625 ≮ 0.5 (wait 1); e5: 0.5625 ≮ 0.5 (wait 2); e6: 0.5 ≮ 0.5 (wait 3): stop.
    expect(r).toMatchObject({ best: 0.5, bestEpoch: 3, stoppedEpoch: 6, improved: [1, 3] });
    expect(isImprovement(0.75, 1, 'min', 0.25)).toBe(false);
    expect(isImprovement(0.5, 1, 'min', 0.25)).toBe(true);
  });

  it('max mode for accuracy: an equal value is no improvement; minDelta raises the bar', () => {
    const seq = [0.5, 0.75, 0.75, 0.5];
    expect(feed({ monitor: 'val_accuracy', patience: 2 }, seq)).toMatchObject({
      bestEpoch: 2,
      best: 0.75,
      stoppedEpoch: 4,
    });
    // 0.75 − 0.25 = 0.5 is not > 0.5: no epoch after the first improves.
    expect(feed({ monitor: 'val_accuracy', patience: 2, minDelta: 0.25 }, seq)).toMatchObject({
      bestEpoch: 1,
      best: 0.5,
      stoppedEpoch: 3,
    });
    expect(isImprovement(0.875, 0.5, 'max', 0.25)).toBe(true);
  });

  it('patience 0 stops at the first epoch that does not improve', () => {
    expect(feed({ monitor: 'loss', patience: 0 }, [1, 0.5, 0.6, 0.1])).toMatchObject({
      bestEpoch: 2,
      stoppedEpoch: 3,
    });
  });

  it('startFromEpoch: the first epochs are not watched at all', () => {
    // Epochs 1 and 2 are skipped (Keras epoch < start_from_epoch), so epoch 3's 1.0 is the first best.
    const r = feed({ monitor: 'loss', patience: 2, startFromEpoch: 2 }, [0.1, 0.2, 1.0, 1.1, 1.2, 0.0]);
    expect(r).toMatchObject({ best: 1.0, bestEpoch: 3, stoppedEpoch: 5, waits: [0, 0, 0, 1, 2] });
  });

  it('an epoch without the value changes nothing', () => {
    const r = feed({ monitor: 'val_loss', patience: 1 }, [undefined, undefined, 2, 3]);
    expect(r).toMatchObject({ best: 2, bestEpoch: 3, stoppedEpoch: 4 });
  });

  it('auto mode: min for losses and errors, max for accuracy and r2; min/max override', () => {
    expect(monitorDirection('loss')).toBe('min');
    expect(monitorDirection('val_loss')).toBe('min');
    expect(monitorDirection('mae')).toBe('min');
    expect(monitorDirection('val_mae')).toBe('min');
    expect(monitorDirection('accuracy')).toBe('max');
    expect(monitorDirection('val_accuracy')).toBe('max');
    expect(monitorDirection('r2')).toBe('max');
    expect(monitorDirection('val_r2')).toBe('max');
    expect(monitorDirection('val_loss', 'max')).toBe('max');
    expect(monitorDirection('val_r2', 'min')).toBe('min');
    // r2 going up is an improvement; mae going up is not.
    expect(feed({ monitor: 'val_r2', patience: 1 }, [0.5, 0.6, 0.55])).toMatchObject({
      bestEpoch: 2,
      stoppedEpoch: 3,
    });
    expect(feed({ monitor: 'val_mae', patience: 1 }, [0.5, 0.6, 0.4])).toMatchObject({
      bestEpoch: 1,
      stoppedEpoch: 2,
    });
  });
});
