import { describe, expect, it } from 'vitest';
import { listBuiltins, loadBuiltin } from '../../../engine/data/builtin.ts';
import { describeTable } from '../../../engine/data/describe.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import type { RowTable } from '../../../engine/data/types.ts';
import { errorOf } from './helpers.ts';

const points = (raw: RowTable) => raw.rows.map((r) => r.map(Number) as [number, number, number]);
const count = (raw: RowTable, label: string) => raw.rows.filter((r) => r[2] === label).length;
const std = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};

describe('listBuiltins', () => {
  it('lists the six shapes and iris with their tasks and defaults', () => {
    expect(listBuiltins().map((b) => [b.name, b.task, b.defaults.samples])).toEqual([
      ['circle', 'classification', 500],
      ['xor', 'classification', 500],
      ['gaussian', 'classification', 500],
      ['spirals', 'classification', 500],
      ['plane', 'regression', 1200],
      ['gaussians', 'regression', 1200],
      ['iris', 'classification', 150],
    ]);
  });

  it('refuses an unknown name and bad options', () => {
    expect(errorOf(() => loadBuiltin('moons')).code).toBe('UNKNOWN_DATASET');
    expect(errorOf(() => loadBuiltin('xor', { noise: 0.6 })).code).toBe('BAD_HYPERPARAMETER');
    expect(errorOf(() => loadBuiltin('xor', { samples: 2.5 })).code).toBe('BAD_HYPERPARAMETER');
  });
});

describe.each(listBuiltins().filter((b) => b.name !== 'iris'))('built-in $name', ({ name, task }) => {
  it('has the requested size and columns, and goes through prepareData with the listed task', () => {
    const raw = loadBuiltin(name, { samples: 101, noise: 0.1, seed: 5 });
    expect(raw.columns).toEqual(['x1', 'x2', task === 'classification' ? 'label' : 'y']);
    expect(raw.rows).toHaveLength(101);
    const prep = prepareData(raw, { validationSplit: 0.2, seed: 1 });
    expect(prep.preprocessing.target.task).toBe(task);
    if (task === 'classification') expect(prep.preprocessing.target).toMatchObject({ classes: ['0', '1'] });
  });

  it('is deterministic per seed (spirals without noise use no randomness, so noise is on)', () => {
    expect(loadBuiltin(name, { seed: 3, noise: 0.2 })).toEqual(loadBuiltin(name, { seed: 3, noise: 0.2 }));
    expect(loadBuiltin(name, { seed: 3, noise: 0.2 })).not.toEqual(
      loadBuiltin(name, { seed: 4, noise: 0.2 }),
    );
  });
});

