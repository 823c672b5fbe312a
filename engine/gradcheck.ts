/**
 * Central finite differences, ∂L/∂wᵢ ≈ (L(w + h·eᵢ) − L(w − h·eᵢ)) / 2h, against backprop's gradients,
 * judged as torch.autograd.gradcheck does: |analytic − numeric| ≤ atol + rtol·|numeric|.
 */
import type { FloatArray } from './kernels/matmul.ts';
import type { Model } from './model/model.ts';
import { applyPenalties, computeGradients, forward, seedLoss } from './model/run.ts';
import type { RunContext } from './model/state.ts';
import { createRng } from './rng.ts';

export interface GradcheckBatch {
  /** Input rows already loaded into the model's input cache; targets [B × K]. */
  y: ArrayLike<number>;
  B: number;
  /** Seed for dropout masks, re-drawn identically for every evaluation. */
  seed?: number;
}

function ctxFor(b: GradcheckBatch): RunContext {
  return { B: b.B, training: true, rng: createRng(b.seed ?? 7) };
}

/** Loss (with penalties) at the current weights, dropout masks fixed by the seed. */
export function lossAt(model: Model, b: GradcheckBatch): number {
  forward(model, ctxFor(b));
  return seedLoss(model, b.y, b.B, false) + applyPenalties(model, false);
}

/** Backprop's gradient of every parameter (a copy of the model's flat gradient). */
export function analyticGradient(model: Model, b: GradcheckBatch): Float64Array {
  computeGradients(model, b.y, ctxFor(b));
  return Float64Array.from(model.grads);
}

/**
 * ∂f/∂wᵢ ≈ (f(w + h·eᵢ) − f(w − h·eᵢ)) / (w⁺ᵢ − w⁻ᵢ), dividing by the step the array actually took
 * (a float32 array rounds w ± h); wᵢ is restored. The one finite-difference step of the engine: the
 * gradient check, the explainer's layer check and its finite-differences method all take it.
 */
export function centralDifference(
  w: FloatArray | Float64Array,
  i: number,
  h: number,
  f: () => number,
): number {
  const orig = w[i]!;
  w[i] = orig + h;
  const hi = w[i]!;
  const up = f();
  w[i] = orig - h;
  const lo = w[i]!;
  const down = f();
  w[i] = orig;
  return (up - down) / (hi - lo);
}

/** Finite-difference gradient of every parameter; restores the weights. */
export function numericGradient(model: Model, b: GradcheckBatch, h = 1e-6): Float64Array {
  const w = model.params;
  const g = new Float64Array(w.length);
  const loss = () => lossAt(model, b);
  for (let i = 0; i < w.length; i++) g[i] = centralDifference(w, i, h, loss);
  return g;
}

export interface LayerCheck {
  nodeId: string;
  /** Largest |a − n| / max(|n|, tiny) over the layer's parameters. */
  maxRelError: number;
  maxAbsError: number;
  /** Parameters that fail atol + rtol·|n|. */
  failures: number;
}

/** Compares two gradients layer by layer. */
export function compareGradients(
  model: Model,
  analytic: ArrayLike<number>,
  numeric: ArrayLike<number>,
  atol = 1e-5,
  rtol = 1e-3,
): LayerCheck[] {
  return model.layers.map((l) => {
    let maxRel = 0;
    let maxAbs = 0;
    let failures = 0;
    for (let i = l.offset; i < l.offset + l.length; i++) {
      const a = analytic[i]!;
      const n = numeric[i]!;
      const d = Math.abs(a - n);
      maxAbs = Math.max(maxAbs, d);
      maxRel = Math.max(maxRel, d / Math.max(Math.abs(n), 1e-12));
      if (!(d <= atol + rtol * Math.abs(n))) failures++;
    }
    return { nodeId: l.nodeId, maxRelError: maxRel, maxAbsError: maxAbs, failures };
  });
}
