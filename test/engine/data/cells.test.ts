import { describe, expect, it } from 'vitest';
import { isMissing, numberLabel, parseNumber } from '../../../engine/data/cells.ts';

describe('parseNumber: a cell is a number only if it is a plain finite decimal', () => {
  it.each([
    ['0', 0],
    ['12', 12],
    [' 12 ', 12],
    ['-3.5', -3.5],
    ['+4', 4],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['1e308', 1e308],
    ['007', 7],
  ])('%j is %d', (cell, value) => {
    expect(parseNumber(cell)).toBe(value);
  });

  it.each([
    '12abc',
    '0x1F',
    '0b101',
    '1e400',
    '-1e400',
    '1,5',
    '1 000',
    '1_000',
    'NaN',
    'Infinity',
    '-Infinity',
    'inf',
    '1.2.3',
    '--1',
    'e5',
    '.',
    '',
    '   ',
    '١٢',
    '12%',
    '$5',
  ])('%j is not a number', (cell) => {
    expect(parseNumber(cell)).toBeNaN();
  });
});

describe('isMissing: the documented markers, trimmed, any case', () => {
  it.each(['', '   ', 'NA', 'na', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', '?', '-', ' ? '])(
    '%j is missing',
    (cell) => {
      expect(isMissing(cell)).toBe(true);
    },
  );
  it.each(['0', 'None', 'none', 'NAN1', 'n.a.', '--', 'x'])('%j is not missing', (cell) => {
    expect(isMissing(cell)).toBe(false);
  });
});

describe('numberLabel', () => {
  it.each([
    [1, '1'],
    [-0, '0'],
    [2.5, '2.5'],
    [1e21, '1e+21'],
  ])('%d names class %j', (v, name) => {
    expect(numberLabel(v)).toBe(name);
  });
});
