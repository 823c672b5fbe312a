/** `predict`: weights file + raw CSV rows → one prediction row per input row. */
import Papa from 'papaparse';
import { decodeOutput, encodeRows } from '../../data/apply.ts';
import { imageInputs } from '../../data/images.ts';
import { isImageTable } from '../../data/types.ts';
import { loadWeights } from '../../formats/weights-file.ts';
import { modelFromWeights, predictAll } from '../../model/infer.ts';
import { parse } from '../args.ts';
import { readTable } from '../data-source.ts';
import type { SourceOptions } from '../data-source.ts';
import { skippedFiles } from './data-options.ts';
import type { Io } from '../io-types.ts';
import { translator } from '../i18n.ts';
import type { Translate } from '../i18n.ts';
import { checkWritable, inFile, readText, UsageError, writeAtomic } from '../io.ts';

/** `predict --help`. */
export const predictHelp = (t: Translate) => t('help.predict');

const OPTIONS = {
  weights: { type: 'string' },
  data: { type: 'string' },
  out: { type: 'string' },
} as const;

export function predictCommand(argv: string[], io: Io): number {
  const { values: v } = parse('predict', argv, OPTIONS);
  const weightsPath = v.weights as string | undefined;
  const dataPath = v.data as string | undefined;
  if (!weightsPath) throw new UsageError('usage.weightsRequired');
  if (!dataPath) throw new UsageError('usage.predictDataRequired');
  const out = v.out as string | undefined;
  if (out) checkWritable(out);
  const w = inFile(weightsPath, () => loadWeights(readText(weightsPath)));
  // A folder of images is shaped as the model's inputs.
  const source: SourceOptions = { seed: 1, warn: skippedFiles(io) };
  if (w.preprocessing.image) source.imageDefaults = w.preprocessing.image.shape;
  const table = readTable(dataPath, source);
  const rows = inFile(dataPath, () =>
    isImageTable(table)
      ? imageInputs(w.preprocessing, table)
      : encodeRows(w.preprocessing, table, { requireTarget: false }),
  );
  const model = modelFromWeights(w.graph, w.parameters, { threads: io.threads ?? null });
  const outputs = predictAll(model, rows.x, rows.n);
  model.dispose();
  const decoded = decodeOutput(w.preprocessing, outputs, rows.n, model.output.width);
  const target = w.preprocessing.target;
  const header = [
    'prediction',
    ...(target.task === 'classification' ? target.classes.map((c) => `p_${c}`) : []),
  ];
  const data = decoded.map((d) =>
    'label' in d ? [d.label, ...d.probabilities.map((p) => p.toPrecision(6))] : [String(d.value)],
  );
  const csv = `${Papa.unparse({ fields: header, data }, { newline: '\n' })}\n`;
  if (out) {
    writeAtomic(out, csv);
    io.stderr.write(`${translator(io.lang)('predict.wrote', { n: rows.n, out })}\n`);
  } else io.stdout.write(csv);
  return 0;
}
