/**
 * Backprop against central finite differences, layer by layer, for any network: a float64 copy, the
 * engine's analyticGradient and lossAt (engine/gradcheck.ts), and at most `maxPerLayer` parameters per
 * layer drawn with the seeded generator (fewer when a work budget says so); the report says how many.
 */
import { fail } from '../errors.ts';
import { analyticGradient, centralDifference, lossAt } from '../gradcheck.ts';
import type { Model } from '../model/model.ts';
import { createRng } from '../rng.ts';
import { checkBatch, DEFAULT_MASK_SEED, forwardWork, loadedCopy } from './working-copy.ts';
import type { Batch } from './working-copy.ts';

export interface LayerGradientCheck {
  nodeId: string;
  /** Parameters in the layer, and how many of them were checked. */
  params: number;
  checked: number;
  /** Largest |a − n| / max(|a|, |n|) over the checked parameters (pairs both below 1e-8 count as 0). */
  maxRelError: number;
  maxAbsError: number;
  /** Checked parameters failing |a − n| ≤ atol + rtol·|n|. */
  failures: number;
  /** The worst parameter: kernel [input, unit] or bias [unit], with both values. */
  worst: { kernel: [number, number] | null; bias: number | null; analytic: number; numeric: number } | null;
}

export interface GradientCheckReport {
  rows: number;
  h: number;
  atol: number;
  rtol: number;
  seed: number;
  /** Every checked parameter passed. */
  ok: boolean;
  params: number;
  checked: number;
  layers: LayerGradientCheck[];
}

export interface GradientCheckOptions {
  maxPerLayer?: number;
  /** Seed of the sample of parameters and of the dropout masks. */
  seed?: number;
  h?: number;
  atol?: number;
  rtol?: number;
  /** Budget of forward multiply-adds for all the finite differences. */
  maxWork?: number;
}

export const GRADCHECK_LIMITS = { params: 10_000_000, rows: 32, maxPerLayer: 10_000 } as const;

/** `k` distinct indices from [0, n), ascending (partial Fisher–Yates). */
function sample(n: number, k: number, rng: ReturnType<typeof createRng>): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const pool = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    out.push(pool.get(j) ?? j);
    pool.set(j, pool.get(i) ?? i);
  }
  return out.sort((a, b) => a - b);
}

/** Checks sampled parameters of every dense layer of `model` on `batch`; the model is not changed. */
export function gradientCheckLayers(
  model: Model,
  batch: Batch,
  o: GradientCheckOptions = {},
): GradientCheckReport {
  checkBatch(model, batch, GRADCHECK_LIMITS.rows);
  if (model.params.length > GRADCHECK_LIMITS.params)
    fail('TOO_LARGE', 'explain.gradcheckTooLarge', { max: GRADCHECK_LIMITS.params.toLocaleString('en') });
  const maxPerLayer = o.maxPerLayer ?? 200;
  if (!Number.isInteger(maxPerLayer) || maxPerLayer < 1 || maxPerLayer > GRADCHECK_LIMITS.maxPerLayer)
    fail('BAD_REQUEST', 'explain.perLayerRange', { max: GRADCHECK_LIMITS.maxPerLayer });
  const seed = o.seed ?? DEFAULT_MASK_SEED;
  const h = o.h ?? 1e-6;
  const atol = o.atol ?? 1e-5;
  const rtol = o.rtol ?? 1e-3;
  const m = loadedCopy(model, batch);
  const b = { y: batch.y, B: batch.B, seed };
  const analytic = analyticGradient(m, b);
  // Two forwards per checked parameter: spread the budget over the layers, at least one each.
  const perCheck = 2 * Math.max(1, forwardWork(m, batch.B));
  const budget = Math.floor((o.maxWork ?? 3e8) / perCheck / Math.max(1, m.layers.length));
  const cap = Math.max(1, Math.min(maxPerLayer, budget));
  const rng = createRng(seed);
  const w = m.params;
  const loss = () => lossAt(m, b);
  const layers = m.layers.map((l): LayerGradientCheck => {
    const picks = sample(l.length, cap, rng);
    const units = l.state.width;
    const kLen = l.kernel.length;
    let maxRel = 0;
    let maxAbs = 0;
    let failures = 0;
    let worst: LayerGradientCheck['worst'] = null;
    for (const p of picks) {
      const i = l.offset + p;
      const n = centralDifference(w, i, h, loss);
      const a = analytic[i]!;
      const d = Math.abs(a - n);
      const big = Math.max(Math.abs(a), Math.abs(n));
      const rel = big < 1e-8 ? 0 : d / big;
      if (!(d <= atol + rtol * Math.abs(n))) failures++;
      maxAbs = Math.max(maxAbs, d);
      if (worst === null || rel > maxRel) {
        maxRel = Math.max(maxRel, rel);
        worst = {
          kernel: p < kLen ? [Math.floor(p / units), p % units] : null,
          bias: p < kLen ? null : p - kLen,
          analytic: a,
          numeric: n,
        };
      }
    }
    return {
      nodeId: l.nodeId,
      params: l.length,
      checked: picks.length,
      maxRelError: maxRel,
      maxAbsError: maxAbs,
      failures,
      worst,
    };
  });
  return {
    rows: batch.B,
    h,
    atol,
    rtol,
    seed,
    ok: layers.every((l) => l.failures === 0),
    params: m.params.length,
    checked: layers.reduce((s, l) => s + l.checked, 0),
    layers,
  };
}
