/** `export`: a weights file as a model another library loads, in any format of the export registry. */
import { EXPORT_FORMAT_IDS } from '../../formats/exports.ts';
import { parseProject } from '../../formats/project-file.ts';
import { loadWeights } from '../../formats/weights-file.ts';
import { parse } from '../args.ts';
import {
  exportDestination,
  exportFiles,
  exportFormatList,
  exportFormatOption,
  stemFor,
  writeExport,
} from '../export-files.ts';
import type { Io } from '../io-types.ts';
import { translator } from '../i18n.ts';
import type { Translate } from '../i18n.ts';
import { inFile, readText, UsageError } from '../io.ts';

/** `export --help`. */
export const exportHelp = (t: Translate) => t('help.export', { formats: EXPORT_FORMAT_IDS.join(' | ') });

const OPTIONS = {
  weights: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  project: { type: 'string' },
} as const;

export function exportCommand(argv: string[], io: Io): number {
  const { values: v } = parse('export', argv, OPTIONS);
  const weightsPath = v.weights as string | undefined;
  if (!weightsPath) throw new UsageError('usage.weightsRequired');
  const format = exportFormatOption('format', v.format);
  const out = v.out as string | undefined;
  if (!out) throw new UsageError('usage.outDirRequired', { formats: exportFormatList() });
  const projectPath = v.project as string | undefined;

  // Everything is read and made in memory, and every destination checked, before anything is written.
  const loaded = inFile(weightsPath, () => loadWeights(readText(weightsPath)));
  const training =
    projectPath === undefined
      ? undefined
      : inFile(projectPath, () => parseProject(readText(projectPath, 'project file'))).training;
  const files = exportFiles(
    format,
    loaded,
    { stem: stemFor(loaded, weightsPath), ...(training ? { training } : {}) },
    weightsPath,
  );
  const dest = exportDestination(format, files, out);
  const inputs = projectPath === undefined ? [weightsPath] : [weightsPath, projectPath];
  const written = writeExport(dest, files, inputs);
  io.stderr.write(`${translator(io.lang)('export.wrote', { files: written.join(', ') })}\n`);
  return 0;
}
