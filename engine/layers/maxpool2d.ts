/**
 * Max pooling: a = max over each window of one channel, the (first) cell holding it cached as its
 * index in the input row; backward dX[argmax] += dA. Forward mode (explainer): ȧ = ẋ[argmax].
 */
import type { MaxPool2dNode } from '../graph/types.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import { keepsGradient, PLAIN_CACHE } from './parts.ts';
import { poolGeometry, poolParts } from './pool2d.ts';

export function maxpoolForward(s: NodeState, ctx: RunContext): void {
  const g = poolGeometry(s);
  const { H, W, C, oh, ow } = g;
  const x = s.inputs[0]!.out;
  const out = s.out;
  const arg = s.mask!;
  let o = 0;
  for (let b = 0; b < ctx.B; b++) {
    const image = b * H * W * C;
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        // The window's rows [y0, y1) and columns [x0, x1) inside the image.
        const y0 = Math.max(oy * g.sh - g.top, 0);
        const y1 = Math.min(oy * g.sh - g.top + g.kh, H);
        const x0 = Math.max(ox * g.sw - g.left, 0);
        const x1 = Math.min(ox * g.sw - g.left + g.kw, W);
        for (let c = 0; c < C; c++, o++) {
          let best = -Infinity;
          let at = image + (y0 * W + x0) * C + c;
          for (let y = y0; y < y1; y++)
            for (let xx = x0; xx < x1; xx++) {
              const i = image + (y * W + xx) * C + c;
              if (x[i]! > best) {
                best = x[i]!;
                at = i;
              }
            }
          out[o] = x[at]!;
          arg[o] = at - image;
        }
      }
  }
}

export function maxpoolBackward(s: NodeState, ctx: RunContext): void {
  const x = s.inputs[0]!;
  if (!keepsGradient(x)) return;
  const w = s.width;
  const xw = x.width;
  const arg = s.mask!;
  for (let b = 0; b < ctx.B; b++)
    for (let j = 0; j < w; j++) x.dOut[b * xw + arg[b * w + j]!]! += s.dOut[b * w + j]!;
}

function term(u: NodeState, s: NodeState, B: number, t: Float64Array): void {
  t.fill(0, 0, B * s.width);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < u.width; j++) t[b * s.width + u.mask![b * u.width + j]!]! += u.dOut[b * u.width + j]!;
}

export const maxpool2d: LayerKind<MaxPool2dNode> = {
  ...poolParts<MaxPool2dNode>('maxpool2d', term),
  // The mask holds each output's argmax.
  cache: { ...PLAIN_CACHE, mask: true },
  forward: maxpoolForward,
  backward: maxpoolBackward,
  tangent(s, B, tangentOf, t) {
    const tx = tangentOf(s.inputs[0]!)!;
    const xw = s.inputs[0]!.width;
    for (let b = 0; b < B; b++)
      for (let j = 0; j < s.width; j++) t[b * s.width + j] = tx[b * xw + s.mask![b * s.width + j]!]!;
  },
  term,
};
