/**
 * What the export dialog offers: the weights file (the app's own format) and every format of the
 * engine's export registry (engine/formats/exports.ts, which the window does not bundle: its writers
 * stay in the engine), each with the files it writes and one line that loads them.
 */
import type { ExportFormatId } from '../../../engine/api.ts';

/** The engine's export formats in the order the dialog lists them (a test holds this to the registry). */
export const MODEL_FORMATS = ['tfjs', 'onnx', 'pytorch'] as ExportFormatId[];

/** A choice of the dialog: the weights file, or one of the engine's export formats. */
export type ExportChoice = 'weights' | ExportFormatId;
export const EXPORT_CHOICES: readonly ExportChoice[] = ['weights', ...MODEL_FORMATS];

export const isExportChoice = (v: unknown): v is ExportChoice =>
  typeof v === 'string' && (EXPORT_CHOICES as readonly string[]).includes(v);

/** A name safe in any file system, for the file a save or an export suggests. */
export const fileStem = (name: string, fallback: string): string =>
  name.replace(/[^\w.-]+/g, '-') || fallback;

/** The weights file's name for a project. */
export const weightsFileName = (projectName: string): string =>
  `${fileStem(projectName, 'model')}.weights.json`;

/** How a format's files are loaded: the language of the line, and the line for the files' names. */
export interface LoadSnippet {
  language: 'JavaScript' | 'Python' | 'Shell';
  code: string;
}

const SNIPPETS: Record<string, (main: string) => LoadSnippet> = {
  weights: (main) => ({
    language: 'Shell',
    code: `backprop-studio predict --weights ${quoted(main)} --data rows.csv`,
  }),
  tfjs: (main) => ({
    language: 'JavaScript',
    code: `const model = await tf.loadLayersModel('file://./${main}');`,
  }),
  onnx: (main) => ({
    language: 'JavaScript',
    code: `const session = await ort.InferenceSession.create('${main}');`,
  }),
  pytorch: (main) => ({ language: 'Shell', code: `python3 ${quoted(main)} data.csv` }),
};

/** A file name as a shell word (quoted when it holds anything but letters, digits, `_`, `-` and `.`). */
function quoted(name: string): string {
  return /^[\w.-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}

/** The main file's usual name, for the line shown before the engine has named it. */
const PLACEHOLDERS: Record<string, string> = {
  tfjs: 'model.json',
  onnx: 'model.onnx',
  pytorch: 'train_model.py',
};

/** The name the main file of `choice` will likely have (the engine's answer replaces it). */
export function placeholderName(choice: ExportChoice, projectName: string): string {
  return choice === 'weights' ? weightsFileName(projectName) : (PLACEHOLDERS[choice] ?? choice);
}

/** The line that loads an export whose main file is `main`; null for a format the window does not know. */
export function loadSnippet(choice: ExportChoice, main: string): LoadSnippet | null {
  return SNIPPETS[choice]?.(main) ?? null;
}
