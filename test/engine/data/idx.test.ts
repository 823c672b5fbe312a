import { describe, expect, it } from 'vitest';
import { decodeIdxImages, decodeIdxLabels } from '../../../engine/data/idx.ts';
import { errorOf } from './helpers.ts';

/** An IDX file: magic 00 00 08 <rank>, big-endian dimensions, then the bytes. */
function idx(dims: number[], data: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, 0x08, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe('IDX decoding', () => {
  it('reads images (count, rows, columns) and labels, as views of the bytes', () => {
    const bytes = idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 255]);
    const im = decodeIdxImages(bytes);
    expect([im.count, im.rows, im.cols]).toEqual([2, 2, 3]);
    expect(Array.from(im.pixels)).toEqual([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 255]);
    expect(im.pixels.buffer).toBe(bytes.buffer);
    expect(Array.from(decodeIdxLabels(idx([3], [5, 0, 4])))).toEqual([5, 0, 4]);
  });

  it('reads dimensions above 2^31 without going negative', () => {
    const e = errorOf(() => decodeIdxLabels(idx([0x80000000], []), 'labels'));
    expect(e.message).toContain('2147483648');
  });

  it('refuses a wrong magic number, naming the file and both numbers', () => {
    const e = errorOf(() => decodeIdxImages(idx([3], [1, 2, 3]), 'train-images'));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toBe(
      'train-images: not an IDX file of this kind (its magic number is 00000801; expected 00000803).',
    );
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(errorOf(() => decodeIdxImages(png, 'x')).message).toContain('89504e47');
  });

  it('refuses a truncated file and one with bytes to spare, and a header cut short', () => {
    const whole = idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const cut = errorOf(() => decodeIdxImages(whole.subarray(0, whole.length - 3), 'digits'));
    expect(cut.message).toBe(
      'digits: the header promises 2 × 2 × 2 = 8 bytes, but 5 follow it (the file is truncated or has extra bytes).',
    );
    expect(errorOf(() => decodeIdxLabels(idx([2], [1, 2, 3]))).message).toContain('but 3 follow');
    expect(errorOf(() => decodeIdxImages(whole.subarray(0, 10), 'digits')).message).toBe(
      "digits: 10 bytes is shorter than the file's 16-byte IDX header.",
    );
  });
});
