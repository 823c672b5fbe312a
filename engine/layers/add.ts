/**
 * Add: a = Σ xᵢ over inputs of equal width, so each dXᵢ += dA (slope 1 in every input).
 * Forward mode (explainer): ȧ = Σ ẋᵢ over the inputs a live tangent reaches.
 */
import { fail } from '../errors.ts';
import type { AddNode, Shape } from '../graph/types.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import { keepsGradient, named, nodeSchema, parameterFree, PLAIN_CACHE } from './parts.ts';
import { perRow } from '../explain/rows.ts';

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
    if (!keepsGradient(x)) continue;
    const dX = x.dOut;
    for (let i = 0; i < n; i++) dX[i]! += s.dOut[i]!;
  }
}

export const add: LayerKind<AddNode> = {
  ...parameterFree('add'),
  ...named('add'),
  arity: [2, 64],
  defaults: {},
  fields: [],
  schema: (base) => nodeSchema<AddNode>(base, 'add'),
  check() {},
  outputShape(n, { inputs }) {
    const out = inputs[0]!;
    const text = (shape: Shape) => (shape.length === 1 ? shape[0]! : `[${shape.join(', ')}]`);
    if (inputs.some((w) => w.length !== out.length || w.some((d, i) => d !== out[i])))
      fail(
        'WIDTH_MISMATCH',
        'graph.addWidthMismatch',
        {
          id: n.id,
          widths: n.inputs.map((s, k) => ({
            key: 'graph.inputHasWidth',
            params: { id: s, width: text(inputs[k]!) },
          })),
        },
        { nodeId: n.id },
      );
    return out;
  },
  tfjs: () => [{ className: 'Add', config: {} }],
  pytorch: (_n, { inputs }) => ({ value: inputs.join(' + ') }),
  // ONNX's Add takes two: ((a + b) + c) + …, summed in our order.
  onnx: (_n, ctx) => ctx.inputs.slice(1).reduce((sum, x) => ctx.op('Add', [sum, x]), ctx.inputs[0]!),
  cache: PLAIN_CACHE,
  forward: addForward,
  backward: addBackward,
  record: null,

  tangent(s, B, tangentOf, t) {
    const n = B * s.width;
    t.fill(0, 0, n);
    for (const x of s.inputs) {
      const tx = tangentOf(x);
      if (!tx) continue;
      for (let i = 0; i < n; i++) t[i]! += tx[i]!;
    }
  },
  term(u, _s, B, t) {
    t.set(u.dOut.subarray(0, B * u.width));
  },
  forwardEvent: (s, B) => ({
    kind: 'add',
    nodeId: s.node.id,
    inputIds: [...s.node.inputs],
    a: perRow(s.out, B, s.width),
  }),
  // Slope 1 in every input: each receives ∂L/∂a unchanged.
  backwardEvent: (s, _B, base) => ({ ...base, kind: 'add', inputIds: [...s.node.inputs] }),
};
