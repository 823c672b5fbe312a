/**
 * The naive order the lecture starts from: each parameter's derivative pushed forward on its own,
 *   ∂L/∂w = ∂L/∂p · ∂p/∂f_n ⋯ ∂f_{k+1}/∂f_k · ∂f_k/∂w,   evaluated right to left (a Jacobian-vector product),
 * through every node after w's layer down to the loss. It reads the forward pass's values (the points
 * where each local derivative is taken), but reuses no derivative: the chain after layer k is multiplied
 * out again for every parameter of layer k, where backprop stores ∂L/∂f_k once and reuses it.
 */
import { activateBackward } from '../activations.ts';
import type { Model } from '../model/model.ts';
import type { NodeState } from '../model/state.ts';
import { alphaOf } from '../layers/dense.ts';
import type { Activation, DenseNode } from '../graph/types.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import type { Counter, ModelKernels } from './counting.ts';

/** The states after `states[k]` that depend on it, in topological order (the output excluded). */
function downstream(model: Model, k: number): NodeState[] {
  const reached = new Set<NodeState>([model.states[k]!]);
  const out: NodeState[] = [];
  for (let i = k + 1; i < model.states.length; i++) {
    const s = model.states[i]!;
    if (s.node.type === 'output' || !s.inputs.some((x) => reached.has(x))) continue;
    reached.add(s);
    out.push(s);
  }
  return out;
}

/** f'(z) ⊙ t in place; the Jacobian of an element-wise activation is diagonal (softmax's is symmetric). */
function activationTangent(
  act: Activation,
  alpha: number,
  z: FloatArray,
  a: FloatArray,
  t: FloatArray,
  n: number,
  w: number,
): void {
  activateBackward(act, alpha, z, a, t, t, n, w);
}

/**
 * Writes ∂L/∂w for every parameter into `grad` (model.grads layout), one forward-mode pass per
 * parameter. The model must hold a finished forward pass of B rows and `g` = ∂L/∂(output) (∂L/∂logits
 * for a fused head) [B × K]. Multiply-adds of the tangents' dense products go through `kernels`
 * (counted there); those of the final dot products with `g` are counted into `counter`.
 */
export function forwardModeGradient(
  model: Model,
  B: number,
  g: Float64Array,
  kernels: ModelKernels,
  counter: Counter,
  grad: Float64Array,
): void {
  const states = model.states;
  const tangent = new Map<NodeState, Float64Array>();
  for (const s of states)
    if (s.node.type !== 'input' && s.node.type !== 'output') tangent.set(s, new Float64Array(B * s.width));
  const live = new Set<NodeState>();
  const feeder = model.output.inputs[0]!;
  const K = model.output.width;
  for (const layer of model.layers) {
    const src = layer.state;
    const k = states.indexOf(src);
    const after = downstream(model, k);
    const node = src.node as DenseNode;
    const x = src.inputs[0]!;
    const nIn = x.width;
    const w = src.width;
    const t0 = tangent.get(src)!;
    for (let p = 0; p < layer.length; p++) {
      // Seed: ∂z/∂W_ij = x_i at unit j (∂z/∂b_j = 1); then through the layer's own activation.
      const isKernel = p < nIn * w;
      const i = isKernel ? Math.floor(p / w) : -1;
      const j = isKernel ? p % w : p - nIn * w;
      t0.fill(0, 0, B * w);
      for (let r = 0; r < B; r++) t0[r * w + j] = isKernel ? x.out[r * nIn + i]! : 1;
      if (!src.fused) activationTangent(node.activation, alphaOf(node), src.z!, src.out, t0, B * w, w);
      live.clear();
      live.add(src);
      for (const s of after) propagate(s, B, tangent, live, kernels);
      // ∂L/∂w = Σ ∂L/∂p · ṗ over rows and outputs.
      const tOut = tangent.get(feeder)!;
      let sum = 0;
      let ops = 0;
      for (let q = 0; q < B * K; q++) {
        sum += g[q]! * tOut[q]!;
        ops++;
      }
      counter.madds += ops;
      if (isKernel) {
        const v = layer.kernel[p]!;
        sum += layer.l1 * (v > 0 ? 1 : v < 0 ? -1 : 0) + 2 * layer.l2 * v;
      }
      grad[layer.offset + p] = sum;
    }
  }
}

/** The tangent of node `s` from its inputs' tangents (a node no live tangent reaches stays dead). */
function propagate(
  s: NodeState,
  B: number,
  tangent: Map<NodeState, Float64Array>,
  live: Set<NodeState>,
  kernels: ModelKernels,
): void {
  const t = tangent.get(s)!;
  const n = B * s.width;
  const node = s.node;
  if (!s.inputs.some((x) => live.has(x))) return;
  live.add(s);
  switch (node.type) {
    case 'dense': {
      const x = s.inputs[0]!;
      kernels.matmul(tangent.get(x)!, s.kernel!, t, B, x.width, s.width, null);
      if (!s.fused) activationTangent(node.activation, alphaOf(node), s.z!, s.out, t, n, s.width);
      return;
    }
    case 'activation': {
      t.set(tangent.get(s.inputs[0]!)!.subarray(0, n));
      if (!s.fused) activationTangent(node.activation, alphaOf(node), s.inputs[0]!.out, s.out, t, n, s.width);
      return;
    }
    case 'dropout': {
      const tx = tangent.get(s.inputs[0]!)!;
      const mask = s.mask!;
      for (let i = 0; i < n; i++) t[i] = mask[i]! * tx[i]!;
      return;
    }
    case 'add': {
      t.fill(0, 0, n);
      for (const x of s.inputs) {
        if (!live.has(x)) continue;
        const tx = tangent.get(x)!;
        for (let i = 0; i < n; i++) t[i]! += tx[i]!;
      }
      return;
    }
    case 'concatenate': {
      let offset = 0;
      for (const x of s.inputs) {
        const tx = live.has(x) ? tangent.get(x)! : null;
        for (let r = 0; r < B; r++)
          for (let j = 0; j < x.width; j++) t[r * s.width + offset + j] = tx ? tx[r * x.width + j]! : 0;
        offset += x.width;
      }
      return;
    }
    default:
      return;
  }
}
