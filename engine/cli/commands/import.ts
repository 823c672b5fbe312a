/** `import`: a model another library wrote (a TensorFlow.js layers model) as a weights file. */
import { dirname, join } from 'node:path';
import { FILE_LIMITS } from '../../formats/limits.ts';
import { importTfjsFile, tfjsWeightPaths } from '../../formats/tfjs-import.ts';
import { serializeWeights } from '../../formats/weights-file.ts';
import { choice, parse } from '../args.ts';
import type { Io } from '../io-types.ts';
import { translator } from '../i18n.ts';
import type { Translate } from '../i18n.ts';
import { checkWritable, fileSize, inFile, readChunks, readText, UsageError, writeAtomic } from '../io.ts';

/** The formats `import` reads. */
export const IMPORT_FORMATS = ['tfjs'] as const;

/** `import --help`. */
export const importHelp = (t: Translate) => t('help.import', { formats: IMPORT_FORMATS.join(' | ') });

const OPTIONS = {
  format: { type: 'string' },
  model: { type: 'string' },
  out: { type: 'string' },
} as const;

/** The most weight bytes a model may have: float32 values up to the parameter cap. */
const MAX_WEIGHT_BYTES = FILE_LIMITS.parameters * 4;

/**
 * The bytes of the weights files, one after another: every size is checked (each file and their
 * total, against the parameter cap) before the one buffer is allocated and filled.
 */
function readWeights(paths: readonly string[]): Uint8Array {
  const sizes = paths.map((p) => fileSize(p, MAX_WEIGHT_BYTES));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > MAX_WEIGHT_BYTES)
    throw new UsageError('io.tooLarge', { path: paths.join(', '), mb: MAX_WEIGHT_BYTES / (1024 * 1024) });
  const bytes = new Uint8Array(total);
  let at = 0;
  paths.forEach((p, i) => {
    const start = at;
    readChunks(p, sizes[i]!, (chunk) => {
      // A file that grew since its size was taken is refused as too large by readChunks.
      bytes.set(chunk, at);
      at += chunk.length;
    });
    // One that shrank leaves the rest zero: the total is then short, which the import reports.
    if (at - start < sizes[i]!) at = start + sizes[i]!;
  });
  return bytes.subarray(0, at);
}

export function importCommand(argv: string[], io: Io): number {
  const { values: v } = parse('import', argv, OPTIONS);
  if (v.format === undefined)
    throw new UsageError('usage.formatRequired', { formats: IMPORT_FORMATS.join(', ') });
  choice('format', v.format, IMPORT_FORMATS);
  const modelPath = v.model as string | undefined;
  if (!modelPath) throw new UsageError('usage.modelRequired');
  const out = v.out as string | undefined;
  if (!out) throw new UsageError('usage.outRequired');
  checkWritable(out);
  const text = readText(modelPath, 'TensorFlow.js model');
  const names = inFile(modelPath, () => tfjsWeightPaths(text));
  const weights = readWeights(names.map((n) => join(dirname(modelPath), n)));
  const file = inFile(modelPath, () => importTfjsFile(text, weights));
  writeAtomic(out, serializeWeights(file));
  const params = Object.values(file.parameters).reduce(
    (acc, p) => acc + p.kernel.data.length + (p.bias ? p.bias.data.length : 0),
    0,
  );
  io.stderr.write(
    `${translator(io.lang)('import.wrote', { out, blocks: file.graph.nodes.length, params })}\n`,
  );
  return 0;
}
