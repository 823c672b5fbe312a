/**
 * The app's half of a project file (name, graph, positions, data, settings) checked on arrival, and a
 * run's epoch records as a project file's per-epoch series and back.
 */
import * as z from 'zod';
import type { ProjectRequest } from '../api.ts';
import { FILE_LIMITS } from '../formats/limits.ts';
import { draftNodesSchema } from '../formats/schema-graph.ts';
import { dataSchema, positionsSchema, trainingSchema } from '../formats/schema-project.ts';
import type { TrainingHistory } from '../formats/schema-project.ts';
import { runsSchema } from '../formats/schema-runs.ts';
import type { EpochMetrics } from '../train/trainer.ts';
import { check } from './requests.ts';

const schema = z.strictObject({
  name: z.string().min(1).max(FILE_LIMITS.labelLength),
  graph: z.strictObject({ nodes: draftNodesSchema }),
  positions: positionsSchema.optional(),
  data: dataSchema.optional(),
  training: trainingSchema,
  withRun: z.boolean().optional(),
  runs: runsSchema.optional(),
});

export function parseProjectRequest(v: unknown): ProjectRequest {
  return check(schema, v, 'project') as ProjectRequest;
}

/** Per-epoch series for a project file; non-finite values become null there. */
export function historyColumns(history: EpochMetrics[]) {
  const col = (k: 'loss' | 'valLoss' | 'accuracy' | 'valAccuracy') => history.map((h) => h[k] ?? null);
  const out: {
    loss: (number | null)[];
    valLoss?: (number | null)[];
    accuracy?: (number | null)[];
    valAccuracy?: (number | null)[];
  } = {
    loss: col('loss'),
  };
  if (history.some((h) => h.valLoss !== undefined)) out.valLoss = col('valLoss');
  if (history.some((h) => h.accuracy !== undefined)) out.accuracy = col('accuracy');
  if (history.some((h) => h.valAccuracy !== undefined)) out.valAccuracy = col('valAccuracy');
  return out;
}

/** A project file's per-epoch series as the trainer's epoch records (null, a non-finite value, as NaN). */
export function restoredEpochs(h: TrainingHistory): EpochMetrics[] {
  const at = (s: (number | null)[] | undefined, i: number) => (s ? (s[i] ?? Number.NaN) : undefined);
  return h.loss.map((loss, i) => {
    const m: EpochMetrics = { epoch: i + 1, loss: loss ?? Number.NaN };
    const valLoss = at(h.valLoss, i);
    const accuracy = at(h.accuracy, i);
    const valAccuracy = at(h.valAccuracy, i);
    if (valLoss !== undefined) m.valLoss = valLoss;
    if (accuracy !== undefined) m.accuracy = accuracy;
    if (valAccuracy !== undefined) m.valAccuracy = valAccuracy;
    return m;
  });
}
