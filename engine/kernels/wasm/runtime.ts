/**
 * WebAssembly SIMD kernels (kernels.wat) over one non-growing WebAssembly memory. A model lays out all its
 * float32 buffers (weights, gradients, activations) in that memory, so a kernel call passes byte offsets
 * and copies nothing; an array from elsewhere falls back to the TypeScript kernels. With threads (and
 * where the runtime can share memory) the memory is shared with a helper thread that computes part of
 * every large product (pool.ts). A dense layer or an activation bound to its buffers (bindDense,
 * bindActivation) resolves their offsets once and calls the kernels with no checks per step.
 */
import { wasmApi } from '../../types/webassembly.ts';
import type { WasmApi, WasmMemory } from '../../types/webassembly.ts';
import { matmul, matmulTransA, matmulTransBAcc } from '../matmul.ts';
import type { FloatArray } from '../matmul.ts';
import type { KernelName, MatmulKernels, VectorKernels } from '../kernels.ts';
import { allFinite, axpy, relu, reluBackward, sumSquares } from '../vector.ts';
import { KERNELS_RELAXED, KERNELS_RELAXED_SHARED, KERNELS_SIMD, KERNELS_SIMD_SHARED } from './modules.ts';
import { createPool, POST, PRE, rowsOfProduct, sharedMemorySupported } from './pool.ts';
import type { Gemm, PoolRunner, ThreadOptions, Transpose } from './pool.ts';

type WasmKernelName = Exclude<KernelName, 'ts'>;
type Reduce = (p: number, n: number) => number;
type Axpy = (y: number, x: number, alpha: number, n: number) => void;
type Relu = (z: number, a: number, n: number) => void;
type ReluBackward = (z: number, da: number, dz: number, n: number) => void;
type SumRows = (src: number, out: number, rows: number, cols: number) => void;

const PAGE = 65536;
/** Reduction slice of the blocked gemm (floats). */
const KC = 256;
/** Inputs X of at most this many floats (16 KB, well inside L1) are read in place for Xᵀ·dZ. */
const SMALL_X = 4096;
const SOURCES: Record<WasmKernelName | `${WasmKernelName}-shared`, string> = {
  relaxed: KERNELS_RELAXED,
  simd: KERNELS_SIMD,
  'relaxed-shared': KERNELS_RELAXED_SHARED,
  'simd-shared': KERNELS_SIMD_SHARED,
};
const compiled = new Map<keyof typeof SOURCES, object | null>();

