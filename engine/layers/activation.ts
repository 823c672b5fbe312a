/**
 * Activation node: a = f(x) element-wise (softmax per row); backward dX += f'(x) ⊙ dA from the cache.
 * Forward mode (explainer): ȧ = f'(x) ⊙ ẋ.
 */
import * as z from 'zod';
import { activateBackward } from '../activations.ts';
import { perRow } from '../explain/rows.ts';
import { ACTIVATIONS } from '../graph/types.ts';
import type { ActivationNode } from '../graph/types.ts';
import { bindActivation } from '../kernels/kernel-sets.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import { onnxActivation } from './onnx-parts.ts';
import {
  activationFields,
  activationSteps,
  alphaOf,
  checkActivation,
  inputTerm,
  inputShape,
  kerasActivation,
  keepsGradient,
  named,
  nodeSchema,
  parameterFree,
  PLAIN_CACHE,
} from './parts.ts';
import { torchActivation } from './pytorch-parts.ts';

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
  if (!keepsGradient(x)) return;
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

export const activation: LayerKind<ActivationNode> = {
  ...parameterFree('activation'),
  ...named('activation'),
  arity: [1, 1],
  defaults: { activation: 'tanh' },
  fields: activationFields('inspector.function', ACTIVATIONS),
  schema: (base) =>
    nodeSchema<ActivationNode>(base, 'activation', {
      activation: z.enum(ACTIVATIONS),
      alpha: z.number().optional(),
    }),
  check: checkActivation,
  outputShape: inputShape,
  activation: (n) => n.activation,
  cache: { ...PLAIN_CACHE, dZ: true },
  bind: activationBind,
  forward: activationForward,
  backward: activationBackward,
  record: null,
  logits: (s) => s.inputs[0]!.out,
  tfjs(n) {
    const act = kerasActivation(n);
    if (!act) return null;
    // Leaky ReLU is its own layer; a linear Activation before it would only copy.
    return act.after.length ? act.after : [{ className: 'Activation', config: { activation: act.name } }];
  },
  pytorch: (n, { inputs }) => ({ value: inputs[0]!, activation: torchActivation(n) }),
  onnx(n, ctx) {
    const x = ctx.inputs[0]!;
    const a = onnxActivation(n, x, ctx);
    // Linear writes no operator; an Identity keeps the block in the graph under its name.
    return a === x ? ctx.op('Identity', [x]) : a;
  },

  tangent(s, B, tangentOf, t) {
    const x = s.inputs[0]!;
    const n = B * s.width;
    t.set(tangentOf(x)!.subarray(0, n));
    const node = s.node as ActivationNode;
    if (!s.fused) activateBackward(node.activation, alphaOf(node), x.out, s.out, t, t, n, s.width);
  },
  term(u, _s, B, t) {
    t.set((u.fused ? u.dOut : u.dZ!).subarray(0, B * u.width));
  },
  forwardEvent(s, B) {
    const node = s.node as ActivationNode;
    const x = s.inputs[0]!;
    return {
      kind: 'activation',
      nodeId: node.id,
      inputId: x.node.id,
      activation: node.activation,
      alpha: alphaOf(node),
      z: perRow(x.out, B, x.width),
      a: perRow(s.out, B, s.width),
      fused: s.fused,
    };
  },
  backwardEvent(s, B, base, lossSteps) {
    const node = s.node as ActivationNode;
    const w = s.width;
    const x = s.inputs[0]!;
    const dZ = inputTerm(activation, s, B);
    const { fPrime, dZSteps } = activationSteps(s, node, x.out, dZ, B, lossSteps);
    return {
      ...base,
      kind: 'activation',
      inputId: x.node.id,
      fused: s.fused,
      fPrime,
      dZ: dZ ? perRow(dZ, B, w) : null,
      dZSteps,
    };
  },
};
