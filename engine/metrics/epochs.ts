/**
 * A run's per-epoch records in bounded and compact forms: an overview that keeps every `stride`-th
 * epoch and the last (the stride a power of two, so the points a viewer sees stay put as the run
 * grows), and columns of numbers for sending a long history across a thread boundary in one copy
 * instead of one object per epoch.
 */
import type { EpochMetrics } from '../train/trainer.ts';

/** The epochs at a bounded resolution: every `stride`-th (epochs stride, 2·stride, …) and the last. */
export interface EpochOverview {
  stride: number;
  epochs: EpochMetrics[];
}

/** At most `maxPoints` (≥ 2) of `epochs`: the smallest power-of-two stride that fits, and the last one. */
export function epochOverview(epochs: readonly EpochMetrics[], maxPoints: number): EpochOverview {
  const n = epochs.length;
  const room = Math.max(1, Math.floor(maxPoints) - 1);
  let stride = 1;
  while (Math.floor(n / stride) > room) stride *= 2;
  if (stride === 1) return { stride, epochs: epochs.slice() };
  const out: EpochMetrics[] = [];
  for (let i = stride - 1; i < n; i += stride) out.push(epochs[i]!);
  if (out.at(-1) !== epochs[n - 1]) out.push(epochs[n - 1]!);
  return { stride, epochs: out };
}

const FIELDS = ['loss', 'accuracy', 'mae', 'r2', 'valLoss', 'valAccuracy', 'valMae', 'valR2', 'lr'] as const;
type Field = (typeof FIELDS)[number];

/** Epoch records as columns: `epoch` and each metric the run has (a metric some epoch lacks is NaN there). */
export interface EpochColumns {
  epoch: Float64Array;
  values: Partial<Record<Field, Float64Array>>;
}

export function packEpochs(epochs: readonly EpochMetrics[]): EpochColumns {
  const n = epochs.length;
  const epoch = new Float64Array(n);
  const values: Partial<Record<Field, Float64Array>> = {};
  for (const f of FIELDS) if (epochs.some((e) => e[f] !== undefined)) values[f] = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e = epochs[i]!;
    epoch[i] = e.epoch;
    for (const f of FIELDS) {
      const col = values[f];
      if (col) col[i] = e[f] ?? Number.NaN;
    }
  }
  return { epoch, values };
}

export function unpackEpochs(c: EpochColumns): EpochMetrics[] {
  const out: EpochMetrics[] = [];
  for (let i = 0; i < c.epoch.length; i++) {
    const e: EpochMetrics = { epoch: c.epoch[i]!, loss: Number.NaN };
    for (const f of FIELDS) {
      const col = c.values[f];
      if (col) e[f] = col[i]!;
    }
    out.push(e);
  }
  return out;
}
