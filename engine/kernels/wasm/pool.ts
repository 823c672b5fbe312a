/**
 * The two-thread kernel pool: a helper thread runs the same WebAssembly kernels on the same shared
 * memory as the model, and every large product is cut into chunks of output rows or output columns that
 * the calling thread and the helper take from a shared counter until none is left.
 *
 * Every output element is computed by one thread, by the same instructions in the same order as on one
 * thread (column chunks start at multiples of 8, so each column keeps its 8-wide, 4-wide or scalar path;
 * the reduction is cut into the same slices), so results are bit-identical to the single-thread kernels
 * whichever thread computes which chunk. The transposes around a product are cut the same way where they
 * can be (Xᵀ for the weight gradient, each chunk its columns of X; dXᵀ into dX after the input gradient,
 * each chunk its columns of dX). Only products of at least `minMultiplyAdds` use the pool.
 *
 * Synchronisation is through a small shared Int32Array, with Atomics: the caller posts a job and works
 * on it at once; the helper, spinning briefly after each job and then waiting, claims the job if it wakes
 * before the caller has finished (a job it never claimed is withdrawn, so a slow or busy helper never
 * holds the caller up), and the caller waits only for chunks the helper has actually started.
 *
 * The pool is only available where shared memory is: SharedArrayBuffer, Atomics.wait on this thread and
 * shared WebAssembly memories (Node and its worker threads; a browser page only when cross-origin
 * isolated). A host that can start threads passes its ThreadOptions where it creates the engine service
 * (see engine/host/node-threads.ts, web-threads.ts); models created without them run on one thread.
 */
import type { WasmApi, WasmMemory } from '../../types/webassembly.ts';
import {
  CONTROL_INTS,
  DONE,
  HELPER_CHUNKS,
  HELPER_SOURCE,
  IDLE,
  JOB,
  JOB_INTS,
  NEXT,
  POSTED,
  QUIT,
  READY,
  STATE,
  TAKEN,
  work,
  writeJob,
} from './pool-jobs.ts';
import type { Gemm, Product, Transpose } from './pool-jobs.ts';

// What the kernels' runtime uses of the job protocol, from one place.
export { createProduct, HELPER_SOURCE, POST, PRE, rowsOfProduct } from './pool-jobs.ts';
export type { Gemm, Product, Transpose } from './pool-jobs.ts';

/** A running helper thread. */
export interface HelperThread {
  terminate(): void;
}

/** What the helper thread is started with (structured-cloneable: a module, a shared memory, a buffer). */
export interface HelperStart {
  module: object;
  memory: WasmMemory;
  control: SharedArrayBuffer;
  spinMs: number;
}

/**
 * How a host starts a helper: run the classic script `source` (it defines `function start(init)`) in a
 * new thread, then call `start` there with the structured clone of `init`.
 */
export interface ThreadHost {
  spawn(source: string, init: HelperStart): HelperThread;
}

export interface ThreadOptions {
  host: ThreadHost;
  /** Products with fewer multiply-adds than this run on the calling thread alone (default 2²⁰). */
  minMultiplyAdds?: number;
  /** How long the helper spins for the next job before it sleeps, in ms (default 0.5). */
  spinMs?: number;
}

/** The pool as a model exposes it. */
export interface KernelPool {
  /** The helper thread has started and takes chunks. */
  readonly ready: boolean;
  readonly minMultiplyAdds: number;
  /**
   * Products posted to the pool, chunks of them the helper computed, and the times the helper held the
   * caller up (it was descheduled in the middle of a chunk: the machine is busy), after each of which
   * the next products ran without it for a while.
   */
  stats(): { jobs: number; helperChunks: number; stalls: number };
  /** Ends the helper thread; the model's kernels continue on the calling thread alone. */
  dispose(): void;
  readonly disposed: boolean;
}

export const DEFAULT_MIN_MULTIPLY_ADDS = 1 << 20;

let sharedOk: boolean | null = null;

/** Whether this thread can share a WebAssembly memory with a helper and block on Atomics.wait. */
export function sharedMemorySupported(api: WasmApi): boolean {
  if (sharedOk !== null) return sharedOk;
  sharedOk = false;
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (
    typeof SharedArrayBuffer !== 'function' ||
    typeof Atomics !== 'object' ||
    g.crossOriginIsolated === false
  )
    return false;
  try {
    // A page's main thread may not block: Atomics.wait throws there even with a zero timeout.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    const m = new api.Memory({ initial: 1, maximum: 1, shared: true });
    sharedOk = m.buffer instanceof SharedArrayBuffer;
  } catch {
    sharedOk = false;
  }
  return sharedOk;
}

/** Chunks per product: enough that a late helper still gets a share and neither thread idles long. */
const CHUNKS = 16;
/**
 * Products run without the helper after it held one up: 4, doubling (to 256) each time it does so again
 * before it has taken part in 32 products in a row without holding one up.
 */
