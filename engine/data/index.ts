/** The data layer: CSV → typed columns → prepared datasets, prediction encoding, built-in sets. */
export * from './types.ts';
export { MISSING_MARKERS, isMissing, parseNumber } from './cells.ts';
export { decodeCsvBytes } from './decode.ts';
export { parseCsv, rowNumber } from './csv.ts';
export { typeColumn, readColumn, columnIndex } from './typing.ts';
export type { Column, ColumnType, TypedColumn } from './typing.ts';
export { describeTable, TOP_CATEGORIES } from './describe.ts';
export type { ColumnSummary } from './describe.ts';
export { inferTask, MAX_INFERRED_CLASSES } from './target.ts';
export { prepareData, prepareTable } from './prepare.ts';
export type { PrepareOptions } from './prepare.ts';
export { encodeRows, decodeOutput } from './apply.ts';
export type { EncodedRows, Prediction } from './apply.ts';
export { splitIndices, splitDataset, takeRows } from './split.ts';
export { listBuiltins, loadBuiltin } from './builtin.ts';
export type { BuiltinInfo, BuiltinOptions } from './builtin.ts';
export { IRIS_CSV } from './builtin/iris.ts';
export { decodeIdxImages, decodeIdxLabels } from './idx.ts';
export {
  checkImageShape,
  imageInputs,
  imagePreprocessing,
  limitImages,
  MAX_IMAGE_INPUTS,
  PIXEL_SCALE,
  prepareImages,
} from './images.ts';
export type { ImagePrepareOptions } from './images.ts';
export { fitImage, resizeInto, toChannels } from './image-resize.ts';
export type { Pixels } from './image-resize.ts';
export { imagesFromTable } from './image-csv.ts';
