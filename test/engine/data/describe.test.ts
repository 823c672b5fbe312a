import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../engine/data/csv.ts';
import { describeTable } from '../../../engine/data/describe.ts';
import { readColumn, typeColumn } from '../../../engine/data/typing.ts';
import { errorOf } from './helpers.ts';

const table = parseCsv(
  [
    'age,city,score,code',
    '30,Paris,1.5,A1',
    'NA,Lyon,?,7',
    '40,Paris,,B2',
    '-,Nice,2.5,9',
    '50,,N/A,3',
    '30,Paris,4,C',
  ].join('\n'),
);

describe('describeTable', () => {
  const [age, city, score, code] = describeTable(table);

  it('counts missing cells per column, over every marker', () => {
    expect([age, city, score, code].map((c) => [c!.name, c!.missing, c!.count])).toEqual([
      ['age', 2, 4],
      ['city', 1, 5],
      ['score', 3, 3],
      ['code', 0, 6],
    ]);
  });

  it('summarises numeric columns exactly', () => {
    expect(age).toEqual({
      name: 'age',
      type: 'numeric',
      count: 4,
      missing: 2,
      distinct: 3,
      min: 30,
      max: 50,
      mean: 37.5,
      std: Math.sqrt((7.5 ** 2 * 2 + 2.5 ** 2 + 12.5 ** 2) / 4),
    });
    expect([score!.min, score!.max, score!.mean]).toEqual([1.5, 4, 8 / 3]);
  });

  it('lists categories by count, ties by name', () => {
    expect(city).toMatchObject({ type: 'categorical', distinct: 3 });
    expect(city!.top).toEqual([
      { value: 'Paris', count: 3 },
      { value: 'Lyon', count: 1 },
      { value: 'Nice', count: 1 },
    ]);
  });

  it('treats a column whose cells are at most half numbers as text', () => {
    expect(code).toMatchObject({ type: 'categorical', distinct: 6 });
  });

  it('reports bad cells in a mostly numeric column instead of throwing', () => {
    const raw = parseCsv('x\n1\n2\n12abc\n4\n0x1F\n');
    expect(describeTable(raw)[0]).toMatchObject({
      type: 'numeric',
      count: 3,
      invalid: { count: 2, row: 4, value: '12abc' },
    });
  });

  it('counts numbers by value: 1, 1.0 and +1 are one distinct value', () => {
    expect(describeTable(parseCsv('x\n1\n1.0\n+1\n2\n'))[0]!.distinct).toBe(2);
  });

  it('works with a __proto__ column', () => {
    const [proto] = describeTable(parseCsv('__proto__,y\n1,a\n3,b\n'));
    expect(proto).toMatchObject({ name: '__proto__', type: 'numeric', mean: 2 });
  });
});

describe('column typing: never silently a number', () => {
  const ages = ['31', '25', '40', '22', '12abc', '35', '28', '50', '61', '44'];
  it('refuses garbage in a numeric column, naming the spreadsheet row and the column', () => {
    const raw = parseCsv(['age', ...ages].join('\n'));
    const error = errorOf(() => readColumn(raw, 0));
    expect(error).toMatchObject({ code: 'BAD_CELL', row: 6, column: 'age' });
    expect(error.message).toBe(
      'Line 6, column "age": "12abc" is not a number; the rest of the column is numeric.',
    );
  });

  it.each(['0x1F', '1e400', '1,5', 'Infinity', '12abc'])('%j among numbers is a BAD_CELL', (cell) => {
    const raw = { columns: ['v'], rows: [['1'], ['2'], ['3'], [cell]] };
    expect(errorOf(() => readColumn(raw, 0))).toMatchObject({ code: 'BAD_CELL', row: 5, column: 'v' });
  });

  it('keeps a mixed column as text when the user says it is categorical', () => {
    const raw = { columns: ['size'], rows: [['1'], ['2'], ['XL']] };
    expect(readColumn(raw, 0, true)).toMatchObject({ type: 'categorical', values: ['1', '2', 'XL'] });
  });

  it('parses numbers in float64 and marks missing cells NaN', () => {
    const raw = { columns: ['v'], rows: [['16777217'], ['NA'], ['0.1']] };
    const { column } = typeColumn(raw, 0);
    expect(column.type).toBe('numeric');
    expect(Array.from(column.values as Float64Array)).toEqual([16777217, NaN, 0.1]);
  });
});
