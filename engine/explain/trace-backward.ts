/**
 * The backward half of a traced step: per node, its stored gradient ∂L/∂a (from the engine's dOut),
 * what its consumers added into it, and its kind's own event (∂L/∂z, ∂L/∂W, ∂L/∂b and what it passed
 * to its inputs, with each neuron's chain-rule step: engine/layers/<kind>.ts). The engine keeps a
 * node's gradient summed over its consumers; the terms are split out here (termFrom) so the sum can be
 * shown.
 */
import { layerOf } from '../layers/registry.ts';
import type { Model } from '../model/model.ts';
import type { NodeState } from '../model/state.ts';
import { sumStep } from './chain-text.ts';
import { grid, perRow } from './rows.ts';
import type { BackwardEvent, ChainStep } from './trace-types.ts';

/** What consumer `u` added into the stored gradient of its input `s` (the engine keeps only the sum). */
export function termFrom(u: NodeState, s: NodeState, B: number): Float64Array {
  const t = new Float64Array(B * s.width);
  layerOf(u.node.type).term(u, s, B, t);
  return t;
}

/** The backward event of node `s` (not the output), read from the model after computeGradients. */
export function backwardEvent(m: Model, s: NodeState, B: number, lossSteps: ChainStep[][]): BackwardEvent {
  const node = s.node;
  const w = s.width;
  const isData = s.dOut.length === 0;
  const consumerIds = m.compiled.consumers.get(node.id)!;
  let sum: BackwardEvent['sum'] = null;
  let sumSteps: ChainStep[][] | null = null;
  if (consumerIds.length > 1 && !isData) {
    const terms = consumerIds.map((id) => termFrom(m.byId.get(id)!, s, B));
    sum = consumerIds.map((id, k) => ({ consumerId: id, term: perRow(terms[k]!, B, w) }));
    sumSteps = grid(B, w, (r, i) =>
      sumStep(
        i,
        consumerIds,
        terms.map((t) => t[r * w + i]!),
        s.dOut[r * w + i]!,
      ),
    );
  }
  const base = { nodeId: node.id, dA: isData || s.fused ? null : perRow(s.dOut, B, w), sum, sumSteps };
  return layerOf(node.type).backwardEvent(s, B, base, lossSteps);
}
