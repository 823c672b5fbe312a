/**
 * Dense: z = x·W + b, a = f(z); kernel W is [nIn × units] (Keras layout).
 * Backward from the cached x, z, a:  dZ = dA ⊙ f'(z);  dW = xᵀ·dZ;  db = Σ_rows dZ;  dX += dZ·Wᵀ.
 * Forward mode (explainer): ż = ẋ·W, ȧ = f'(z) ⊙ ż; in W_ij alone: ż_j = x_i.
 */
import * as z from 'zod';
import { activateBackward } from '../activations.ts';
import { inputStep } from '../explain/chain-text.ts';
import { grid, perNeuron, perRow } from '../explain/rows.ts';
import { CAP } from '../formats/issues.ts';
import { LIMITS } from '../graph/limits.ts';
import { ACTIVATIONS, INITIALIZERS } from '../graph/types.ts';
import type { DenseNode, Initializer } from '../graph/types.ts';
import { initKernel } from '../init.ts';
import { bindActivation, bindDense } from '../kernels/kernel-sets.ts';
import type { DenseProducts, Pass, StepRecorder } from '../kernels/kernel-sets.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import { onnxActivation } from './onnx-parts.ts';
import {
  activationFields,
  activationSteps,
  alphaOf,
  checkActivation,
  flatInputs,
  inputTerm,
  isFiniteNonNegative,
  isPositiveInt,
  kerasActivation,
  keepsGradient,
  named,
  nodeSchema,
} from './parts.ts';
import { torchActivation } from './pytorch-parts.ts';

/** The layer's products bound to its buffers and its current kernels. */
function productsOf(s: NodeState): DenseProducts {
  const x = s.inputs[0]!;
  return bindDense(s.kernels, {
    x: x.out,
    w: s.kernel!,
    bias: s.bias,
    z: s.z!,
    dZ: s.dZ!,
    dW: s.dKernel!,
    dBias: s.dBias,
    dX: keepsGradient(x) ? x.dOut : null,
    nIn: x.width,
    nOut: s.width,
  });
}

/** Binds the layer's products and activation to its buffers (once, when the model is made). */
export function denseBind(s: NodeState): void {
  const node = s.node as DenseNode;
  s.products = productsOf(s);
  s.act = bindActivation(s.vectors, node.activation, alphaOf(node), {
    z: s.z!,
    a: s.out,
    dA: s.dOut,
    dZ: s.dZ!,
    width: s.width,
    softplus: s.softplus,
  });
}

/** The bound products, bound again if the model's kernels were swapped since (explain's counting kernels). */
function products(s: NodeState): DenseProducts {
  const p = s.products!;
  return p.kernels === s.kernels ? p : (s.products = productsOf(s));
}

export function denseForward(s: NodeState, ctx: RunContext): void {
  products(s).forward(ctx.B);
  s.act!.forward(ctx.B);
}

export function denseBackward(s: NodeState, ctx: RunContext): void {
  const n = ctx.B * s.width;
  const dZ = s.dZ!;
  if (s.fused) for (let i = 0; i < n; i++) dZ[i] = s.dOut[i]!;
  else s.act!.backward(ctx.B);
  products(s).backward(ctx.B);
}

/** denseForward or denseBackward as kernel calls (an activation the kernels lack as a JavaScript step). */
export function denseRecord(s: NodeState, pass: Pass, B: number, r: StepRecorder): boolean {
  const act = s.act!;
  const p = products(s);
  if (pass === 'forward') {
    if (!p.record?.('forward', B, r)) return false;
    if (!act.record?.('forward', B, r)) r.js(() => act.forward(B));
    return true;
  }
  if (s.fused) {
    if (!r.copy(s.dZ!, s.dOut, B * s.width)) return false;
  } else if (!act.record?.('backward', B, r)) r.js(() => act.backward(B));
  return p.record?.('backward', B, r) ?? false;
}

