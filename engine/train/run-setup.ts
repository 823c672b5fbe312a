/**
 * From rows to a ready training run, the one path the CLI and the app hosts share: prepare (or encode
 * with a weights file's preprocessing), shape the targets for the graph's output, build the trainer.
 */
import { encodeRows } from '../data/apply.ts';
import { prepareImages } from '../data/images.ts';
import { prepareTable } from '../data/prepare.ts';
import { splitDataset } from '../data/split.ts';
import { isImageTable } from '../data/types.ts';
import type {
  DataTable,
  Dataset,
  MissingRule,
  Normalize,
  PreparedData,
  Preprocessing,
  Task,
} from '../data/types.ts';
import { compileGraph } from '../graph/compile.ts';
import type { GraphSpec } from '../graph/types.ts';
import type { ThreadOptions } from '../kernels/wasm/pool.ts';
import type { StoredParameters } from '../model/infer.ts';
import { setLayerWeights } from '../model/model.ts';
import type { TrainingConfig } from './config.ts';
import { createTrainer } from './trainer.ts';
import type { Trainer } from './trainer.ts';
import { validateTrainingConfig } from './validate.ts';

/** How the table's columns are used. */
export interface ColumnMapping {
  target?: string;
  task?: Task;
  missing?: MissingRule;
  normalize?: Normalize;
}

export interface RunSetup {
  /** Rows of cells, or images (whose pixels are the inputs, see engine/data/images.ts). */
  table: DataTable;
  mapping: ColumnMapping;
  /** The network, or a function of the fitted preprocessing (e.g. an MLP sized to the data). */
  graph: GraphSpec | ((prep: Preprocessing) => GraphSpec);
  training: TrainingConfig;
  /** Continue from stored weights: their preprocessing encodes the rows, their values start the run. */
  init?: {
    preprocessing: Preprocessing;
    parameters: ReadonlyMap<string, StoredParameters>;
  } | null;
  /** The host's helper thread for large products (see ModelOptions.threads; default none). */
  threads?: ThreadOptions | null;
}

export interface Run {
  trainer: Trainer;
  graph: GraphSpec;
  prepared: PreparedData;
  train: Dataset;
  validation: Dataset;
}

/** Keeps column `k` of one-hot targets: a single sigmoid output predicts p(classes[1]). */
function oneColumn(d: Dataset, k: number): Dataset {
  const y = new Float32Array(d.n);
  for (let i = 0; i < d.n; i++) y[i] = d.y[i * d.nOut + k]!;
  return { ...d, nOut: 1, y };
}

/** Targets shaped for the graph's output: one column for a single sigmoid unit over two classes. */
export function adaptTargets(
  graph: GraphSpec,
  prepared: PreparedData,
): { train: Dataset; validation: Dataset } {
  const { train, validation, preprocessing } = prepared;
  const compiled = compileGraph(graph, { inputWidth: train.nIn });
  const width = compiled.width.get(compiled.outputId)!;
  const t = preprocessing.target;
  if (t.task === 'classification' && t.classes.length === 2 && width === 1 && train.nOut === 2)
    return { train: oneColumn(train, 1), validation: oneColumn(validation, 1) };
  return { train, validation };
}

/** The graph with the settings' L2 penalty on every dense layer that has no penalty of its own. */
export function withDefaultL2(graph: GraphSpec, l2: number | undefined): GraphSpec {
  if (!l2) return graph;
  return {
    nodes: graph.nodes.map((n) => (n.type === 'dense' && !n.l2 && !n.l1 ? { ...n, l2 } : n)),
  };
}

/** Prepares the data and builds the trainer; throws EngineErrors that name what is wrong. */
export function setupRun(s: RunSetup): Run {
  const c = s.training;
  validateTrainingConfig(c);
  let prepared: PreparedData;
  const table = s.table;
  if (s.init && isImageTable(table)) {
    const options = { validationSplit: c.validationSplit, seed: c.seed, shuffle: c.shuffle };
    prepared = prepareImages(table, options, s.init.preprocessing);
  } else if (s.init && !isImageTable(table)) {
    const encoded = encodeRows(s.init.preprocessing, table, { requireTarget: true });
    const all = { n: encoded.n, nIn: encoded.nIn, nOut: encoded.nOut, x: encoded.x, y: encoded.y! };
    const { train, validation } = splitDataset(all, c.validationSplit, c.seed, c.shuffle);
    prepared = { train, validation, preprocessing: s.init.preprocessing };
  } else {
    const m = s.mapping;
    prepared = prepareTable(s.table, {
      ...(m.target !== undefined ? { target: m.target } : {}),
      ...(m.task !== undefined ? { task: m.task } : {}),
      ...(m.missing !== undefined ? { missing: m.missing } : {}),
      ...(m.normalize !== undefined ? { normalize: m.normalize } : {}),
      validationSplit: c.validationSplit,
      seed: c.seed,
      shuffle: c.shuffle,
    });
  }
  const graph = withDefaultL2(
    typeof s.graph === 'function' ? s.graph(prepared.preprocessing) : s.graph,
    c.l2,
  );
  const { train, validation } = adaptTargets(graph, prepared);
  const target = prepared.preprocessing.target;
  const trainer = createTrainer({
    graph,
    train,
    validation,
    config: c,
    task: target.task,
    ...(target.task === 'regression' ? { targetScale: target.scale, targetMean: target.mean } : {}),
    ...(s.threads !== undefined ? { threads: s.threads } : {}),
  });
  if (s.init)
    for (const [id, p] of s.init.parameters) setLayerWeights(trainer.model, id, p.kernel, p.bias, p);
  return { trainer, graph, prepared, train, validation };
}
