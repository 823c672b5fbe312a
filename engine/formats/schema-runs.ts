/**
 * Strict schema of a project's training runs: each run's settings (network, data, training
 * configuration), its per-epoch history, its best and final metrics, and optionally its final weights.
 */
import * as z from 'zod';
import { MONITORS } from '../train/config.ts';
import { CAP, issueText } from './issues.ts';
import { draftNodesSchema, finite } from './schema-graph.ts';
import { labelSchema, parametersSchema, preprocessingSchema } from './schema-model.ts';
import { dataSchema, positionsSchema, trainingSchema } from './schema-project.ts';
import { RUN_LIMITS } from './run-limits.ts';
import { MAX_SETTINGS, SWEEP_SETTINGS } from '../sweep/plan.ts';
import { timestampSchema } from './weights-file.ts';

export { RUN_LIMITS } from './run-limits.ts';

/** How a run ended, or that it is still going; `interrupted`: its engine stopped under it. */
export const RUN_STATES = ['running', 'paused', 'done', 'stopped', 'failed', 'interrupted'] as const;
export type RunRecordState = (typeof RUN_STATES)[number];

/** The per-epoch series a run keeps, besides the epoch numbers. */
export const RUN_SERIES = [
  'loss',
  'valLoss',
  'accuracy',
  'valAccuracy',
  'mae',
  'valMae',
  'r2',
  'valR2',
  'lr',
] as const;
export type RunSeriesName = (typeof RUN_SERIES)[number];

const series = z.array(finite.nullable()).max(RUN_LIMITS.epochs, CAP);

/** One entry per epoch kept (`epoch` says which); null where a value was not finite. */
export const runHistorySchema = z
  .strictObject({
    epoch: z.array(z.int().min(1)).max(RUN_LIMITS.epochs, CAP),
    loss: series,
    valLoss: series.optional(),
    accuracy: series.optional(),
    valAccuracy: series.optional(),
    mae: series.optional(),
    valMae: series.optional(),
    r2: series.optional(),
    valR2: series.optional(),
    lr: series.optional(),
  })
  .superRefine((h, ctx) => {
    for (const key of RUN_SERIES) {
      const s = h[key];
      if (s !== undefined && s.length !== h.epoch.length)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          ...issueText('issue.seriesLength', { n: s.length, loss: h.epoch.length }),
        });
    }
  });
export type RunHistory = z.output<typeof runHistorySchema>;

const metricValue = finite.nullable().optional();
/** A run's metrics at one epoch. */
export const runMetricsSchema = z.strictObject({
  epoch: z.int().min(0),
  loss: metricValue,
  valLoss: metricValue,
  accuracy: metricValue,
  valAccuracy: metricValue,
  mae: metricValue,
  valMae: metricValue,
  r2: metricValue,
  valR2: metricValue,
});
export type RunMetrics = z.output<typeof runMetricsSchema>;

export const runRecordSchema = z.strictObject({
  id: z.string().min(1).max(RUN_LIMITS.idLength, CAP),
  name: labelSchema,
  startedAt: timestampSchema,
  /** Time spent training, pauses left out. */
  durationMs: z.number().min(0),
  state: z.enum(RUN_STATES),
  starred: z.boolean().optional(),
  graph: z.strictObject({ nodes: draftNodesSchema, positions: positionsSchema.optional() }),
  data: dataSchema.optional(),
  training: trainingSchema,
  history: runHistorySchema,
  /** The last epoch's metrics. */
  final: runMetricsSchema.optional(),
  /** The best value of the monitored metric (early stopping's, else the validation metric) and its epoch. */
  best: z.strictObject({ metric: z.enum(MONITORS), value: finite, epoch: z.int().min(1) }).optional(),
  /** The sweep the run was part of: its name, the swept settings, and this run's value of each. */
  sweep: z
    .strictObject({
      id: z.string().min(1).max(RUN_LIMITS.idLength, CAP),
      name: labelSchema,
      settings: z
        .array(z.strictObject({ name: z.enum(SWEEP_SETTINGS), node: z.string().min(1).max(256).optional() }))
        .min(1)
        .max(MAX_SETTINGS),
      values: z.array(finite).min(1).max(MAX_SETTINGS),
    })
    .refine((s) => s.values.length === s.settings.length, issueText('issue.sweepValues'))
    .optional(),
  /** The final weights, kept when the network was small enough. */
  weights: z.strictObject({ parameters: parametersSchema, preprocessing: preprocessingSchema }).optional(),
  /** The best epoch's weights (the epoch `best` names), kept with the final ones when they differ. */
  bestWeights: z
    .strictObject({ epoch: z.int().min(1), parameters: parametersSchema, preprocessing: preprocessingSchema })
    .optional(),
});

export const runsSchema = z.array(runRecordSchema).max(RUN_LIMITS.runs, CAP);
/** A training run as a project keeps it. */
export type RunRecord = z.output<typeof runRecordSchema>;
