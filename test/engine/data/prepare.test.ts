import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../engine/data/csv.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import { inferTask } from '../../../engine/data/target.ts';
import { readColumn } from '../../../engine/data/typing.ts';
import type { RowTable } from '../../../engine/data/types.ts';
import { errorOf, matrix } from './helpers.ts';

const csv = (lines: string[]) => parseCsv(lines.join('\n'));
const fixed = { validationSplit: 0, seed: 1, shuffle: false } as const;

// Rows 0–3 train and rows 4–5 validate (split 1/3, no shuffle); the means differ on purpose.
const mixed = csv([
  'x,colour,label',
  '1,red,a',
  '3,blue,b',
  'NA,red,a',
  '5,green,b',
  '100,purple,a',
  ',blue,b',
]);

describe('prepareData: split first, then fit on the training rows only', () => {
  const prep = prepareData(mixed, { validationSplit: 1 / 3, seed: 1, shuffle: false, missing: 'impute' });
  const [x, colour] = prep.preprocessing.features;
  const s = Math.sqrt(8 / 3); // population std of 1, 3, 5

  it('imputes with the training mean (3), not the mean of all rows (27.25)', () => {
    expect(x).toEqual({ name: 'x', kind: 'numeric', mean: 3, scale: s, fill: 3 });
  });

  it('one-hot encodes categories from the training rows, sorted; the mode fills', () => {
    expect(colour).toEqual({
      name: 'colour',
      kind: 'categorical',
      categories: ['blue', 'green', 'red'],
      fill: 'red',
    });
  });

  it('encodes train and validation with the training statistics; an unseen category is all zeros', () => {
    const f = Math.fround;
    expect(matrix(prep.train.x, 4)).toEqual([
      [f(-2 / s), 0, 0, 1],
      [0, 1, 0, 0],
      [0, 0, 0, 1],
      [f(2 / s), 0, 1, 0],
    ]);
    expect(matrix(prep.validation.x, 4)).toEqual([
      [f(97 / s), 0, 0, 0],
      [0, 1, 0, 0],
    ]);
    expect(matrix(prep.train.y, 2)).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
  });

  it('reports what it did', () => {
    expect(prep.report).toEqual({
      rows: 6,
      droppedMissingTarget: 0,
      droppedMissingFeatures: 0,
      missingByFeature: [2, 0],
      imputed: 2,
      unseenCategories: 1,
      trainRows: 4,
      validationRows: 2,
    });
  });
});

describe('prepareData: missing values', () => {
  it("'drop' removes rows with a missing feature; a missing target is dropped under either rule", () => {
    const raw = csv(['x,y', '1,10', 'NA,20', '3,', '4,40', '?,?']);
    const dropped = prepareData(raw, { ...fixed, normalize: 'none' });
    expect(Array.from(dropped.train.x)).toEqual([1, 4]);
    expect(Array.from(dropped.train.y)).toEqual([10, 40]);
    expect(dropped.preprocessing.features[0]!.fill).toBeNull();
    expect(dropped.report).toMatchObject({
      droppedMissingTarget: 2,
      droppedMissingFeatures: 1,
      missingByFeature: [2],
    });
    const imputed = prepareData(raw, { ...fixed, normalize: 'none', missing: 'impute' });
    expect(Array.from(imputed.train.x)).toEqual([1, 2.5, 4]);
    expect(imputed.report).toMatchObject({ droppedMissingTarget: 2, droppedMissingFeatures: 0, imputed: 1 });
  });

  it('refuses a table where nothing survives', () => {
    expect(errorOf(() => prepareData(csv(['x,y', 'NA,1', '?,2']), fixed)).code).toBe('NO_DATA');
  });
});

describe('prepareData: standardisation', () => {
  it('uses float64 training statistics (float32 would see 16777216 and 16777220)', () => {
    const prep = prepareData(csv(['x,y', '16777217,1', '16777219,2']), { ...fixed, task: 'regression' });
    expect(prep.preprocessing.features[0]).toMatchObject({ mean: 16777218, scale: 1 });
    expect(Array.from(prep.train.x)).toEqual([-1, 1]);
    expect(prep.preprocessing.target).toMatchObject({ task: 'regression', mean: 1.5, scale: 0.5 });
    expect(Array.from(prep.train.y)).toEqual([-1, 1]);
  });

  it('guards σ = 0: a constant column gets scale 1 and stays finite', () => {
    const raw = csv(['c,d,y', '0.1,5,1', '0.1,5,2', '0.1,5,3', '0.1,7,4']);
    const prep = prepareData(raw, { validationSplit: 0.25, seed: 1, shuffle: false });
    expect(prep.preprocessing.features.map((f) => f.kind === 'numeric' && [f.mean, f.scale])).toEqual([
      [0.1, 1],
      [5, 1],
    ]);
    expect(Array.from(prep.train.x)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(prep.validation.x)).toEqual([0, 2]);
  });

  it("'none' leaves features and regression target as they are", () => {
    const prep = prepareData(csv(['x,y', '2,10.5', '4,20.5']), { ...fixed, normalize: 'none' });
    expect(prep.preprocessing.target).toEqual({ name: 'y', task: 'regression', mean: 0, scale: 1 });
    expect(Array.from(prep.train.x)).toEqual([2, 4]);
    expect(Array.from(prep.train.y)).toEqual([10.5, 20.5]);
  });
});

