/** `export`: a weights file as a model another library loads (TensorFlow.js layers model). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportTfjs, TFJS_WEIGHTS_FILE } from '../../formats/tfjs-export.ts';
import { loadWeights } from '../../formats/weights-file.ts';
import { choice, parse } from '../args.ts';
import type { Io } from '../io-types.ts';
import { translator } from '../i18n.ts';
import type { Translate } from '../i18n.ts';
import { checkWritable, inFile, readText, UsageError, writeAtomic } from '../io.ts';

/** `export --help`. */
export const exportHelp = (t: Translate) => t('help.export');

/** The formats `export` writes. */
export const EXPORT_FORMATS = ['tfjs'] as const;

const OPTIONS = {
  weights: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

export function exportCommand(argv: string[], io: Io): number {
  const { values: v } = parse('export', argv, OPTIONS);
  const weightsPath = v.weights as string | undefined;
  if (!weightsPath) throw new UsageError('usage.weightsRequired');
  if (v.format === undefined)
    throw new UsageError('usage.formatRequired', { formats: EXPORT_FORMATS.join(', ') });
  choice('format', v.format, EXPORT_FORMATS);
  const dir = v.out as string | undefined;
  if (!dir) throw new UsageError('usage.outDirRequired');
  const w = inFile(weightsPath, () => loadWeights(readText(weightsPath)));
  const { modelJson, weights } = inFile(weightsPath, () => exportTfjs(w));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError('io.cannotWrite', { path: dir, code: (e as NodeJS.ErrnoException).code ?? 'error' });
  }
  const modelPath = join(dir, 'model.json');
  const weightsOut = join(dir, TFJS_WEIGHTS_FILE);
  checkWritable(modelPath);
  checkWritable(weightsOut);
  // The weights first: model.json names them, so it is written once they are there.
  writeAtomic(weightsOut, weights);
  writeAtomic(modelPath, modelJson);
  io.stderr.write(`${translator(io.lang)('export.wrote', { model: modelPath, weights: weightsOut })}\n`);
  return 0;
}
