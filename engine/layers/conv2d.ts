/**
 * Conv2d over [h, w, in] (channels last): the windows unrolled into rows, cols = im2col(x), make it a
 * matrix product: Z = cols·W + b with W [kh·kw·in, filters] (Keras's [kh, kw, in, filters], row-major), a = f(Z).
 * Backward: dZ = dA ⊙ f′(z); dW = colsᵀ·dZ; db = Σ dZ; dX += col2im(dZ·Wᵀ). The products are dense's.
 */
import * as z from 'zod';
import { activateBackward } from '../activations.ts';
import { LIMITS } from '../graph/limits.ts';
import { ACTIVATIONS, INITIALIZERS, PADDINGS } from '../graph/types.ts';
import type { Activation, Conv2dNode } from '../graph/types.ts';
import { initKernel } from '../init.ts';
import { bindActivation, bindDense } from '../kernels/kernel-sets.ts';
import type { DenseProducts } from '../kernels/kernel-sets.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import { KERAS_INITIALIZERS } from './dense.ts';
import type { LayerKind } from './kind.ts';
import {
  activationFields,
  alphaOf,
  checkActivation,
  isFiniteNonNegative,
  isPositiveInt,
  keepsGradient,
  kerasActivation,
  named,
  nodeSchema,
  valueEvents,
} from './parts.ts';
import { checkPadding, checkPair, col2im, geometry, im2col, imageInput, pairSchema } from './spatial.ts';
import type { Geometry } from './spatial.ts';
import { onnxImage, torchImage } from './spatial-export.ts';

/** Its activations: softmax acts on a flat row only, so it is not one of them. */
const CONV_ACTIVATIONS = ACTIVATIONS.filter((a): a is Exclude<Activation, 'softmax'> => a !== 'softmax');

const GEOMETRY = new WeakMap<NodeState, Geometry>();

/** The window geometry of a compiled conv2d node (worked out once per node state). */
export function convGeometry(s: NodeState): Geometry {
  let g = GEOMETRY.get(s);
  if (!g) {
    const n = s.node as Conv2dNode;
    g = geometry(n, imageInput(n, [s.inputs[0]!.shape]), n.kernelSize, n.strides, n.padding);
    GEOMETRY.set(s, g);
  }
  return g;
}

/** The products on the unrolled rows: z = cols·W + b; dW = colsᵀ·dZ, db, dCols = dZ·Wᵀ. */
function productsOf(s: NodeState): DenseProducts {
  const n = s.node as Conv2dNode;
  return bindDense(s.kernels, {
    x: s.cols!,
    w: s.kernel!,
    bias: s.bias,
    z: s.z!,
    dZ: s.dZ!,
    dW: s.dKernel!,
    dBias: s.dBias,
    dX: keepsGradient(s.inputs[0]!) ? s.dCols! : null,
    nIn: s.kernel!.length / n.filters,
    nOut: n.filters,
  });
}

function products(s: NodeState): DenseProducts {
  const p = s.products!;
  return p.kernels === s.kernels ? p : (s.products = productsOf(s));
}

/** Output positions per image, and unrolled columns per position. */
const sizes = (g: Geometry) => ({ positions: g.oh * g.ow, K: g.kh * g.kw * g.C });

export function conv2dForward(s: NodeState, ctx: RunContext): void {
  const g = convGeometry(s);
  im2col(s.inputs[0]!.out, s.cols!, ctx.B, g);
  products(s).forward(ctx.B * g.oh * g.ow);
  s.act!.forward(ctx.B);
}

export function conv2dBackward(s: NodeState, ctx: RunContext): void {
  const g = convGeometry(s);
  const rows = ctx.B * g.oh * g.ow;
  const K = g.kh * g.kw * g.C;
  if (s.fused) for (let i = 0; i < ctx.B * s.width; i++) s.dZ![i] = s.dOut[i]!;
  else s.act!.backward(ctx.B);
  const x = s.inputs[0]!;
  const dX = keepsGradient(x);
  if (dX) s.dCols!.fill(0, 0, rows * K);
  products(s).backward(rows);
  if (dX) col2im(s.dCols!, x.dOut, ctx.B, g);
}

/** Keras's fans of a conv kernel: receptive field × in, receptive field × filters. */
function fans(n: Conv2dNode, rows: number): [number, number] {
  const field = n.kernelSize[0] * n.kernelSize[1];
  return [rows, field * n.filters];
}

/** ż = conv(ẋ) (no bias), through the node's activation: the explainer's tangent of the output. */
function tangentThrough(s: NodeState, B: number, dz: Float64Array, t: Float64Array): void {
  const node = s.node as Conv2dNode;
  t.set(dz.subarray(0, B * s.width));
  if (!s.fused) activateBackward(node.activation, alphaOf(node), s.z!, s.out, t, t, B * s.width, s.width);
}

