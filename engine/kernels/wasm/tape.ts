/**
 * A recording of kernel calls in the kernels' own memory (a StepRecorder): per call 13 words, the
 * kernel's number and its arguments, as kernels.wat's `run` reads them. A replay makes one `run` call
 * per stretch of kernel calls between JavaScript steps, instead of one call from JavaScript per kernel.
 */
import type { StepRecording } from '../kernel-sets.ts';
import type { FloatArray } from '../matmul.ts';
import type { Gemm, Transpose } from './pool-jobs.ts';

/** The kernels `run` knows, by number (kernels.wat). */
export const OP = {
  gemm: 0,
  transpose: 1,
  tanh: 2,
  tanhBackward: 3,
  relu: 4,
  reluBackward: 5,
  sumRows: 6,
  zero: 7,
  copy: 8,
  sumsq: 9,
} as const;

const WORDS = 13;

/** The wasm run export: the calls recorded in bytes [p, end). */
export type Run = (p: number, end: number) => void;

/** A recording the kernel set's bound layers append to: StepRecording, plus the kernels by number. */
export interface WasmTape extends StepRecording {
  /** Appends a call of kernel `op` (OP) with its arguments. */
  call(op: number, ...args: number[]): void;
  gemm: Gemm;
  transpose: Transpose;
}

/** Bytes one recording slot takes for `calls` kernel calls and `sums` sums of squares. */
export function tapeBytes(calls: number, sums: number): number {
  return 8 * sums + 4 * WORDS * calls;
}

/**
 * A recording into bytes [at, at + bytes) of `buffer` (at a multiple of 8): its sums first, then its
 * calls. `here` tells whether an array is in that memory.
 */
export function createTape(
  buffer: ArrayBufferLike,
  at: number,
  bytes: number,
  sumSlots: number,
  here: (x: FloatArray) => boolean,
  run: Run,
): WasmTape {
  const sums = new Float64Array(buffer, at, sumSlots);
  const first = at + 8 * sumSlots;
  const words = new Int32Array(buffer, first, Math.max(0, Math.floor((bytes - 8 * sumSlots) / 4)));
  const steps: (() => void)[] = [];
  let used = 0;
  let start = 0;
  let full = false;
  /** Ends the stretch of kernel calls recorded since the last JavaScript step. */
  const close = () => {
    if (used === start) return;
    const from = first + 4 * start;
    const to = first + 4 * used;
    steps.push(() => run(from, to));
    start = used;
  };
  const t: WasmTape = {
    sums,
    call(op, ...args) {
      if (used + WORDS > words.length) {
        full = true;
        return;
      }
      words[used] = op;
      for (let i = 0; i < WORDS - 1; i++) words[used + 1 + i] = args[i] ?? 0;
      used += WORDS;
    },
    gemm: (...args) => t.call(OP.gemm, ...args),
    transpose: (...args) => t.call(OP.transpose, ...args),
    zero(a, n) {
      if (!here(a) || a.length < n) return false;
      t.call(OP.zero, a.byteOffset, 4 * n);
      return true;
    },
    copy(to, from, n) {
      if (!here(to) || !here(from) || to.length < n || from.length < n) return false;
      t.call(OP.copy, to.byteOffset, from.byteOffset, 4 * n);
      return true;
    },
    sumSquares(a, s, e, slot) {
      if (!here(a) || slot >= sumSlots) return false;
      t.call(OP.sumsq, a.byteOffset + 4 * s, e - s, sums.byteOffset + 8 * slot);
      return true;
    },
    js(step) {
      close();
      steps.push(step);
    },
    finish() {
      close();
      return full ? null : steps;
    },
  };
  return t;
}
