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
import type { KernelName, MatmulKernels, StepRecorder, VectorKernels } from '../kernel-sets.ts';
import { allFinite, axpy, relu, reluBackward, sumSquares } from '../vector.ts';
import { KERNELS_RELAXED, KERNELS_RELAXED_SHARED, KERNELS_SIMD, KERNELS_SIMD_SHARED } from './modules.ts';
import { createPool, createProduct, POST, PRE, rowsOfProduct, sharedMemorySupported } from './pool.ts';
import type { Gemm, PoolRunner, Product, ThreadOptions, Transpose } from './pool.ts';
import { createTape, OP } from './tape.ts';
import type { Run, WasmTape } from './tape.ts';

type WasmKernelName = Exclude<KernelName, 'ts'>;
type Reduce = (p: number, n: number) => number;
type Axpy = (y: number, x: number, alpha: number, n: number) => void;
type Relu = (z: number, a: number, n: number) => void;
type ReluBackward = (z: number, da: number, dz: number, n: number) => void;
type SumRows = (src: number, out: number, rows: number, cols: number) => void;
type AxpyFinite = (y: number, x: number, alpha: number, n: number) => number;

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

/** Kernel calls a recording of one pass of a [nIn × units] layer on up to `maxBatch` rows may append. */
export function tapeCallsFor(maxBatch: number, nIn: number, units: number): number {
  const slices = (k: number) => Math.max(1, Math.ceil(k / KC));
  return slices(nIn) + slices(maxBatch) + slices(units) + 6;
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

/** Where a model's recordings go (see StepRecorder): two slots of `bytes` each, `sums` sums of squares. */
export interface TapeSpace {
  bytes: number;
  sums: number;
}

/**
 * MatmulKernels over a fresh memory of at least `floats` float32 values; the last `scratchFloats` of them are
 * reserved for the transposes around a product (Xᵀ, Wᵀ or dZᵀ). With `threads`, where the runtime supports it, the memory is shared and a
 * helper thread takes part in large products (results are bit-identical either way). With `tape`, two
 * slots after those for recordings of kernel calls (used only on one thread). Throws if the runtime does
 * not support `name`.
 */
export function createWasmKernels(
  name: WasmKernelName,
  floats: number,
  scratchFloats: number,
  threads: ThreadOptions | null = null,
  tape: TapeSpace | null = null,
): WasmKernelSet {
  const api = wasmApi();
  const shared = threads !== null && supportsThreads(name);
  const mod = api && moduleFor(api, shared ? `${name}-shared` : name);
  if (!api || !mod) throw new Error(`This runtime cannot run the ${name} WebAssembly kernels.`);
  const tapeAt = 8 * Math.ceil(((floats + scratchFloats) * 4) / 8);
  const slotBytes = tape ? 8 * Math.ceil(tape.bytes / 8) : 0;
  const pages = Math.max(1, Math.ceil((tapeAt + 2 * slotBytes) / PAGE));
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
  const runWasm = inst.exports['run'] as Run;
  const axpyFiniteWasm = inst.exports['axpyFinite'] as AxpyFinite;
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
   * Computes `p` (see Product: reduction slices of KC keep a KC×8 panel of B in L1 and a KC-wide slice of
   * A in L2 while every tile of the panel is computed), across both threads when the pool takes it.
   */
  const run = (p: Product) => {
    if (!pool?.run(p)) rowsOfProduct(gemm, transpose, p, 0, p.m);
  };
  /** Recordings this set made: the only ones its bound layers append to. */
  const tapes = new WeakSet<StepRecorder>();
  const tapeOf = (r: StepRecorder | null): WasmTape | null => (r && tapes.has(r) ? (r as WasmTape) : null);
  /** `run`, or with a tape its calls appended to it (one thread: the pool takes no part in a recording). */
  const runOrRecord = (p: Product, t: WasmTape | null) => {
    if (t) rowsOfProduct(t.gemm, t.transpose, p, 0, p.m);
    else run(p);
  };
  /** Column chunks for products wide enough to cut into several, row chunks otherwise. */
  const axisFor = (rows: number, cols: number): 0 | 1 => (cols >= 16 * 8 || cols >= rows ? 1 : 0);
  // A dense layer's three products on byte offsets of operands known to be in this memory, made once
  // for its buffers; each step only sets the batch's sizes. The array-taking kernels below make them
  // per call after their checks; a bound layer makes them once and calls them with none.
  /** Z = X·W (+ bias: mode 1 adds it), X [B × nIn], W [nIn × nOut]. */
  const forwardProduct = (
    x: number,
    w: number,
    z: number,
    nIn: number,
    nOut: number,
    bias: number,
    mode: number,
  ) => {
    // prettier-ignore
    const p = createProduct({
      a: x, aRow: nIn * 4, aRed: 4, b: w, bRed: nOut * 4, c: z, cRow: nOut * 4,
      m: 0, K: nIn, n: nOut, bias, mode, kc: KC, axis: 0,
    });
    return (B: number, t: WasmTape | null = null) => {
      p.m = B;
      p.axis = axisFor(B, nOut);
      runOrRecord(p, t);
    };
  };
  /** dW = Xᵀ·dZ (overwrites dW), X [B × nIn], dZ [B × nOut]. */
  const weightGradientProduct = (x: number, dZ: number, dW: number, nIn: number, nOut: number) => {
    // Reading X down its columns, unblocked (one slice of the whole reduction).
    // prettier-ignore
    const inPlace = createProduct({
      a: x, aRow: 4, aRed: nIn * 4, b: dZ, bRed: nOut * 4, c: dW, cRow: nOut * 4,
      m: nIn, K: 0, n: nOut, bias: 0, mode: 0, kc: 0, axis: 0,
    });
    // Xᵀ first (each chunk of dW rows transposes its columns of X): a column of X is one float per
    // row, a page apart for wide layers.
    // prettier-ignore
    const viaXT = createProduct({
      a: scratch, aRow: 0, aRed: 4, b: dZ, bRed: nOut * 4, c: dW, cRow: nOut * 4,
      m: nIn, K: 0, n: nOut, bias: 0, mode: 0, kc: KC, axis: 0,
      flags: PRE, preSrc: x, preSrcRow: nIn * 4,
    });
    return (B: number, t: WasmTape | null = null) => {
      if (B * nIn > scratchFloats || (B <= KC && B * nIn <= SMALL_X)) {
        // X too large for the scratch, or so small (and the reduction one slice anyway) that
        // transposing it would cost more than it saves. Either way the same sums in the same order.
        inPlace.K = B;
        inPlace.kc = B;
        runOrRecord(inPlace, t);
      } else {
        viaXT.K = B;
        viaXT.aRow = B * 4;
        runOrRecord(viaXT, t);
      }
    };
  };
  /**
   * dX += dZ·Wᵀ, dZ [B × nOut], W [nIn × nOut]; false when neither operand fits the scratch transposed:
   * then the caller runs the TypeScript kernel.
   */
  const inputGradientProduct = (dZ: number, w: number, dX: number, nOut: number, nIn: number) => {
    // dXᵀ = W · dZᵀ: each chunk of dXᵀ rows is added, transposed, into its columns of dX.
    // prettier-ignore
    const viaDZT = createProduct({
      a: w, aRow: nOut * 4, aRed: 4, b: scratch, bRed: 0, c: 0, cRow: 0,
      m: nIn, K: nOut, n: 0, bias: 0, mode: 0, kc: KC, axis: 0,
      flags: POST, postDst: dX, postDstRow: nIn * 4,
    });
    // W is one column, laid out as Wᵀ already: no transpose.
    // prettier-ignore
    const column = createProduct({
      a: dZ, aRow: 4, aRed: 4, b: w, bRed: nIn * 4, c: dX, cRow: nIn * 4,
      m: 0, K: 1, n: nIn, bias: 0, mode: 2, kc: KC, axis: 0,
    });
    // prettier-ignore
    const viaWT = createProduct({
      a: dZ, aRow: nOut * 4, aRed: 4, b: scratch, bRed: nIn * 4, c: dX, cRow: nIn * 4,
      m: 0, K: nOut, n: nIn, bias: 0, mode: 2, kc: KC, axis: 0,
    });
    return (B: number, t: WasmTape | null = null): boolean => {
      const viaDZ = B * nOut + nIn * B;
      if (viaDZ <= scratchFloats && viaDZ < nIn * nOut) {
        // Moves B·(nOut + nIn) floats around instead of all nIn·nOut of W.
        (t ? t.transpose : transpose)(dZ, nOut * 4, scratch, B * 4, B, nOut, 0);
        viaDZT.bRed = B * 4;
        viaDZT.c = scratch + B * nOut * 4;
        viaDZT.cRow = B * 4;
        viaDZT.n = B;
        runOrRecord(viaDZT, t);
      } else if (nOut === 1) {
        column.m = B;
        column.axis = axisFor(B, nIn);
        runOrRecord(column, t);
      } else if (nIn * nOut <= scratchFloats) {
        (t ? t.transpose : transpose)(w, nOut * 4, scratch, nIn * 4, nIn, nOut, 0);
        viaWT.m = B;
        viaWT.axis = axisFor(B, nIn);
        runOrRecord(viaWT, t);
      } else return false;
      return true;
    };
  };
  const kernels: MatmulKernels = {
    name,
    matmul(a, b, c, m, k, n, bias) {
      if (!here(a) || !here(b) || !here(c) || (bias && !here(bias))) return matmul(a, b, c, m, k, n, bias);
      forwardProduct(a.byteOffset, b.byteOffset, c.byteOffset, k, n, bias ? bias.byteOffset : 0, bias ? 1 : 0)(m); // prettier-ignore
    },
    matmulTransA(a, b, c, m, k, n) {
      if (!here(a) || !here(b) || !here(c)) return matmulTransA(a, b, c, m, k, n);
      weightGradientProduct(a.byteOffset, b.byteOffset, c.byteOffset, k, n)(m);
    },
    matmulTransBAcc(a, b, c, m, n, k) {
      if (!here(a) || !here(b) || !here(c)) return matmulTransBAcc(a, b, c, m, n, k);
      if (!inputGradientProduct(a.byteOffset, b.byteOffset, c.byteOffset, n, k)(m))
        matmulTransBAcc(a, b, c, m, n, k);
    },
    bindDense(d) {
      const { x, w, bias, z, dZ, dW, dBias, dX, nIn, nOut } = d;
      if (![x, w, z, dZ, dW, bias, dBias, dX].every((v) => v === null || here(v))) return null;
      const at = (v: FloatArray | null) => (v ? v.byteOffset : 0);
      const dZAt = at(dZ);
      const dBiasAt = at(dBias);
      const forward = forwardProduct(at(x), at(w), at(z), nIn, nOut, at(bias), bias ? 1 : 0);
      const weightGradient = weightGradientProduct(at(x), dZAt, at(dW), nIn, nOut);
      const inputGradient = inputGradientProduct(dZAt, at(w), at(dX), nOut, nIn);
      return {
        kernels,
        forward,
        backward(B) {
          weightGradient(B);
          if (dBias) sumRowsWasm(dZAt, dBiasAt, B, nOut);
          if (dX && !inputGradient(B)) matmulTransBAcc(dZ, w, dX, B, nOut, nIn);
        },
        record(pass, B, r) {
          const t = tapeOf(r);
          if (!t) return false;
          if (pass === 'forward') forward(B, t);
          else {
            weightGradient(B, t);
            if (dBias) t.call(OP.sumRows, dZAt, dBiasAt, B, nOut);
            if (dX && !inputGradient(B, t)) return false;
          }
          return true;
        },
      };
    },
    record(slot) {
      if (!tape || pool || slot < 0 || slot > 1) return null;
      const t = createTape(buf, tapeAt + slot * slotBytes, slotBytes, tape.sums, here, runWasm);
      tapes.add(t);
      return t;
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
    axpyIfFinite(y, x, alpha) {
      const py = axpyYAt(y);
      const px = axpyXAt(x);
      if (py < 0 || px < 0 || x.length < y.length) return null;
      return axpyFiniteWasm(py, px, alpha, y.length) === 1;
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
      // f′ is read from z for relu and from a = tanh(z) for tanh.
      const [fwd, fwdOp, bwd, bwdOp, fromAt] =
        f === 'relu'
          ? [reluWasm, OP.relu, reluBackwardWasm, OP.reluBackward, zAt]
          : [tanhWasm, OP.tanh, tanhBackwardWasm, OP.tanhBackward, aAt];
      return {
        vectors,
        forward: (B) => fwd(zAt, aAt, B * width),
        backward: (B) => bwd(fromAt, dAAt, dZAt, B * width),
        record(pass, B, r) {
          const t = tapeOf(r);
          if (!t) return false;
          if (pass === 'forward') t.call(fwdOp, zAt, aAt, B * width);
          else t.call(bwdOp, fromAt, dAAt, dZAt, B * width);
          return true;
        },
      };
    },
  };
  return { kernels, vectors, memory, heap: new Float32Array(buf, 0, floats), pool };
}
