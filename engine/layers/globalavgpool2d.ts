/**
 * Global average pooling: [h, w, c] → [c], a_c = (1/hw) Σ over positions p of x[p, c]; backward
 * dX[p, c] += dA_c / hw. Forward mode (explainer): ȧ_c = mean of ẋ[·, c].
 */
import type { GlobalAvgPool2dNode } from '../graph/types.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import { keepsGradient, named, nodeSchema, parameterFree, PLAIN_CACHE, valueEvents } from './parts.ts';
import { imageInput } from './spatial.ts';
import { onnxImage } from './spatial-export.ts';

/** out[b, c] = mean over the positions of x[b, ·, c]. */
function means(
  x: ArrayLike<number>,
  out: FloatArray | Float64Array,
  B: number,
  positions: number,
  C: number,
): void {
  for (let b = 0; b < B; b++) {
    const image = b * positions * C;
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let p = 0; p < positions; p++) sum += x[image + p * C + c]!;
      out[b * C + c] = sum / positions;
    }
  }
}

/** dX[b, p, c] += dA[b, c] / positions. */
function spread(
  dA: ArrayLike<number>,
  dX: FloatArray | Float64Array,
  B: number,
  positions: number,
  C: number,
): void {
  for (let b = 0; b < B; b++) {
    const image = b * positions * C;
    for (let c = 0; c < C; c++) {
      const d = dA[b * C + c]! / positions;
      for (let p = 0; p < positions; p++) dX[image + p * C + c]! += d;
    }
  }
}

const positionsOf = (s: NodeState): number => s.inputs[0]!.width / s.width;

export function globalAvgForward(s: NodeState, ctx: RunContext): void {
  means(s.inputs[0]!.out, s.out, ctx.B, positionsOf(s), s.width);
}

export function globalAvgBackward(s: NodeState, ctx: RunContext): void {
  const x = s.inputs[0]!;
  if (keepsGradient(x)) spread(s.dOut, x.dOut, ctx.B, positionsOf(s), s.width);
}

function term(u: NodeState, s: NodeState, B: number, t: Float64Array): void {
  t.fill(0, 0, B * s.width);
  spread(u.dOut, t, B, positionsOf(u), u.width);
}

export const globalavgpool2d: LayerKind<GlobalAvgPool2dNode> = {
  ...parameterFree('globalavgpool2d'),
  ...named('globalavgpool2d'),
  arity: [1, 1],
  defaults: {},
  fields: [],
  schema: (base) => nodeSchema<GlobalAvgPool2dNode>(base, 'globalavgpool2d'),
  check() {},
  outputShape: (n, { inputs }) => [imageInput(n, inputs)[2]],
  tfjs: () => [{ className: 'GlobalAveragePooling2D', config: { data_format: 'channels_last' } }],
  // Rows of the flat export values are [positions, C] in channels-last order.
  pytorch: (_n, { inputs, inputShapes }) => {
    const [H, W, C] = inputShapes[0]!;
    return { value: `${inputs[0]!}.view(-1, ${H! * W!}, ${C!}).mean(dim=1)` };
  },
  onnx: (n, ctx) => onnxImage(n, ctx),
  cache: PLAIN_CACHE,
  forward: globalAvgForward,
  backward: globalAvgBackward,
  record: null,

  tangent(s, B, tangentOf, t) {
    means(tangentOf(s.inputs[0]!)!, t, B, positionsOf(s), s.width);
  },
  term,
  ...valueEvents('globalavgpool2d', () => term),
};
