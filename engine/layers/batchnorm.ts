/**
 * Batch normalisation over the last axis (C channels; M = rows × positions values each), as Keras:
 *   training: μ, σ² the batch's mean and biased variance, x̂ = (x − μ)/√(σ² + ε), a = γ x̂ + β, and
 *   moving ← moving·m + batch·(1 − m);  inference: μ, σ² the moving ones.
 * Backward from the cached x̂ and 1/σ: dγ = Σ dA x̂;  dβ = Σ dA;  dX += γ/σ · (dA − (dβ + x̂ dγ)/M)
 * (inference: dX += γ/σ · dA). γ is the kernel [1, C], β the bias [C].
 */
import * as z from 'zod';
import type { BatchNormNode } from '../graph/types.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import { inputShape, keepsGradient, named, nodeSchema, parameterFree, valueEvents } from './parts.ts';
import { pyFloat } from './pytorch-parts.ts';
import { toImage, toRows } from './spatial-export.ts';

/** Keras's defaults. */
export const BATCHNORM_DEFAULTS = { momentum: 0.99, epsilon: 1e-3 } as const;

const momentumOf = (n: BatchNormNode) => n.momentum ?? BATCHNORM_DEFAULTS.momentum;
const epsilonOf = (n: BatchNormNode) => n.epsilon ?? BATCHNORM_DEFAULTS.epsilon;

/** Per channel: the mean and 1/σ the last forward normalised with, and whether they were the batch's. */
interface Stats {
  mean: Float64Array;
  invStd: Float64Array;
  variance: Float64Array;
  training: boolean;
}

const STATS = new WeakMap<NodeState, Stats>();

function statsOf(s: NodeState): Stats {
  let st = STATS.get(s);
  if (!st) {
    const C = channels(s);
    st = {
      mean: new Float64Array(C),
      invStd: new Float64Array(C),
      variance: new Float64Array(C),
      training: true,
    };
    STATS.set(s, st);
  }
  return st;
}

const channels = (s: NodeState): number => s.shape[s.shape.length - 1]!;

export function batchnormForward(s: NodeState, ctx: RunContext): void {
  const node = s.node as BatchNormNode;
  const C = channels(s);
  const n = ctx.B * s.width;
  const M = n / C;
  const x = s.inputs[0]!.out;
  const st = statsOf(s);
  const { mean, invStd, variance } = st;
  const moving = s.moving!;
  const eps = epsilonOf(node);
  st.training = ctx.training;
  if (ctx.training) {
    mean.fill(0);
    variance.fill(0);
    for (let i = 0; i < n; i++) mean[i % C]! += x[i]!;
    for (let c = 0; c < C; c++) mean[c]! /= M;
    for (let i = 0; i < n; i++) {
      const d = x[i]! - mean[i % C]!;
      variance[i % C]! += d * d;
    }
    const m = momentumOf(node);
    for (let c = 0; c < C; c++) {
      variance[c]! /= M;
      invStd[c] = 1 / Math.sqrt(variance[c]! + eps);
      moving[c] = moving[c]! * m + mean[c]! * (1 - m);
      moving[C + c] = moving[C + c]! * m + variance[c]! * (1 - m);
    }
  } else
    for (let c = 0; c < C; c++) {
      mean[c] = moving[c]!;
      invStd[c] = 1 / Math.sqrt(moving[C + c]! + eps);
    }
  const xhat = s.z!;
  const gamma = s.kernel!;
  const beta = s.bias!;
  for (let i = 0; i < n; i++) {
    const c = i % C;
    const h = (x[i]! - mean[c]!) * invStd[c]!;
    xhat[i] = h;
    s.out[i] = gamma[c]! * h + beta[c]!;
  }
}

