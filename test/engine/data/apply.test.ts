import { describe, expect, it } from 'vitest';
import { decodeOutput, encodeRows } from '../../../engine/data/apply.ts';
import { parseCsv } from '../../../engine/data/csv.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import type { Preprocessing } from '../../../engine/data/types.ts';
import { errorOf, matrix } from './helpers.ts';

const csv = (lines: string[]) => parseCsv(lines.join('\n'));

const prep: Preprocessing = {
  features: [
    { name: 'age', kind: 'numeric', mean: 40, scale: 10, fill: 35 },
    { name: 'city', kind: 'categorical', categories: ['Lyon', 'Paris'], fill: null },
  ],
  target: { name: 'buys', task: 'classification', classes: ['no', 'yes'] },
  missing: 'impute',
  normalize: 'standard',
};

describe('encodeRows', () => {
  it('matches columns by name, in any order, and applies the record', () => {
    const out = encodeRows(prep, csv(['city,age', 'Paris,50', 'Lyon,NA', ' Lyon ,20']));
    expect(out).toMatchObject({ n: 3, nIn: 3 });
    expect(out.y).toBeUndefined();
    expect(matrix(out.x, 3)).toEqual([
      [1, 0, 1],
      [-0.5, 1, 0],
      [-2, 1, 0],
    ]);
  });

  it('encodes the target when asked, one-hot over all classes', () => {
    const out = encodeRows(prep, csv(['age,city,buys', '50,Paris,yes', '30,Lyon,no']), {
      requireTarget: true,
    });
    expect(matrix(out.y!, 2)).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it.each([
    ['a missing feature column', ['age,buys', '1,yes'], {}, 'MISSING_COLUMN', 'city', undefined],
    [
      'a missing target column when required',
      ['age,city', '1,Paris'],
      { requireTarget: true },
      'MISSING_COLUMN',
      'buys',
      undefined,
    ],
    ['an extra column', ['age,city,id', '1,Paris,7'], {}, 'EXTRA_COLUMN', 'id', undefined],
    ['a non-number', ['age,city', '30,Paris', '1e400,Lyon'], {}, 'BAD_CELL', 'age', 3],
    ['an unseen category', ['age,city', '30,Paris', '31,Paris', '32,Nice'], {}, 'BAD_CELL', 'city', 4],
    ['a missing value with no fill', ['age,city', '30,NA'], {}, 'BAD_CELL', 'city', 2],
    ['an unknown class', ['age,city,buys', '30,Paris,maybe'], { requireTarget: true }, 'BAD_CELL', 'buys', 2],
  ])('refuses %s', (_, lines, options, code, column, row) => {
    const error = errorOf(() => encodeRows(prep, csv(lines), options));
    expect([error.code, error.column, error.row]).toEqual([code, column, row]);
  });

  it('names the column and row in the message', () => {
    expect(errorOf(() => encodeRows(prep, csv(['age,city', '30,Paris', '31,Nice']))).message).toBe(
      'Line 3, column "city": category "Nice" was not in the training data.',
    );
    expect(errorOf(() => encodeRows(prep, csv(['age,city,id', '1,Paris,7']))).message).toBe(
      'Column "id" is neither a feature of the model nor its target.',
    );
  });

  it('predicts training rows exactly as prepareData encoded them', () => {
    const raw = csv(['a,b,y', '1,x,0.5', '2,y,1.5', '4,x,2.5', '8,y,3.5']);
    const prepared = prepareData(raw, { validationSplit: 0, seed: 3 });
    const again = encodeRows(prepared.preprocessing, raw, { requireTarget: true });
    const order = Array.from(prepared.train.y).map((v) => Array.from(again.y!).indexOf(v));
    expect(order.map((i) => Array.from(again.x.subarray(i * 3, i * 3 + 3)))).toEqual(
      matrix(prepared.train.x, 3),
    );
  });

  it('accepts numeric class labels in any spelling', () => {
    const numeric = {
      ...prep,
      target: { name: 'buys', task: 'classification' as const, classes: ['0', '1'] },
    };
    const out = encodeRows(numeric, csv(['age,city,buys', '30,Paris,1.0', '30,Paris,0']), {
      requireTarget: true,
    });
    expect(Array.from(out.y!)).toEqual([0, 1, 1, 0]);
  });
});

describe('decodeOutput', () => {
  it('undoes the regression scaling (round trip through encodeRows)', () => {
    const raw = csv(['x,y', '1,10', '2,20', '3,30', '4,40']);
    const { preprocessing } = prepareData(raw, { validationSplit: 0, seed: 1 });
    expect(preprocessing.target).toMatchObject({ mean: 25, scale: Math.sqrt(125) });
    const { y } = encodeRows(preprocessing, raw, { requireTarget: true });
    const values = decodeOutput(preprocessing, y!, 4, 1).map((p) => ('value' in p ? p.value : NaN));
    expect(values.map((v) => Math.round(v * 1e4) / 1e4).sort((a, b) => a - b)).toEqual([10, 20, 30, 40]);
    expect(decodeOutput(preprocessing, new Float32Array([0, 1]), 2, 1)).toEqual([
      { value: 25 },
      { value: 25 + Math.sqrt(125) },
    ]);
  });

  it('reads a sigmoid output as P(classes[1]) with a 0.5 threshold', () => {
    const out = decodeOutput(prep, new Float32Array([0.25, 0.5, 0.75]), 3, 1);
    expect(out).toEqual([
      { label: 'no', probabilities: [0.75, 0.25] },
      { label: 'no', probabilities: [0.5, 0.5] },
      { label: 'yes', probabilities: [0.25, 0.75] },
    ]);
  });

  it('takes the arg-max of softmax outputs', () => {
    const three = {
      ...prep,
      target: { name: 's', task: 'classification' as const, classes: ['a', 'b', 'c'] },
    };
    const out = decodeOutput(three, new Float32Array([0.5, 0.25, 0.25, 0, 0, 1]), 2, 3);
    expect(out).toEqual([
      { label: 'a', probabilities: [0.5, 0.25, 0.25] },
      { label: 'c', probabilities: [0, 0, 1] },
    ]);
  });

  it.each([
    [3, 1],
    [2, 2],
  ])('refuses outputs of the wrong width (%d classes, width %d)', (classes, width) => {
    const p = {
      ...prep,
      target: { name: 's', task: 'classification' as const, classes: ['a', 'b', 'c'].slice(0, classes) },
    };
    const wrong = classes === 2 ? new Float32Array(3) : new Float32Array(width);
    expect(errorOf(() => decodeOutput(p, wrong, 1, width)).code).toBe('OUTPUT_WIDTH_MISMATCH');
  });
});
