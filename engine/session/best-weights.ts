/**
 * The best epoch's weights of a run, kept while it trains so a finished run can be kept with both its
 * final and its best weights. The best epoch is the one the runs table names: by early stopping's
 * monitor (and mode) when the run has early stopping, else by its first validation metric (accuracy,
 * R², then loss; the training ones without validation rows), strictly better than every earlier epoch.
 */
import type { FloatArray } from '../kernels/matmul.ts';
import type { MonitorName, TrainingConfig } from '../train/config.ts';
import { DEFAULT_MONITORS, monitorDirection, monitoredValue } from '../train/early-stopping.ts';
import type { EpochMetrics } from '../train/trainer.ts';

export interface BestWeights {
  /** After each epoch, with the weights the epoch ended with. */
  observe(m: EpochMetrics, params: FloatArray): void;
  /** The best epoch so far and a copy of its weights, or null before the first judged epoch. */
  readonly best: { epoch: number; value: number; params: FloatArray } | null;
}

export function bestWeights(training: TrainingConfig): BestWeights {
  const es = training.earlyStopping;
  let monitor: MonitorName | null = es ? (es.monitor ?? 'val_loss') : null;
  let best: { epoch: number; value: number; params: FloatArray } | null = null;
  return {
    get best() {
      return best;
    },
    observe(m, params) {
      monitor ??= DEFAULT_MONITORS.find((k) => monitoredValue(m, k) !== undefined) ?? null;
      if (monitor === null) return;
      const v = monitoredValue(m, monitor);
      if (v === undefined || !Number.isFinite(v)) return;
      const min = monitorDirection(monitor, es?.mode ?? 'auto') === 'min';
      if (best !== null && !(min ? v < best.value : v > best.value)) return;
      if (best === null) best = { epoch: m.epoch, value: v, params: params.slice() };
      else {
        best.params.set(params);
        best.epoch = m.epoch;
        best.value = v;
      }
    },
  };
}
