/**
 * Image tables and their preparation: x = pixel / 255 as float32 (no per-column standardisation: every
 * input is a pixel on the same scale), y one-hot over the classes. A table with an official test split
 * (`testFrom`) validates on exactly those rows; any other is split as a CSV is (split.ts).
 */
import { fail } from '../errors.ts';
import { splitIndices } from './split.ts';
import type { ImageShape, ImageTable } from './image-table.ts';
import type { Dataset, DataReport, ImageSpec, NumericFeature, PreparedData, Preprocessing } from './types.ts';

/** Inputs an image may have (h·w·c): a 256 × 256 grey image, or 147 × 147 in colour. */
export const MAX_IMAGE_INPUTS = 65_536;

/** Pixel values are divided by this to give inputs in [0, 1]. */
export const PIXEL_SCALE = 255;

/** The number of images of a table. */
export function imageCount(t: ImageTable): number {
  return t.labels.length;
}

/** The inputs of one image, h·w·c. */
export function imageSize(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

/** The default input names: `pixel0` … `pixel{h·w·c − 1}`. */
export function pixelNames(size: number): string[] {
  return Array.from({ length: size }, (_, i) => `pixel${i}`);
}

/** Refuses a shape that is not whole positive numbers with 1 or 3 channels, or is too large. */
export function checkImageShape(shape: readonly number[]): asserts shape is ImageShape {
  const [h, w, c] = shape;
  const whole = (v: number | undefined) => v !== undefined && Number.isInteger(v) && v >= 1;
  if (shape.length !== 3 || !whole(h) || !whole(w) || (c !== 1 && c !== 3))
    fail('BAD_HYPERPARAMETER', 'data.imageShape', { shape: shape.join('×') });
  const size = h! * w! * c!;
  if (size > MAX_IMAGE_INPUTS)
    fail('TOO_LARGE', 'data.imageTooLarge', { shape: shape.join('×'), size, max: MAX_IMAGE_INPUTS });
}

/** The preprocessing record of images of `shape`: every input a numeric feature x / 255. */
export function imagePreprocessing(t: ImageTable): Preprocessing {
  const size = imageSize(t.shape);
  const names = t.featureNames ?? pixelNames(size);
  const features: NumericFeature[] = names.map((name) => ({
    name,
    kind: 'numeric',
    mean: 0,
    scale: PIXEL_SCALE,
    fill: null,
  }));
  const image: ImageSpec = { shape: [...t.shape], scale: PIXEL_SCALE };
  return {
    features,
    target: { name: t.target ?? 'label', task: 'classification', classes: [...t.classes] },
    missing: 'drop',
    normalize: 'none',
    image,
  };
}

/** The rows `rows` of a table as a dataset; `classOf` maps a table label to a model class. */
function imageRows(t: ImageTable, rows: readonly number[], classOf: Int32Array, nOut: number): Dataset {
  const d = imageSize(t.shape);
  const x = new Float32Array(rows.length * d);
  const y = new Float32Array(rows.length * nOut);
  const { pixels, labels } = t;
  // One division per byte value, not per pixel (the same float32 as x / 255 computed each time).
  const value = new Float32Array(256);
  for (let v = 0; v < 256; v++) value[v] = v / PIXEL_SCALE;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    const from = i * d;
    const to = k * d;
    for (let j = 0; j < d; j++) x[to + j] = value[pixels[from + j]!]!;
    y[k * nOut + classOf[labels[i]!]!] = 1;
  }
  return { n: rows.length, nIn: d, nOut, x, y };
}

/** Refuses images whose shape is not the one the model was trained on. */
function checkModelShape(pre: Preprocessing, t: ImageTable): void {
  const shape = pre.image?.shape;
  if (!shape || shape.join('×') !== t.shape.join('×'))
    fail('INPUT_WIDTH_MISMATCH', 'data.imageShapeMismatch', {
      shape: t.shape.join('×'),
      model: shape ? shape.join('×') : `${pre.features.length} inputs`,
    });
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

/** How to split an image table (the official test split, when it has one, overrides the fraction). */
export interface ImagePrepareOptions {
  validationSplit: number;
  seed: number;
  shuffle?: boolean;
}

/**
 * Prepares an image table for training. With `pre` (stored weights to continue from), its classes and
 * image shape are the model's: the table's must match the shape, and its classes must be among them.
 */
export function prepareImages(
  t: ImageTable,
  options: ImagePrepareOptions,
  pre?: Preprocessing,
): PreparedData {
  checkImageShape(t.shape);
  const n = imageCount(t);
  const d = imageSize(t.shape);
  if (t.pixels.length !== n * d)
    fail('BAD_FILE', 'data.imageBytes', { n, shape: t.shape.join('×'), got: t.pixels.length });
  if (n === 0) fail('NO_DATA', 'data.noImages');
  const preprocessing = pre ?? imagePreprocessing(t);
  const target = preprocessing.target;
  if (target.task !== 'classification') fail('BAD_TARGET', 'data.imagesClassify');
  if (pre) checkModelShape(pre, t);
  else if (t.classes.length < 2)
    fail('BAD_TARGET', 'data.tooFewClasses', { column: target.name, count: t.classes.length });
  const classOf = new Int32Array(t.classes.length);
  t.classes.forEach((c, k) => {
    const m = target.classes.indexOf(c);
    if (m < 0) fail('BAD_TARGET', 'data.unknownImageClass', { value: c });
    classOf[k] = m;
  });

  const testFrom = t.testFrom;
  const { train, validation } =
    testFrom !== undefined && testFrom > 0 && testFrom < n
      ? { train: range(0, testFrom), validation: range(testFrom, n) }
      : splitIndices(range(0, n), options.validationSplit, options.seed, options.shuffle ?? true);
  const nOut = target.classes.length;
  const report: DataReport = {
    rows: n,
    droppedMissingTarget: 0,
    droppedMissingFeatures: 0,
    missingByFeature: new Array<number>(d).fill(0),
    imputed: 0,
    unseenCategories: 0,
    trainRows: train.length,
    validationRows: validation.length,
  };
  return {
    train: imageRows(t, train, classOf, nOut),
    validation: imageRows(t, validation, classOf, nOut),
    preprocessing,
    report,
  };
}

/** Every image of a table as model inputs for a model whose preprocessing is `pre` (same image shape). */
export function imageInputs(pre: Preprocessing, t: ImageTable): { n: number; nIn: number; x: Float32Array } {
  checkModelShape(pre, t);
  const n = imageCount(t);
  const { x } = imageRows(t, range(0, n), new Int32Array(t.classes.length), 1);
  return { n, nIn: imageSize(t.shape), x };
}

/** The first `count` rows before the official test split (all of it kept); without one, the first `count`. */
export function limitImages(t: ImageTable, count: number): ImageTable {
  const d = imageSize(t.shape);
  const n = imageCount(t);
  const end = t.testFrom ?? n;
  if (count >= end) return t;
  const keep = [...range(0, count), ...range(end, n)];
  const pixels = new Uint8Array(keep.length * d);
  const labels = new (t.labels.constructor as new (n: number) => Uint8Array | Uint16Array)(keep.length);
  keep.forEach((i, k) => {
    pixels.set(t.pixels.subarray(i * d, (i + 1) * d), k * d);
    labels[k] = t.labels[i]!;
  });
  const limited: ImageTable = { ...t, pixels, labels };
  if (t.testFrom !== undefined) limited.testFrom = count;
  return limited;
}
