/**
 * Raw table → training and validation datasets. Order matters for honesty: drop rows without a
 * target (and, under 'drop', rows with a missing feature), split (split.ts: seeded shuffle, then
 * the first floor(n·(1 − validationSplit)) rows train, as in Keras), then fit every statistic on the training rows alone.
 */
import { fail } from '../errors.ts';
import { rowNumber } from './csv.ts';
import { encodeFeatures, encodeTarget } from './encode.ts';
import { prepareImages } from './images.ts';
import { splitIndices } from './split.ts';
import { affine, fitCategorical, fitNumeric, meanStd } from './fit.ts';
import { chooseTask, classNames } from './target.ts';
import { columnIndex, readColumn } from './typing.ts';
import type { Column } from './typing.ts';
import type {
  DataTable,
  Dataset,
  FeatureSpec,
  MissingRule,
  Normalize,
  PreparedData,
  RawTable,
  Task,
  TargetSpec,
} from './types.ts';
import { isImageTable, tableLength } from './types.ts';

/** How to turn a raw table into datasets; only the split and the seed are required. */
export interface PrepareOptions {
  /** Target column by name; default the last column. */
  target?: string;
  /** Feature columns by name, in this order; default every other column, in file order. */
  features?: string[];
  /** Columns to treat as text even if their cells are numbers (e.g. codes like zip or product ids). */
  categorical?: string[];
  /** Default inferred (see `inferTask`). */
  task?: Task;
  /** Default 'drop'. */
  missing?: MissingRule;
  /** Default 'standard'. */
  normalize?: Normalize;
  /** Fraction of rows held out for validation, in [0, 1). */
  validationSplit: number;
  seed: number;
  /** Shuffle rows (seeded) before splitting; default true, so sorted files still validate fairly. */
  shuffle?: boolean;
}

function lookup(raw: RawTable, name: string): number {
  const j = columnIndex(raw, name);
  if (j < 0) {
    const list = raw.columns.map((c) => `"${c}"`);
    fail('UNKNOWN_COLUMN', 'data.unknownColumn', { column: name, list }, { column: name });
  }
  return j;
}

function dataset(x: Float32Array, nIn: number, y: Float32Array, nOut: number, n: number): Dataset {
  return { n, nIn, nOut, x, y };
}

/** Prepares a raw table for training; see PrepareOptions for the defaults and DataReport for the counts. */
export function prepareData(raw: RawTable, options: PrepareOptions): PreparedData {
  if (!(options.validationSplit >= 0 && options.validationSplit < 1)) {
    fail('BAD_HYPERPARAMETER', 'data.validationSplit', { value: String(options.validationSplit) });
  }
  const missingRule = options.missing ?? 'drop';
  const normalize = options.normalize ?? 'standard';
  const forced = new Set((options.categorical ?? []).map((name) => raw.columns[lookup(raw, name)]!));

  const targetName = options.target ?? raw.columns[raw.columns.length - 1]!;
  const t = lookup(raw, targetName);
  const featureIdx = (options.features ?? raw.columns.filter((_, j) => j !== t)).map((name) =>
    lookup(raw, name),
  );
  if (featureIdx.includes(t)) {
    fail('BAD_TARGET', 'data.targetIsFeature', { column: targetName }, { column: targetName });
  }
  if (new Set(featureIdx).size !== featureIdx.length) fail('NO_FEATURES', 'data.featureTwice');
  if (featureIdx.length === 0) fail('NO_FEATURES', 'data.noFeatures', { target: targetName });

  const targetColumn = readColumn(raw, t, forced.has(targetName));
  const task = chooseTask(targetColumn, options.task);
  const classes = task === 'classification' ? classNames(targetColumn) : null;
  const columns: Column[] = featureIdx.map((j) => readColumn(raw, j, forced.has(raw.columns[j]!)));

  // Rows that survive missing values, in file order (one pass per column: 0 kept, 1 no target,
  // 2 a missing feature).
  const n = tableLength(raw);
  const dropped = new Uint8Array(n);
  const markMissing = (c: Column, mark: number) => {
    if (c.type === 'numeric') {
      const v = c.values;
      for (let i = 0; i < n; i++) if (dropped[i] === 0 && v[i] !== v[i]) dropped[i] = mark;
    } else {
      const v = c.values;
      for (let i = 0; i < n; i++) if (dropped[i] === 0 && v[i] === null) dropped[i] = mark;
    }
  };
  markMissing(targetColumn, 1);
  if (missingRule === 'drop') for (const c of columns) markMissing(c, 2);
  const kept: number[] = [];
  let droppedMissingTarget = 0;
  let droppedMissingFeatures = 0;
  for (let i = 0; i < n; i++) {
    const d = dropped[i];
    if (d === 0) kept.push(i);
    else if (d === 1) droppedMissingTarget++;
    else droppedMissingFeatures++;
  }
  if (kept.length === 0) fail('NO_DATA', 'data.allRowsDropped');
  const { train, validation } = splitIndices(
    kept,
    options.validationSplit,
    options.seed,
    options.shuffle ?? true,
  );

  const features: FeatureSpec[] = columns.map((c) =>
    c.type === 'numeric'
      ? fitNumeric(c, train, missingRule, normalize)
      : fitCategorical(c, train, missingRule),
  );
  let target: TargetSpec;
  if (classes) target = { name: targetName, task: 'classification', classes };
  else if (targetColumn.type === 'numeric') {
    target = {
      name: targetName,
      task: 'regression',
      ...affine(meanStd(targetColumn.values, train), normalize),
    };
  } else throw new Error('unreachable: chooseTask refuses text regression targets');

  const row = (i: number) => rowNumber(raw, i);
  const nOut = classes ? classes.length : 1;
  const trainX = encodeFeatures(features, columns, train, row, 'zero');
  const valX = encodeFeatures(features, columns, validation, row, 'zero');
  return {
    train: dataset(trainX.x, trainX.nIn, encodeTarget(target, targetColumn, train, row), nOut, train.length),
    validation: dataset(
      valX.x,
      valX.nIn,
      encodeTarget(target, targetColumn, validation, row),
      nOut,
      validation.length,
    ),
    preprocessing: { features, target, missing: missingRule, normalize },
    report: {
      rows: n,
      droppedMissingTarget,
      droppedMissingFeatures,
      missingByFeature: columns.map((c) => c.missing),
      imputed: trainX.imputed + valX.imputed,
      unseenCategories: valX.unseen,
      trainRows: train.length,
      validationRows: validation.length,
    },
  };
}

/**
 * Prepares rows of cells (prepareData) or images (prepareImages: the pixels are the features and the
 * label the target, so column options do not apply and the task is classification).
 */
export function prepareTable(t: DataTable, options: PrepareOptions): PreparedData {
  if (!isImageTable(t)) return prepareData(t, options);
  if (options.task === 'regression') fail('BAD_TARGET', 'data.imagesClassify');
  return prepareImages(t, options);
}
