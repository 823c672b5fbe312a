/** The network a CLI command works on: from a project file, a weights file, or --layers. */
import { inputWidth } from '../../data/types.ts';
import type { Preprocessing } from '../../data/types.ts';
import type { ColumnMapping } from '../../train/run-setup.ts';
import { loadWeights } from '../../formats/weights-file.ts';
import type { LoadedWeights } from '../../formats/weights-file.ts';
import { parseProject } from '../../formats/project-file.ts';
import { buildMlp } from '../../graph/builders.ts';
import { ACTIVATIONS } from '../../graph/types.ts';
import type { GraphSpec } from '../../graph/types.ts';
import { DEFAULT_TRAINING } from '../../train/config.ts';
import type { TrainingConfig } from '../../train/config.ts';
import { choice, layersOption } from '../args.ts';
import type { Translate } from '../i18n.ts';
import { inFile, readText, UsageError } from '../io.ts';

/** The help lines for choosing a network (`--init` only where it is allowed). */
export function networkHelp(t: Translate, withInit: boolean): string {
  return [
    t('help.networkProject'),
    withInit ? t('help.networkInit') : '',
    t('help.networkLayers', { activations: ACTIVATIONS.filter((a) => a !== 'softmax') }),
  ].join('');
}

export const NETWORK_OPTIONS = {
  project: { type: 'string' },
  init: { type: 'string' },
  layers: { type: 'string' },
  activation: { type: 'string' },
} as const;

export interface ResolvedNetwork {
  training: TrainingConfig;
  mapping: ColumnMapping;
  /** Data named by a project (a built-in dataset), used when --data is absent. */
  dataSpec?: string;
  dataSeed?: number;
  dataSamples?: number;
  dataNoise?: number;
  init: LoadedWeights | null;
  /** The file the network came from (--project or --init), named in errors about its graph. */
  file?: string;
  /** The graph for data with this preprocessing. */
  graph(prep: Preprocessing): GraphSpec;
}

/** Reads --project / --init / --layers (exactly one) and --activation. */
export function resolveNetwork(
  v: Record<string, string | boolean | undefined>,
  allowInit = true,
): ResolvedNetwork {
  const given = (['project', 'init', 'layers'] as const).filter((k) => v[k] !== undefined);
  const choices = { key: allowInit ? 'usage.networkChoicesInit' : 'usage.networkChoices' };
  if (given.length !== 1) throw new UsageError('usage.exactlyOne', { choices });
  if (!allowInit && v.init !== undefined) throw new UsageError('usage.give', { choices });
  const activation = choice(
    'activation',
    v.activation,
    ACTIVATIONS.filter((a) => a !== 'softmax'),
  );
  if (activation && v.layers === undefined) throw new UsageError('usage.activationNeedsLayers');

  if (v.project !== undefined) {
    const path = v.project as string;
    const project = inFile(path, () => parseProject(readText(path, 'project file')));
    const data = project.data;
    const source = data?.source;
    const mapping: ColumnMapping = {};
    if (data?.target !== undefined) mapping.target = data.target;
    if (data?.task !== undefined) mapping.task = data.task;
    if (data) {
      mapping.missing = data.missing;
      mapping.normalize = data.normalize;
    }
    return {
      training: project.training,
      mapping,
      ...(source?.kind === 'builtin'
        ? {
            dataSpec: `builtin:${source.name}`,
            dataSeed: source.seed,
            dataSamples: source.samples,
            dataNoise: source.noise,
          }
        : {}),
      init: null,
      file: path,
      graph: () => project.graph,
    };
  }
  if (v.init !== undefined) {
    const path = v.init as string;
    const init = inFile(path, () => loadWeights(readText(path)));
    return { training: DEFAULT_TRAINING, mapping: {}, init, file: path, graph: () => init.graph };
  }
  const hidden = layersOption(v.layers)!;
  return {
    training: DEFAULT_TRAINING,
    mapping: {},
    init: null,
    graph: (prep) =>
      buildMlp({
        inputs: inputWidth(prep),
        hidden,
        outputs: prep.target.task === 'classification' ? prep.target.classes.length : 1,
        activation: activation ?? 'relu',
        head: prep.target.task === 'classification' ? 'softmax' : 'linear',
      }),
  };
}

export { trainedWeightsFile, weightsMetadata } from '../../train/trained-weights.ts';
