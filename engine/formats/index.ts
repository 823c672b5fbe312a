/** Files that users keep: weights files (inference without the app) and project files (the whole work). */
export { FILE_LIMITS } from './limits.ts';
export { PROJECT_FORMAT, WEIGHTS_FORMAT } from './envelope.ts';
export { CREATED_BY, exportWeights, loadWeights, parseWeights, serializeWeights } from './weights-file.ts';
export type { LoadedWeights, TrainingSummary, WeightsFile, WeightsMetadata } from './weights-file.ts';
export { createProject, parseProject, projectParameters, serializeProject } from './project-file.ts';
export type { ProjectFile, ProjectInput } from './project-file.ts';
export type { NodePosition, ProjectData, TrainingHistory } from './schema-project.ts';
export type { LayerValues, LoadedParameters } from './model-codec.ts';
export type { StoredLayer } from './schema-model.ts';
export { exportTfjs, TFJS_WEIGHTS_FILE } from './tfjs-export.ts';
export type { TfjsWeightSpec } from './tfjs-export.ts';
export { importTfjs, importTfjsFile, TFJS_IMPORT_LAYERS, tfjsWeightPaths } from './tfjs-import.ts';
export { exportPytorch, pytorchFiles } from './pytorch-export.ts';
export { npzBytes, npyBytes } from './npz.ts';
export type { NpyArray } from './npz.ts';
export {
  exportOnnx,
  ONNX_INPUT,
  ONNX_IR_VERSION,
  ONNX_METADATA,
  ONNX_OPSET,
  ONNX_OUTPUT,
  onnxInputColumns,
} from './onnx-export.ts';
export type { OnnxInputColumn } from './onnx-export.ts';
export { formatKerasSummary, kerasShape, kerasSummary } from './keras-summary.ts';
export type { KerasShape, KerasSummary, KerasSummaryRow } from './keras-summary.ts';
