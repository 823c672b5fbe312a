/**
 * WebAssembly SIMD kernels (kernels.wat) over one non-growing WebAssembly memory. A model lays out all its
 * float32 buffers (weights, gradients, activations) in that memory, so a kernel call passes byte offsets
 * and copies nothing; an array from elsewhere falls back to the TypeScript kernels.
 */
import { wasmApi } from '../../types/webassembly.ts';
import type { WasmApi, WasmMemory } from '../../types/webassembly.ts';
import { matmul, matmulTransA, matmulTransBAcc } from '../matmul.ts';
import type { FloatArray } from '../matmul.ts';
import type { KernelName, MatmulKernels, VectorKernels } from '../kernels.ts';
import { allFinite, axpy, sumSquares } from '../vector.ts';
import { KERNELS_RELAXED, KERNELS_SIMD } from './modules.ts';

type WasmKernelName = Exclude<KernelName, 'ts'>;
type Gemm = (
  a: number,
  aRow: number,
  aRed: number,
  b: number,
  bRed: number,
  c: number,
  m: number,
  K: number,
  n: number,
  bias: number,
  mode: number,
) => void;
type Transpose = (src: number, dst: number, rows: number, cols: number, add: number) => void;
type Reduce = (p: number, n: number) => number;
type Axpy = (y: number, x: number, alpha: number, n: number) => void;

const PAGE = 65536;
/** Reduction slice of the blocked gemm (floats). */
const KC = 256;
const SOURCES: Record<WasmKernelName, string> = { relaxed: KERNELS_RELAXED, simd: KERNELS_SIMD };
const compiled = new Map<WasmKernelName, object | null>();

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
function moduleFor(api: WasmApi, name: WasmKernelName): object | null {
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
}

/**
 * MatmulKernels over a fresh memory of at least `floats` float32 values; the last `scratchFloats` of them are
 * reserved for Wᵀ in dZ·Wᵀ. Throws if the runtime does not support `name`.
 */
export function createWasmKernels(
  name: WasmKernelName,
  floats: number,
  scratchFloats: number,
): WasmKernelSet {
  const api = wasmApi();
  const mod = api && moduleFor(api, name);
  if (!api || !mod) throw new Error(`This runtime cannot run the ${name} WebAssembly kernels.`);
  const pages = Math.max(1, Math.ceil(((floats + scratchFloats) * 4) / PAGE));
  const memory = new api.Memory({ initial: pages, maximum: pages });
  const inst = new api.Instance(mod, { env: { memory } });
  const gemm = inst.exports['gemm'] as Gemm;
  const transpose = inst.exports['transpose'] as Transpose;
  const sumsq = inst.exports['sumsq'] as Reduce;
  const finite = inst.exports['finite'] as Reduce;
  const axpyWasm = inst.exports['axpy'] as Axpy;
  const buf = memory.buffer;
  const scratch = floats * 4;
  const here = (x: FloatArray) => x.buffer === buf && x instanceof Float32Array;
  /**
   * gemm in slices of KC along the reduction, each adding to the last: a KC×8 panel of B then stays in
   * L1 and a KC-wide slice of A in L2 while every tile of the panel is computed.
   */
  const blocked = (
    a: number,
    aRow: number,
    aRed: number,
    b: number,
    bRed: number,
    c: number,
    m: number,
    K: number,
    n: number,
    bias: number,
    mode: number,
  ) => {
    for (let q = 0; q < K; q += KC) {
      const kc = Math.min(KC, K - q);
      gemm(a + q * aRed, aRow, aRed, b + q * bRed, bRed, c, m, kc, n, bias, q === 0 ? mode : 2);
    }
  };
  const kernels: MatmulKernels = {
    name,
    matmul(a, b, c, m, k, n, bias) {
      if (!here(a) || !here(b) || !here(c) || (bias && !here(bias))) return matmul(a, b, c, m, k, n, bias);
      blocked(
        a.byteOffset,
        k * 4,
        4,
        b.byteOffset,
        n * 4,
        c.byteOffset,
        m,
        k,
        n,
        bias ? bias.byteOffset : 0,
        bias ? 1 : 0,
      );
    },
    matmulTransA(a, b, c, m, k, n) {
      if (!here(a) || !here(b) || !here(c)) return matmulTransA(a, b, c, m, k, n);
      if (m * k > scratchFloats) {
        gemm(a.byteOffset, 4, k * 4, b.byteOffset, n * 4, c.byteOffset, k, m, n, 0, 0);
        return;
      }
      // Xᵀ first: a column of X is one float per row, a page apart for wide layers.
      transpose(a.byteOffset, scratch, m, k, 0);
      blocked(scratch, m * 4, 4, b.byteOffset, n * 4, c.byteOffset, k, m, n, 0, 0);
    },
    matmulTransBAcc(a, b, c, m, n, k) {
      if (!here(a) || !here(b) || !here(c)) return matmulTransBAcc(a, b, c, m, n, k);
      const viaDZ = m * n + k * m;
      if (viaDZ <= scratchFloats && viaDZ < k * n) {
        // dXᵀ = W · dZᵀ moves m·(n + k) floats around instead of all k·n of W.
        const out = scratch + m * n * 4;
        transpose(a.byteOffset, scratch, m, n, 0);
        blocked(b.byteOffset, n * 4, 4, scratch, m * 4, out, k, n, m, 0, 0);
        transpose(out, c.byteOffset, k, m, 1);
      } else if (k * n <= scratchFloats) {
        transpose(b.byteOffset, scratch, k, n, 0);
        blocked(a.byteOffset, n * 4, 4, scratch, k * 4, c.byteOffset, m, n, k, 0, 2);
      } else matmulTransBAcc(a, b, c, m, n, k);
    },
  };
  const vectors: VectorKernels = {
    sumSquares(a, start, end) {
      if (!here(a)) return sumSquares(a, start, end);
      return sumsq(a.byteOffset + start * 4, end - start);
    },
    allFinite(a) {
      if (!here(a)) return allFinite(a);
      return finite(a.byteOffset, a.length) === 1;
    },
    axpy(y, x, alpha) {
      if (!here(y) || !here(x) || x.length < y.length) return axpy(y, x, alpha);
      axpyWasm(y.byteOffset, x.byteOffset, alpha, y.length);
    },
  };
  return { kernels, vectors, memory, heap: new Float32Array(buf, 0, floats) };
}
