/**
 * Concatenate: a = [x₁ | x₂ | …] per row, so each dXᵢ += its slice of dA.
 * Forward mode (explainer): ȧ = [ẋ₁ | ẋ₂ | …], zero where no live tangent reaches.
 */
import { fail } from '../errors.ts';
import { offsets, perRow } from '../explain/rows.ts';
import { LIMITS } from '../graph/limits.ts';
import type { ConcatenateNode } from '../graph/types.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import { flatInputs, keepsGradient, named, nodeSchema, parameterFree, PLAIN_CACHE } from './parts.ts';

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
    if (keepsGradient(x)) {
      for (let r = 0; r < ctx.B; r++) {
        const dst = r * xw;
        const src = r * w + offset;
        for (let j = 0; j < xw; j++) x.dOut[dst + j]! += s.dOut[src + j]!;
      }
    }
    offset += xw;
  }
}

export const concatenate: LayerKind<ConcatenateNode> = {
  ...parameterFree('concatenate'),
  ...named('concatenate'),
  arity: [2, 64],
  defaults: {},
  fields: [],
  schema: (base) => nodeSchema<ConcatenateNode>(base, 'concatenate'),
  check() {},
  outputShape(n, { inputs }) {
    const out = flatInputs(n, inputs).reduce((acc, w) => acc + w, 0);
    if (out > LIMITS.units)
      fail('TOO_LARGE', 'graph.concatTooWide', { id: n.id, max: LIMITS.units }, { nodeId: n.id });
    return [out];
  },
  tfjs: () => [{ className: 'Concatenate', config: { axis: -1 } }],
  pytorch: (_n, { inputs }) => ({ value: `torch.cat([${inputs.join(', ')}], dim=1)` }),
  onnx: (_n, ctx) => ctx.op('Concat', ctx.inputs, { axis: { int: -1 } }),
  cache: PLAIN_CACHE,
  forward: concatForward,
  backward: concatBackward,
  record: null,

  tangent(s, B, tangentOf, t) {
    let offset = 0;
    for (const x of s.inputs) {
      const tx = tangentOf(x);
      for (let r = 0; r < B; r++)
        for (let j = 0; j < x.width; j++) t[r * s.width + offset + j] = tx ? tx[r * x.width + j]! : 0;
      offset += x.width;
    }
  },
  term(u, s, B, t) {
    let offset = 0;
    for (const x of u.inputs) {
      if (x === s) break;
      offset += x.width;
    }
    const w = s.width;
    for (let r = 0; r < B; r++) for (let i = 0; i < w; i++) t[r * w + i] = u.dOut[r * u.width + offset + i]!;
  },
  forwardEvent: (s, B) => ({
    kind: 'concatenate',
    nodeId: s.node.id,
    inputIds: [...s.node.inputs],
    offsets: offsets(s),
    a: perRow(s.out, B, s.width),
  }),
  // Each input receives its own slice of ∂L/∂a.
  backwardEvent: (s, _B, base) => ({
    ...base,
    kind: 'concatenate',
    inputIds: [...s.node.inputs],
    offsets: offsets(s),
  }),
};
