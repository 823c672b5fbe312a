/**
 * What the data layer hands the trainer, and the preprocessing record that weights and project files
 * keep so that raw rows predict the same everywhere.
 */

export type Task = 'classification' | 'regression';
export type MissingRule = 'drop' | 'impute';
export type Normalize = 'standard' | 'none';

/** A numeric feature: x' = (x − mean) / scale; `fill` replaces a missing value (null: rows were dropped). */
export interface NumericFeature {
  name: string;
  kind: 'numeric';
  mean: number;
  scale: number;
  fill: number | null;
}

/** A categorical feature, one-hot encoded in `categories` order; an unseen category is an error. */
export interface CategoricalFeature {
  name: string;
  kind: 'categorical';
  categories: string[];
  fill: string | null;
}

export type FeatureSpec = NumericFeature | CategoricalFeature;

/** Classification: one output per class (softmax), or one output for two classes (sigmoid, classes[1] positive). */
export interface ClassificationTarget {
  name: string;
  task: 'classification';
  classes: string[];
}

/** Regression: the model predicts (y − mean) / scale. */
export interface RegressionTarget {
  name: string;
  task: 'regression';
  mean: number;
  scale: number;
}

export type TargetSpec = ClassificationTarget | RegressionTarget;

/**
 * Inputs that are the pixels of an image of `shape` [h, w, c] (channels last, row-major), each input
 * x' = pixel / `scale` (features[i] is pixel i, its mean 0 and scale `scale`).
 */
export interface ImageSpec {
  shape: [number, number, number];
  scale: number;
}

export interface Preprocessing {
  features: FeatureSpec[];
  target: TargetSpec;
  missing: MissingRule;
  normalize: Normalize;
  /** Present when the inputs are an image's pixels: its shape, for layers that read it as an image. */
  image?: ImageSpec;
}

/** Rows ready for the engine: row-major features [n, nIn] and targets [n, nOut] (one-hot for classes). */
export interface Dataset {
  n: number;
  nIn: number;
  nOut: number;
  x: Float32Array;
  y: Float32Array;
}

/**
 * A small table before typing: header names and string cells, in file order. Names live in an array,
 * never as object keys, so a column called `__proto__` is just a name. `rowNumbers[i]` is the
 * spreadsheet row of `rows[i]` (header = row 1; blank lines count, as a spreadsheet shows them);
 * when absent, row i is row i + 2.
 */
export interface RowTable {
  columns: string[];
  rows: string[][];
  rowNumbers?: number[];
}

export type { ColumnTable } from './column-table.ts';
import type { ColumnTable } from './column-table.ts';

/** Rows before typing: strings by row (small tables, requests), or typed columns as a CSV file is read. */
export type RawTable = RowTable | ColumnTable;

export type { ImageShape, ImageTable } from './image-table.ts';
import type { ImageTable } from './image-table.ts';

/** Whatever a data source gives: rows of cells, or images. */
export type DataTable = RawTable | ImageTable;

/** Whether a table is images (pixels and labels) rather than rows of cells. */
export function isImageTable(t: DataTable): t is ImageTable {
  return 'kind' in t && t.kind === 'images';
}

/** The number of data rows of a table. */
export function tableLength(t: RawTable): number {
  return 'rows' in t ? t.rows.length : t.length;
}

/** What preparation did to the rows: how many were read, dropped, imputed and split. */
export interface DataReport {
  /** Data rows in the table. */
  rows: number;
  /** Rows dropped because the target was missing (always dropped). */
  droppedMissingTarget: number;
  /** Rows dropped because a feature was missing (missing rule 'drop'). */
  droppedMissingFeatures: number;
  /** Missing cells per feature, in `preprocessing.features` order (counted before dropping). */
  missingByFeature: number[];
  /** Cells filled with the training split's mean or mode (missing rule 'impute'). */
  imputed: number;
  /** Validation cells whose category never occurs in the training split (encoded as all zeros). */
  unseenCategories: number;
  trainRows: number;
  validationRows: number;
}

export interface PreparedData {
  train: Dataset;
  validation: Dataset;
  preprocessing: Preprocessing;
  report?: DataReport;
}

/** Number of model inputs a preprocessing record produces. */
export function inputWidth(p: Preprocessing): number {
  let w = 0;
  for (const f of p.features) w += f.kind === 'numeric' ? 1 : f.categories.length;
  return w;
}

/** Number of model outputs for a target: classes (or 1 for binary sigmoid), or 1 for regression. */
export function targetWidth(t: TargetSpec, binarySigmoid = false): number {
  if (t.task === 'regression') return 1;
  return binarySigmoid && t.classes.length === 2 ? 1 : t.classes.length;
}
