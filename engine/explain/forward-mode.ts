/**
 * The naive order the lecture starts from: each parameter's derivative pushed forward on its own,
 *   ∂L/∂w = ∂L/∂p · ∂p/∂f_n ⋯ ∂f_{k+1}/∂f_k · ∂f_k/∂w,   evaluated right to left (a Jacobian-vector product),
 * through every node after w's layer down to the loss. It reads the forward pass's values (the points
 * where each local derivative is taken), but reuses no derivative: the chain after layer k is multiplied
 * out again for every parameter of layer k, where backprop stores ∂L/∂f_k once and reuses it.
 */
import { layerOf } from '../layers/registry.ts';
import type { Model } from '../model/model.ts';
import type { NodeState } from '../model/state.ts';
import type { Counter, ModelKernels } from './counting.ts';

/** The states after `states[k]` that depend on it, in topological order (the output excluded). */
function downstream(model: Model, k: number): NodeState[] {
  const reached = new Set<NodeState>([model.states[k]!]);
  const out: NodeState[] = [];
  for (let i = k + 1; i < model.states.length; i++) {
    const s = model.states[i]!;
    if (s === model.output || !s.inputs.some((x) => reached.has(x))) continue;
    reached.add(s);
    out.push(s);
  }
  return out;
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
  // Every node that has a gradient has a tangent (the data and the output, its feeder's value, do not).
  for (const s of states)
    if (s.dOut.length > 0 && s !== model.output) tangent.set(s, new Float64Array(B * s.width));
  const live = new Set<NodeState>();
  const tangentOf = (x: NodeState) => (live.has(x) ? tangent.get(x)! : null);
  const feeder = model.output.inputs[0]!;
  const K = model.output.width;
  for (const layer of model.layers) {
    const src = layer.state;
    const k = states.indexOf(src);
    const after = downstream(model, k);
    const kind = layerOf(src.node.type);
    const kernelLength = layer.kernel.length;
    const t0 = tangent.get(src)!;
    for (let p = 0; p < layer.length; p++) {
      kind.seedTangent(src, p, B, t0);
      live.clear();
      live.add(src);
      for (const s of after) {
        // A node no live tangent reaches stays dead.
        if (!s.inputs.some((x) => live.has(x))) continue;
        live.add(s);
        layerOf(s.node.type).tangent(s, B, tangentOf, tangent.get(s)!, kernels);
      }
      // ∂L/∂w = Σ ∂L/∂p · ṗ over rows and outputs.
      const tOut = tangent.get(feeder)!;
      let sum = 0;
      let ops = 0;
      for (let q = 0; q < B * K; q++) {
        sum += g[q]! * tOut[q]!;
        ops++;
      }
      counter.madds += ops;
      if (p < kernelLength) {
        const v = layer.kernel[p]!;
        sum += layer.l1 * (v > 0 ? 1 : v < 0 ? -1 : 0) + 2 * layer.l2 * v;
      }
      grad[layer.offset + p] = sum;
    }
  }
}
