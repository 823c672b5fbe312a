/**
 * Strict schemas for what only a project file holds: editor positions, the data source and column
 * mapping, the training configuration and the per-epoch history.
 */
import * as z from 'zod';
import { MAX_PACE, MONITOR_MODES, MONITORS, OPTIMIZERS, TRAINING_LIMITS } from '../train/config.ts';
import type { TrainingConfig } from '../train/config.ts';
import { CAP, issueText } from './issues.ts';
import { FILE_LIMITS } from './limits.ts';
import { finite, nodeIdSchema } from './schema-graph.ts';
import { labelSchema } from './schema-model.ts';

const fraction = z.number().min(0).lt(1);
const epochCount = z.int().min(0).max(TRAINING_LIMITS.patience, CAP);
const stepCount = z.int().min(1).max(TRAINING_LIMITS.scheduleSteps, CAP);
const monitor = z.enum(MONITORS).optional();
const mode = z.enum(MONITOR_MODES).optional();
const rate = z.number().positive().max(TRAINING_LIMITS.learningRate);
const unitFactor = z.number().positive().max(1);

/** Early stopping (engine/train/early-stopping.ts). */
const earlyStoppingSchema = z.strictObject({
  monitor,
  patience: epochCount,
  minDelta: z.number().min(0).optional(),
  mode,
  restoreBestWeights: z.boolean().optional(),
  startFromEpoch: epochCount.optional(),
});

/** A learning-rate schedule (engine/train/lr-schedule.ts). */
const lrScheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('step'), dropEvery: stepCount, factor: unitFactor }),
  z.strictObject({
    type: z.literal('exponential'),
    decaySteps: stepCount,
    decayRate: unitFactor,
    staircase: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('cosine'),
    decaySteps: stepCount,
    alpha: z.number().min(0).max(1).optional(),
    warmupSteps: z.int().min(0).max(TRAINING_LIMITS.scheduleSteps, CAP).optional(),
    warmupTarget: rate.optional(),
  }),
  z.strictObject({
    type: z.literal('plateau'),
    monitor,
    mode,
    factor: z.number().positive().lt(1).optional(),
    patience: epochCount.optional(),
    minDelta: z.number().min(0).optional(),
    cooldown: epochCount.optional(),
    minLr: z.number().min(0).max(TRAINING_LIMITS.learningRate).optional(),
  }),
]);

/**
 * Hyper-parameters, within the limits the engine trains with (TRAINING_LIMITS); option fields that the
 * chosen optimizer ignores are allowed (and ignored).
 */
export const trainingSchema: z.ZodType<TrainingConfig> = z.strictObject({
  optimizer: z.strictObject({
    name: z.enum(OPTIMIZERS),
    learningRate: z.number().positive().max(TRAINING_LIMITS.learningRate),
    momentum: fraction.optional(),
    nesterov: z.boolean().optional(),
    rho: fraction.optional(),
    beta1: fraction.optional(),
    beta2: fraction.optional(),
    epsilon: z.number().positive().lt(1).optional(),
  }),
  batchSize: z.int().min(1).max(TRAINING_LIMITS.batchSize, CAP),
  epochs: z.int().min(1).max(TRAINING_LIMITS.epochs, CAP),
  validationSplit: z.number().min(0).max(TRAINING_LIMITS.validationSplit),
  shuffle: z.boolean(),
  seed: z.int().min(0).max(TRAINING_LIMITS.seed),
  /** Steps per second to train at; absent: as fast as possible. */
  pace: z.number().positive().max(MAX_PACE).optional(),
  /** L2 penalty on every dense layer without its own. */
  l2: z.number().min(0).optional(),
  /** Stop when a metric stops improving; absent in files from before it existed. */
  earlyStopping: earlyStoppingSchema.optional(),
  /** How the learning rate changes while training; absent: constant. */
  lrSchedule: lrScheduleSchema.optional(),
});

/** Where the rows come from: a generated dataset (reproducible from its seed) or a CSV file. */
export const sourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('builtin'),
    name: labelSchema,
    samples: z.int().min(1).max(FILE_LIMITS.samples, CAP),
    noise: z.number().min(0),
    seed: z.int(),
  }),
  z.strictObject({
    kind: z.literal('csv'),
    name: labelSchema,
    path: z.string().min(1).max(FILE_LIMITS.pathLength, CAP).optional(),
  }),
]);

/** The data source and how its columns are used. */
export const dataSchema = z.strictObject({
  source: sourceSchema,
  target: labelSchema.optional(),
  task: z.enum(['classification', 'regression']).optional(),
  missing: z.enum(['drop', 'impute']),
  normalize: z.enum(['standard', 'none']),
});
/** A project's data source and column mapping. */
export type ProjectData = z.output<typeof dataSchema>;

/** Editor positions of nodes, as a list so that user-chosen ids never become object keys. */
export const positionsSchema = z
  .array(z.strictObject({ id: nodeIdSchema, x: finite, y: finite }))
  .max(FILE_LIMITS.nodes, CAP);
/** Where the editor draws a node. */
export type NodePosition = { id: string; x: number; y: number };

const series = z.array(finite.nullable()).max(FILE_LIMITS.historyLength, CAP);

/** Per-epoch values, one entry per finished epoch; null where a value was not finite (a diverged run). */
export const historySchema = z
  .strictObject({
    loss: series,
    valLoss: series.optional(),
    accuracy: series.optional(),
    valAccuracy: series.optional(),
  })
  .superRefine((h, ctx) => {
    for (const key of ['valLoss', 'accuracy', 'valAccuracy'] as const) {
      const s = h[key];
      if (s !== undefined && s.length !== h.loss.length)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          ...issueText('issue.seriesLength', { n: s.length, loss: h.loss.length }),
        });
    }
  });
/** Per-epoch series of a project (null: not finite). */
export type TrainingHistory = z.output<typeof historySchema>;
