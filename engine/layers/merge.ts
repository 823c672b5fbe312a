/**
 * Add: a = Σ xᵢ, so each dXᵢ += dA.  Concatenate: a = [x₁ | x₂ | …] per row, so each dXᵢ += its slice of dA.
 */
import type { NodeState, RunContext } from '../model/state.ts';

export function addForward(s: NodeState, ctx: RunContext): void {
  const n = ctx.B * s.width;
  const out = s.out;
  const first = s.inputs[0]!.out;
  for (let i = 0; i < n; i++) out[i] = first[i]!;
  for (let k = 1; k < s.inputs.length; k++) {
    const x = s.inputs[k]!.out;
    for (let i = 0; i < n; i++) out[i]! += x[i]!;
  }
}

export function addBackward(s: NodeState, ctx: RunContext): void {
  const n = ctx.B * s.width;
  for (const x of s.inputs) {
    if (x.node.type === 'input') continue;
    const dX = x.dOut;
    for (let i = 0; i < n; i++) dX[i]! += s.dOut[i]!;
  }
}

export function concatForward(s: NodeState, ctx: RunContext): void {
  const w = s.width;
  let offset = 0;
  for (const x of s.inputs) {
    const xw = x.width;
    for (let r = 0; r < ctx.B; r++) {
      const src = r * xw;
      const dst = r * w + offset;
      for (let j = 0; j < xw; j++) s.out[dst + j] = x.out[src + j]!;
    }
    offset += xw;
  }
}

export function concatBackward(s: NodeState, ctx: RunContext): void {
  const w = s.width;
  let offset = 0;
  for (const x of s.inputs) {
    const xw = x.width;
    if (x.node.type !== 'input') {
      for (let r = 0; r < ctx.B; r++) {
        const dst = r * xw;
        const src = r * w + offset;
        for (let j = 0; j < xw; j++) x.dOut[dst + j]! += s.dOut[src + j]!;
      }
    }
    offset += xw;
  }
}
