/**
 * Pictures of the input plane for 2-D data: the model's decision map (each cell coloured by the class
 * it predicts, paler where it hesitates), a neuron's output over the plane (orange below zero, blue
 * above, white at zero, as in TensorFlow Playground), and the data points drawn over either.
 */
import type { DatasetSummary, GridResult } from '../../../engine/api.ts';

/** Class colours, in class order (orange, blue, …). */
export const PALETTE: readonly (readonly [number, number, number])[] = [
  [242, 142, 43],
  [78, 121, 167],
  [89, 161, 79],
  [225, 87, 89],
  [176, 122, 161],
  [237, 201, 72],
];
const WHITE = [255, 255, 255] as const;

const mix = (a: readonly number[], b: readonly number[], t: number, out: Uint8ClampedArray, o: number) => {
  out[o] = a[0]! + (b[0]! - a[0]!) * t;
  out[o + 1] = a[1]! + (b[1]! - a[1]!) * t;
  out[o + 2] = a[2]! + (b[2]! - a[2]!) * t;
  out[o + 3] = 255;
};

/** A colour from a value in [0, 1] (regression): orange through white to blue. */
function ramp(t: number, out: Uint8ClampedArray, o: number): void {
  const c = Math.min(1, Math.max(0, t));
  if (c < 0.5) mix(PALETTE[0]!, WHITE, c * 2, out, o);
  else mix(WHITE, PALETTE[1]!, (c - 0.5) * 2, out, o);
}

/**
 * The decision map as RGBA pixels [r × r], top row first (the grid's rows go up in y). `tint` is how
 * strongly a sure cell shows its class (1: full colour; the data points stay readable at about 0.75).
 */
export function mapPixels(grid: GridResult, regression: boolean, tint = 0.75): Uint8ClampedArray {
  const r = grid.resolution;
  const K = grid.outputs;
  const v = grid.values;
  const px = new Uint8ClampedArray(r * r * 4);
  let lo = Infinity;
  let hi = -Infinity;
  if (regression)
    for (let i = 0; i < r * r; i++) [lo, hi] = [Math.min(lo, v[i * K]!), Math.max(hi, v[i * K]!)];
  for (let j = 0; j < r; j++)
    for (let i = 0; i < r; i++) {
      const o = (j * r + i) * K;
      const p = ((r - 1 - j) * r + i) * 4;
      if (regression) {
        ramp((v[o]! - lo) / (hi - lo || 1), px, p);
        px[p + 3] = 255 * tint;
        continue;
      }
      let best = 0;
      let conf: number;
      if (K === 1) {
        best = v[o]! > 0.5 ? 1 : 0;
        conf = Math.abs(v[o]! - 0.5) * 2;
      } else {
        for (let k = 1; k < K; k++) if (v[o + k]! > v[o + best]!) best = k;
        conf = (v[o + best]! - 1 / K) / (1 - 1 / K);
      }
      mix(WHITE, PALETTE[best % PALETTE.length]!, tint * (0.25 + 0.75 * Math.max(0, conf)), px, p);
    }
  return px;
}

/** How a node's outputs map to colours: `center` is white, `center ± scale` full orange or blue. */
export interface NeuronScale {
  center: number;
  scale: number;
}

/** The scale for a node's outputs: sigmoid and softmax around ½, tanh on [−1, 1], others by their largest. */
export function neuronScale(activation: string | null, values: Float32Array): NeuronScale {
  if (activation === 'sigmoid' || activation === 'softmax') return { center: 0.5, scale: 0.5 };
  if (activation === 'tanh') return { center: 0, scale: 1 };
  let m = 0;
  for (const x of values) m = Math.max(m, Math.abs(x));
  return { center: 0, scale: m || 1 };
}

