/**
 * The weights file: a trained network that runs without the app. Graph (nodes in topological order),
 * dense parameters in Keras layout, preprocessing and metadata, validated strictly on the way in.
 */
import * as z from 'zod';
import type { Preprocessing } from '../data/types.ts';
import type { CompiledGraph } from '../graph/compile.ts';
import type { GraphNode, GraphSpec } from '../graph/types.ts';
import { checkModel } from './check-model.ts';
import { checkEnvelope, WEIGHTS_FORMAT } from './envelope.ts';
import { CAP, issueError } from './issues.ts';
import { readJson } from './json-read.ts';
import { formatJson } from './json-write.ts';
import { FILE_LIMITS } from './limits.ts';
import { decodeParameters, encodeModel, storedNode } from './model-codec.ts';
import type { LayerValues, LoadedParameters } from './model-codec.ts';
import { finite, nodesSchema } from './schema-graph.ts';
import { labelSchema, parametersSchema, preprocessingSchema } from './schema-model.ts';
import type { StoredLayer } from './schema-model.ts';

/** Written into `metadata.createdBy`. */
export const CREATED_BY = 'Backprop Studio 0.1.0';

/** ISO 8601 date and time with `Z` or an offset, e.g. `2025-05-01T12:00:00.000Z`. */
export const timestampSchema = z.iso.datetime({ offset: true }); // worded as `issue.datetime`

const trainingSummarySchema = z.strictObject({
  epochs: z.int().min(0),
  loss: finite.optional(),
  valLoss: finite.optional(),
  accuracy: finite.optional(),
  valAccuracy: finite.optional(),
  /**
   * Present when early stopping put back the best epoch's weights: the weights and the metrics above
   * are that epoch's (`epochs` still counts every epoch trained).
   */
  bestEpoch: z.int().min(1).optional(),
});
/** How a training run ended, as the weights file records it (all optional but `epochs`). */
export type TrainingSummary = z.output<typeof trainingSummarySchema>;

const metadataSchema = z.strictObject({
  createdBy: labelSchema,
  createdAt: timestampSchema,
  name: labelSchema.optional(),
  description: z.string().max(FILE_LIMITS.textField, CAP).optional(),
  training: trainingSummarySchema.optional(),
});
/** An epoch's metrics, as the trainer records them (engine/train/trainer.ts EpochMetrics). */
interface EpochRecord {
  epoch: number;
  loss: number;
  valLoss?: number;
  accuracy?: number;
  valAccuracy?: number;
}

/**
 * A run's `metadata.training`: the last epoch's finite metrics, or with `best` (the epoch whose weights
 * early stopping put back) that epoch's, and its number as `bestEpoch`.
 */
export function trainingSummary(history: readonly EpochRecord[], best?: EpochRecord | null): TrainingSummary {
  const from = best ?? history.at(-1);
  const training: TrainingSummary = { epochs: history.length };
  for (const k of ['loss', 'valLoss', 'accuracy', 'valAccuracy'] as const) {
    const v = from?.[k];
    if (v !== undefined && Number.isFinite(v)) training[k] = v;
  }
  if (best) training.bestEpoch = best.epoch;
  return training;
}

/** Who made a weights file, when, and optionally how training ended. */
export type WeightsMetadata = z.output<typeof metadataSchema>;

const weightsSchema = z.strictObject({
  format: z.literal(WEIGHTS_FORMAT),
  version: z.literal(1),
  graph: z.strictObject({ nodes: nodesSchema }),
  parameters: parametersSchema,
  preprocessing: preprocessingSchema,
  metadata: metadataSchema,
});

/** A weights file as plain data (what `JSON.parse` of a valid file gives). */
export interface WeightsFile {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  graph: { nodes: GraphNode[] };
  /** Keyed by dense node id; `bias` is absent when the node has `useBias: false`. */
  parameters: Record<string, StoredLayer>;
  preprocessing: Preprocessing;
  metadata: WeightsMetadata;
}

/** A weights file ready for the engine: float32 parameters and the compiled graph. */
export interface LoadedWeights {
  graph: GraphSpec;
  compiled: CompiledGraph;
  parameters: LoadedParameters;
  preprocessing: Preprocessing;
  metadata: WeightsMetadata;
}

const PATHS = { nodes: 'graph.nodes', parameters: 'parameters', preprocessing: 'preprocessing' };

/** Validates plain data as a weights file (envelope, schema, then consistency); returns the compiled graph. */
function validate(value: unknown): { file: WeightsFile; compiled: CompiledGraph } {
  checkEnvelope(value, WEIGHTS_FORMAT, 1);
  const parsed = weightsSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw issueError(parsed.error, 'weights file');
  const file = parsed.data as WeightsFile;
  const compiled = checkModel(file.graph.nodes, file.parameters, file.preprocessing, PATHS, true);

  return { file, compiled };
}

/**
 * Builds a weights file from trained parameters (any float array; stored as float32). Nodes are written
 * in topological order with the input width filled in. Throws NON_FINITE_EXPORT on NaN or ±Infinity,
 * and anything `parseWeights` would refuse, so every exported file loads again.
 */
export function exportWeights(input: {
  graph: GraphSpec;
  parameters: ReadonlyMap<string, LayerValues>;
  preprocessing: Preprocessing;
  metadata?: Partial<WeightsMetadata>;
}): WeightsFile {
  const { compiled, parameters } = encodeModel(
    input.graph,
    input.parameters,
    input.preprocessing,
    'parameters',
  );
  const nodes = compiled.order.map((n) =>
    n.type === 'input' ? { ...storedNode(n), units: compiled.width.get(n.id)! } : storedNode(n),
  );
  const metadata: WeightsMetadata = {
    createdBy: CREATED_BY,
    createdAt: new Date().toISOString(),
    ...input.metadata,
  };
  const file: WeightsFile = {
    format: WEIGHTS_FORMAT,
    version: 1,
    graph: { nodes },
    parameters,
    preprocessing: input.preprocessing,
    metadata,
  };
  return validate(file).file;
}

/** JSON text of a weights file (kernels one row per line); throws NON_FINITE_EXPORT on a non-finite number. */
export function serializeWeights(file: WeightsFile): string {
  return formatJson(file);
}

/**
 * Parses and validates weights-file text. Throws EngineError: BAD_FILE (not JSON, with line and column;
 * or a field is wrong, with its path), BAD_FORMAT, UNSUPPORTED_VERSION, TOO_LARGE, or a graph error.
 */
export function parseWeights(text: string): WeightsFile {
  return validate(readJson(text, 'weights file')).file;
}

/** Parses weights-file text into float32 parameters and a compiled graph, ready for inference. */
export function loadWeights(text: string): LoadedWeights {
  const { file, compiled } = validate(readJson(text, 'weights file'));
  return {
    graph: { nodes: file.graph.nodes },
    compiled,
    parameters: decodeParameters(file.parameters),
    preprocessing: file.preprocessing,
    metadata: file.metadata,
  };
}
