/** `init`: an untrained weights file, its preprocessing fitted to the data exactly as `train` would. */
import { exportWeights, serializeWeights } from '../../formats/weights-file.ts';
import { setupRun } from '../../train/run-setup.ts';
import { layerWeights } from '../../model/model.ts';
import type { TrainingConfig } from '../../train/config.ts';
import { intOption, numOption, parse } from '../args.ts';
import type { Io } from '../io-types.ts';
import { translator } from '../i18n.ts';
import type { Translate } from '../i18n.ts';
import { checkWritable, UsageError, writeAtomic } from '../io.ts';
import { networkHelp, NETWORK_OPTIONS, resolveNetwork, weightsMetadata } from './network.ts';
import { DATA_OPTIONS, dataMapping, namingFiles, readData, skippedFiles } from './data-options.ts';

/** `init --help`. */
export const initHelp = (t: Translate) => t('help.init', { network: networkHelp(t, false) });

const OPTIONS = {
  ...NETWORK_OPTIONS,
  ...DATA_OPTIONS,
  seed: { type: 'string' },
  'validation-split': { type: 'string' },
  out: { type: 'string' },
} as const;

export function initCommand(argv: string[], io: Io): number {
  const { values: v } = parse('init', argv, OPTIONS);
  const out = v.out as string | undefined;
  if (!out) throw new UsageError('usage.outRequired');
  checkWritable(out);
  const net = resolveNetwork(v, false);
  const training: TrainingConfig = {
    ...net.training,
    seed: intOption('seed', v.seed, 0, 0xffffffff) ?? net.training.seed,
    validationSplit:
      numOption('validation-split', v['validation-split'], 0, 0.9) ?? net.training.validationSplit,
  };
  const data = readData(v, net, training.seed, skippedFiles(io));
  const mapping = dataMapping(v, net);
  // Set up exactly as `train` would (same preparation, same generator for the initial weights), then
  // write the weights before the first step.
  const { trainer, graph, prepared } = namingFiles(net, data.spec, () =>
    setupRun({ table: data.table, mapping, graph: net.graph, training, init: null }),
  );
  trainer.dispose();
  const file = exportWeights({
    graph,
    parameters: layerWeights(trainer.model),
    preprocessing: prepared.preprocessing,
    metadata: weightsMetadata([]),
  });
  writeAtomic(out, serializeWeights(file));
  io.stderr.write(`${translator(io.lang)('init.wrote', { out, params: trainer.compiled.paramCount })}\n`);
  return 0;
}
