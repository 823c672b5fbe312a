import { describe, expect, it } from 'vitest';
import {
  fitImage,
  hasColour,
  resampleTaps,
  resizeInto,
  toChannels,
} from '../../../engine/data/image-resize.ts';

/** Resizes grey float pixels and returns the bytes. */
function resize(values: number[], h: number, w: number, H: number, W: number): number[] {
  const out = new Uint8Array(H * W);
  resizeInto(Float32Array.from(values), h, w, 1, H, W, out);
  return Array.from(out);
}

describe('resizing: area averaging down, bilinear up, worked by hand', () => {
  it('2×2 blocks average when a side halves', () => {
    // prettier-ignore
    const img = [
      0, 10, 100, 200,
      20, 30, 0, 0,
      255, 255, 1, 2,
      255, 255, 3, 4,
    ];
    expect(resize(img, 4, 4, 2, 2)).toEqual([15, 75, 255, 3]); // 60/4, 300/4, 1020/4, 10/4 → 2.5 → 3
  });

  it('3 → 2 weighs the shared middle pixel by half', () => {
    // Output 0 covers [0, 1.5): (0·1 + 90·0.5) / 1.5 = 30; output 1 covers [1.5, 3): (90·0.5 + 180) / 1.5 = 150.
    expect(resize([0, 90, 180], 1, 3, 1, 2)).toEqual([30, 150]);
    expect(resize([0, 90, 180], 3, 1, 2, 1)).toEqual([30, 150]);
  });

  it('2 → 4 interpolates between pixel centres and clamps at the edges', () => {
    // Centres at x = −0.25, 0.25, 0.75, 1.25 in input pixels: 0, 25, 75, 100.
    expect(resize([0, 100], 1, 2, 1, 4)).toEqual([0, 25, 75, 100]);
  });

  it('an unchanged size copies, and a shrink on one axis mixes with a stretch on the other', () => {
    expect(resize([7, 8, 9, 10], 2, 2, 2, 2)).toEqual([7, 8, 9, 10]);
    // Columns 2 → 1 average (5, 15), then rows 2 → 4 interpolate: 5, 7.5, 12.5, 15.
    expect(resize([0, 10, 10, 20], 2, 2, 4, 1)).toEqual([5, 8, 13, 15]);
  });

  it('taps of area averaging sum to one', () => {
    for (const [n, m] of [
      [28, 10],
      [100, 7],
      [5, 3],
    ] as const) {
      const taps = resampleTaps(n, m);
      for (const w of taps.weights) expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });
});

describe('channels: luminance grey, alpha on white', () => {
  it('turns red, green and blue into their BT.601 luminance', () => {
    const rgb = { h: 1, w: 3, c: 3, data: Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255) };
    const grey = Array.from(toChannels(rgb, 1));
    expect(grey[0]).toBeCloseTo(76.245, 3);
    expect(grey[1]).toBeCloseTo(149.685, 3);
    expect(grey[2]).toBeCloseTo(29.07, 3);
    const out = new Uint8Array(3);
    fitImage(rgb, 1, 3, 1, out);
    expect(Array.from(out)).toEqual([76, 150, 29]);
  });

  it('composites transparent pixels on white, and keeps RGB as it is for 3 channels', () => {
    const rgba = { h: 1, w: 3, c: 4, data: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 255, 10, 20, 30, 255) };
    const out = new Uint8Array(9);
    fitImage(rgba, 1, 3, 3, out);
    expect(Array.from(out)).toEqual([255, 255, 255, 0, 0, 0, 10, 20, 30]);
    const half = { h: 1, w: 1, c: 2, data: Uint8Array.of(0, 51) }; // black at alpha 0.2: 255 · 0.8 = 204
    const g = new Uint8Array(1);
    fitImage(half, 1, 1, 1, g);
    expect(g[0]).toBe(204);
  });

  it('tells colour from grey stored as RGB', () => {
    expect(hasColour({ h: 1, w: 2, c: 4, data: Uint8Array.of(9, 9, 9, 255, 1, 1, 1, 0) })).toBe(false);
    expect(hasColour({ h: 1, w: 2, c: 4, data: Uint8Array.of(9, 9, 9, 255, 1, 2, 1, 0) })).toBe(true);
    expect(hasColour({ h: 1, w: 1, c: 1, data: Uint8Array.of(9) })).toBe(false);
  });
});
