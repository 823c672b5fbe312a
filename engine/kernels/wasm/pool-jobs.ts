/**
 * The job protocol of the two-core kernel pool, shared by the calling thread (pool.ts) and the helper
 * thread: the control words, a product cut into chunks of rows or columns, and the helper's own script,
 * which runs the same chunk loop without this module.
 */

// Control words (Int32Array indices) and job state.
export const STATE = 0;
export const NEXT = 1;
export const READY = 2;
export const HELPER_CHUNKS = 3;
export const JOB = 8;
export const JOB_INTS = 21;
export const CONTROL_INTS = JOB + JOB_INTS;
/** Job flags: transpose each chunk's A rows in first (pre), add each chunk's C rows out transposed (post). */
export const PRE = 1;
export const POST = 2;
export const IDLE = 0;
export const POSTED = 1;
export const TAKEN = 2;
export const DONE = 3;
export const QUIT = 4;

/** The wasm gemm export: C (=|+=) A·B with byte strides (see kernels.wat). */
export type Gemm = (
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
) => void;

/** The wasm transpose export: dst (=|+=) srcᵀ, rows of src sRow bytes apart, rows of dst dRow bytes. */
export type Transpose = (
  src: number,
  sRow: number,
  dst: number,
  dRow: number,
  rows: number,
  cols: number,
  add: number,
) => void;

/**
 * One product C (=|+=) A·B on byte offsets into the kernels' memory, as the gemm export takes it:
 * A(i, q) at a + i·aRow + q·aRed, B(q, j) at b + q·bRed + 4j, C(i, j) at c + i·cRow + 4j, for i < m,
 * j < n, q < K; `mode` 0 writes C, 1 writes C + bias[n], 2 adds into C. It runs in reduction slices of
 * `kc`, with the transposes `flags` asks for (see rowsOfProduct); the pool cuts it along C's rows
 * (`axis` 0) or columns (1). A bound layer makes its products once and sets only the batch's sizes per
 * step; every Product is made by `createProduct`, so all have one shape.
 */
export interface Product {
  a: number;
  aRow: number;
  aRed: number;
  b: number;
  bRed: number;
  c: number;
  cRow: number;
  m: number;
  K: number;
  n: number;
  bias: number;
  mode: number;
  kc: number;
  axis: 0 | 1;
  flags: number;
  /** PRE: the matrix whose transpose fills A, rows preSrcRow bytes apart. */
  preSrc: number;
  preSrcRow: number;
  /** POST: the matrix C is added into, transposed, rows postDstRow bytes apart. */
  postDst: number;
  postDstRow: number;
}

type Transposes = 'flags' | 'preSrc' | 'preSrcRow' | 'postDst' | 'postDstRow';

/** A product (no transposes unless given), its fields always in the same order. */
export function createProduct(p: Omit<Product, Transposes> & Partial<Pick<Product, Transposes>>): Product {
  return {
    a: p.a,
    aRow: p.aRow,
    aRed: p.aRed,
    b: p.b,
    bRed: p.bRed,
    c: p.c,
    cRow: p.cRow,
    m: p.m,
    K: p.K,
    n: p.n,
    bias: p.bias,
    mode: p.mode,
    kc: p.kc,
    axis: p.axis,
    flags: p.flags ?? 0,
    preSrc: p.preSrc ?? 0,
    preSrcRow: p.preSrcRow ?? 0,
    postDst: p.postDst ?? 0,
    postDstRow: p.postDstRow ?? 0,
  };
}

/**
 * The block of `p`'s C at rows [i0, i0 + rows) and columns [j0, j0 + cols) (j0 a multiple of 8), in
 * reduction slices of `kc`, each adding to the last (the single-thread kernels' blocking; kc ≥ K is one
 * call).
 */
export function blockedGemm(
  gemm: Gemm,
  p: Product,
  i0: number,
  rows: number,
  j0: number,
  cols: number,
): void {
  const { aRow, aRed, bRed, cRow, K, mode, kc } = p;
  const a = p.a + i0 * aRow;
  const b = p.b + 4 * j0;
  const c = p.c + i0 * cRow + 4 * j0;
  const bias = mode === 1 ? p.bias + 4 * j0 : p.bias;
  for (let q = 0; q < K; q += kc)
    gemm(a + q * aRed, aRow, aRed, b + q * bRed, bRed, c, cRow, rows, Math.min(kc, K - q), cols, bias, q === 0 ? mode : 2); // prettier-ignore
}

/**
 * Rows [s, s + rows) of `p`'s C as blockedGemm computes them, with its transposes: PRE fills those rows
 * of A (Aᵀ's columns, from the matrix at preSrc) first; POST adds them, transposed, into the columns
 * [s, s + rows) of the matrix at postDst.
 */
export function rowsOfProduct(gemm: Gemm, transpose: Transpose, p: Product, s: number, rows: number): void {
  if (p.flags & PRE) transpose(p.preSrc + 4 * s, p.preSrcRow, p.a + s * p.aRow, p.aRow, p.K, rows, 0);
  blockedGemm(gemm, p, s, rows, 0, p.n);
  if (p.flags & POST) transpose(p.c + s * p.cRow, p.cRow, p.postDst + 4 * s, p.postDstRow, rows, p.n, 1);
}

