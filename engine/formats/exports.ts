/**
 * The formats a trained network is exported to, by id: the one list the CLI's `export` and `train
 * --export`, the engine service and the app's export dialog read. Each format writes its files from a
 * loaded weights file (`loadWeights`); the writers of each layer kind live in that kind's module.
 */
import { exportTfjs, TFJS_WEIGHTS_FILE } from './tfjs-export.ts';
import { exportOnnx } from './onnx-export.ts';
import { exportPytorch, pytorchFiles } from './pytorch-export.ts';
import type { TrainingConfig } from '../train/config.ts';
import type { LoadedWeights } from './weights-file.ts';

/** One file of an export: its name (no folder) and its contents. */
export interface ExportFile {
  name: string;
  data: string | Uint8Array;
}

/** What an export is written for besides the network. */
export interface ExportOptions {
  /** The file-name stem (see `exportStem`). */
  stem: string;
  /**
   * The run's training settings, for formats that carry a training loop (PyTorch); absent when not
   * known (a weights file alone), and such a format then uses the engine's defaults and says so.
   */
  training?: TrainingConfig;
}

export interface ExportFormat {
  /**
   * The files written for a network, the main one first (the one a save dialog asks for; the others
   * go beside it under these names, which the main one refers to). Throws UNSUPPORTED_EXPORT naming
   * the node when the format cannot express it.
   */
  write(loaded: LoadedWeights, options: ExportOptions): ExportFile[];
}

export const EXPORT_FORMATS = {
  /** TensorFlow.js layers model: model.json and its weights shard. */
  tfjs: {
    write(loaded) {
      const { modelJson, weights } = exportTfjs(loaded);
      return [
        { name: 'model.json', data: modelJson },
        { name: TFJS_WEIGHTS_FILE, data: weights },
      ];
    },
  },
  /** PyTorch training script train_<stem>.py and its weights <stem>_weights.npz beside it. */
  pytorch: {
    write(loaded, options) {
      const { script, weights } = exportPytorch(loaded, options);
      const names = pytorchFiles(options.stem);
      return [
        { name: names.script, data: script },
        { name: names.weights, data: weights },
      ];
    },
  },
  /** ONNX model <stem>.onnx: raw feature rows in (the preprocessing is part of the graph). */
  onnx: {
    write: (loaded, options) => [{ name: `${options.stem}.onnx`, data: exportOnnx(loaded) }],
  },
} as const satisfies Record<string, ExportFormat>;

export type ExportFormatId = keyof typeof EXPORT_FORMATS;

/** The export format ids, in the order menus list them. */
export const EXPORT_FORMAT_IDS = Object.keys(EXPORT_FORMATS) as ExportFormatId[];

/** True when `id` names an export format. */
export const isExportFormat = (id: unknown): id is ExportFormatId =>
  typeof id === 'string' && Object.hasOwn(EXPORT_FORMATS, id);

/**
 * A file-name stem (and Python identifier) from a network's name: lower-case letters, digits and
 * underscores, not starting with a digit; "model" when nothing is left. A file name loses its
 * `.bps.json`, `.weights.json` or `.json`. "Iris – 2 layers" → "iris_2_layers", "runs/iris.weights.json"'s
 * base name → "iris".
 */
export function exportStem(name: string | undefined): string {
  const stem = (name ?? '')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/(\.(bps|weights))?\.json$/, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  if (stem === '') return 'model';
  return /^[0-9]/.test(stem) ? `model_${stem}` : stem;
}
