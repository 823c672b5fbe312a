/**
 * Inverted dropout: while training a = x ⊙ m with mᵢ = 0 (probability rate) or 1/(1−rate), cached for
 * backward (dX += m ⊙ dA); at inference a = x. Forward mode (explainer): ȧ = m ⊙ ẋ.
 */
import * as z from 'zod';
import { maskStep } from '../explain/chain-text.ts';
import { grid, perRow } from '../explain/rows.ts';
import type { DropoutNode } from '../graph/types.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import {
  inputTerm,
  inputShape,
  keepsGradient,
  named,
  nodeSchema,
  parameterFree,
  PLAIN_CACHE,
} from './parts.ts';
import { pyFloat } from './pytorch-parts.ts';

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
  if (!keepsGradient(x)) return;
  const n = ctx.B * s.width;
  for (let i = 0; i < n; i++) x.dOut[i]! += s.mask![i]! * s.dOut[i]!;
}

export const dropout: LayerKind<DropoutNode> = {
  ...parameterFree('dropout'),
  ...named('dropout'),
  arity: [1, 1],
  defaults: { rate: 0.2 },
  // The editor stops at 0.95: beyond it almost nothing is kept (the engine takes any rate below 1).
  fields: [{ key: 'rate', labelKey: 'inspector.rate', control: 'number', min: 0, max: 0.95, step: 0.05 }],
  schema: (base) =>
    nodeSchema<DropoutNode>(base, 'dropout', {
      rate: z.number().min(0).lt(1),
    }),
  check(n, bad) {
    if (!(typeof n.rate === 'number' && n.rate >= 0 && n.rate < 1)) bad('graph.node.rateRange');
  },
  outputShape: inputShape,
  // Off at inference, as ours.
  tfjs: (n) => [{ className: 'Dropout', config: { rate: n.rate } }],
  // nn.Dropout is inverted dropout too: off in eval mode.
  pytorch: (n, { name, inputs }) => ({
    module: `nn.Dropout(p=${pyFloat(n.rate)})`,
    value: `self.${name}(${inputs[0]!})`,
  }),
  // Inference only: the identity.
  onnx: (_n, ctx) => ctx.op('Identity', ctx.inputs),
  cache: { ...PLAIN_CACHE, mask: true },
  forward: dropoutForward,
  backward: dropoutBackward,
  record: null,

  tangent(s, B, tangentOf, t) {
    const tx = tangentOf(s.inputs[0]!)!;
    const mask = s.mask!;
    for (let i = 0; i < B * s.width; i++) t[i] = mask[i]! * tx[i]!;
  },
  term(u, _s, B, t) {
    for (let i = 0; i < B * u.width; i++) t[i] = u.mask![i]! * u.dOut[i]!;
  },
  forwardEvent(s, B) {
    const node = s.node as DropoutNode;
    return {
      kind: 'dropout',
      nodeId: node.id,
      inputId: node.inputs[0],
      rate: node.rate,
      mask: perRow(s.mask!, B, s.width),
      a: perRow(s.out, B, s.width),
    };
  },
  backwardEvent(s, B, base) {
    const w = s.width;
    const x = s.inputs[0]!;
    const dX = inputTerm(dropout, s, B);
    return {
      ...base,
      kind: 'dropout',
      inputId: x.node.id,
      dX: dX ? perRow(dX, B, w) : null,
      dXSteps: dX
        ? grid(B, w, (r, i) => maskStep(i, s.mask![r * w + i]!, s.dOut[r * w + i]!, dX[r * w + i]!))
        : null,
    };
  },
};
