import { describe, expect, it } from 'vitest';
import { epochOverview, packEpochs, unpackEpochs } from '../../../engine/metrics/epochs.ts';
import type { EpochMetrics } from '../../../engine/train/trainer.ts';

const run = (n: number): EpochMetrics[] =>
  Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    loss: 1 / (i + 1),
    accuracy: i / n,
    valLoss: 2 / (i + 1),
    valAccuracy: i / (2 * n),
  }));

describe('epochOverview', () => {
  const cases: [number, number, number, number[]][] = [
    // epochs, max points, stride, the epochs kept
    [0, 10, 1, []],
    [5, 10, 1, [1, 2, 3, 4, 5]],
    [9, 10, 1, [1, 2, 3, 4, 5, 6, 7, 8, 9]],
    [10, 10, 2, [2, 4, 6, 8, 10]],
    [11, 10, 2, [2, 4, 6, 8, 10, 11]],
    [37, 10, 4, [4, 8, 12, 16, 20, 24, 28, 32, 36, 37]],
    [38, 10, 4, [4, 8, 12, 16, 20, 24, 28, 32, 36, 38]],
    [40, 10, 8, [8, 16, 24, 32, 40]],
  ];
  it.each(cases)('%i epochs in %i points: stride %i', (n, max, stride, kept) => {
    const o = epochOverview(run(n), max);
    expect(o.stride).toBe(stride);
    expect(o.epochs.map((e) => e.epoch)).toEqual(kept);
    expect(o.epochs.length).toBeLessThanOrEqual(max);
  });

  it('stays within its points for a million epochs, and keeps the points it showed until the stride doubles', () => {
    const all = run(1_000_000);
    const o = epochOverview(all, 600);
    expect(o.epochs.length).toBeLessThanOrEqual(600);
    expect(o.epochs.at(-1)!.epoch).toBe(1_000_000);
    const earlier = epochOverview(all.slice(0, 999_000), 600);
    expect(earlier.stride).toBe(o.stride);
    expect(earlier.epochs.slice(0, -1)).toEqual(o.epochs.slice(0, earlier.epochs.length - 1));
  });
});

describe('packEpochs / unpackEpochs', () => {
  it('round-trips a run, NaN included, as one Float64Array per metric', () => {
    const epochs = run(5);
    epochs[2]!.loss = Number.NaN;
    const packed = packEpochs(epochs);
    expect(Object.keys(packed.values).sort()).toEqual(['accuracy', 'loss', 'valAccuracy', 'valLoss']);
    expect(packed.values.loss).toBeInstanceOf(Float64Array);
    expect(unpackEpochs(packed)).toEqual(epochs);
  });

  it('regression metrics and no validation', () => {
    const epochs: EpochMetrics[] = [
      { epoch: 1, loss: 3, mae: 1.5, r2: 0.2 },
      { epoch: 2, loss: 2, mae: 1, r2: 0.5 },
    ];
    expect(unpackEpochs(packEpochs(epochs))).toEqual(epochs);
    expect(unpackEpochs(packEpochs([]))).toEqual([]);
  });
});