describe('built-in shapes', () => {
  it.each(['circle', 'gaussian', 'spirals'])(
    '%s has balanced classes (odd sizes give the extra row to class 1)',
    (name) => {
      expect([count(loadBuiltin(name), '1'), count(loadBuiltin(name), '0')]).toEqual([250, 250]);
      const odd = loadBuiltin(name, { samples: 7 });
      expect([count(odd, '1'), count(odd, '0')]).toEqual([4, 3]);
    },
  );

  it('xor labels are x·y ≥ 0 without noise and roughly balanced', () => {
    const data = points(loadBuiltin('xor', { samples: 2000, seed: 9 }));
    expect(
      data.every(([x, y, l]) => l === (x * y >= 0 ? 1 : 0) && Math.abs(x) >= 0.3 && Math.abs(y) >= 0.3),
    ).toBe(true);
    const ones = data.filter((p) => p[2] === 1).length;
    expect(ones).toBeGreaterThan(900);
    expect(ones).toBeLessThan(1100);
  });

  it('circle noise blurs the boundary: labels disagree with the radius only when noisy', () => {
    const wrong = (noise: number) =>
      points(loadBuiltin('circle', { noise, seed: 2 })).filter(
        ([x, y, l]) => l !== (Math.hypot(x, y) < 2.5 ? 1 : 0),
      ).length;
    expect(wrong(0)).toBe(0);
    expect(wrong(0.5)).toBeGreaterThan(50);
  });

  it('gaussian noise widens the clusters (variance 0.5 at 0, 4 at 0.5)', () => {
    const spread = (noise: number) =>
      std(
        points(loadBuiltin('gaussian', { samples: 4000, noise, seed: 4 }))
          .filter((p) => p[2] === 1)
          .map((p) => p[0]),
      );
    expect(spread(0)).toBeCloseTo(Math.sqrt(0.5), 1);
    expect(spread(0.5)).toBeCloseTo(2, 1);
  });

  it('spirals sit exactly on their curve without noise and within ±noise with it', () => {
    const off = (noise: number) => {
      const data = points(loadBuiltin('spirals', { samples: 200, noise, seed: 1 }));
      return Math.max(...data.slice(0, 100).map(([x, y], i) => Math.abs(Math.hypot(x, y) - (i / 100) * 5)));
    };
    expect(off(0)).toBeLessThan(1e-12);
    expect(off(0.5)).toBeGreaterThan(0.1);
    expect(off(0.5)).toBeLessThanOrEqual(Math.SQRT2 * 0.5 + 1e-12);
  });

  it('plane is y = (x1 + x2) / 10 without noise, and noise scatters it', () => {
    const residual = (noise: number) =>
      points(loadBuiltin('plane', { noise, seed: 1 })).map(([a, b, y]) => y - (a + b) / 10);
    expect(Math.max(...residual(0).map(Math.abs))).toBeLessThan(1e-15);
    expect(std(residual(0.5))).toBeGreaterThan(0.1);
  });

  it('gaussians stay in [-1, 1] and reach both signs', () => {
    const ys = points(loadBuiltin('gaussians')).map((p) => p[2]);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...ys)).toBeLessThanOrEqual(1);
    expect(ys.some((y) => y < -0.5) && ys.some((y) => y > 0.5)).toBe(true);
  });
});

describe('iris', () => {
  const iris = loadBuiltin('iris');

  it('has 150 rows, 50 per species, and the well-known column means', () => {
    expect(iris.columns).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species']);
    const summary = describeTable(iris);
    expect(summary.slice(0, 4).map((c) => Number(c.mean!.toFixed(3)))).toEqual([5.843, 3.057, 3.758, 1.199]);
    expect(summary[4]!.top).toEqual([
      { value: 'setosa', count: 50 },
      { value: 'versicolor', count: 50 },
      { value: 'virginica', count: 50 },
    ]);
    expect(summary.map((c) => c.missing)).toEqual([0, 0, 0, 0, 0]);
  });

  it.each([
    ['setosa', [5.006, 3.428, 1.462, 0.246]],
    ['versicolor', [5.936, 2.77, 4.26, 1.326]],
    ['virginica', [6.588, 2.974, 5.552, 2.026]],
  ])('%s has the textbook means', (species, means) => {
    const rows = iris.rows.filter((r) => r[4] === species);
    const got = [0, 1, 2, 3].map((j) =>
      Number((rows.reduce((a, r) => a + Number(r[j]), 0) / rows.length).toFixed(3)),
    );
    expect(got).toEqual(means);
  });

  it('carries the corrected rows 35 and 38 (UCI iris.data had them wrong)', () => {
    expect(iris.rows[34]).toEqual(['4.9', '3.1', '1.5', '0.2', 'setosa']);
    expect(iris.rows[37]).toEqual(['4.9', '3.6', '1.4', '0.1', 'setosa']);
  });

  it('prepares as a three-class problem', () => {
    const prep = prepareData(iris, { validationSplit: 0.2, seed: 1 });
    expect(prep.preprocessing.target).toMatchObject({ classes: ['setosa', 'versicolor', 'virginica'] });
    expect([prep.train.n, prep.validation.n, prep.train.nIn, prep.train.nOut]).toEqual([120, 30, 4, 3]);
  });
});
