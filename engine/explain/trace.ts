/**
 * One training step, recorded for a UI to play: the engine's computeGradients runs on a float64 copy,
 * then every number is read from that copy's caches (out, z, mask) and stored gradients (dOut, dZ,
 * dKernel, dBias). Only what the engine keeps summed is split up here: each consumer's term of a
 * stored gradient (so a sum over consumers can be shown) and f'(z) (the engine multiplies it in place).
 * Each kind writes its own events (forwardEvent, backwardEvent in engine/layers/<kind>.ts).
 */
import { fail } from '../errors.ts';
import { lossAt } from '../gradcheck.ts';
import type { LossName, OutputNode } from '../graph/types.ts';
import { layerOf } from '../layers/registry.ts';
import type { Model } from '../model/model.ts';
import { applyPenalties, computeGradients } from '../model/run.ts';
import { lossStep } from './chain-text.ts';
import { checkBatch, DEFAULT_MASK_SEED, loadedCopy, maskedContext } from './working-copy.ts';
import type { Batch } from './working-copy.ts';
import { perNeuron, perRow } from './rows.ts';
import { backwardEvent } from './trace-backward.ts';
import type { BackwardEvent, ChainStep, LossEvent, StepTrace, UpdateEvent } from './trace-types.ts';

/** Small enough to draw neuron by neuron. */
export const TRACE_LIMITS = { neurons: 64, inputs: 64, rows: 8 } as const;

export interface TraceOptions {
  /** η of the plain SGD step shown at the end. */
  learningRate: number;
  /** Seed of the dropout masks. */
  seed?: number;
}

/** Refuses networks too big to draw neuron by neuron. */
export function checkTraceSize(model: Model): void {
  let neurons = 0;
  for (const p of model.compiled.params) neurons += p.kernel[1];
  if (neurons > TRACE_LIMITS.neurons)
    fail('TOO_LARGE', 'explain.traceTooManyNeurons', { neurons, max: TRACE_LIMITS.neurons });
  if (model.input.width > TRACE_LIMITS.inputs)
    fail('TOO_LARGE', 'explain.traceTooManyInputs', { inputs: model.input.width, max: TRACE_LIMITS.inputs });
}

const LOSS_RULES: Record<LossName, string> = {
  mse: '∂L/∂p_j = 2(p_j − y_j)/(B·K)',
  mae: '∂L/∂p_j = sign(p_j − y_j)/(B·K)',
  binary_crossentropy: '∂L/∂z_j = (p_j − y_j)/(B·K), p = σ(z)',
  categorical_crossentropy: '∂L/∂z_j = (p_j·Σ_k y_k − y_j)/B, p = softmax(z)',
};

function lossEvent(m: Model, batch: Batch, total: number, penalty: number): LossEvent {
  const out = m.output;
  const feeder = out.inputs[0]!;
  const B = batch.B;
  const K = out.width;
  const loss = (out.node as OutputNode).loss;
  const scale = loss === 'categorical_crossentropy' ? B : B * K;
  const steps: ChainStep[][] = [];
  for (let r = 0; r < B; r++) {
    let ySum = 0;
    for (let j = 0; j < K; j++) ySum += batch.y[r * K + j]!;
    steps.push(
      Array.from({ length: K }, (_, j) =>
        lossStep(loss, j, out.out[r * K + j]!, batch.y[r * K + j]!, ySum, scale, feeder.dOut[r * K + j]!),
      ),
    );
  }
  return {
    nodeId: out.node.id,
    loss,
    y: perRow(batch.y, B, K),
    p: perRow(out.out, B, K),
    value: total - penalty,
    penalty,
    total,
    wrt: m.fused ? 'logits' : 'output',
    seedNodeId: feeder.node.id,
    gradient: perRow(feeder.dOut, B, K),
    rule: LOSS_RULES[loss],
    steps,
  };
}

/** w ← w − η·∂L/∂w on the copy, and the loss after it (same rows, same masks). */
function updateEvent(
  m: Model,
  batch: Batch,
  learningRate: number,
  seed: number,
  lossBefore: number,
): UpdateEvent {
  const layers = m.layers.map((l) => {
    const [nIn, units] = l.shape;
    const after = (v: ArrayLike<number>, g: ArrayLike<number>) =>
      Array.from(v, (x, i) => x - learningRate * g[i]!);
    return {
      nodeId: l.nodeId,
      w: {
        before: perNeuron(l.kernel, nIn, units),
        gradient: perNeuron(l.dKernel, nIn, units),
        after: perNeuron(after(l.kernel, l.dKernel), nIn, units),
      },
      b:
        l.bias && l.dBias
          ? { before: Array.from(l.bias), gradient: Array.from(l.dBias), after: after(l.bias, l.dBias) }
          : null,
    };
  });
  for (let i = 0; i < m.params.length; i++) m.params[i]! -= learningRate * m.grads[i]!;
  return {
    rule: 'sgd',
    learningRate,
    layers,
    lossBefore,
    lossAfter: lossAt(m, { y: batch.y, B: batch.B, seed }),
  };
}

/**
 * Records one training step of `model` on `batch` (≤ 8 rows): forward events, the loss, backward events,
 * a plain SGD update. The model is not changed. Dropout draws its masks from `seed`, as in training.
 */
export function traceStep(model: Model, batch: Batch, o: TraceOptions): StepTrace {
  checkTraceSize(model);
  checkBatch(model, batch, TRACE_LIMITS.rows);
  if (typeof o.learningRate !== 'number' || !Number.isFinite(o.learningRate) || o.learningRate <= 0)
    fail('BAD_HYPERPARAMETER', 'explain.learningRate', { value: String(o.learningRate) });
  const seed = o.seed ?? DEFAULT_MASK_SEED;
  const B = batch.B;
  const m = loadedCopy(model, batch);
  const total = computeGradients(m, batch.y, maskedContext(B, seed));
  const penalty = applyPenalties(m, false);
  const loss = lossEvent(m, batch, total, penalty);
  const backward: BackwardEvent[] = [];
  for (let i = m.states.length - 1; i >= 0; i--) {
    const s = m.states[i]!;
    if (s.node.type !== 'output') backward.push(backwardEvent(m, s, B, loss.steps));
  }
  return {
    rows: B,
    seed,
    nodes: m.states.map((s) => ({
      id: s.node.id,
      type: s.node.type,
      width: s.width,
      inputs: [...s.node.inputs],
      consumers: [...m.compiled.consumers.get(s.node.id)!],
      activation: layerOf(s.node.type).activation(s.node),
      fused: s.fused,
    })),
    forward: m.states.map((s) => layerOf(s.node.type).forwardEvent(s, B)),
    loss,
    backward,
    update: updateEvent(m, batch, o.learningRate, seed, total),
  };
}