/** Keras class names of the initialisers (the bias is zeros, as ours). */
export const KERAS_INITIALIZERS: Record<Initializer, string> = {
  glorot_uniform: 'GlorotUniform',
  glorot_normal: 'GlorotNormal',
  he_uniform: 'HeUniform',
  he_normal: 'HeNormal',
  zeros: 'Zeros',
};

export const dense: LayerKind<DenseNode> = {
  ...named('dense'),
  arity: [1, 1],
  defaults: {
    units: 8,
    activation: 'relu',
    useBias: true,
    kernelInitializer: 'he_uniform',
  },
  fields: [
    { key: 'units', labelKey: 'inspector.units', control: 'int', min: 1, max: LIMITS.units },
    ...activationFields('inspector.activation', ACTIVATIONS),
    {
      key: 'kernelInitializer',
      labelKey: 'inspector.initializer',
      control: 'choice',
      values: INITIALIZERS,
      optionKey: 'initializers',
    },
    { key: 'useBias', labelKey: 'inspector.bias', control: 'flag' },
    { key: 'l1', labelKey: 'inspector.l1', control: 'number', min: 0, step: 0.0001, whenAbsent: 0 },
    { key: 'l2', labelKey: 'inspector.l2', control: 'number', min: 0, step: 0.0001, whenAbsent: 0 },
  ],
  schema: (base) =>
    nodeSchema<DenseNode>(base, 'dense', {
      units: z.int().min(1).max(LIMITS.units, CAP),
      activation: z.enum(ACTIVATIONS),
      alpha: z.number().optional(),
      useBias: z.boolean(),
      kernelInitializer: z.enum(INITIALIZERS),
      l1: z.number().min(0).optional(),
      l2: z.number().min(0).optional(),
    }),
  check(n, bad) {
    if (!isPositiveInt(n.units, LIMITS.units)) bad('graph.node.unitsRange', { max: LIMITS.units });
    checkActivation({ activation: n.activation }, bad);
    if (!(INITIALIZERS as readonly string[]).includes(n.kernelInitializer))
      bad('graph.node.unknownInitializer', { initializer: String(n.kernelInitializer) });
    if (typeof n.useBias !== 'boolean') bad('graph.node.useBiasBoolean');
    if (!isFiniteNonNegative(n.l1) || !isFiniteNonNegative(n.l2)) bad('graph.node.penaltyRange');
    if (n.alpha !== undefined && !Number.isFinite(n.alpha)) bad('graph.node.alphaFinite');
  },
  outputShape(n, { inputs }) {
    flatInputs(n, inputs);
    return [n.units];
  },
  params: (n, inputs) => ({ kernel: [inputs[0]![0]!, n.units], bias: n.useBias }),
  initParams: (n, kernel, fanIn, fanOut, rng) => initKernel(n.kernelInitializer, kernel, fanIn, fanOut, rng),
  penalties: (n) => ({ l1: n.l1 ?? 0, l2: n.l2 ?? 0 }),
  activation: (n) => n.activation,
  cache: { gradient: true, z: true, dZ: true, mask: false, sharesInput: false },
  bind: denseBind,
  forward: denseForward,
  backward: denseBackward,
  record: denseRecord,
  logits: (s) => s.z!,
  tfjs(n) {
    const act = kerasActivation(n);
    if (!act) return null;
    const init = KERAS_INITIALIZERS[n.kernelInitializer];
    const l1 = n.l1 ?? 0;
    const l2 = n.l2 ?? 0;
    return [
      {
        className: 'Dense',
        config: {
          units: n.units,
          activation: act.name,
          use_bias: n.useBias,
          kernel_initializer: { class_name: init, config: init === 'Zeros' ? {} : { seed: null } },
          bias_initializer: { class_name: 'Zeros', config: {} },
          kernel_regularizer: l1 || l2 ? { class_name: 'L1L2', config: { l1, l2 } } : null,
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
        },
        weights: n.useBias ? ['kernel', 'bias'] : ['kernel'],
      },
      ...act.after,
    ];
  },
  pytorch: (n, { name, inputs, width, inputWidths }) => ({
    module: `nn.Linear(${inputWidths[0]!}, ${width}${n.useBias ? '' : ', bias=False'})`,
    weights: n.useBias ? ['kernel', 'bias'] : ['kernel'],
    value: `self.${name}(${inputs[0]!})`,
    activation: torchActivation(n),
  }),
  // Gemm: x·W + b with W [nIn, units] as ours, then the activation.
  onnx(n, ctx) {
    const weights = n.useBias ? [ctx.param('kernel'), ctx.param('bias')] : [ctx.param('kernel')];
    return onnxActivation(n, ctx.op('Gemm', [ctx.inputs[0]!, ...weights]), ctx);
  },

  tangent(s, B, tangentOf, t, kernels) {
    const x = s.inputs[0]!;
    kernels.matmul(tangentOf(x)!, s.kernel!, t, B, x.width, s.width, null);
    const node = s.node as DenseNode;
    if (!s.fused) activateBackward(node.activation, alphaOf(node), s.z!, s.out, t, t, B * s.width, s.width);
  },
  seedTangent(s, p, B, t) {
    // ∂z/∂W_ij = x_i at unit j (∂z/∂b_j = 1); then through the layer's own activation.
    const x = s.inputs[0]!;
    const nIn = x.width;
    const w = s.width;
    const isKernel = p < nIn * w;
    const i = isKernel ? Math.floor(p / w) : -1;
    const j = isKernel ? p % w : p - nIn * w;
    t.fill(0, 0, B * w);
    for (let r = 0; r < B; r++) t[r * w + j] = isKernel ? x.out[r * nIn + i]! : 1;
    const node = s.node as DenseNode;
    if (!s.fused) activateBackward(node.activation, alphaOf(node), s.z!, s.out, t, t, B * w, w);
  },
  term(u, s, B, t) {
    const w = s.width;
    const dZ = u.dZ!;
    const W = u.kernel!;
    const units = u.width;
    for (let r = 0; r < B; r++)
      for (let i = 0; i < w; i++) {
        let v = 0;
        for (let j = 0; j < units; j++) v += dZ[r * units + j]! * W[i * units + j]!;
        t[r * w + i] = v;
      }
  },
  forwardEvent(s, B) {
    const node = s.node as DenseNode;
    const x = s.inputs[0]!;
    return {
      kind: 'dense',
      nodeId: node.id,
      inputId: x.node.id,
      activation: node.activation,
      alpha: alphaOf(node),
      x: perRow(x.out, B, x.width),
      w: perNeuron(s.kernel!, x.width, s.width),
      b: s.bias ? Array.from(s.bias) : null,
      z: perRow(s.z!, B, s.width),
      a: perRow(s.out, B, s.width),
      fused: s.fused,
    };
  },
  backwardEvent(s, B, base, lossSteps) {
    const node = s.node as DenseNode;
    const w = s.width;
    const x = s.inputs[0]!;
    const nIn = x.width;
    const { fPrime, dZSteps } = activationSteps(s, node, s.z!, s.dZ!, B, lossSteps);
    const { l1, l2 } = dense.penalties(node);
    const penalized = l1 !== 0 || l2 !== 0;
    const k = s.kernel!;
    const dX = inputTerm(dense, s, B);
    return {
      ...base,
      kind: 'dense',
      inputId: x.node.id,
      fused: s.fused,
      fPrime,
      dZ: perRow(s.dZ!, B, w),
      dZSteps: dZSteps!,
      dW: perNeuron(s.dKernel!, nIn, w),
      dWPenalty: penalized
        ? grid(w, nIn, (j, i) => {
            const v = k[i * w + j]!;
            return l1 * Math.sign(v) + 2 * l2 * v;
          })
        : null,
      dB: s.dBias ? Array.from(s.dBias) : null,
      dX: dX ? perRow(dX, B, nIn) : null,
      dXSteps: dX
        ? grid(B, nIn, (r, i) =>
            inputStep(
              i,
              Array.from({ length: w }, (_, j) => k[i * w + j]!),
              Array.from(s.dZ!.subarray(r * w, r * w + w)),
              dX[r * nIn + i]!,
            ),
          )
        : null,
    };
  },
};
