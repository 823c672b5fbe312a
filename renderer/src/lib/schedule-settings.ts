/**
 * Early stopping and learning-rate schedules as the training panel edits them: the metrics a run can
 * watch, each schedule's starting values (Keras's defaults where Keras has them), and a change checked
 * with the engine's own rules before it is taken.
 */
import { attempt } from '../../../engine/errors.ts';
import type { EngineErrorInfo } from '../../../engine/errors.ts';
import type {
  EarlyStoppingConfig,
  LrSchedule,
  LrScheduleType,
  MonitorName,
} from '../../../engine/train/config.ts';
import { validateEarlyStopping, validateLrSchedule } from '../../../engine/train/validate.ts';

/** The metrics a run reports: loss and its task's metrics, each again on the validation rows if any. */
export function monitorsFor(task: 'classification' | 'regression', validation: boolean): MonitorName[] {
  const own: MonitorName[] = task === 'classification' ? ['loss', 'accuracy'] : ['loss', 'mae', 'r2'];
  const val = own.map((m) => `val_${m}` as MonitorName);
  return validation ? [...val, ...own] : own;
}

/** What early stopping and the plateau watch by default: Keras's `val_loss`, or `loss` without validation rows. */
export const defaultMonitor = (validation: boolean): MonitorName => (validation ? 'val_loss' : 'loss');

/**
 * Early stopping when switched on: Keras's defaults (min delta 0, mode auto), except a patience of 10
 * epochs (Keras's 0 stops at the first epoch without improvement) and restoring the best weights.
 */
export const earlyStoppingStart = (validation: boolean): EarlyStoppingConfig => ({
  monitor: defaultMonitor(validation),
  patience: 10,
  minDelta: 0,
  restoreBestWeights: true,
});

/** A schedule's settings when it is picked (ReduceLROnPlateau's are Keras's defaults). */
export function scheduleStart(type: LrScheduleType, validation: boolean): LrSchedule {
  switch (type) {
    case 'step':
      return { type, dropEvery: 10, factor: 0.5 };
    case 'exponential':
      return { type, decaySteps: 1000, decayRate: 0.9, staircase: false };
    case 'cosine':
      return { type, decaySteps: 1000, alpha: 0, warmupSteps: 0 };
    case 'plateau':
      return {
        type,
        monitor: defaultMonitor(validation),
        factor: 0.1,
        patience: 10,
        minDelta: 1e-4,
        cooldown: 0,
        minLr: 0,
      };
  }
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: EngineErrorInfo };

/** Early stopping with one setting changed, or the engine's message for a value out of range. */
export function changeEarlyStopping(
  current: EarlyStoppingConfig,
  change: Partial<EarlyStoppingConfig>,
): Checked<EarlyStoppingConfig> {
  const next = { ...current, ...change };
  const r = attempt(() => validateEarlyStopping(next));
  return r.ok ? { ok: true, value: next } : r;
}

/** The schedule with one setting changed, or the engine's message for a value out of range. */
export function changeLrSchedule(current: LrSchedule, change: Record<string, unknown>): Checked<LrSchedule> {
  const next = { ...current, ...change } as LrSchedule;
  const r = attempt(() => validateLrSchedule(next));
  return r.ok ? { ok: true, value: next } : r;
}

/** A number typed in a field: an empty or unreadable field is NaN, which the engine's checks refuse. */
export const typedNumber = (text: string): number => (text.trim() === '' ? NaN : Number(text));