/** One neuron's map as RGBA pixels [r × r], top row first: `values[offset … offset + r²)`. */
export function neuronPixels(
  values: Float32Array,
  offset: number,
  r: number,
  s: NeuronScale,
): Uint8ClampedArray {
  const px = new Uint8ClampedArray(r * r * 4);
  for (let j = 0; j < r; j++)
    for (let i = 0; i < r; i++) {
      const t = (values[offset + j * r + i]! - s.center) / s.scale;
      const c = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
      mix(WHITE, c < 0 ? PALETTE[0]! : PALETTE[1]!, Math.abs(c), px, ((r - 1 - j) * r + i) * 4);
    }
  return px;
}

/** Draws r × r pixels scaled to `size` × `size` with bilinear smoothing. */
export function drawSmooth(
  ctx: CanvasRenderingContext2D,
  px: Uint8ClampedArray,
  r: number,
  size: number,
): void {
  const off = new OffscreenCanvas(r, r);
  off.getContext('2d')!.putImageData(new ImageData(px as Uint8ClampedArray<ArrayBuffer>, r, r), 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(off, 0, 0, size, size);
}

type Points = NonNullable<DatasetSummary['points']>;

/** The padded span of a coordinate (the engine's grid uses the same 10 %). */
export function span(v: Float32Array, fallback: [number, number]): [number, number] {
  if (v.length === 0) return fallback;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  const pad = (hi - lo || 1) * 0.1;
  return [lo - pad, hi + pad];
}

/** Is the target a class index (else a value to colour on a ramp)? */
export function isClasses(points: Points): boolean {
  for (const t of points.target) if (!Number.isInteger(t) || t < 0 || t >= PALETTE.length) return false;
  return true;
}

/**
 * The data over the map: each point in its class colour with a white ring and a thin dark edge, so a
 * point stays visible on a region of its own colour. One path per colour (and one per ring), so a
 * redraw costs a few fills, not thousands.
 */
export function drawPoints(
  ctx: CanvasRenderingContext2D,
  points: Points,
  xr: [number, number],
  yr: [number, number],
  size: number,
  radius: number,
): void {
  const classes = isClasses(points);
  let tmin = Infinity;
  let tmax = -Infinity;
  for (const t of points.target) [tmin, tmax] = [Math.min(tmin, t), Math.max(tmax, t)];
  // Many points get smaller dots, so that they do not merge into one outlined mass.
  const r = Math.max(1.6, radius * Math.min(1, Math.sqrt(600 / Math.max(1, points.x.length))));
  const ring = Math.max(0.8, r * 0.4);
  const edge = new Path2D();
  const white = new Path2D();
  const fills = new Map<string, Path2D>();
  const rgb = new Uint8ClampedArray(4);
  const circle = (p: Path2D, x: number, y: number, r: number) => {
    p.moveTo(x + r, y);
    p.arc(x, y, r, 0, Math.PI * 2);
  };
  for (let i = 0; i < points.x.length; i++) {
    const t = points.target[i]!;
    if (classes) rgb.set(PALETTE[t]!);
    else ramp(Math.round(((t - tmin) / (tmax - tmin || 1)) * 16) / 16, rgb, 0);
    const key = `rgb(${rgb[0]} ${rgb[1]} ${rgb[2]})`;
    let fill = fills.get(key);
    if (!fill) fills.set(key, (fill = new Path2D()));
    const x = ((points.x[i]! - xr[0]) / (xr[1] - xr[0])) * size;
    const y = size - ((points.y[i]! - yr[0]) / (yr[1] - yr[0])) * size;
    circle(edge, x, y, r + ring + 0.75);
    circle(white, x, y, r + ring);
    circle(fill, x, y, r);
  }
  // A few hundred points get a ring each; crowds of them only a thin edge (rings would merge into
  // outlined masses).
  const ringed = points.x.length <= 800;
  if (ringed) {
    ctx.fillStyle = 'rgb(0 0 0 / 45%)';
    ctx.fill(edge);
    ctx.fillStyle = 'rgb(255 255 255 / 92%)';
    ctx.fill(white);
  }
  ctx.lineWidth = 0.6;
  ctx.strokeStyle = 'rgb(0 0 0 / 40%)';
  for (const [color, path] of fills) {
    ctx.fillStyle = color;
    ctx.fill(path);
    if (!ringed) ctx.stroke(path);
  }
}
