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
 * gemm in reduction slices of `kc`, each adding to the last (the single-thread kernels' blocking; kc ≥ K
 * is one call).
 */
export function blockedGemm(
  gemm: Gemm,
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
): void {
  for (let q = 0; q < K; q += kc)
    gemm(
      a + q * aRed,
      aRow,
      aRed,
      b + q * bRed,
      bRed,
      c,
      cRow,
      m,
      Math.min(kc, K - q),
      n,
      bias,
      q === 0 ? mode : 2,
    );
}

/**
 * Rows [s, s + rows) of C = A·B as blockedGemm computes them, with the job's transposes: PRE fills those
 * rows of A (Aᵀ's columns, from a matrix at preSrc with rows preSrcRow bytes apart) first; POST adds them,
 * transposed, into the columns [s, s + rows) of a matrix at postDst with rows postDstRow bytes apart.
 */
export function rowsOfProduct(
  gemm: Gemm,
  transpose: Transpose,
  a: number,
  aRow: number,
  aRed: number,
  b: number,
  bRed: number,
  c: number,
  cRow: number,
  s: number,
  rows: number,
  K: number,
  n: number,
  bias: number,
  mode: number,
  kc: number,
  flags: number,
  preSrc: number,
  preSrcRow: number,
  postDst: number,
  postDstRow: number,
): void {
  if (flags & PRE) transpose(preSrc + 4 * s, preSrcRow, a + s * aRow, aRow, K, rows, 0);
  blockedGemm(gemm, a + s * aRow, aRow, aRed, b, bRed, c + s * cRow, cRow, rows, K, n, bias, mode, kc);
  if (flags & POST) transpose(c + s * cRow, cRow, postDst + 4 * s, postDstRow, rows, n, 1);
}

/** Takes chunks of the posted job until none is left; returns how many this thread computed. */
export function work(ctl: Int32Array, job: Uint32Array, gemm: Gemm, transpose: Transpose): number {
  const a = job[0]!, aRow = job[1]!, aRed = job[2]!, b = job[3]!, bRed = job[4]!, c = job[5]!, cRow = job[6]!; // prettier-ignore
  const m = job[7]!, K = job[8]!, n = job[9]!, bias = job[10]!, mode = job[11]!, kc = job[12]!; // prettier-ignore
  const axis = job[13]!, chunk = job[14]!, chunks = job[15]!; // prettier-ignore
  const flags = job[16]!, preSrc = job[17]!, preSrcRow = job[18]!, postDst = job[19]!, postDstRow = job[20]!; // prettier-ignore
  let done = 0;
  for (;;) {
    const i = Atomics.add(ctl, NEXT, 1);
    if (i >= chunks) return done;
    const s = i * chunk;
    if (axis === 0)
      rowsOfProduct(gemm, transpose, a, aRow, aRed, b, bRed, c, cRow, s, Math.min(chunk, m - s), K, n, bias, mode, kc, flags, preSrc, preSrcRow, postDst, postDstRow); // prettier-ignore
    else
      blockedGemm(gemm, a, aRow, aRed, b + 4 * s, bRed, c + 4 * s, cRow, m, K, Math.min(chunk, n - s), mode === 1 ? bias + 4 * s : bias, mode, kc); // prettier-ignore
    done++;
  }
}

/**
 * The helper thread's script: the same chunk loop as `work` above, in plain JavaScript (it runs without
 * this module). Keep the two in step; test/engine/kernels/pool.test.ts checks they give the same bits.
 */
export const HELPER_SOURCE = `'use strict';
function start(init) {
  const kernels = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
  const gemm = kernels.gemm;
  const transpose = kernels.transpose;
  const ctl = new Int32Array(init.control);
  const job = new Uint32Array(init.control, ${JOB * 4}, ${JOB_INTS});
  const spinMs = init.spinMs;
  function blocked(a, aRow, aRed, b, bRed, c, cRow, m, K, n, bias, mode, kc) {
    for (let q = 0; q < K; q += kc)
      gemm(a + q * aRed, aRow, aRed, b + q * bRed, bRed, c, cRow, m, Math.min(kc, K - q), n, bias, q === 0 ? mode : 2);
  }
  function work() {
    const a = job[0], aRow = job[1], aRed = job[2], b = job[3], bRed = job[4], c = job[5], cRow = job[6];
    const m = job[7], K = job[8], n = job[9], bias = job[10], mode = job[11], kc = job[12];
    const axis = job[13], chunk = job[14], chunks = job[15];
    const flags = job[16], preSrc = job[17], preSrcRow = job[18], postDst = job[19], postDstRow = job[20];
    let done = 0;
    for (;;) {
      const i = Atomics.add(ctl, ${NEXT}, 1);
      if (i >= chunks) return done;
      const s = i * chunk;
      if (axis === 0) {
        const rows = Math.min(chunk, m - s);
        if (flags & ${PRE}) transpose(preSrc + 4 * s, preSrcRow, a + s * aRow, aRow, K, rows, 0);
        blocked(a + s * aRow, aRow, aRed, b, bRed, c + s * cRow, cRow, rows, K, n, bias, mode, kc);
        if (flags & ${POST}) transpose(c + s * cRow, cRow, postDst + 4 * s, postDstRow, rows, n, 1);
      } else blocked(a, aRow, aRed, b + 4 * s, bRed, c + 4 * s, cRow, m, K, Math.min(chunk, n - s), mode === 1 ? bias + 4 * s : bias, mode, kc);
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
