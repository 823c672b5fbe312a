/**
 * What the image kinds share: shapes [h, w, c] (channels last), TensorFlow's window arithmetic, and the
 * unrolling of windows into rows (im2col) and back (col2im).
 *   valid: out = ⌊(n − k)/s⌋ + 1, no padding.   same: out = ⌈n/s⌉, padding max((out−1)·s + k − n, 0),
 *   its smaller half before (top, left) and the rest after, as TensorFlow pads.
 */
import * as z from 'zod';
import { fail } from '../errors.ts';
import type { GraphNode, Padding, Shape } from '../graph/types.ts';
import { PADDINGS } from '../graph/types.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import type { BadSetting } from './kind.ts';
import { isPositiveInt } from './parts.ts';

/** Largest kernel, pool or stride side a node may take. */
export const MAX_WINDOW = 64;

/** A shape as people read it: [8, 8, 3]. */
export const shapeText = (shape: Shape): string => `[${shape.join(', ')}]`;

/** Values per row of a shape. */
export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** A pair of window sides in a file: two integers in [1, MAX_WINDOW]. */
export const pairSchema = z.tuple([z.int().min(1).max(MAX_WINDOW), z.int().min(1).max(MAX_WINDOW)]);

/** Checks a pair of window sides (kernel, pool or strides), naming the setting. */
export function checkPair(v: unknown, setting: string, bad: BadSetting): void {
  if (!(Array.isArray(v) && v.length === 2 && v.every((d) => isPositiveInt(d, MAX_WINDOW))))
    bad('graph.node.pairRange', { setting, max: MAX_WINDOW });
}

export function checkPadding(v: unknown, bad: BadSetting): void {
  if (!(PADDINGS as readonly unknown[]).includes(v)) bad('graph.node.unknownPadding', { padding: String(v) });
}

/** The image shape [h, w, c] of a node's single input; fails naming the node when it is not one. */
export function imageInput(node: GraphNode, inputs: readonly Shape[]): readonly [number, number, number] {
  const shape = inputs[0]!;
  if (shape.length !== 3)
    fail(
      'SHAPE_MISMATCH',
      'graph.needsImage',
      { id: node.id, type: node.type, src: node.inputs[0]!, shape: shapeText(shape) },
      { nodeId: node.id },
    );
  return shape as readonly [number, number, number];
}

/** Where a window of one axis falls: output length and the padding before the first cell. */
export function axis(n: number, k: number, s: number, padding: Padding): { out: number; before: number } {
  if (padding === 'valid') return { out: n >= k ? Math.floor((n - k) / s) + 1 : 0, before: 0 };
  const out = Math.ceil(n / s);
  return { out, before: Math.floor(Math.max((out - 1) * s + k - n, 0) / 2) };
}

/** A window sliding over an image [H, W, C]: kernel or pool [kh, kw], strides [sh, sw], its output [oh, ow]. */
export interface Geometry {
  H: number;
  W: number;
  C: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  oh: number;
  ow: number;
  /** Padding before the first row and column. */
  top: number;
  left: number;
}

/** The geometry of a window on `input`; fails naming the node when no window fits (valid padding). */
export function geometry(
  node: GraphNode,
  input: readonly [number, number, number],
  size: readonly [number, number],
  strides: readonly [number, number],
  padding: Padding,
): Geometry {
  const [H, W, C] = input;
  const [kh, kw] = size;
  const [sh, sw] = strides;
  const rows = axis(H, kh, sh, padding);
  const cols = axis(W, kw, sw, padding);
  if (rows.out < 1 || cols.out < 1)
    fail(
      'SHAPE_MISMATCH',
      'graph.windowTooLarge',
      { id: node.id, window: shapeText(size), shape: shapeText(input) },
      { nodeId: node.id },
    );
  return { H, W, C, kh, kw, sh, sw, oh: rows.out, ow: cols.out, top: rows.before, left: cols.before };
}

/**
 * Unrolls every window of B images x [B, H, W, C] into one row of cols [B·oh·ow, kh·kw·C]: row
 * (b, oy, ox) holds x[b, oy·sh + ky − top, ox·sw + kx − left, c] at column (ky·kw + kx)·C + c, zero
 * where the window reaches into the padding. The column order is the kernel's [kh, kw, C] order.
 */
export function im2col(
  x: FloatArray | Float64Array,
  cols: FloatArray | Float64Array,
  B: number,
  g: Geometry,
): void {
  const { H, W, C, kh, kw, sh, sw, oh, ow, top, left } = g;
  const K = kh * kw * C;
  let row = 0;
  for (let b = 0; b < B; b++) {
    const image = b * H * W * C;
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++, row++) {
        let col = row * K;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - top;
          for (let kx = 0; kx < kw; kx++, col += C) {
            const ix = ox * sw + kx - left;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
              for (let c = 0; c < C; c++) cols[col + c] = 0;
              continue;
            }
            const src = image + (iy * W + ix) * C;
            for (let c = 0; c < C; c++) cols[col + c] = x[src + c]!;
          }
        }
      }
  }
}

/** The adjoint of im2col: adds each cell of dCols [B·oh·ow, kh·kw·C] into the input position it came from. */
export function col2im(
  dCols: FloatArray | Float64Array,
  dX: FloatArray | Float64Array,
  B: number,
  g: Geometry,
): void {
  const { H, W, C, kh, kw, sh, sw, oh, ow, top, left } = g;
  const K = kh * kw * C;
  let row = 0;
  for (let b = 0; b < B; b++) {
    const image = b * H * W * C;
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++, row++) {
        let col = row * K;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - top;
          for (let kx = 0; kx < kw; kx++, col += C) {
            const ix = ox * sw + kx - left;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            const dst = image + (iy * W + ix) * C;
            for (let c = 0; c < C; c++) dX[dst + c]! += dCols[col + c]!;
          }
        }
      }
  }
}