export const conv2d: LayerKind<Conv2dNode> = {
  ...named('conv2d'),
  arity: [1, 1],
  defaults: {
    filters: 8,
    kernelSize: [3, 3],
    strides: [1, 1],
    padding: 'same',
    activation: 'relu',
    useBias: true,
    kernelInitializer: 'he_uniform',
  },
  // Window sizes, strides and padding are set in files for now.
  fields: [
    { key: 'filters', labelKey: 'inspector.filters', control: 'int', min: 1, max: LIMITS.units },
    ...activationFields('inspector.activation', CONV_ACTIVATIONS),
    {
      key: 'kernelInitializer',
      labelKey: 'inspector.initializer',
      control: 'choice',
      values: INITIALIZERS,
      optionKey: 'initializers',
    },
    { key: 'useBias', labelKey: 'inspector.bias', control: 'flag' },
  ],
  schema: (base) =>
    nodeSchema<Conv2dNode>(base, 'conv2d', {
      filters: z.int().min(1).max(LIMITS.units),
      kernelSize: pairSchema,
      strides: pairSchema,
      padding: z.enum(PADDINGS),
      activation: z.enum(CONV_ACTIVATIONS),
      alpha: z.number().optional(),
      useBias: z.boolean(),
      kernelInitializer: z.enum(INITIALIZERS),
      l1: z.number().min(0).optional(),
      l2: z.number().min(0).optional(),
    }),
  check(n, bad) {
    if (!isPositiveInt(n.filters, LIMITS.units)) bad('graph.node.filtersRange', { max: LIMITS.units });
    checkPair(n.kernelSize, 'kernelSize', bad);
    checkPair(n.strides, 'strides', bad);
    checkPadding(n.padding, bad);
    checkActivation({ activation: n.activation }, bad);
    if (n.activation === 'softmax') bad('graph.node.softmaxOnImage');
    if (!(INITIALIZERS as readonly string[]).includes(n.kernelInitializer))
      bad('graph.node.unknownInitializer', { initializer: String(n.kernelInitializer) });
    if (typeof n.useBias !== 'boolean') bad('graph.node.useBiasBoolean');
    if (!isFiniteNonNegative(n.l1) || !isFiniteNonNegative(n.l2)) bad('graph.node.penaltyRange');
    if (n.alpha !== undefined && !Number.isFinite(n.alpha)) bad('graph.node.alphaFinite');
  },
  outputShape(n, { inputs }) {
    const g = geometry(n, imageInput(n, inputs), n.kernelSize, n.strides, n.padding);
    return [g.oh, g.ow, n.filters];
  },
  params(n, inputs, shape) {
    const [kh, kw] = n.kernelSize;
    const C = inputs[0]![2]!;
    return {
      kernel: [kh * kw * C, n.filters],
      stored: [kh, kw, C, n.filters],
      bias: n.useBias,
      rowsPerSample: shape[0]! * shape[1]!,
    };
  },
  initParams(n, kernel, fanIn, _units, rng) {
    const [fi, fo] = fans(n, fanIn);
    initKernel(n.kernelInitializer, kernel, fi, fo, rng);
  },
  penalties: (n) => ({ l1: n.l1 ?? 0, l2: n.l2 ?? 0 }),
  activation: (n) => n.activation,
  cache: {
    gradient: true,
    z: true,
    dZ: true,
    mask: false,
    sharesInput: false,
    // One unrolled row of kh·kw·in per output position.
    scratch: (node, input, shape) => {
      const [kh, kw] = (node as Conv2dNode).kernelSize;
      return shape[0]! * shape[1]! * kh * kw * input[2]!;
    },
  },
  bind(s) {
    const node = s.node as Conv2dNode;
    s.products = productsOf(s);
    s.act = bindActivation(s.vectors, node.activation, alphaOf(node), {
      z: s.z!,
      a: s.out,
      dA: s.dOut,
      dZ: s.dZ!,
      width: s.width,
      softplus: s.softplus,
    });
  },
  forward: conv2dForward,
  backward: conv2dBackward,
  record: null,
  logits: (s) => s.z!,
  tfjs(n) {
    const act = kerasActivation(n);
    if (!act) return null;
    const init = KERAS_INITIALIZERS[n.kernelInitializer];
    const l1 = n.l1 ?? 0;
    const l2 = n.l2 ?? 0;
    return [
      {
        className: 'Conv2D',
        config: {
          filters: n.filters,
          kernel_size: [...n.kernelSize],
          strides: [...n.strides],
          padding: n.padding,
          data_format: 'channels_last',
          dilation_rate: [1, 1],
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
  pytorch: (n, ctx) => torchImage(n, ctx),
  onnx: (n, ctx) => onnxImage(n, ctx),

  tangent(s, B, tangentOf, t, kernels) {
    const g = convGeometry(s);
    const { positions, K } = sizes(g);
    const n = s.node as Conv2dNode;
    const cols = new Float64Array(B * positions * K);
    im2col(tangentOf(s.inputs[0]!)!, cols, B, g);
    const dz = new Float64Array(B * s.width);
    kernels.matmul(cols, s.kernel!, dz, B * positions, K, n.filters, null);
    tangentThrough(s, B, dz, t);
  },
  seedTangent(s, p, B, t) {
    // ∂z[b, pos, f]/∂W_qf = cols[b, pos, q]; ∂z[b, pos, f]/∂b_f = 1.
    const g = convGeometry(s);
    const { positions, K } = sizes(g);
    const F = (s.node as Conv2dNode).filters;
    const isKernel = p < K * F;
    const q = isKernel ? Math.floor(p / F) : -1;
    const f = isKernel ? p % F : p - K * F;
    const dz = new Float64Array(B * s.width);
    for (let row = 0; row < B * positions; row++) dz[row * F + f] = isKernel ? s.cols![row * K + q]! : 1;
    tangentThrough(s, B, dz, t);
  },
  term(u, s, B, t) {
    // col2im(dZ·Wᵀ): what the node added into its input's gradient.
    const g = convGeometry(u);
    const { positions, K } = sizes(g);
    const F = (u.node as Conv2dNode).filters;
    const dCols = new Float64Array(B * positions * K);
    const dZ = u.dZ!;
    const W = u.kernel!;
    for (let row = 0; row < B * positions; row++)
      for (let q = 0; q < K; q++) {
        let v = 0;
        for (let f = 0; f < F; f++) v += dZ[row * F + f]! * W[q * F + f]!;
        dCols[row * K + q] = v;
      }
    t.fill(0, 0, B * s.width);
    col2im(dCols, t, B, g);
  },
  ...valueEvents('conv2d', () => conv2d.term),
};
