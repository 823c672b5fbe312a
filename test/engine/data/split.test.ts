import { describe, expect, it } from 'vitest';
import { encodeRows } from '../../../engine/data/apply.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import { splitDataset, splitIndices } from '../../../engine/data/split.ts';
import type { RowTable } from '../../../engine/data/types.ts';
import { errorOf } from './helpers.ts';

const raw: RowTable = {
  columns: ['x', 'label'],
  rows: Array.from({ length: 20 }, (_, i) => [String(i), i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : 'c']),
};

describe('split', () => {
  it.each([
    [10, 0.25, 7],
    [10, 0.33, 6],
    [30, 0.3, 21],
    [150, 0.2, 120],
    [10, 0, 10],
  ])('%d rows at split %d: the first floor(n × (1 − split)) = %d train (Keras)', (n, split, nTrain) => {
    const rows = Array.from({ length: n }, (_, i) => i);
    const { train, validation } = splitIndices(rows, split, 1, false);
    expect(train).toEqual(rows.slice(0, nTrain));
    expect(validation).toEqual(rows.slice(nTrain));
  });

  it('shuffles by seed without mutating the input', () => {
    const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const a = splitIndices(rows, 0.25, 1);
    expect(a).toEqual(splitIndices(rows, 0.25, 1));
    expect([...a.train, ...a.validation].sort((p, q) => p - q)).toEqual(rows);
    expect(rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses a split that leaves no training rows', () => {
    expect(errorOf(() => splitIndices([0], 0.6, 1)).code).toBe('NO_DATA');
  });

  it('re-encoded rows split exactly as prepareData split them (same seed, same rows)', () => {
    const prepared = prepareData(raw, { validationSplit: 0.25, seed: 11, normalize: 'none' });
    const encoded = encodeRows(prepared.preprocessing, raw, { requireTarget: true });
    expect([encoded.nIn, encoded.nOut]).toEqual([1, 3]);
    const all = { n: encoded.n, nIn: encoded.nIn, nOut: encoded.nOut, x: encoded.x, y: encoded.y! };
    const { train, validation } = splitDataset(all, 0.25, 11);
    expect(train).toEqual(prepared.train);
    expect(validation).toEqual(prepared.validation);
  });
});
