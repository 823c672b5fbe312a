/**
 * Checks what arrives from the other side of the process boundary before anything is allocated: a
 * cheap walk bounding depth and size (typed arrays count as leaves), then strict schemas.
 */
import * as z from 'zod';
import type { DataSource, GridRequest, MetricsCursor, RunRequest } from '../api.ts';
import { EngineError, fail } from '../errors.ts';
import { issueError, issueText } from '../formats/issues.ts';
import { noun } from '../i18n.ts';
import { nodesSchema } from '../formats/schema-graph.ts';
import { trainingSchema } from '../formats/schema-project.ts';
import type { GraphSpec } from '../graph/types.ts';
import { TRAINING_LIMITS, validateTrainingConfig } from '../train/validate.ts';
import type { TrainingConfig } from '../train/config.ts';

export const REQUEST_LIMITS = {
  depth: 32,
  values: 200_000,
  bytes: 512 * 1024 * 1024,
  text: 256 * 1024 * 1024,
} as const;

/** Refuses values nested deeper than REQUEST_LIMITS.depth or with too many parts; stops at the limit. */
export function guardShape(value: unknown, what: string): void {
  let count = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (depth >= REQUEST_LIMITS.depth)
      fail('BAD_REQUEST', 'request.tooDeep', { what: noun(what), max: REQUEST_LIMITS.depth });
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v);
    count += children.length;
    if (count > REQUEST_LIMITS.values)
      fail('BAD_REQUEST', 'request.tooManyValues', { what: noun(what), max: REQUEST_LIMITS.values });
    for (const c of children) stack.push([c, depth + 1]);
  }
}

/** `value` checked against `schema` (its shape guarded first); a refusal is a BAD_REQUEST naming `what`. */
export function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  guardShape(value, what);
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const e = issueError(r.error, what);
  throw new EngineError({ ...e.toInfo(), code: e.code === 'BAD_FILE' ? 'BAD_REQUEST' : e.code });
}

const graphSchema = z.strictObject({ nodes: nodesSchema });
const mappingSchema = z.strictObject({
  target: z.string().min(1).max(256).optional(),
  task: z.enum(['classification', 'regression']).optional(),
  missing: z.enum(['drop', 'impute']).optional(),
  normalize: z.enum(['standard', 'none']).optional(),
});

const runSchema = z.strictObject({
  graph: graphSchema,
  mapping: mappingSchema,
  training: trainingSchema,
  initWeights: z.string().max(REQUEST_LIMITS.text).optional(),
});

const sourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('csv'),
    name: z.string().max(1024),
    bytes: z
      .instanceof(Uint8Array)
      .refine((b) => b.byteLength <= REQUEST_LIMITS.bytes, issueText('request.over512MB')),
  }),
  z.strictObject({
    kind: z.literal('csv-text'),
    name: z.string().max(1024),
    text: z.string().max(REQUEST_LIMITS.text),
  }),
  z.strictObject({
    kind: z.literal('builtin'),
    name: z.string().max(64),
    samples: z.int().min(10).max(1_000_000).optional(),
    noise: z.number().min(0).max(0.5).optional(),
    seed: z.int().min(0).max(0xffffffff).optional(),
  }),
]);

const cursorSchema = z.strictObject({ step: z.int().min(0), epoch: z.int().min(0), run: z.int().min(0) });
const range = z.tuple([z.number(), z.number()]).refine(([a, b]) => a < b, issueText('request.lowToHigh'));
const gridSchema = z.strictObject({
  resolution: z.int().min(2).max(256),
  xRange: range.optional(),
  yRange: range.optional(),
});

export function parseMapping(v: unknown) {
  const m = check(mappingSchema, v ?? {}, 'column mapping');
  return {
    ...(m.target !== undefined ? { target: m.target } : {}),
    ...(m.task !== undefined ? { task: m.task } : {}),
    ...(m.missing !== undefined ? { missing: m.missing } : {}),
    ...(m.normalize !== undefined ? { normalize: m.normalize } : {}),
  };
}
export const parseGraph = (v: unknown): GraphSpec => check(graphSchema, v, 'network') as GraphSpec;
export function parseRun(v: unknown): RunRequest {
  guardShape(v, 'training request');
  const training = (v as { training?: { optimizer?: unknown } } | null)?.training;
  // The trainer's own check words range errors best ("Epochs must be a whole number from 1 to …").
  if (typeof training === 'object' && training !== null && typeof training.optimizer === 'object')
    validateTrainingConfig(training as TrainingConfig);
  return check(runSchema, v, 'training request') as RunRequest;
}
export const parseSource = (v: unknown): DataSource => check(sourceSchema, v, 'data request') as DataSource;
export const parseCursor = (v: unknown): MetricsCursor | null =>
  v === null || v === undefined ? null : check(cursorSchema, v, 'metrics cursor');
export const parseGrid = (v: unknown): GridRequest => check(gridSchema, v, 'grid request') as GridRequest;

/** A learning rate in (0, TRAINING_LIMITS.learningRate]. */
export function parseLearningRate(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > TRAINING_LIMITS.learningRate)
    fail('BAD_HYPERPARAMETER', 'train.learningRate', { max: TRAINING_LIMITS.learningRate, value: String(v) });
  return v;
}

/** A whole number in [min, max], or the default. */
export function parseCount(v: unknown, what: string, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail('BAD_REQUEST', 'request.countRange', { what, min, max, value: String(v) });
  return v;
}