describe('target and task', () => {
  const ints = (values: number[]) => ['x,y', ...values.map((v, i) => `${i},${v}`)];
  it.each([
    ['text', csv(['x,y', '1,cat', '2,dog']), 'classification'],
    ['0/1 over 6 rows', csv(ints([0, 1, 0, 1, 1, 0])), 'classification'],
    ['3 classes over 6 rows', csv(ints([1, 2, 3, 1, 2, 3])), 'classification'],
    ['3 distinct over 5 rows (more than half)', csv(ints([1, 2, 3, 1, 2])), 'regression'],
    ['floats', csv(['x,y', '1,0.5', '2,1.5', '3,0.5', '4,1.5']), 'regression'],
    [
      '11 distinct integers over 100 rows',
      csv(ints(Array.from({ length: 100 }, (_, i) => i % 11))),
      'regression',
    ],
    [
      '10 distinct integers over 100 rows',
      csv(ints(Array.from({ length: 100 }, (_, i) => i % 10))),
      'classification',
    ],
    ['a single value', csv(ints([4, 4, 4, 4])), 'regression'],
  ])('%s → %s', (_, raw, task) => {
    expect(inferTask(readColumn(raw, 1))).toBe(task);
    expect(prepareData(raw, fixed).preprocessing.target.task).toBe(task);
  });

  it('defaults to the last column and takes another by name', () => {
    const raw = csv(['a,b,c', '1,x,10', '2,y,20']);
    expect(prepareData(raw, fixed).preprocessing.target.name).toBe('c');
    const byName = prepareData(raw, { ...fixed, target: 'a' });
    expect(byName.preprocessing.target.name).toBe('a');
    expect(byName.preprocessing.features.map((f) => f.name)).toEqual(['b', 'c']);
  });

  it('refuses an unknown target, listing the columns', () => {
    const error = errorOf(() => prepareData(csv(['a,b', '1,2']), { ...fixed, target: 'price' }));
    expect(error).toMatchObject({ code: 'UNKNOWN_COLUMN', column: 'price' });
    expect(error.message).toBe('There is no column "price"; the columns are "a", "b".');
  });

  it('refuses regression on a text target and a one-class classification', () => {
    const text = csv(['x,y', '1,cat', '2,dog']);
    expect(errorOf(() => prepareData(text, { ...fixed, task: 'regression' }))).toMatchObject({
      code: 'BAD_TARGET',
      column: 'y',
    });
    expect(errorOf(() => prepareData(csv(['x,y', '1,cat', '2,cat']), fixed)).code).toBe('BAD_TARGET');
  });

  it('keeps class names: text in code-unit order, numbers in numeric order and canonical form', () => {
    const text = prepareData(csv(['x,y', '1,banana', '2,Zebra', '3,apple', '4,banana']), fixed);
    expect(text.preprocessing.target).toEqual({
      name: 'y',
      task: 'classification',
      classes: ['Zebra', 'apple', 'banana'],
    });
    expect(matrix(text.train.y, 3)[1]).toEqual([1, 0, 0]);
    const nums = prepareData(csv(['x,y', '1,10', '2,9', '3,2.5', '4,1.0', '5,+1']), {
      ...fixed,
      task: 'classification',
    });
    expect(nums.preprocessing.target).toMatchObject({ classes: ['1', '2.5', '9', '10'] });
    expect(matrix(nums.train.y, 4)).toEqual([
      [0, 0, 0, 1],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
      [1, 0, 0, 0],
      [1, 0, 0, 0],
    ]);
  });

  it('forces numeric codes to categories on request', () => {
    const raw = csv(['zip,y', '75001,1', '69001,2', '75001,3']);
    const prep = prepareData(raw, { ...fixed, categorical: ['zip'] });
    expect(prep.preprocessing.features[0]).toMatchObject({
      kind: 'categorical',
      categories: ['69001', '75001'],
    });
  });

  it('works with columns named __proto__ and constructor', () => {
    const raw = csv(['__proto__,constructor', '1,a', '2,b', '3,a', '4,b']);
    const prep = prepareData(raw, fixed);
    expect(prep.preprocessing.features[0]).toMatchObject({ name: '__proto__', kind: 'numeric', mean: 2.5 });
    expect(prep.preprocessing.target).toEqual({
      name: 'constructor',
      task: 'classification',
      classes: ['a', 'b'],
    });
    expect(
      prepareData(raw, { ...fixed, target: '__proto__', task: 'regression' }).preprocessing.target.name,
    ).toBe('__proto__');
  });
});

describe('split', () => {
  const raw: RowTable = {
    columns: ['i', 'y'],
    rows: Array.from({ length: 10 }, (_, i) => [String(i), String(i * 2)]),
  };
  const opts = { validationSplit: 0.3, seed: 7, normalize: 'none' } as const;

  it('holds out the last rows; without shuffle, in file order', () => {
    const prep = prepareData(raw, { ...opts, shuffle: false });
    expect(Array.from(prep.train.x)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(prep.validation.x)).toEqual([7, 8, 9]);
  });

  it('shuffles with the seed by default: same seed same split, another seed another split', () => {
    const a = prepareData(raw, opts);
    const b = prepareData(raw, opts);
    const c = prepareData(raw, { ...opts, seed: 8 });
    expect(a.train.x).toEqual(b.train.x);
    expect(a.train.x).not.toEqual(c.train.x);
    expect([...a.train.x, ...a.validation.x].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it.each([-0.1, 1, NaN])('refuses validationSplit %d', (validationSplit) => {
    expect(errorOf(() => prepareData(raw, { ...opts, validationSplit })).code).toBe('BAD_HYPERPARAMETER');
  });
});
