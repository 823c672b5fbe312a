/**
 * The training defaults on small public tables (test/fixtures/public): `train --layers 32 --epochs 150`
 * with nothing else given (Adam at Keras's 0.001, batch 32, validation split 0.2, seed 1), the run the
 * "defaults that do not over-fit a small table" issue describes. The bars were measured with
 * `npm run bench:defaults` (docs/training.md has the table). At the former default rate 0.01 the
 * regression checks fail (diabetes: validation R² 0.035 at seed 1, mean 0.182 over seeds 1–5;
 * wine_alcohol: mean 0.250): the network over-fits the few hundred rows. The classification checks hold
 * at 0.01 too (0.967, 1.000, 0.974 at seed 1): they guard against the smaller rate learning too slowly
 * in 150 epochs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { run, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'public');

/** The validation metrics of `train --layers 32 --epochs 150` on a fixture, with the other defaults. */
function trainDefaults(table: string, ...more: string[]): Record<string, number> {
  const data = join(FIXTURES, `${table}.csv`);
  const r = run(
    'train',
    '--layers',
    '32',
    '--epochs',
    '150',
    '--data',
    data,
    '--out',
    tmp.path('w.json'),
    '--json',
    ...more,
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const SEEDS = ['1', '2', '3', '4', '5'];

describe('the defaults on small public tables', () => {
  it('diabetes (442 rows, regression): validation R² of 0.27 or more, as scikit-learn reaches', () => {
    // Measured 0.271 at the default seed (0.035 at lr 0.01), mean 0.400 over seeds 1–5 (0.182 at 0.01).
    expect(trainDefaults('diabetes').val_r2).toBeGreaterThanOrEqual(0.27);
    const r2 = SEEDS.map((s) => trainDefaults('diabetes', '--seed', s).val_r2!);
    expect(mean(r2)).toBeGreaterThanOrEqual(0.35);
  });

  it('wine_alcohol (178 rows, regression): validation R² well above 0 on every seed', () => {
    // Measured 0.278, 0.441, 0.522, 0.686, 0.407 (mean 0.467); at lr 0.01 0.081, 0.422, 0.024, 0.536, 0.188.
    const r2 = SEEDS.map((s) => trainDefaults('wine_alcohol', '--seed', s).val_r2!);
    expect(Math.min(...r2)).toBeGreaterThanOrEqual(0.2);
    expect(mean(r2)).toBeGreaterThanOrEqual(0.4);
  });

  it('iris, wine, breast_cancer (classification): validation accuracy of 0.9 or more', () => {
    // Measured 0.967, 1.000 and 0.974 at the default seed.
    expect(trainDefaults('iris').val_accuracy).toBeGreaterThanOrEqual(0.9);
    expect(trainDefaults('wine').val_accuracy).toBeGreaterThanOrEqual(0.9);
    expect(trainDefaults('breast_cancer').val_accuracy).toBeGreaterThanOrEqual(0.95);
  });
});