/** Σ dA and Σ dA·x̂ per channel over n values. */
function sums(s: NodeState, dA: ArrayLike<number>, n: number, dGamma: FloatArray, dBeta: FloatArray): void {
  const C = channels(s);
  const xhat = s.z!;
  dGamma.fill(0, 0, C);
  dBeta.fill(0, 0, C);
  for (let i = 0; i < n; i++) {
    dBeta[i % C]! += dA[i]!;
    dGamma[i % C]! += dA[i]! * xhat[i]!;
  }
}

/** Adds (or with `assign`, writes) γ/σ · (dA − (dβ + x̂ dγ)/M) into dX; inference: γ/σ · dA. */
function inputGradient(
  s: NodeState,
  n: number,
  dGamma: ArrayLike<number>,
  dBeta: ArrayLike<number>,
  dX: FloatArray | Float64Array,
  assign: boolean,
): void {
  const C = channels(s);
  const M = n / C;
  const { invStd, training } = statsOf(s);
  const gamma = s.kernel!;
  const xhat = s.z!;
  const dA = s.dOut;
  for (let i = 0; i < n; i++) {
    const c = i % C;
    const centred = training ? dA[i]! - (dBeta[c]! + xhat[i]! * dGamma[c]!) / M : dA[i]!;
    const v = gamma[c]! * invStd[c]! * centred;
    dX[i] = assign ? v : dX[i]! + v;
  }
}

export function batchnormBackward(s: NodeState, ctx: RunContext): void {
  const n = ctx.B * s.width;
  sums(s, s.dOut, n, s.dKernel!, s.dBias!);
  const x = s.inputs[0]!;
  if (keepsGradient(x)) inputGradient(s, n, s.dKernel!, s.dBias!, x.dOut, false);
}

