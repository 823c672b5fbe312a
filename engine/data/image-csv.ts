/**
 * A CSV of pixel columns read as images of a declared shape: the target column (default the last)
 * labels each row, every other column, in file order, is one pixel (h·w·c of them, row-major, channels
 * last), a whole number from 0 to 255.
 */
import { fail } from '../errors.ts';
import { rowNumber } from './csv.ts';
import { checkImageShape, imageSize } from './images.ts';
import type { ImageShape, ImageTable } from './image-table.ts';
import { classNames, labelAt } from './target.ts';
import { columnIndex, readColumn } from './typing.ts';
import type { RawTable } from './types.ts';
import { tableLength } from './types.ts';

/** The rows of `raw` as images of `shape`; errors name the row and column of a cell that is no pixel. */
export function imagesFromTable(raw: RawTable, shape: readonly number[], target?: string): ImageTable {
  checkImageShape(shape);
  const name = target ?? raw.columns[raw.columns.length - 1]!;
  const t = columnIndex(raw, name);
  if (t < 0) {
    const list = raw.columns.map((c) => `"${c}"`);
    fail('UNKNOWN_COLUMN', 'data.unknownColumn', { column: name, list }, { column: name });
  }
  const size = imageSize(shape as ImageShape);
  const pixelColumns = raw.columns.flatMap((_, j) => (j === t ? [] : [j]));
  if (pixelColumns.length !== size)
    fail('NO_FEATURES', 'data.pixelColumns', {
      shape: shape.join('×'),
      size,
      got: pixelColumns.length,
    });
  const n = tableLength(raw);
  const targetColumn = readColumn(raw, t);
  const classes = classNames(targetColumn);
  const index = new Map(classes.map((c, k) => [c, k]));
  const labels = classes.length <= 256 ? new Uint8Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const label = labelAt(targetColumn, i);
    if (label === null)
      fail('BAD_CELL', 'data.targetMissing', { row: rowNumber(raw, i), column: name }, { column: name });
    labels[i] = index.get(label)!;
  }
  const pixels = new Uint8Array(n * size);
  pixelColumns.forEach((j, p) => {
    const column = readColumn(raw, j);
    const bad = (i: number, value: string): never =>
      fail(
        'BAD_CELL',
        'data.pixelRange',
        { row: rowNumber(raw, i), column: column.name, value },
        { row: rowNumber(raw, i), column: column.name },
      );
    if (column.type !== 'numeric') {
      const i = column.values.findIndex((v) => v !== null);
      bad(Math.max(0, i), column.values[Math.max(0, i)] ?? '');
      return;
    }
    const v = column.values;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (!(x >= 0 && x <= 255 && Number.isInteger(x))) bad(i, Number.isNaN(x) ? '' : String(x));
      pixels[i * size + p] = x;
    }
  });
  return {
    kind: 'images',
    shape: [...shape] as ImageShape,
    pixels,
    labels,
    classes,
    target: name,
    featureNames: pixelColumns.map((j) => raw.columns[j]!),
  };
}
