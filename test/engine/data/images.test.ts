import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../engine/data/csv.ts';
import { imagesFromTable } from '../../../engine/data/image-csv.ts';
import { imageInputs, limitImages, MAX_IMAGE_INPUTS, prepareImages } from '../../../engine/data/images.ts';
import { FILE_LIMITS } from '../../../engine/formats/limits.ts';
import { prepareTable } from '../../../engine/data/prepare.ts';
import type { ImageTable } from '../../../engine/data/types.ts';
import { errorOf, matrix } from './helpers.ts';

/** Six 2×2 grey images whose first pixel is 10·i; labels cycle a, b, c; the last two are the test split. */
function six(testFrom?: number): ImageTable {
  const pixels = new Uint8Array(6 * 4);
  for (let i = 0; i < 6; i++) pixels.set([10 * i, 255, 0, 51], 4 * i);
  const t: ImageTable = {
    kind: 'images',
    shape: [2, 2, 1],
    pixels,
    labels: Uint8Array.of(0, 1, 2, 0, 1, 2),
    classes: ['a', 'b', 'c'],
  };
  if (testFrom !== undefined) t.testFrom = testFrom;
  return t;
}

const split = { validationSplit: 0.5, seed: 1 };

describe('prepareImages', () => {
  it('scales pixels by 1/255 and one-hot encodes the labels, no standardisation', () => {
    const p = prepareImages(six(4), split);
    expect(p.train.nIn).toBe(4);
    expect(matrix(p.train.x, 4)[1]).toEqual([10 / 255, 1, 0, 51 / 255].map(Math.fround));
    expect(matrix(p.train.y, 3)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(p.preprocessing.image).toEqual({ shape: [2, 2, 1], scale: 255 });
    expect(p.preprocessing.normalize).toBe('none');
    expect(p.preprocessing.features.map((f) => f.name)).toEqual(['pixel0', 'pixel1', 'pixel2', 'pixel3']);
    expect(p.preprocessing.features[0]).toEqual({
      name: 'pixel0',
      kind: 'numeric',
      mean: 0,
      scale: 255,
      fill: null,
    });
    expect(p.preprocessing.target).toEqual({
      name: 'label',
      task: 'classification',
      classes: ['a', 'b', 'c'],
    });
  });

  it('validates on exactly the official test rows, whatever the split fraction and seed', () => {
    for (const seed of [1, 2]) {
      const p = prepareImages(six(4), { validationSplit: 0.2, seed });
      expect(p.report?.trainRows).toBe(4);
      expect(matrix(p.validation.x, 4).map((r) => Math.round(r[0]! * 255))).toEqual([40, 50]);
      expect(matrix(p.train.x, 4).map((r) => Math.round(r[0]! * 255))).toEqual([0, 10, 20, 30]);
    }
  });

  it('without a test split, splits as a CSV is split (seeded shuffle, then the first rows train)', () => {
    const a = prepareImages(six(), split);
    const b = prepareImages(six(), split);
    expect(a.train.n).toBe(3);
    expect(Array.from(a.validation.x)).toEqual(Array.from(b.validation.x));
    const firsts = [...matrix(a.train.x, 4), ...matrix(a.validation.x, 4)].map((r) =>
      Math.round(r[0]! * 255),
    );
    expect(firsts.sort((x, y) => x - y)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(prepareTable(six(), { ...split, shuffle: false }).train.x[4]).toBeCloseTo(10 / 255, 6);
  });

  it('continues from a model: its classes order the outputs, its shape must match', () => {
    const pre = prepareImages(six(4), split).preprocessing;
    const flipped: ImageTable = { ...six(4), classes: ['c', 'b', 'a'] };
    const p = prepareImages(flipped, split, pre);
    expect(matrix(p.train.y, 3)[0]).toEqual([0, 0, 1]); // label 0 is "c", the model's third class
    const other: ImageTable = { ...six(4), shape: [1, 4, 1] };
    expect(errorOf(() => prepareImages(other, split, pre)).message).toBe(
      'The images are 1×4×1, but the model takes 2×2×1.',
    );
    const stranger: ImageTable = { ...six(4), classes: ['a', 'b', 'z'] };
    expect(errorOf(() => prepareImages(stranger, split, pre)).message).toBe(
      'Class "z" is not one of the model\'s classes.',
    );
  });

  it('refuses a regression task, bytes that do not fit the shape, one class, and a bad shape', () => {
    expect(errorOf(() => prepareTable(six(), { ...split, task: 'regression' })).code).toBe('BAD_TARGET');
    expect(errorOf(() => prepareImages({ ...six(), pixels: new Uint8Array(23) }, split)).message).toBe(
      '6 images of 2×2×1 need h·w·c bytes each; got 23 bytes in all.',
    );
    expect(
      errorOf(() => prepareImages({ ...six(), classes: ['a'], labels: new Uint8Array(6) }, split)).code,
    ).toBe('BAD_TARGET');
    expect(errorOf(() => prepareImages({ ...six(), shape: [2, 2, 2] }, split)).code).toBe(
      'BAD_HYPERPARAMETER',
    );
    expect(errorOf(() => prepareImages({ ...six(), shape: [300, 300, 1] }, split)).message).toBe(
      'Images of 300×300×1 have 90000 inputs; at most 65536 are possible (choose a smaller image size).',
    );
  });

  it('allows no image larger than a weights file can describe', () => {
    expect(MAX_IMAGE_INPUTS).toBe(FILE_LIMITS.features);
  });

  it('limits the training rows and keeps the whole test split', () => {
    const t = limitImages(six(4), 2);
    expect(t.testFrom).toBe(2);
    expect(Array.from(t.labels)).toEqual([0, 1, 1, 2]);
    expect(Array.from(t.pixels.filter((_, i) => i % 4 === 0))).toEqual([0, 10, 40, 50]);
    expect(limitImages(six(4), 10)).toEqual(six(4));
    expect(limitImages(six(), 3).labels.length).toBe(3);
  });

  it('gives every image as model inputs for prediction', () => {
    const pre = prepareImages(six(4), split).preprocessing;
    const rows = imageInputs(pre, six());
    expect([rows.n, rows.nIn]).toEqual([6, 4]);
    expect(rows.x[20]).toBeCloseTo(50 / 255, 6);
  });
});

describe('a CSV of pixel columns with a declared shape', () => {
  const csv = parseCsv(['p0,p1,p2,p3,digit', '0,255,3,4,7', '9,8,7,6,1', '1,1,1,1,7'].join('\n'));

  it('reads the pixel columns in file order, the target as the label, classes sorted', () => {
    const t = imagesFromTable(csv, [2, 2, 1]);
    expect(t.classes).toEqual(['1', '7']);
    expect(Array.from(t.labels)).toEqual([1, 0, 1]);
    expect(Array.from(t.pixels.subarray(0, 8))).toEqual([0, 255, 3, 4, 9, 8, 7, 6]);
    const p = prepareImages(t, { validationSplit: 0, seed: 1, shuffle: false });
    expect(p.preprocessing.features.map((f) => f.name)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(p.preprocessing.target.name).toBe('digit');
    const first = parseCsv(['label,a,b', '3,0,1', '4,2,3'].join('\n'));
    expect(Array.from(imagesFromTable(first, [1, 2, 1], 'label').pixels)).toEqual([0, 1, 2, 3]);
  });

  it('refuses a column count that is not h·w·c, and cells that are not pixels, naming row and column', () => {
    expect(errorOf(() => imagesFromTable(csv, [2, 3, 1])).message).toBe(
      'An image of 2×3×1 has 6 pixels, so the data needs 6 pixel columns besides the target; it has 4.',
    );
    const bad = (cell: string) => parseCsv(['p0,p1,p2,p3,y', '0,1,2,3,a', `4,${cell},6,7,b`].join('\n'));
    for (const cell of ['256', '-1', '2.5']) {
      const e = errorOf(() => imagesFromTable(bad(cell), [2, 2, 1]));
      expect(e).toMatchObject({ code: 'BAD_CELL', row: 3, column: 'p1' });
      expect(e.message).toBe(
        `Line 3, column "p1": "${cell}" is not a pixel value (a whole number from 0 to 255).`,
      );
    }
    expect(errorOf(() => imagesFromTable(bad(''), [2, 2, 1])).message).toContain('""');
    expect(errorOf(() => imagesFromTable(bad('x'), [2, 2, 1])).code).toBe('BAD_CELL');
    expect(errorOf(() => imagesFromTable(csv, [2, 2, 1], 'nope')).code).toBe('UNKNOWN_COLUMN');
  });
});
