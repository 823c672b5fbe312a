/**
 * NumPy's .npz archives: a zip of .npy files, one array each (numpy.load reads them; so does the
 * exported PyTorch script, with the zip and struct handling of Python's standard library). Arrays are
 * float32 little-endian, C order, in NPY format version 1.0.
 */
import { zipSync } from 'fflate';
import type { Zippable } from 'fflate';

/** One array of an archive: its name (the file is `<name>.npy`), shape and values in C order. */
export interface NpyArray {
  name: string;
  shape: readonly number[];
  values: ArrayLike<number>;
}

/** The .npy magic string: \x93NUMPY, then the format version 1.0. */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0];

/**
 * One array as an .npy file: magic, version, the header's length (uint16 LE), the header (a Python
 * dict literal padded with spaces and ended by a newline so the data starts on a 64-byte boundary),
 * then the values as float32 little-endian.
 */
export function npyBytes(shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new Error(`${values.length} values for shape [${shape.join(', ')}]`);
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = MAGIC.length + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const start = MAGIC.length + 2 + header.length;
  const bytes = new Uint8Array(start + count * 4);
  bytes.set(MAGIC);
  const view = new DataView(bytes.buffer);
  view.setUint16(MAGIC.length, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[MAGIC.length + 2 + i] = header.charCodeAt(i);
  for (let i = 0; i < count; i++) view.setFloat32(start + i * 4, values[i]!, true);
  return bytes;
}

/** Zip entries' time: fixed, so the same network always gives the same bytes. */
const ENTRY_TIME = new Date(1980, 0, 1, 12, 0, 0);

/** The arrays as an .npz archive (stored uncompressed, as numpy.savez writes it), in the order given. */
export function npzBytes(arrays: readonly NpyArray[]): Uint8Array {
  const entries: Zippable = {};
  for (const a of arrays) {
    const file = `${a.name}.npy`;
    if (Object.hasOwn(entries, file)) throw new Error(`Two arrays named "${a.name}"`);
    entries[file] = [npyBytes(a.shape, a.values), { level: 0, mtime: ENTRY_TIME }];
  }
  return zipSync(entries);
}
