/**
 * A training pass: forward, loss, backward, penalties, then Σ g² over each layer's gradient (the
 * trainer's gradient norms). Where the model's kernels can record (StepRecorder), the pass is recorded
 * once per batch size, as the kernel calls the walks of run.ts would make and JavaScript steps for the
 * rest, and replayed every step: a few calls into the kernels instead of several per layer. The calls,
 * their arguments and their order are the walks', so a replay gives the same bits. Otherwise, or when a
 * pass cannot be recorded, the walks run.
 */
import type { StepRecording } from '../kernels/kernel-sets.ts';
import { layerOf } from '../layers/registry.ts';
import type { Model } from './model.ts';
import { applyPenalties, computeGradients, gradientStartsAtZero, lossOf } from './run.ts';
import type { RunContext } from './state.ts';

export interface TrainingPass {
  /**
   * computeGradients on the loaded batch (ctx.B rows), and into sums[i] Σ g² over the gradient of
   * model.layers[i], as VectorKernels.sumSquares computes it. Returns the loss.
   */
  run(y: ArrayLike<number>, ctx: RunContext, sums: Float64Array): number;
}

/** A recorded pass for one batch size: its steps, or null where it could not be recorded. */
interface Recorded {
  B: number;
  kernels: Model['kernels'];
  steps: (() => void)[] | null;
  sums: Float64Array;
}

/** The training pass of `model` (recorded per batch size where its kernels can). */
export function trainingPass(model: Model): TrainingPass {
  const { states, layers } = model;
  // What the JavaScript steps of a replay read and write.
  let y: ArrayLike<number> = [];
  let ctx: RunContext | null = null;
  let loss = 0;
  const current = () => ctx!;

  /** Records the pass for B rows into `slot`; null steps when the kernels or a layer cannot record. */
  function record(B: number, slot: number): Recorded {
    const r: StepRecording | null = model.kernels.record?.(slot) ?? null;
    const failed = { B, kernels: model.kernels, steps: null, sums: r?.sums ?? new Float64Array(0) };
    if (!r) return failed;
    for (const s of states) {
      const kind = layerOf(s.node.type);
      if (kind.record === null) r.js(() => s.forward(s, current()));
      else if (!kind.record(s, 'forward', B, r)) return failed;
    }
    r.js(() => (loss = lossOf(model, y, B)));
    for (const s of states) if (gradientStartsAtZero(model, s) && !r.zero(s.dOut, B * s.width)) return failed;
    for (let i = states.length - 1; i >= 0; i--) {
      const s = states[i]!;
      const kind = layerOf(s.node.type);
      if (kind.record === null) r.js(() => s.backward(s, current()));
      else if (!kind.record(s, 'backward', B, r)) return failed;
    }
    if (layers.some((l) => l.l1 !== 0 || l.l2 !== 0)) r.js(() => (loss += applyPenalties(model, true)));
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (!r.sumSquares(model.grads, l.offset, l.offset + l.length, i)) return failed;
    }
    return { ...failed, steps: r.finish() };
  }

  // Slot 0 holds the full batch, slot 1 the last, shorter batch of an epoch (or any other size).
  const slots: (Recorded | null)[] = [null, null];
  function recorded(B: number): Recorded {
    const slot = B === model.maxBatch ? 0 : 1;
    const have = slots[slot];
    if (have && have.B === B && have.kernels === model.kernels) return have;
    return (slots[slot] = record(B, slot));
  }

  return {
    run(yBatch, c, sums) {
      const rec = recorded(c.B);
      if (!rec.steps) {
        const l = computeGradients(model, yBatch, c);
        for (let i = 0; i < layers.length; i++) {
          const layer = layers[i]!;
          sums[i] = model.vectors.sumSquares(model.grads, layer.offset, layer.offset + layer.length);
        }
        return l;
      }
      y = yBatch;
      ctx = c;
      const steps = rec.steps;
      for (let i = 0; i < steps.length; i++) steps[i]!();
      for (let i = 0; i < layers.length; i++) sums[i] = rec.sums[i]!;
      return loss;
    },
  };
}
