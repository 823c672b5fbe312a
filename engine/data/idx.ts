/**
 * IDX files (the format of the MNIST and Fashion-MNIST originals): a 4-byte magic number (two zero
 * bytes, the element type, 0x08 for unsigned bytes, then the number of dimensions), one big-endian
 * uint32 per dimension, then the elements in row-major order. Decoding checks the header and returns a
 * view of the elements: nothing is copied.
 */
import { fail } from '../errors.ts';

/** Unsigned bytes, the only element type MNIST-style files use. */
const UBYTE = 0x08;

/** The dimensions and elements of an IDX file of unsigned bytes with `rank` dimensions. */
function decodeIdx(bytes: Uint8Array, rank: number, name: string): { dims: number[]; data: Uint8Array } {
  const header = 4 + 4 * rank;
  const short = () => fail('BAD_FILE', 'data.idxShort', { name, bytes: bytes.length, header });
  if (bytes.length < 4) short();
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE || bytes[3] !== rank) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    const expected = `0000${UBYTE.toString(16).padStart(2, '0')}${rank.toString(16).padStart(2, '0')}`;
    fail('BAD_FILE', 'data.idxMagic', { name, magic, expected });
  }
  if (bytes.length < header) short();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let k = 0; k < rank; k++) dims.push(view.getUint32(4 + 4 * k, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - header !== size)
    fail('BAD_FILE', 'data.idxSize', {
      name,
      dims: dims.join(' × '),
      size,
      got: bytes.length - header,
    });
  return { dims, data: bytes.subarray(header) };
}

/** Images from an IDX3 file: `count` images of `rows × cols` bytes, row-major, one after another. */
export function decodeIdxImages(
  bytes: Uint8Array,
  name = 'IDX images',
): { count: number; rows: number; cols: number; pixels: Uint8Array } {
  const { dims, data } = decodeIdx(bytes, 3, name);
  return { count: dims[0]!, rows: dims[1]!, cols: dims[2]!, pixels: data };
}

/** Labels from an IDX1 file: one byte per item. */
export function decodeIdxLabels(bytes: Uint8Array, name = 'IDX labels'): Uint8Array {
  return decodeIdx(bytes, 1, name).data;
}
