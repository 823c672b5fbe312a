/**
 * The two graph walks. Forward visits nodes in topological order, each writing its output into its
 * cache. Backward is the dynamic program over the chain rule, in reverse topological order:
 *   dOut[v] = Σ over consumers u of (∂u/∂v)ᵀ · dOut[u]
 * Each consumer adds its term into dOut[v] once; by the time v is visited every consumer has been, so
 * dOut[v] is complete, and v turns it (with its cached forward values) into its parameter gradients and
 * its inputs' terms. Nothing is recomputed.
 */
import type { FloatArray } from '../kernels/matmul.ts';
import { lossAndGradient } from '../losses.ts';
import type { OutputNode } from '../graph/types.ts';
import type { Model } from './model.ts';
import type { NodeState, RunContext } from './state.ts';

/** Copies rows `index[start … start+B)` of a row-major [n × nIn] matrix into the input cache. */
export function loadRows(
  model: Model,
  x: ArrayLike<number>,
  index: ArrayLike<number> | null,
  start: number,
  B: number,
): void {
  const w = model.input.width;
  const dst = model.input.out;
  for (let r = 0; r < B; r++) {
    const row = index ? index[start + r]! : start + r;
    const src = row * w;
    const d = r * w;
    for (let j = 0; j < w; j++) dst[d + j] = x[src + j]!;
  }
}

/** Forward pass over the first B rows of the input cache; returns the output cache [B × K]. */
export function forward(model: Model, ctx: RunContext): FloatArray {
  const states = model.states;
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    s.forward(s, ctx);
  }
  return model.output.out;
}

/** The logits the loss reads: the fused node's pre-activation, else the output itself. */
export function logitsOf(model: Model): FloatArray {
  return model.logits;
}

/**
 * Whether the backward pass adds into node s's stored gradient, which must then start at zero: not the
 * data's (never kept: an empty buffer), nor the output's, which is its feeder's and which the loss writes
 * whole before any consumer adds to it.
 */
export function gradientStartsAtZero(model: Model, s: NodeState): boolean {
  return s.dOut.length > 0 && s.dOut !== model.output.dOut;
}

/** Loss of the last forward pass against targets y [B × K], its gradient seeded as seedLoss says. */
export function lossOf(model: Model, y: ArrayLike<number>, B: number): number {
  const out = model.output;
  const loss = (out.node as OutputNode).loss;
  // Without a gradient the output's own gradient buffer is free to use as scratch.
  return lossAndGradient(loss, out.out, model.logits, y, out.dOut, B, out.width, model.fused?.softplus);
}

/**
 * Loss of the last forward pass against targets y [B × K] (Keras definition, without penalties), and
 * with `withGradient` its gradient seeded into the output's stored gradient after clearing all others.
 */
export function seedLoss(model: Model, y: ArrayLike<number>, B: number, withGradient: boolean): number {
  if (withGradient) {
    const states = model.states;
    for (let i = 0; i < states.length; i++) {
      const s = states[i]!;
      if (gradientStartsAtZero(model, s)) s.dOut.fill(0, 0, B * s.width);
    }
  }
  return lossOf(model, y, B);
}

/** Backward pass: fills every parameter gradient from the seeded output gradient. */
export function backward(model: Model, ctx: RunContext): void {
  const states = model.states;
  for (let i = states.length - 1; i >= 0; i--) {
    const s = states[i]!;
    s.backward(s, ctx);
  }
}

/** Keras-style penalties: adds l1·Σ|w| + l2·Σw² over the kernels to the loss and their gradient to dW. */
export function applyPenalties(model: Model, withGradient: boolean): number {
  let penalty = 0;
  for (const l of model.layers) {
    if (l.l1 === 0 && l.l2 === 0) continue;
    const w = l.kernel;
    const dw = l.dKernel;
    let a = 0;
    let q = 0;
    for (let i = 0; i < w.length; i++) {
      const v = w[i]!;
      a += Math.abs(v);
      q += v * v;
      if (withGradient) dw[i]! += l.l1 * (v > 0 ? 1 : v < 0 ? -1 : 0) + 2 * l.l2 * v;
    }
    penalty += l.l1 * a + l.l2 * q;
  }
  return penalty;
}

/** One full gradient evaluation on the loaded batch: forward, loss, backward, penalties. Returns the loss. */
export function computeGradients(model: Model, y: ArrayLike<number>, ctx: RunContext): number {
  forward(model, ctx);
  const loss = seedLoss(model, y, ctx.B, true);
  backward(model, ctx);
  return loss + applyPenalties(model, true);
}
