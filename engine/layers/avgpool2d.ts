/**
 * Average pooling: a = the mean of the cells of each window inside the image (n of them, as
 * TensorFlow divides); backward dX[i] += dA / n for each of those cells. Forward mode: ȧ = mean of ẋ.
 */
import type { AvgPool2dNode } from '../graph/types.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import { keepsGradient, PLAIN_CACHE } from './parts.ts';
import { poolGeometry, poolParts } from './pool2d.ts';

/** out = window means of x, for B images. */
function average(s: NodeState, x: ArrayLike<number>, out: FloatArray | Float64Array, B: number): void {
  const g = poolGeometry(s);
  const { H, W, C, oh, ow } = g;
  let o = 0;
  for (let b = 0; b < B; b++) {
    const image = b * H * W * C;
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        // The window's rows [y0, y1) and columns [x0, x1) inside the image.
        const y0 = Math.max(oy * g.sh - g.top, 0);
        const y1 = Math.min(oy * g.sh - g.top + g.kh, H);
        const x0 = Math.max(ox * g.sw - g.left, 0);
        const x1 = Math.min(ox * g.sw - g.left + g.kw, W);
        const n = (y1 - y0) * (x1 - x0);
        for (let c = 0; c < C; c++, o++) {
          let sum = 0;
          for (let y = y0; y < y1; y++)
            for (let xx = x0; xx < x1; xx++) sum += x[image + (y * W + xx) * C + c]!;
          out[o] = sum / n;
        }
      }
  }
}

/** dX += each output's gradient spread evenly over its window's cells, for B images. */
function spread(s: NodeState, dA: ArrayLike<number>, dX: FloatArray | Float64Array, B: number): void {
  const g = poolGeometry(s);
  const { H, W, C, oh, ow } = g;
  let o = 0;
  for (let b = 0; b < B; b++) {
    const image = b * H * W * C;
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        // The window's rows [y0, y1) and columns [x0, x1) inside the image.
        const y0 = Math.max(oy * g.sh - g.top, 0);
        const y1 = Math.min(oy * g.sh - g.top + g.kh, H);
        const x0 = Math.max(ox * g.sw - g.left, 0);
        const x1 = Math.min(ox * g.sw - g.left + g.kw, W);
        const n = (y1 - y0) * (x1 - x0);
        for (let c = 0; c < C; c++, o++) {
          const d = dA[o]! / n;
          for (let y = y0; y < y1; y++)
            for (let xx = x0; xx < x1; xx++) dX[image + (y * W + xx) * C + c]! += d;
        }
      }
  }
}

export function avgpoolForward(s: NodeState, ctx: RunContext): void {
  average(s, s.inputs[0]!.out, s.out, ctx.B);
}

export function avgpoolBackward(s: NodeState, ctx: RunContext): void {
  const x = s.inputs[0]!;
  if (keepsGradient(x)) spread(s, s.dOut, x.dOut, ctx.B);
}

function term(u: NodeState, s: NodeState, B: number, t: Float64Array): void {
  t.fill(0, 0, B * s.width);
  spread(u, u.dOut, t, B);
}

export const avgpool2d: LayerKind<AvgPool2dNode> = {
  ...poolParts<AvgPool2dNode>('avgpool2d', term),
  cache: PLAIN_CACHE,
  forward: avgpoolForward,
  backward: avgpoolBackward,
  tangent(s, B, tangentOf, t) {
    average(s, tangentOf(s.inputs[0]!)!, t, B);
  },
  term,
};