function fromBase64(s: string): Uint8Array {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | abc.indexOf(clean[i]!);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** The compiled module for `name`, or null when this runtime cannot run it (checked once, by validation). */
function moduleFor(api: WasmApi, name: keyof typeof SOURCES): object | null {
  if (!compiled.has(name)) {
    const bytes = fromBase64(SOURCES[name]);
    let mod: object | null = null;
    try {
      // A browser's main thread refuses synchronous compiles over 4 KB: then the TypeScript kernels run.
      if (api.validate(bytes)) mod = new api.Module(bytes);
    } catch {
      mod = null;
    }
    compiled.set(name, mod);
  }
  return compiled.get(name)!;
}

/** The fastest WebAssembly kernels this runtime supports: relaxed SIMD, then SIMD; null for neither. */
export function bestWasmKernels(): WasmKernelName | null {
  const api = wasmApi();
  if (!api) return null;
  if (moduleFor(api, 'relaxed')) return 'relaxed';
  return moduleFor(api, 'simd') ? 'simd' : null;
}

/** Whether the runtime can run the named WebAssembly kernels. */
export function supportsWasmKernels(name: WasmKernelName): boolean {
  const api = wasmApi();
  return api !== null && moduleFor(api, name) !== null;
}

/** Scratch floats that let every product of a [nIn × units] layer on up to `maxBatch` rows run fastest. */
export function scratchFor(maxBatch: number, nIn: number, units: number): number {
  return Math.max(nIn * units, maxBatch * nIn, maxBatch * (nIn + units));
}

export interface WasmKernelSet {
  kernels: MatmulKernels;
  vectors: VectorKernels;
  memory: WasmMemory;
  /** Float32 view of the whole memory; buffers are subarrays of it. */
  heap: Float32Array;
  /** The two-thread pool, when threads were asked for and the runtime can share memory. */
  pool: PoolRunner | null;
}

/** Whether `createWasmKernels` with threads would start a helper here. */
export function supportsThreads(name: WasmKernelName): boolean {
  const api = wasmApi();
  return api !== null && sharedMemorySupported(api) && moduleFor(api, `${name}-shared`) !== null;
}

/**
 * MatmulKernels over a fresh memory of at least `floats` float32 values; the last `scratchFloats` of them are
 * reserved for Wᵀ in dZ·Wᵀ. With `threads`, where the runtime supports it, the memory is shared and a
 * helper thread takes part in large products (results are bit-identical either way). Throws if the
 * runtime does not support `name`.
 */
export function createWasmKernels(
  name: WasmKernelName,
  floats: number,
  scratchFloats: number,
  threads: ThreadOptions | null = null,
): WasmKernelSet {
  const api = wasmApi();
  const shared = threads !== null && supportsThreads(name);
  const mod = api && moduleFor(api, shared ? `${name}-shared` : name);
  if (!api || !mod) throw new Error(`This runtime cannot run the ${name} WebAssembly kernels.`);
  const pages = Math.max(1, Math.ceil(((floats + scratchFloats) * 4) / PAGE));
  const memory = new api.Memory({ initial: pages, maximum: pages, ...(shared ? { shared: true } : {}) });
  const inst = new api.Instance(mod, { env: { memory } });
  const gemm = inst.exports['gemm'] as Gemm;
  const transpose = inst.exports['transpose'] as Transpose;
  const sumsq = inst.exports['sumsq'] as Reduce;
  const finite = inst.exports['finite'] as Reduce;
  const axpyWasm = inst.exports['axpy'] as Axpy;
  const reluWasm = inst.exports['relu'] as Relu;
  const reluBackwardWasm = inst.exports['reluBackward'] as ReluBackward;
  const tanhWasm = inst.exports['tanh'] as Relu;
  const tanhBackwardWasm = inst.exports['tanhBackward'] as ReluBackward;
  const sumRowsWasm = inst.exports['sumRows'] as SumRows;
  const buf = memory.buffer;
  const scratch = floats * 4;
  const here = (x: FloatArray) => x.buffer === buf && x instanceof Float32Array;
  let pool: PoolRunner | null = null;
  try {
    if (shared && threads) pool = createPool(mod, memory, gemm, transpose, threads);
  } catch {
    pool = null; // the host could not start a thread: one thread it is (the shared memory works the same)
  }
  /**
   * C (=|+=) A·B in reduction slices of `kc` (KC: a KC×8 panel of B then stays in L1 and a KC-wide slice
   * of A in L2 while every tile of the panel is computed), with the transposes `flags` asks for before
   * and after (see rowsOfProduct); across both threads when the pool takes it, cut along C's rows
   * (`axis` 0) or columns (1).
   */
  const product = (
    a: number,
    aRow: number,
    aRed: number,
    b: number,
    bRed: number,
    c: number,
    cRow: number,
    m: number,
    K: number,
    n: number,
    bias: number,
    mode: number,
    kc: number,
    axis: 0 | 1,
    flags = 0,
    preSrc = 0,
    preSrcRow = 0,
    postDst = 0,
    postDstRow = 0,
  ) => {
    if (pool?.run(a, aRow, aRed, b, bRed, c, cRow, m, K, n, bias, mode, kc, axis, flags, preSrc, preSrcRow, postDst, postDstRow)) return; // prettier-ignore
    rowsOfProduct(gemm, transpose, a, aRow, aRed, b, bRed, c, cRow, 0, m, K, n, bias, mode, kc, flags, preSrc, preSrcRow, postDst, postDstRow); // prettier-ignore
  };
  /** Column chunks for products wide enough to cut into several, row chunks otherwise. */
  const axisFor = (rows: number, cols: number): 0 | 1 => (cols >= 16 * 8 || cols >= rows ? 1 : 0);
  // The three products on byte offsets of operands known to be in this memory (bias: mode 1 adds it),
  // called by the array-taking kernels below after their checks, and by a bound layer with none.
  const matmulAt = (
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    bias: number,
    mode: number,
  ) => product(a, k * 4, 4, b, n * 4, c, n * 4, m, k, n, bias, mode, KC, axisFor(m, n));
  const matmulTransAAt = (a: number, b: number, c: number, m: number, k: number, n: number) => {
    if (m * k > scratchFloats || (m <= KC && m * k <= SMALL_X)) {
      // Unblocked (one slice of the whole reduction), reading X down its columns: X too large for the
      // scratch, or so small (and the reduction one slice anyway) that transposing it would cost more
      // than it saves. Either way the same sums in the same order as through Xᵀ.
      product(a, 4, k * 4, b, n * 4, c, n * 4, k, m, n, 0, 0, m, 0);
      return;
    }
    // Xᵀ first (each chunk of dW rows transposes its columns of X): a column of X is one float per
    // row, a page apart for wide layers.
    product(scratch, m * 4, 4, b, n * 4, c, n * 4, k, m, n, 0, 0, KC, 0, PRE, a, k * 4);
  };
  /** False when neither operand fits the scratch transposed: then the caller runs the TypeScript kernel. */
  const matmulTransBAccAt = (a: number, b: number, c: number, m: number, n: number, k: number): boolean => {
    const viaDZ = m * n + k * m;
    if (viaDZ <= scratchFloats && viaDZ < k * n) {
      // dXᵀ = W · dZᵀ moves m·(n + k) floats around instead of all k·n of W.
      // Each chunk of dXᵀ rows is added, transposed, into its columns of dX.
      const out = scratch + m * n * 4;
      transpose(a, n * 4, scratch, m * 4, m, n, 0);
      product(b, n * 4, 4, scratch, m * 4, out, m * 4, k, n, m, 0, 0, KC, 0, POST, 0, 0, c, k * 4);
    } else if (n === 1) {
      // W is one column, laid out as Wᵀ already: no transpose.
      product(a, 4, 4, b, k * 4, c, k * 4, m, 1, k, 0, 2, KC, axisFor(m, k));
    } else if (k * n <= scratchFloats) {
      transpose(b, n * 4, scratch, k * 4, k, n, 0);
      product(a, n * 4, 4, scratch, k * 4, c, k * 4, m, n, k, 0, 2, KC, axisFor(m, k));
    } else return false;
    return true;
  };
  const kernels: MatmulKernels = {
    name,
    matmul(a, b, c, m, k, n, bias) {
      if (!here(a) || !here(b) || !here(c) || (bias && !here(bias))) return matmul(a, b, c, m, k, n, bias);
      matmulAt(a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, bias ? bias.byteOffset : 0, bias ? 1 : 0);
    },
    matmulTransA(a, b, c, m, k, n) {
      if (!here(a) || !here(b) || !here(c)) return matmulTransA(a, b, c, m, k, n);
      matmulTransAAt(a.byteOffset, b.byteOffset, c.byteOffset, m, k, n);
    },
    matmulTransBAcc(a, b, c, m, n, k) {
      if (!here(a) || !here(b) || !here(c)) return matmulTransBAcc(a, b, c, m, n, k);
      if (!matmulTransBAccAt(a.byteOffset, b.byteOffset, c.byteOffset, m, n, k))
        matmulTransBAcc(a, b, c, m, n, k);
    },
    bindDense(d) {
      const { x, w, bias, z, dZ, dW, dBias, dX, nIn, nOut } = d;
      if (![x, w, z, dZ, dW, bias, dBias, dX].every((v) => v === null || here(v))) return null;
      const at = (v: FloatArray | null) => (v ? v.byteOffset : 0);
      const [xAt, wAt, zAt, dZAt, dWAt] = [at(x), at(w), at(z), at(dZ), at(dW)];
      const [biasAt, dBiasAt, dXAt] = [at(bias), at(dBias), at(dX)];
      return {
        kernels,
        forward: (B) => matmulAt(xAt, wAt, zAt, B, nIn, nOut, biasAt, bias ? 1 : 0),
        backward(B) {
          matmulTransAAt(xAt, dZAt, dWAt, B, nIn, nOut);
          if (dBias) sumRowsWasm(dZAt, dBiasAt, B, nOut);
          if (dX && !matmulTransBAccAt(dZAt, wAt, dXAt, B, nOut, nIn))
            matmulTransBAcc(dZ, w, dX, B, nOut, nIn);
        },
      };
    },
  };
  /**
   * Byte offset of an array in this memory, or −1, remembering the last array asked about: the trainer
   * passes the same weights and gradients every step, and a typed array never moves (nor this memory).
   */
  const addressOf = () => {
    let last: FloatArray | null = null;
    let at = -1;
    return (x: FloatArray): number => {
      if (x !== last) {
        last = x;
        at = here(x) ? x.byteOffset : -1;
      }
      return at;
    };
  };
  const sumsqAt = addressOf();
  const finiteAt = addressOf();
  const axpyYAt = addressOf();
  const axpyXAt = addressOf();
  const vectors: VectorKernels = {
    sumSquares(a, start, end) {
      const p = sumsqAt(a);
      if (p < 0) return sumSquares(a, start, end);
      return sumsq(p + start * 4, end - start);
    },
    allFinite(a) {
      const p = finiteAt(a);
      if (p < 0) return allFinite(a);
      return finite(p, a.length) === 1;
    },
    axpy(y, x, alpha) {
      const py = axpyYAt(y);
      const px = axpyXAt(x);
      if (py < 0 || px < 0 || x.length < y.length) return axpy(y, x, alpha);
      axpyWasm(py, px, alpha, y.length);
    },
    relu(z, a, n) {
      if (!here(z) || !here(a) || z.length < n || a.length < n) return relu(z, a, n);
      reluWasm(z.byteOffset, a.byteOffset, n);
    },
    reluBackward(z, da, dz, n) {
      if (!here(z) || !here(da) || !here(dz) || z.length < n || da.length < n || dz.length < n)
        return reluBackward(z, da, dz, n);
      reluBackwardWasm(z.byteOffset, da.byteOffset, dz.byteOffset, n);
    },
    bindActivation(f, d) {
      const { z, a, dA, dZ, width } = d;
      if ((f !== 'relu' && f !== 'tanh') || ![z, a, dA, dZ].every(here)) return null;
      const [zAt, aAt, dAAt, dZAt] = [z.byteOffset, a.byteOffset, dA.byteOffset, dZ.byteOffset];
      if (f === 'relu')
        return {
          vectors,
          forward: (B) => reluWasm(zAt, aAt, B * width),
          backward: (B) => reluBackwardWasm(zAt, dAAt, dZAt, B * width),
        };
      return {
        vectors,
        forward: (B) => tanhWasm(zAt, aAt, B * width),
        backward: (B) => tanhBackwardWasm(aAt, dAAt, dZAt, B * width),
      };
    },
  };
  return { kernels, vectors, memory, heap: new Float32Array(buf, 0, floats), pool };
}
