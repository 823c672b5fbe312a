/**
 * Decoded pixels → the data set's image shape. Channels first: grey is the luminance
 * 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as Pillow's "L"); alpha is composited on white,
 * v·a + 255·(1 − a). Then each axis is resampled on its own: area averaging when it shrinks (each
 * output pixel is the mean of the input it covers, partly covered pixels weighted by their share) and
 * bilinear interpolation between pixel centres when it grows (edges clamped); the result is rounded.
 */

/** Pixels in 0..255, `h × w` of `c` channels (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA), channels last. */
export interface Pixels {
  h: number;
  w: number;
  c: number;
  data: Uint8Array;
}

/** Grey or RGB (c = 1 or 3) from any of 1 to 4 channels, as float values in 0..255. */
export function toChannels(src: Pixels, channels: 1 | 3): Float32Array {
  const { h, w, c, data } = src;
  const n = h * w;
  const out = new Float32Array(n * channels);
  const rgb = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const p = i * c;
    const alpha = c === 2 || c === 4 ? data[p + c - 1]! / 255 : 1;
    if (c <= 2) rgb[0] = rgb[1] = rgb[2] = data[p]!;
    else for (let k = 0; k < 3; k++) rgb[k] = data[p + k]!;
    for (let k = 0; k < 3; k++) rgb[k] = rgb[k]! * alpha + 255 * (1 - alpha);
    if (channels === 1) out[i] = 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!;
    else for (let k = 0; k < 3; k++) out[i * 3 + k] = rgb[k]!;
  }
  return out;
}

/** For each output index along an axis: the first input index and the weights from there on. */
interface Taps {
  start: Int32Array;
  weights: Float64Array[];
}

/** The taps of resampling `n` pixels to `m`: area averaging when m < n, else bilinear. */
export function resampleTaps(n: number, m: number): Taps {
  const start = new Int32Array(m);
  const weights: Float64Array[] = [];
  const s = n / m;
  for (let o = 0; o < m; o++) {
    if (m < n) {
      const lo = o * s;
      const hi = (o + 1) * s;
      const first = Math.floor(lo);
      const last = Math.min(n - 1, Math.ceil(hi) - 1);
      const w = new Float64Array(last - first + 1);
      for (let i = first; i <= last; i++) w[i - first] = (Math.min(hi, i + 1) - Math.max(lo, i)) / s;
      start[o] = first;
      weights.push(w);
    } else {
      const x = Math.min(n - 1, Math.max(0, (o + 0.5) * s - 0.5));
      const i0 = Math.floor(x);
      const t = x - i0;
      start[o] = i0;
      weights.push(i0 + 1 < n && t > 0 ? Float64Array.of(1 - t, t) : Float64Array.of(1));
    }
  }
  return { start, weights };
}

/**
 * Resamples `c`-channel float pixels of `h × w` to `H × W` (rows first, then columns) and writes them,
 * rounded and clamped to 0..255, into `out` from `offset`.
 */
export function resizeInto(
  src: Float32Array,
  h: number,
  w: number,
  c: number,
  H: number,
  W: number,
  out: Uint8Array,
  offset = 0,
): void {
  const cols = resampleTaps(w, W);
  const rows = resampleTaps(h, H);
  // Columns: h × W.
  const mid = new Float64Array(h * W * c);
  for (let y = 0; y < h; y++)
    for (let o = 0; o < W; o++) {
      const wts = cols.weights[o]!;
      const from = cols.start[o]!;
      for (let k = 0; k < c; k++) {
        let v = 0;
        for (let t = 0; t < wts.length; t++) v += wts[t]! * src[(y * w + from + t) * c + k]!;
        mid[(y * W + o) * c + k] = v;
      }
    }
  // Rows: H × W.
  for (let o = 0; o < H; o++) {
    const wts = rows.weights[o]!;
    const from = rows.start[o]!;
    for (let x = 0; x < W * c; x++) {
      let v = 0;
      for (let t = 0; t < wts.length; t++) v += wts[t]! * mid[(from + t) * W * c + x]!;
      out[offset + o * W * c + x] = Math.min(255, Math.max(0, Math.round(v)));
    }
  }
}

/** Decoded pixels as an image of `H × W × channels` bytes, written into `out` from `offset`. */
export function fitImage(
  src: Pixels,
  H: number,
  W: number,
  channels: 1 | 3,
  out: Uint8Array,
  offset = 0,
): void {
  resizeInto(toChannels(src, channels), src.h, src.w, channels, H, W, out, offset);
}

/** Whether decoded pixels show any colour (some pixel whose red, green and blue differ). */
export function hasColour(src: Pixels): boolean {
  if (src.c < 3) return false;
  for (let p = 0; p < src.data.length; p += src.c) {
    const r = src.data[p];
    if (r !== src.data[p + 1] || r !== src.data[p + 2]) return true;
  }
  return false;
}
