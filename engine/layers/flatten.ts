/**
 * Flatten: any shape → [size]. Rows are stored flat in channels-last order already, which is Keras's
 * Flatten order, so a = x and dX += dA; only the shape changes. Forward mode (explainer): ȧ = ẋ.
 */
import type { FlattenNode } from '../graph/types.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import { keepsGradient, named, nodeSchema, parameterFree, PLAIN_CACHE, valueEvents } from './parts.ts';
import { sizeOf } from './spatial.ts';

export function flattenForward(s: NodeState, ctx: RunContext): void {
  const n = ctx.B * s.width;
  const x = s.inputs[0]!.out;
  for (let i = 0; i < n; i++) s.out[i] = x[i]!;
}

export function flattenBackward(s: NodeState, ctx: RunContext): void {
  const x = s.inputs[0]!;
  if (!keepsGradient(x)) return;
  const n = ctx.B * s.width;
  for (let i = 0; i < n; i++) x.dOut[i]! += s.dOut[i]!;
}

export const flatten: LayerKind<FlattenNode> = {
  ...parameterFree('flatten'),
  ...named('flatten'),
  arity: [1, 1],
  defaults: {},
  fields: [],
  schema: (base) => nodeSchema<FlattenNode>(base, 'flatten'),
  check() {},
  outputShape: (_n, { inputs }) => [sizeOf(inputs[0]!)],
  tfjs: () => [{ className: 'Flatten', config: { data_format: 'channels_last' } }],
  // The export values are flat rows already.
  pytorch: (_n, { inputs }) => ({ value: inputs[0]! }),
  onnx: (_n, ctx) => ctx.op('Identity', ctx.inputs),
  cache: PLAIN_CACHE,
  forward: flattenForward,
  backward: flattenBackward,
  record: null,

  tangent(s, B, tangentOf, t) {
    t.set(tangentOf(s.inputs[0]!)!.subarray(0, B * s.width));
  },
  term(u, _s, B, t) {
    t.set(u.dOut.subarray(0, B * u.width));
  },
  ...valueEvents('flatten', () => flatten.term),
};