const FIRST_BACKOFF = 4;
const MAX_BACKOFF = 256;
const CLEAN_RUN = 32;

const clock: { now(): number } = (globalThis as { performance?: { now(): number } }).performance ?? Date;

/** Ends the helpers of models dropped without dispose(). */
const finalizer =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<{ end(): void }>((h) => h.end())
    : null;

/**
 * What ends a helper. Made here, apart from the pool, so that it holds nothing of the model: the finalizer
 * keeps it, and anything it reached would keep the model from ever being collected.
 */
function helperHandle(ctl: Int32Array, ref: { thread: HelperThread | null }): { end(): void } {
  return {
    end() {
      if (!ref.thread) return;
      Atomics.store(ctl, STATE, QUIT);
      Atomics.notify(ctl, STATE);
      ref.thread.terminate();
      ref.thread = null;
    },
  };
}

export interface PoolRunner extends KernelPool {
  /**
   * `p` as rowsOfProduct would compute it, across both threads; its `axis` 0 cuts it into chunks of C's
   * rows (with the transposes its `flags` ask for), 1 into chunks of its columns (no transposes).
   * False when the product is too small for the pool (or the pool is disposed, or is holding back after
   * a stall): then the caller computes it alone.
   */
  run(p: Product): boolean;
  /** Frees the helper when `owner` is garbage-collected without dispose(). */
  bindTo(owner: object): void;
}

/** Starts the helper thread for `memory` (shared) and `module` (compiled for a shared memory). */
export function createPool(
  module: object,
  memory: WasmMemory,
  gemm: Gemm,
  transpose: Transpose,
  o: ThreadOptions,
): PoolRunner {
  const control = new SharedArrayBuffer(CONTROL_INTS * 4);
  const ctl = new Int32Array(control);
  const job = new Uint32Array(control, JOB * 4, JOB_INTS);
  const minMultiplyAdds = o.minMultiplyAdds ?? DEFAULT_MIN_MULTIPLY_ADDS;
  const ref: { thread: HelperThread | null } = {
    thread: o.host.spawn(HELPER_SOURCE, { module, memory, control, spinMs: o.spinMs ?? 0.5 }),
  };
  const handle = helperHandle(ctl, ref);
  let jobs = 0;
  let stalls = 0;
  /** Products to run without the helper, and how many the next stall will add. */
  let skip = 0;
  let backoff = FIRST_BACKOFF;
  let clean = 0;
  const pool: PoolRunner = {
    get ready() {
      return ref.thread !== null && Atomics.load(ctl, READY) === 1;
    },
    minMultiplyAdds,
    get disposed() {
      return ref.thread === null;
    },
    stats() {
      return { jobs, helperChunks: Atomics.load(ctl, HELPER_CHUNKS), stalls };
    },
    dispose() {
      handle.end();
      finalizer?.unregister(handle);
    },
    bindTo(owner) {
      finalizer?.register(owner, handle, handle);
    },
    run(p) {
      const { m, K, n, axis } = p;
      if (!ref.thread || m * K * n < minMultiplyAdds || (axis === 1 && p.flags !== 0)) return false;
      if (skip > 0) {
        skip--;
        return false;
      }
      const total = axis === 0 ? m : n;
      const align = axis === 0 ? 4 : 8;
      const chunk = Math.max(align, Math.ceil(total / CHUNKS / align) * align);
      const chunks = Math.ceil(total / chunk);
      if (chunks < 2) return false;
      writeJob(job, p, chunk, chunks);
      Atomics.store(ctl, NEXT, 0);
      Atomics.store(ctl, STATE, POSTED);
      Atomics.notify(ctl, STATE);
      jobs++;
      const t0 = clock.now();
      const mine = work(ctl, gemm, transpose, p, chunk, chunks);
      if (Atomics.compareExchange(ctl, STATE, POSTED, IDLE) !== POSTED) {
        // The helper claimed the job: wait for the chunk it is on (spin first: it is short).
        const t1 = clock.now();
        while (Atomics.load(ctl, STATE) !== DONE)
          if (clock.now() - t1 > 2) Atomics.wait(ctl, STATE, TAKEN, 100);
        Atomics.store(ctl, STATE, IDLE);
        // Longer than two of its chunks: the helper lost its core mid-chunk. On a busy machine that
        // costs more than it saves, so go without it for a while (longer each time it happens again).
        const waited = clock.now() - t1;
        if (waited > 0.2 + (2 * (t1 - t0)) / Math.max(1, mine)) {
          stalls++;
          skip = backoff;
          backoff = Math.min(MAX_BACKOFF, backoff * 2);
          clean = 0;
        } else if (++clean >= CLEAN_RUN) {
          backoff = FIRST_BACKOFF;
          clean = 0;
        }
      }
      return true;
    },
  };
  return pool;
}
