/**
 * The engine service's explain methods (Inside backprop): one step traced, the three gradient methods compared,
 * their cost curve, a per-layer gradient check. Requests are checked here; the work is in engine/explain.
 * None of them changes the run: each works on a float64 copy of its weights.
 */
import * as z from 'zod';
import type {
  CompareGradientsRequest,
  CostCurveRequest,
  EngineApi,
  ExplainRowsRequest,
  ExplainStepRequest,
  GradientCheckRequest,
} from '../api.ts';
import { encodeRows } from '../data/apply.ts';
import type { Preprocessing } from '../data/types.ts';
import { fail } from '../errors.ts';
import type { Result } from '../errors.ts';
import type { Batch } from '../explain/working-copy.ts';
import { costCurve } from '../explain/cost-curve.ts';
import { gradientCheckLayers, GRADCHECK_LIMITS } from '../explain/gradcheck-layers.ts';
import { compareMethods, METHOD_LIMITS } from '../explain/methods.ts';
import { TRACE_LIMITS, traceStep } from '../explain/trace.ts';
import { issueText } from '../formats/issues.ts';
import { ACTIVATIONS } from '../graph/types.ts';
import type { Run } from '../train/run-setup.ts';
import { check, parseLearningRate } from './requests.ts';

type ExplainMethods = Pick<EngineApi, 'explainStep' | 'compareGradients' | 'costCurve' | 'gradientCheck'>;

const seed = z.int().min(0).max(0xffffffff);
const rawTable = z.strictObject({
  columns: z.array(z.string().max(1024)).max(16384),
  rows: z
    .array(z.array(z.string().max(4096)))
    .min(1)
    .max(32),
});
const rowsFields = { rows: rawTable.optional(), samples: z.array(z.int().min(0)).min(1).max(32).optional() };
const oneSource = (r: { rows?: unknown; samples?: unknown }) =>
  r.rows === undefined || r.samples === undefined;
const ONE_SOURCE = issueText('request.oneSource');

const stepSchema = z
  .strictObject({ ...rowsFields, learningRate: z.unknown().optional(), seed: seed.optional() })
  .refine(oneSource, ONE_SOURCE);
const compareSchema = z.strictObject({ ...rowsFields, seed: seed.optional() }).refine(oneSource, ONE_SOURCE);
const curveSchema = z.strictObject({
  depths: z.array(z.int()).min(1).max(64).optional(),
  widths: z.array(z.int()).min(1).max(64).optional(),
  inputs: z.int().optional(),
  activation: z.enum(ACTIVATIONS.filter((a) => a !== 'softmax') as [string, ...string[]]).optional(),
  seed: seed.optional(),
});
const checkSchema = z.strictObject({
  rows: z.int().min(1).max(GRADCHECK_LIMITS.rows).optional(),
  maxPerLayer: z.int().min(1).max(GRADCHECK_LIMITS.maxPerLayer).optional(),
  seed: seed.optional(),
});

/** Model inputs by name: numeric features as they are, categories as `name=category`. */
function inputNames(p: Preprocessing): string[] {
  return p.features.flatMap((f) =>
    f.kind === 'numeric' ? [f.name] : f.categories.map((c) => `${f.name}=${c}`),
  );
}

function outputNames(p: Preprocessing, width: number): string[] {
  const t = p.target;
  if (t.task === 'regression') return [`${t.name} (standardised)`];
  return width === 1 && t.classes.length === 2 ? [t.classes[1]!] : [...t.classes];
}

/** Rows given raw (with their target) or as indices into the run's training rows (default: the first). */
function batchOf(run: Run, r: ExplainRowsRequest, maxRows: number): Batch {
  const K = run.trainer.model.output.width;
  if (r.rows) {
    if (r.rows.rows.length > maxRows) fail('BAD_REQUEST', 'request.maxRows', { max: maxRows });
    const enc = encodeRows(run.prepared.preprocessing, r.rows, { requireTarget: true });
    const y = new Float64Array(enc.n * K);
    // One sigmoid unit over two classes predicts p(classes[1]): keep that column of the one-hot targets.
    for (let i = 0; i < enc.n; i++)
      for (let k = 0; k < K; k++) y[i * K + k] = enc.y![i * enc.nOut + (K === 1 && enc.nOut === 2 ? 1 : k)]!;
    return { x: enc.x, y, B: enc.n };
  }
  const samples = r.samples ?? [0];
  if (samples.length > maxRows) fail('BAD_REQUEST', 'request.maxSamples', { max: maxRows });
  const { train } = run;
  const x = new Float64Array(samples.length * train.nIn);
  const y = new Float64Array(samples.length * K);
  samples.forEach((s, i) => {
    if (s >= train.n) fail('BAD_REQUEST', 'request.noSuchSample', { sample: s, rows: train.n });
    x.set(train.x.subarray(s * train.nIn, (s + 1) * train.nIn), i * train.nIn);
    y.set(train.y.subarray(s * K, (s + 1) * K), i * K);
  });
  return { x, y, B: samples.length };
}

/** The explain methods over the service's current run; `settle` turns thrown EngineErrors into Results. */
export function explainHandlers(needRun: () => Run, settle: <T>(fn: () => T) => Result<T>): ExplainMethods {
  return {
    explainStep: async (request: ExplainStepRequest) =>
      settle(() => {
        const r = check(stepSchema, request ?? {}, 'explain request');
        const run = needRun();
        const model = run.trainer.model;
        const learningRate =
          r.learningRate === undefined
            ? run.trainer.optimizer.config.learningRate
            : parseLearningRate(r.learningRate);
        const trace = traceStep(model, batchOf(run, r, TRACE_LIMITS.rows), {
          learningRate,
          ...(r.seed !== undefined ? { seed: r.seed } : {}),
        });
        const prep = run.prepared.preprocessing;
        return { ...trace, inputNames: inputNames(prep), outputNames: outputNames(prep, model.output.width) };
      }),
    compareGradients: async (request?: CompareGradientsRequest) =>
      settle(() => {
        const r = check(compareSchema, request ?? {}, 'comparison request');
        const run = needRun();
        return compareMethods(run.trainer.model, batchOf(run, r, METHOD_LIMITS.rows), {
          ...(r.seed !== undefined ? { seed: r.seed } : {}),
        });
      }),
    costCurve: async (request?: CostCurveRequest) =>
      settle(() => {
        const r = check(curveSchema, request ?? {}, 'cost curve request') as CostCurveRequest;
        return costCurve(r);
      }),
    gradientCheck: async (request?: GradientCheckRequest) =>
      settle(() => {
        const r = check(checkSchema, request ?? {}, 'gradient check request');
        const run = needRun();
        const rows = Math.min(r.rows ?? 4, run.train.n);
        const samples = Array.from({ length: rows }, (_, i) => i);
        return gradientCheckLayers(run.trainer.model, batchOf(run, { samples }, GRADCHECK_LIMITS.rows), {
          ...(r.maxPerLayer !== undefined ? { maxPerLayer: r.maxPerLayer } : {}),
          ...(r.seed !== undefined ? { seed: r.seed } : {}),
        });
      }),
  };
}