/** Posts `p` as the job, cut into `chunks` chunks of `chunk` rows or columns (by its axis). */
export function writeJob(job: Uint32Array, p: Product, chunk: number, chunks: number): void {
  job[0] = p.a;
  job[1] = p.aRow;
  job[2] = p.aRed;
  job[3] = p.b;
  job[4] = p.bRed;
  job[5] = p.c;
  job[6] = p.cRow;
  job[7] = p.m;
  job[8] = p.K;
  job[9] = p.n;
  job[10] = p.bias;
  job[11] = p.mode;
  job[12] = p.kc;
  job[13] = p.axis;
  job[14] = chunk;
  job[15] = chunks;
  job[16] = p.flags;
  job[17] = p.preSrc;
  job[18] = p.preSrcRow;
  job[19] = p.postDst;
  job[20] = p.postDstRow;
}

/**
 * Takes chunks of `p` (posted as the job, cut into `chunks` chunks of `chunk` rows or columns) until none
 * is left; returns how many this thread computed.
 */
export function work(
  ctl: Int32Array,
  gemm: Gemm,
  transpose: Transpose,
  p: Product,
  chunk: number,
  chunks: number,
): number {
  let done = 0;
  for (;;) {
    const i = Atomics.add(ctl, NEXT, 1);
    if (i >= chunks) return done;
    const s = i * chunk;
    if (p.axis === 0) rowsOfProduct(gemm, transpose, p, s, Math.min(chunk, p.m - s));
    else blockedGemm(gemm, p, 0, p.m, s, Math.min(chunk, p.n - s));
    done++;
  }
}

/**
 * The helper thread's script: the same chunk loop as `work` above, on the product it reads from the
 * job, in plain JavaScript (it runs without this module). Keep the two in step; test/engine/kernels/pool.test.ts checks they give the same bits.
 */
export const HELPER_SOURCE = `'use strict';
function start(init) {
  const kernels = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
  const gemm = kernels.gemm;
  const transpose = kernels.transpose;
  const ctl = new Int32Array(init.control);
  const job = new Uint32Array(init.control, ${JOB * 4}, ${JOB_INTS});
  const spinMs = init.spinMs;
  let a, aRow, aRed, b, bRed, c, cRow, m, K, n, bias, mode, kc, axis, flags, preSrc, preSrcRow, postDst, postDstRow;
  function blocked(i0, rows, j0, cols) {
    const a0 = a + i0 * aRow, b0 = b + 4 * j0, c0 = c + i0 * cRow + 4 * j0;
    const bias0 = mode === 1 ? bias + 4 * j0 : bias;
    for (let q = 0; q < K; q += kc)
      gemm(a0 + q * aRed, aRow, aRed, b0 + q * bRed, bRed, c0, cRow, rows, Math.min(kc, K - q), cols, bias0, q === 0 ? mode : 2);
  }
  function work() {
    a = job[0]; aRow = job[1]; aRed = job[2]; b = job[3]; bRed = job[4]; c = job[5]; cRow = job[6];
    m = job[7]; K = job[8]; n = job[9]; bias = job[10]; mode = job[11]; kc = job[12]; axis = job[13];
    flags = job[16]; preSrc = job[17]; preSrcRow = job[18]; postDst = job[19]; postDstRow = job[20];
    const chunk = job[14], chunks = job[15];
    let done = 0;
    for (;;) {
      const i = Atomics.add(ctl, ${NEXT}, 1);
      if (i >= chunks) return done;
      const s = i * chunk;
      if (axis === 0) {
        const rows = Math.min(chunk, m - s);
        if (flags & ${PRE}) transpose(preSrc + 4 * s, preSrcRow, a + s * aRow, aRow, K, rows, 0);
        blocked(s, rows, 0, n);
        if (flags & ${POST}) transpose(c + s * cRow, cRow, postDst + 4 * s, postDstRow, rows, n, 1);
      } else blocked(0, m, s, Math.min(chunk, n - s));
      done++;
    }
  }
  Atomics.store(ctl, ${READY}, 1);
  for (;;) {
    const s = Atomics.load(ctl, ${STATE});
    if (s === ${QUIT}) return;
    if (s === ${POSTED}) {
      if (Atomics.compareExchange(ctl, ${STATE}, ${POSTED}, ${TAKEN}) === ${POSTED}) {
        Atomics.add(ctl, ${HELPER_CHUNKS}, work());
        Atomics.store(ctl, ${STATE}, ${DONE});
        Atomics.notify(ctl, ${STATE});
      }
      continue;
    }
    const t0 = performance.now();
    while (Atomics.load(ctl, ${STATE}) === s && performance.now() - t0 < spinMs) {}
    if (Atomics.load(ctl, ${STATE}) === s) Atomics.wait(ctl, ${STATE}, s);
  }
}
`;
