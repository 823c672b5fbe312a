/**
 * The image kinds' PyTorch and ONNX pieces. In those exports every value is a flat row [N, size], an
 * image's values in channels-last order as ours; an image kind views its input as [N, C, H, W] (the
 * layout PyTorch's and ONNX's operators take), applies its operator and flattens back, so every other
 * kind's piece works on it unchanged. TensorFlow's padding is written out (its smaller half before).
 */
import type { AvgPool2dNode, Conv2dNode, GlobalAvgPool2dNode, MaxPool2dNode, Shape } from '../graph/types.ts';
import { onnxActivation } from './onnx-parts.ts';
import type { OnnxContext, TorchContext, TorchPiece } from './kind.ts';
import { torchActivation } from './pytorch-parts.ts';
import { axis } from './spatial.ts';

type ImageNode = Conv2dNode | MaxPool2dNode | AvgPool2dNode;

/** The window, strides and TensorFlow's padding [left, right, top, bottom] of an image node. */
function window(n: ImageNode, input: Shape) {
  const size = n.type === 'conv2d' ? n.kernelSize : n.poolSize;
  const strides = n.type === 'conv2d' ? n.strides : (n.strides ?? n.poolSize);
  const pads = (len: number, k: number, s: number) => {
    const { out, before } = axis(len, k, s, n.padding);
    const total = n.padding === 'same' ? Math.max((out - 1) * s + k - len, 0) : 0;
    return [before, total - before] as const;
  };
  const [top, bottom] = pads(input[0]!, size[0], strides[0]);
  const [left, right] = pads(input[1]!, size[1], strides[1]);
  return { size, strides, pad: [left, right, top, bottom] as const };
}

/** `x` [N, H·W·C] as [N, C, H, W], and an NCHW expression back as [N, size]. */
export const toImage = (x: string, [H, W, C]: Shape): string =>
  `${x}.view(-1, ${H}, ${W}, ${C}).permute(0, 3, 1, 2)`;
export const toRows = (e: string): string => `${e}.permute(0, 2, 3, 1).flatten(1)`;

/** The PyTorch piece of conv2d, maxpool2d or avgpool2d on a flat [N, H·W·C] input. */
export function torchImage(n: ImageNode, ctx: TorchContext): TorchPiece {
  const input = ctx.inputShapes[0]!;
  const { size, strides, pad } = window(n, input);
  const padded = (fill: string) => {
    const img = toImage(ctx.inputs[0]!, input);
    return pad.some((p) => p > 0) ? `F.pad(${img}, (${pad.join(', ')})${fill})` : img;
  };
  const k = `(${size.join(', ')})`;
  const s = `(${strides.join(', ')})`;
  if (n.type === 'conv2d')
    return {
      module: `nn.Conv2d(${input[2]!}, ${n.filters}, kernel_size=${k}, stride=${s}${n.useBias ? '' : ', bias=False'})`,
      weights: n.useBias ? ['kernel', 'bias'] : ['kernel'],
      value: toRows(`self.${ctx.name}(${padded('')})`),
      activation: torchActivation(n),
    };
  if (n.type === 'maxpool2d')
    return { value: toRows(`F.max_pool2d(${padded(', value=float("-inf")')}, ${k}, ${s})`) };
  // TensorFlow divides by the cells inside the image: the mean over padded cells, rescaled by the
  // fraction of them that are inside.
  if (!pad.some((p) => p > 0)) return { value: toRows(`F.avg_pool2d(${padded('')}, ${k}, ${s})`) };
  const ones = `F.pad(torch.ones_like(${toImage(ctx.inputs[0]!, input)}[:, :1]), (${pad.join(', ')}))`;
  return {
    value: toRows(`(F.avg_pool2d(${padded('')}, ${k}, ${s}) / F.avg_pool2d(${ones}, ${k}, ${s}))`),
  };
}

/**
 * The ONNX operators of an image kind on a flat [N, H·W·C] value: Reshape to [N, H, W, C], Transpose
 * to [N, C, H, W], the operator (Conv, MaxPool, AveragePool, GlobalAveragePool; TensorFlow's padding
 * as ONNX's `pads`, which may differ before and after; an average over the cells inside only), then
 * Transpose and Reshape back to flat rows, and a conv2d's activation.
 */
export function onnxImage(n: ImageNode | GlobalAvgPool2dNode, ctx: OnnxContext): string {
  const input = ctx.inputShapes[0]!;
  const [H, W, C] = input as [number, number, number];
  const image = ctx.op('Reshape', [ctx.inputs[0]!, ctx.int64s('image', [-1, H, W, C])]);
  const nchw = ctx.op('Transpose', [image], { perm: { ints: [0, 3, 1, 2] } });
  let y: string;
  if (n.type === 'globalavgpool2d') y = ctx.op('GlobalAveragePool', [nchw]);
  else {
    const { size, strides, pad } = window(n, input);
    const [left, right, top, bottom] = pad;
    const attributes = {
      kernel_shape: { ints: size },
      strides: { ints: strides },
      pads: { ints: [top, left, bottom, right] },
    };
    if (n.type === 'conv2d') {
      const kernel = ctx.param('kernel', (k) => ({
        dims: [n.filters, C, size[0], size[1]],
        values: oihw(k, size[0], size[1], C, n.filters),
      }));
      const bias = n.useBias ? [ctx.param('bias')] : [];
      y = ctx.op('Conv', [nchw, kernel, ...bias], attributes);
    } else if (n.type === 'maxpool2d') y = ctx.op('MaxPool', [nchw], attributes);
    else y = ctx.op('AveragePool', [nchw], { ...attributes, count_include_pad: { int: 0 } });
  }
  const nhwc = ctx.op('Transpose', [y], { perm: { ints: [0, 2, 3, 1] } });
  const rows = ctx.op('Reshape', [nhwc, ctx.int64s('rows', [-1, ctx.width])]);
  return n.type === 'conv2d' ? onnxActivation(n, rows, ctx) : rows;
}

/** A kernel [kh, kw, in, out] (Keras) as [out, in, kh, kw] (ONNX's Conv, PyTorch's Conv2d). */
function oihw(k: ArrayLike<number>, kh: number, kw: number, C: number, F: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < C; c++)
        for (let f = 0; f < F; f++) out[((f * C + c) * kh + y) * kw + x] = k[((y * kw + x) * C + c) * F + f]!;
  return out;
}
