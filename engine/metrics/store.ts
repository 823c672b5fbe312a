/**
 * Training metrics with bounded memory however long the run: a ring of the most recent steps at full
 * resolution (what a client polling once per frame reads), and an overview of the whole run whose
 * points each average `stride` steps; when the overview fills, neighbours merge and the stride doubles.
 * Recording a step allocates nothing.
 */
import type { EpochMetrics } from '../train/trainer.ts';

export interface StepWindow {
  firstStep: number;
  loss: Float32Array;
  gradNorms: Float32Array;
  /** Steps between the cursor and `firstStep` that are no longer (or were never) in the ring. */
  gap: boolean;
}

export interface Overview {
  stride: number;
  steps: Float64Array;
  loss: Float32Array;
  gradNorms: Float32Array;
}

export interface MetricsStore {
  readonly layers: number;
  /** Steps recorded so far (the last step's number). */
  readonly lastStep: number;
  epochs: EpochMetrics[];
  record(step: number, loss: number, gradNorms: ArrayLike<number>): void;
  recordEpoch(m: EpochMetrics): void;
  /** Steps after `afterStep`, the newest `maxSteps` of them. */
  since(afterStep: number, maxSteps: number): StepWindow;
  /** The whole run in at most `maxPoints` points. */
  overview(maxPoints: number): Overview;
  /** Starts from a saved overview (e.g. a checkpoint): the ring starts empty. */
  load(o: Overview, epochs: EpochMetrics[]): void;
  /** Floats held, for tests of the bound. */
  capacity(): number;
}

export function createMetricsStore(layers: number, ringSize = 8192, points = 4096): MetricsStore {
  const L = layers;
  const W = L + 1;
  const ringLoss = new Float32Array(ringSize);
  const ringGrad = new Float32Array(ringSize * L);
  let last = 0;
  let ringFrom = 1; // oldest step number the ring may hold
  // Overview: n points of (step, loss, grads), plus the bucket being filled.
  const ovSteps = new Float64Array(points);
  const ov = new Float32Array(points * W);
  const bucket = new Float64Array(W);
  let n = 0;
  let stride = 1;
  let filled = 0;

  function pushBucket(step: number): void {
    ovSteps[n] = step;
    for (let k = 0; k < W; k++) ov[n * W + k] = bucket[k]! / filled;
    n++;
    bucket.fill(0);
    filled = 0;
    if (n === points) compact();
  }

  /** Full: merge neighbours, so every point covers twice as many steps from now on. */
  function compact(): void {
    for (let i = 0; i < points / 2; i++) {
      ovSteps[i] = ovSteps[2 * i + 1]!;
      for (let k = 0; k < W; k++) ov[i * W + k] = (ov[2 * i * W + k]! + ov[(2 * i + 1) * W + k]!) / 2;
    }
    n = points / 2;
    stride *= 2;
  }

  const store: MetricsStore = {
    layers,
    get lastStep() {
      return last;
    },
    epochs: [],
    record(step, loss, gradNorms) {
      if (step !== last + 1) ringFrom = step; // a jump (restore): older ring rows are not this run's
      last = step;
      const slot = step % ringSize;
      ringLoss[slot] = loss;
      for (let k = 0; k < L; k++) ringGrad[slot * L + k] = gradNorms[k]!;
      bucket[0]! += loss;
      for (let k = 0; k < L; k++) bucket[k + 1]! += gradNorms[k]!;
      if (++filled === stride) pushBucket(step);
    },
    recordEpoch(m) {
      store.epochs.push(m);
    },
    since(afterStep, maxSteps) {
      const oldest = Math.max(ringFrom, last - ringSize + 1, 1);
      let first = Math.max(afterStep + 1, oldest, last - Math.max(0, maxSteps) + 1);
      if (first > last + 1) first = last + 1;
      const count = last - first + 1;
      const loss = new Float32Array(count);
      const grads = new Float32Array(count * L);
      for (let i = 0; i < count; i++) {
        const slot = (first + i) % ringSize;
        loss[i] = ringLoss[slot]!;
        grads.set(ringGrad.subarray(slot * L, slot * L + L), i * L);
      }
      return { firstStep: first, loss, gradNorms: grads, gap: first > afterStep + 1 };
    },
    overview(maxPoints) {
      const total = n + (filled > 0 ? 1 : 0);
      const group = Math.max(1, Math.ceil(total / Math.max(1, maxPoints)));
      const m = Math.ceil(total / group);
      const steps = new Float64Array(m);
      const loss = new Float32Array(m);
      const grads = new Float32Array(m * L);
      const row = new Float64Array(W);
      for (let p = 0; p < m; p++) {
        row.fill(0);
        let c = 0;
        for (let i = p * group; i < Math.min(total, (p + 1) * group); i++, c++) {
          const partial = i === n;
          for (let k = 0; k < W; k++) row[k]! += partial ? bucket[k]! / filled : ov[i * W + k]!;
          steps[p] = partial ? last : ovSteps[i]!;
        }
        loss[p] = row[0]! / c;
        for (let k = 0; k < L; k++) grads[p * L + k] = row[k + 1]! / c;
      }
      return { stride: stride * group, steps, loss, gradNorms: grads };
    },
    load(o, epochs) {
      const m = Math.min(o.loss.length, points);
      n = m;
      stride = o.stride;
      filled = 0;
      bucket.fill(0);
      for (let i = 0; i < m; i++) {
        ovSteps[i] = o.steps[i]!;
        ov[i * W] = o.loss[i]!;
        for (let k = 0; k < L; k++) ov[i * W + k + 1] = o.gradNorms[i * L + k]!;
      }
      last = m > 0 ? o.steps[m - 1]! : 0;
      if (n === points) compact();
      ringFrom = last + 1;
      store.epochs = epochs.map((e) => ({ ...e }));
    },
    capacity: () => ringLoss.length + ringGrad.length + ovSteps.length + ov.length + bucket.length,
  };
  return store;
}
