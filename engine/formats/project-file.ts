/**
 * The project file: everything needed to reopen a piece of work. Graph with editor positions, data
 * source and column mapping, training configuration, and optionally trained weights and history.
 */
import * as z from 'zod';
import type { Preprocessing } from '../data/types.ts';
import type { GraphNode, GraphSpec } from '../graph/types.ts';
import { DEFAULT_TRAINING } from '../train/config.ts';
import type { TrainingConfig } from '../train/config.ts';
import { checkModel } from './check-model.ts';
import { checkEnvelope, PROJECT_FORMAT } from './envelope.ts';
import { issueError, issueText } from './issues.ts';
import { readJson } from './json-read.ts';
import { formatJson } from './json-write.ts';
import { decodeParameters, encodeModel, storedNode } from './model-codec.ts';
import type { LayerValues, LoadedParameters } from './model-codec.ts';
import { draftNodesSchema } from './schema-graph.ts';
import { labelSchema, parametersSchema, preprocessingSchema } from './schema-model.ts';
import type { StoredLayer } from './schema-model.ts';
import { dataSchema, historySchema, positionsSchema, trainingSchema } from './schema-project.ts';
import type { NodePosition, ProjectData, TrainingHistory } from './schema-project.ts';
import { runsSchema } from './schema-runs.ts';
import type { RunRecord } from './schema-runs.ts';
import { timestampSchema } from './weights-file.ts';

const graphSchema = z
  .strictObject({ nodes: draftNodesSchema, positions: positionsSchema.optional() })
  .superRefine((g, ctx) => {
    const ids = new Set(g.nodes.map((n) => n.id));
    const placed = new Set<string>();
    g.positions?.forEach((p, i) => {
      if (!ids.has(p.id) || placed.has(p.id))
        ctx.addIssue({
          code: 'custom',
          path: ['positions', i, 'id'],
          ...issueText(placed.has(p.id) ? 'issue.placedTwice' : 'issue.placesUnknown', { id: p.id }),
        });
      placed.add(p.id);
    });
  });

const projectSchema = z.strictObject({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(1),
  name: labelSchema,
  createdAt: timestampSchema,
  modifiedAt: timestampSchema,
  graph: graphSchema,
  data: dataSchema.optional(),
  training: trainingSchema,
  weights: z.strictObject({ parameters: parametersSchema, preprocessing: preprocessingSchema }).optional(),
  history: historySchema.optional(),
  /** Every training run kept with the project; absent in files from before runs were kept. */
  runs: runsSchema.optional(),
});

/**
 * A project file as plain data. Its graph may be a draft (blocks not connected yet); `weights`, when
 * present, always fit `graph`, which then compiles.
 */
export interface ProjectFile {
  format: typeof PROJECT_FORMAT;
  version: 1;
  name: string;
  createdAt: string;
  modifiedAt: string;
  graph: { nodes: GraphNode[]; positions?: NodePosition[] };
  data?: ProjectData;
  training: TrainingConfig;
  weights?: { parameters: Record<string, StoredLayer>; preprocessing: Preprocessing };
  history?: TrainingHistory;
  runs?: RunRecord[];
}

/** What `createProject` takes: the app's state, with parameters as float arrays and history as numbers. */
export interface ProjectInput {
  name: string;
  graph: GraphSpec;
  positions?: NodePosition[];
  data?: ProjectData;
  training?: TrainingConfig;
  weights?: { parameters: ReadonlyMap<string, LayerValues>; preprocessing: Preprocessing } | null;
  /** Non-finite values (a diverged run) are stored as null. */
  history?: Partial<Record<keyof TrainingHistory, ArrayLike<number | null>>> & {
    loss: ArrayLike<number | null>;
  };
  createdAt?: string;
  modifiedAt?: string;
  /** The training runs kept with the project. */
  runs?: RunRecord[];
}

const WEIGHT_PATHS = {
  nodes: 'graph.nodes',
  parameters: 'weights.parameters',
  preprocessing: 'weights.preprocessing',
};

function validate(value: unknown): ProjectFile {
  checkEnvelope(value, PROJECT_FORMAT, 1);
  const parsed = projectSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw issueError(parsed.error, 'project file');
  const p = parsed.data as ProjectFile;
  if (p.weights !== undefined)
    checkModel(p.graph.nodes, p.weights.parameters, p.weights.preprocessing, WEIGHT_PATHS, false);
  p.runs?.forEach((run, i) => {
    for (const key of ['weights', 'bestWeights'] as const) {
      const w = run[key];
      if (w)
        checkModel(
          run.graph.nodes as GraphNode[],
          w.parameters,
          w.preprocessing,
          {
            nodes: `runs.${i}.graph.nodes`,
            parameters: `runs.${i}.${key}.parameters`,
            preprocessing: `runs.${i}.${key}.preprocessing`,
          },
          false,
        );
    }
  });
  return p;
}

const finiteOrNull = (s: ArrayLike<number | null>) =>
  Array.from(s, (v) => (v !== null && Number.isFinite(v) ? v : null));

/** Builds a validated project file from app state; throws what `parseProject` would refuse. */
export function createProject(input: ProjectInput): ProjectFile {
  const now = new Date().toISOString();
  const weights =
    input.weights === undefined || input.weights === null
      ? undefined
      : {
          parameters: encodeModel(
            input.graph,
            input.weights.parameters,
            input.weights.preprocessing,
            'weights.parameters',
          ).parameters,
          preprocessing: input.weights.preprocessing,
        };
  const h = input.history;
  const history =
    h === undefined
      ? undefined
      : {
          loss: finiteOrNull(h.loss),
          valLoss: h.valLoss && finiteOrNull(h.valLoss),
          accuracy: h.accuracy && finiteOrNull(h.accuracy),
          valAccuracy: h.valAccuracy && finiteOrNull(h.valAccuracy),
        };
  return validate({
    format: PROJECT_FORMAT,
    version: 1,
    name: input.name,
    createdAt: input.createdAt ?? now,
    modifiedAt: input.modifiedAt ?? now,
    graph: {
      nodes: input.graph.nodes.map(storedNode),
      positions: input.positions?.map(({ id, x, y }) => ({ id, x, y })),
    },
    data: input.data,
    training: input.training ?? DEFAULT_TRAINING,
    weights,
    history,
    ...(input.runs?.length ? { runs: input.runs } : {}),
  });
}

/** JSON text of a project file; throws NON_FINITE_EXPORT on a non-finite number. */
export function serializeProject(project: ProjectFile): string {
  return formatJson(project);
}

/** Parses and validates project-file text; errors as for `parseWeights`, with paths into the project. */
export function parseProject(text: string): ProjectFile {
  return validate(readJson(text, 'project file'));
}

/** The project's trained parameters as float32 arrays, or null if it has none. */
export function projectParameters(project: ProjectFile): LoadedParameters | null {
  return project.weights === undefined ? null : decodeParameters(project.weights.parameters);
}
