/**
 * Early stopping as Keras 3.16 defines it (keras/src/callbacks/early_stopping.py and
 * monitor_callback.py), as pure decisions over the sequence of monitored values:
 *
 *   improvement:  current − minDelta > best   (max mode)      current + minDelta < best   (min mode)
 *                 (Keras `_is_improvement`: `monitor_op(current - min_delta, best)` with min_delta
 *                 negated in min mode); the first watched epoch always improves (best is None).
 *   each epoch e (0-based, Keras's) with e ≥ start_from_epoch:  wait += 1; on an improvement best = current,
 *                 best_epoch = e, the weights are copied and wait = 0; otherwise the run stops when
 *                 wait ≥ patience and e > 0.
 *   at the end of training (stopped early or not: Keras 3 restores in `on_train_end`), with
 *   restore_best_weights the best epoch's weights are put back.
 *
 * Keras's `baseline` is not offered. Epochs here are 1-based, as the trainer's history counts them.
 */
import type { EarlyStoppingConfig, MonitorMode, MonitorName } from './config.ts';

/** An epoch's metrics by field (the trainer's EpochMetrics). */
export interface MonitoredMetrics {
  loss: number;
  accuracy?: number;
  mae?: number;
  r2?: number;
  valLoss?: number;
  valAccuracy?: number;
  valMae?: number;
  valR2?: number;
}

/** Whether a lower or a higher value is better: `auto` is min for loss and mae, max for accuracy and r2. */
export function monitorDirection(monitor: MonitorName, mode: MonitorMode = 'auto'): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  const name = monitor.replace(/^val_/, '');
  return name === 'accuracy' || name === 'r2' ? 'max' : 'min';
}

/** The field of the metrics (camel case, as histories and run records name it) each monitor reads. */
export const MONITOR_FIELD: Readonly<Record<MonitorName, keyof MonitoredMetrics>> = {
  loss: 'loss',
  val_loss: 'valLoss',
  accuracy: 'accuracy',
  val_accuracy: 'valAccuracy',
  mae: 'mae',
  val_mae: 'valMae',
  r2: 'r2',
  val_r2: 'valR2',
};

/** The metric a run is judged by when early stopping names none: validation first, the most telling first. */
export const DEFAULT_MONITORS: readonly MonitorName[] = [
  'val_accuracy',
  'val_r2',
  'val_loss',
  'accuracy',
  'r2',
  'loss',
];

/** The monitored value in an epoch's record (undefined if the epoch has no such metric). */
export function monitoredValue(m: MonitoredMetrics, monitor: MonitorName): number | undefined {
  return m[MONITOR_FIELD[monitor]];
}

/** Keras `_is_improvement` (with `min_delta` ≥ 0): any value improves on none. */
export function isImprovement(
  current: number,
  best: number | null,
  direction: 'min' | 'max',
  minDelta: number,
): boolean {
  if (best === null) return true;
  return direction === 'max' ? current - minDelta > best : current + minDelta < best;
}

/** Where early stopping is: plain numbers, kept in the trainer's snapshots. */
export interface EarlyStoppingState {
  /** Best monitored value so far (null before the first watched epoch). */
  best: number | null;
  /** 1-based epoch of the best value (0: none yet). */
  bestEpoch: number;
  /** Epochs since the last improvement (Keras `wait`). */
  wait: number;
  /** 1-based epoch at which the run stopped early (0: it did not). */
  stoppedEpoch: number;
}

export const initialEarlyStopping = (): EarlyStoppingState => ({
  best: null,
  bestEpoch: 0,
  wait: 0,
  stoppedEpoch: 0,
});

/** Early stopping's settings with the defaults filled in (this app restores the best weights by default). */
export function earlyStoppingDefaults(c: EarlyStoppingConfig): Required<EarlyStoppingConfig> {
  return {
    monitor: c.monitor ?? 'val_loss',
    patience: c.patience,
    minDelta: c.minDelta ?? 0,
    mode: c.mode ?? 'auto',
    restoreBestWeights: c.restoreBestWeights ?? true,
    startFromEpoch: c.startFromEpoch ?? 0,
  };
}

/** What to do after an epoch. */
export interface EarlyStoppingDecision {
  /** The value improved: it is the new best, and the weights are to be copied. */
  improved: boolean;
  /** The run ends here. */
  stop: boolean;
}

/**
 * Keras EarlyStopping.on_epoch_end for the 1-based `epoch` with monitored value `current`; updates
 * `state` in place. An epoch before `startFromEpoch` (or without the value) changes nothing.
 */
export function earlyStoppingStep(
  c: EarlyStoppingConfig,
  state: EarlyStoppingState,
  epoch: number,
  current: number | undefined,
): EarlyStoppingDecision {
  const o = earlyStoppingDefaults(c);
  const e = epoch - 1; // Keras's 0-based epoch
  if (current === undefined || e < o.startFromEpoch) return { improved: false, stop: false };
  state.wait += 1;
  if (isImprovement(current, state.best, monitorDirection(o.monitor, o.mode), Math.abs(o.minDelta))) {
    state.best = current;
    state.bestEpoch = epoch;
    state.wait = 0;
    return { improved: true, stop: false };
  }
  if (state.wait >= o.patience && e > 0) {
    state.stoppedEpoch = epoch;
    return { improved: false, stop: true };
  }
  return { improved: false, stop: false };
}
