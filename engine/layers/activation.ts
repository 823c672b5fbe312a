/** Activation node: a = f(x) element-wise (softmax per row); backward dX += f'(x) ⊙ dA from the cache. */
import type { ActivationNode } from '../graph/types.ts';
import { bindActivation } from '../kernels/kernels.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import { alphaOf } from './dense.ts';

/** Binds f and f′ to the node's buffers (once, when the model is made). */
export function activationBind(s: NodeState): void {
  const node = s.node as ActivationNode;
  s.act = bindActivation(s.vectors, node.activation, alphaOf(node), {
    z: s.inputs[0]!.out,
    a: s.out,
    dA: s.dOut,
    dZ: s.dZ!,
    width: s.width,
    softplus: s.softplus,
  });
}

export function activationForward(s: NodeState, ctx: RunContext): void {
  s.act!.forward(ctx.B);
}

export function activationBackward(s: NodeState, ctx: RunContext): void {
  const x = s.inputs[0]!;
  if (x.node.type === 'input') return;
  const n = ctx.B * s.width;
  const dX = x.dOut;
  if (s.fused) {
    for (let i = 0; i < n; i++) dX[i]! += s.dOut[i]!;
    return;
  }
  // dZ into this node's dZ scratch, then accumulate: the input may feed other consumers too.
  s.act!.backward(ctx.B);
  const dZ = s.dZ!;
  for (let i = 0; i < n; i++) dX[i]! += dZ[i]!;
}
