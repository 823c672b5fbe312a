/**
 * Inverted dropout: while training a = x ⊙ m with mᵢ = 0 (probability rate) or 1/(1−rate), cached for
 * backward (dX += m ⊙ dA); at inference a = x.
 */
import type { DropoutNode } from '../graph/types.ts';
import type { NodeState, RunContext } from '../model/state.ts';

export function dropoutForward(s: NodeState, ctx: RunContext): void {
  const rate = (s.node as DropoutNode).rate;
  const n = ctx.B * s.width;
  const x = s.inputs[0]!.out;
  const mask = s.mask!;
  if (!ctx.training || rate === 0) {
    mask.fill(1, 0, n);
    for (let i = 0; i < n; i++) s.out[i] = x[i]!;
    return;
  }
  const keep = 1 / (1 - rate);
  for (let i = 0; i < n; i++) {
    const m = ctx.rng.next() < rate ? 0 : keep;
    mask[i] = m;
    s.out[i] = x[i]! * m;
  }
}

export function dropoutBackward(s: NodeState, ctx: RunContext): void {
  const x = s.inputs[0]!;
  if (x.node.type === 'input') return;
  const n = ctx.B * s.width;
  for (let i = 0; i < n; i++) x.dOut[i]! += s.mask![i]! * s.dOut[i]!;
}
