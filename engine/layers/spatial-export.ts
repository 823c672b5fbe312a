/**
 * The image kinds' PyTorch and ONNX pieces. In those exports every value is a flat row [N, size], an
 * image's values in channels-last order as ours; an image kind views its input as [N, C, H, W] (the
 * layout PyTorch's and ONNX's operators take), applies its operator and flattens back, so every other
 * kind's piece works on it unchanged. TensorFlow's padding is written out (its smaller half before).
 */
import { fail } from '../errors.ts';
import type { Conv2dNode, GraphNode, MaxPool2dNode, AvgPool2dNode, Shape } from '../graph/types.ts';
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
const toImage = (x: string, [H, W, C]: Shape) => `${x}.view(-1, ${H}, ${W}, ${C}).permute(0, 3, 1, 2)`;
const toRows = (e: string) => `${e}.permute(0, 2, 3, 1).flatten(1)`;

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

/** The ONNX part of an image kind: not written yet, so the exporter refuses naming the node. */
export function onnxImage(n: GraphNode, _ctx: OnnxContext): never {
  return fail('UNSUPPORTED_EXPORT', 'file.onnxUnsupported', { id: n.id, type: n.type }, { nodeId: n.id });
}
