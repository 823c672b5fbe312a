/** `init`: an untrained weights file, its preprocessing fitted to the data exactly as `train` would. */
import { prepareData } from '../../data/prepare.ts';
import { exportWeights, serializeWeights } from '../../formats/weights-file.ts';
import { compileGraph } from '../../graph/compile.ts';
import { createModel } from '../../model/model.ts';
import { createRng } from '../../rng.ts';
import { intOption, numOption, parse } from '../args.ts';
import { readTable } from '../data-source.ts';
import type { Io } from '../io-types.ts';
import { translator } from '../i18n.ts';
import type { Translate } from '../i18n.ts';
import { UsageError, writeAtomic } from '../io.ts';
import { networkHelp, NETWORK_OPTIONS, resolveNetwork, weightsMetadata } from './network.ts';

/** `init --help`. */
export const initHelp = (t: Translate) => t('help.init', { network: networkHelp(t, false) });

const OPTIONS = {
  ...NETWORK_OPTIONS,
  data: { type: 'string' },
  target: { type: 'string' },
  seed: { type: 'string' },
  'validation-split': { type: 'string' },
  out: { type: 'string' },
} as const;

export function initCommand(argv: string[], io: Io): number {
  const { values: v } = parse('init', argv, OPTIONS);
  const out = v.out as string | undefined;
  if (!out) throw new UsageError('usage.outRequired');
  const net = resolveNetwork(v, false);
  const seed = intOption('seed', v.seed, 0, 0xffffffff) ?? net.training.seed;
  const validationSplit =
    numOption('validation-split', v['validation-split'], 0, 0.9) ?? net.training.validationSplit;
  const dataSpec = (v.data as string | undefined) ?? net.dataSpec;
  if (!dataSpec) throw new UsageError('usage.dataRequired');
  const fromProject = v.data === undefined;
  const table = readTable(dataSpec, {
    samples: fromProject ? net.dataSamples : undefined,
    noise: fromProject ? net.dataNoise : undefined,
    seed: net.dataSeed ?? seed,
  });
  const prepared = prepareData(table, {
    target: (v.target as string | undefined) ?? net.mapping.target,
    task: net.mapping.task,
    missing: net.mapping.missing,
    normalize: net.mapping.normalize,
    validationSplit,
    seed,
    shuffle: net.training.shuffle,
  });
  const graph = net.graph(prepared.preprocessing);
  const compiled = compileGraph(graph, { inputWidth: prepared.train.nIn });
  // The same generator, in the same order, as a training run with this seed draws its initial weights.
  const model = createModel(compiled, { maxBatch: 1, rng: createRng(seed) });
  const file = exportWeights({
    graph,
    parameters: new Map(model.layers.map((l) => [l.nodeId, { kernel: l.kernel, bias: l.bias }])),
    preprocessing: prepared.preprocessing,
    metadata: weightsMetadata([]),
  });
  writeAtomic(out, serializeWeights(file));
  io.stderr.write(`${translator(io.lang)('init.wrote', { out, params: compiled.paramCount })}\n`);
  return 0;
}
