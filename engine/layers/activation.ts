/** Activation node: a = f(x) element-wise (softmax per row); backward dX += f'(x) ⊙ dA from the cache. */
import { activate, activateBackward } from '../activations.ts';
import type { ActivationNode } from '../graph/types.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import { alphaOf } from './dense.ts';

export function activationForward(s: NodeState, ctx: RunContext): void {
  const node = s.node as ActivationNode;
  const n = ctx.B * s.width;
  if (node.activation === 'relu') s.vectors.relu(s.inputs[0]!.out, s.out, n);
  else activate(node.activation, alphaOf(node), s.inputs[0]!.out, s.out, n, s.width);
}

export function activationBackward(s: NodeState, ctx: RunContext): void {
  const node = s.node as ActivationNode;
  const x = s.inputs[0]!;
  if (x.node.type === 'input') return;
  const n = ctx.B * s.width;
  const dX = x.dOut;
  if (s.fused) {
    for (let i = 0; i < n; i++) dX[i]! += s.dOut[i]!;
    return;
  }
  // dZ into this node's dZ scratch, then accumulate: the input may feed other consumers too.
  const dZ = s.dZ!;
  if (node.activation === 'relu') s.vectors.reluBackward(x.out, s.dOut, dZ, n);
  else activateBackward(node.activation, alphaOf(node), x.out, s.out, s.dOut, dZ, n, s.width);
  for (let i = 0; i < n; i++) dX[i]! += dZ[i]!;
}