export const batchnorm: LayerKind<BatchNormNode> = {
  ...parameterFree('batchnorm'),
  ...named('batchnorm'),
  arity: [1, 1],
  defaults: {},
  fields: [
    {
      key: 'momentum',
      labelKey: 'inspector.momentum',
      control: 'number',
      min: 0,
      max: 0.999,
      step: 0.01,
      whenAbsent: BATCHNORM_DEFAULTS.momentum,
    },
    {
      key: 'epsilon',
      labelKey: 'inspector.epsilon',
      control: 'number',
      min: 0,
      step: 0.0001,
      whenAbsent: BATCHNORM_DEFAULTS.epsilon,
    },
  ],
  schema: (base) =>
    nodeSchema<BatchNormNode>(base, 'batchnorm', {
      momentum: z.number().min(0).lt(1).optional(),
      epsilon: z.number().gt(0).optional(),
      center: z.literal(true).optional(),
      scale: z.literal(true).optional(),
    }),
  check(n, bad) {
    const m = momentumOf(n);
    if (!(typeof m === 'number' && m >= 0 && m < 1)) bad('graph.node.momentumRange');
    const e = epsilonOf(n);
    if (!(typeof e === 'number' && Number.isFinite(e) && e > 0)) bad('graph.node.epsilonRange');
    if (n.center !== undefined && n.center !== true) bad('graph.node.centerScaleOn');
    if (n.scale !== undefined && n.scale !== true) bad('graph.node.centerScaleOn');
  },
  outputShape: inputShape,
  params: (_n, _inputs, shape) => {
    const C = shape[shape.length - 1]!;
    return { kernel: [1, C], stored: [C], bias: true, moving: true };
  },
  // γ starts at ones (β, the moving mean, at zeros; the model sets the moving variance to ones).
  initParams: (_n, kernel) => kernel.fill(1),
  cache: { gradient: true, z: true, dZ: false, mask: false, sharesInput: false },
  forward: batchnormForward,
  backward: batchnormBackward,
  record: null,
  tfjs: (n, { shape }) => [
    {
      className: 'BatchNormalization',
      config: {
        axis: shape.length,
        momentum: momentumOf(n),
        epsilon: epsilonOf(n),
        center: true,
        scale: true,
        beta_initializer: { class_name: 'Zeros', config: {} },
        gamma_initializer: { class_name: 'Ones', config: {} },
        moving_mean_initializer: { class_name: 'Zeros', config: {} },
        moving_variance_initializer: { class_name: 'Ones', config: {} },
        beta_regularizer: null,
        gamma_regularizer: null,
        beta_constraint: null,
        gamma_constraint: null,
      },
      weights: ['kernel', 'bias', 'movingMean', 'movingVariance'],
    },
  ],
  // PyTorch's momentum weighs the new batch (1 − Keras's); in eval mode it uses the running statistics.
  pytorch(n, { name, inputs, shape, width }) {
    const C = shape[shape.length - 1]!;
    // 1 − 0.99 is 0.010000000000000009 in floats: written to 15 digits, it reads 0.01.
    const momentum = Number((1 - momentumOf(n)).toPrecision(15));
    const args = `${C}, eps=${pyFloat(epsilonOf(n))}, momentum=${pyFloat(momentum)}`;
    const weights = ['kernel', 'bias', 'movingMean', 'movingVariance'] as const;
    if (shape.length === 3)
      return {
        module: `nn.BatchNorm2d(${args})`,
        weights,
        value: toRows(`self.${name}(${toImage(inputs[0]!, shape)})`),
      };
    return {
      module: `nn.BatchNorm1d(${args})`,
      weights,
      value:
        shape.length === 1
          ? `self.${name}(${inputs[0]!})`
          : `self.${name}(${inputs[0]!}.view(-1, ${C})).view(-1, ${width})`,
    };
  },
  // Inference: BatchNormalization over channels, each position of a row made a row of [N·positions, C].
  onnx(n, ctx) {
    const C = ctx.shape[ctx.shape.length - 1]!;
    const flat = ctx.shape.length === 1;
    const x = flat ? ctx.inputs[0]! : ctx.op('Reshape', [ctx.inputs[0]!, ctx.int64s('channels', [-1, C])]);
    const y = ctx.op(
      'BatchNormalization',
      [x, ctx.param('kernel'), ctx.param('bias'), ctx.param('movingMean'), ctx.param('movingVariance')],
      { epsilon: { float: epsilonOf(n) }, momentum: { float: momentumOf(n) } },
    );
    return flat ? y : ctx.op('Reshape', [y, ctx.int64s('rows', [-1, ctx.width])]);
  },

  tangent(s, B, tangentOf, t) {
    // ȧ = γ/σ · (ẋ − mean(ẋ) − x̂ · mean(ẋ x̂)) while training; γ/σ · ẋ at inference.
    const tx = tangentOf(s.inputs[0]!)!;
    const C = channels(s);
    const n = B * s.width;
    const M = n / C;
    const { invStd, training } = statsOf(s);
    const xhat = s.z!;
    const mx = new Float64Array(C);
    const mxh = new Float64Array(C);
    if (training)
      for (let i = 0; i < n; i++) {
        mx[i % C]! += tx[i]! / M;
        mxh[i % C]! += (tx[i]! * xhat[i]!) / M;
      }
    for (let i = 0; i < n; i++) {
      const c = i % C;
      t[i] = s.kernel![c]! * invStd[c]! * (tx[i]! - mx[c]! - xhat[i]! * mxh[c]!);
    }
  },
  seedTangent(s, p, B, t) {
    // ∂a/∂γ_c = x̂ at channel c; ∂a/∂β_c = 1.
    const C = channels(s);
    const isGamma = p < C;
    const c = isGamma ? p : p - C;
    const n = B * s.width;
    for (let i = 0; i < n; i++) t[i] = i % C !== c ? 0 : isGamma ? s.z![i]! : 1;
  },
  term(u, _s, B, t) {
    const n = B * u.width;
    const C = channels(u);
    const dGamma = new Float64Array(C);
    const dBeta = new Float64Array(C);
    sums(u, u.dOut, n, dGamma, dBeta);
    inputGradient(u, n, dGamma, dBeta, t, true);
  },
  ...valueEvents('batchnorm', () => batchnorm.term),
};
