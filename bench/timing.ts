/** Small timing helpers shared by the benchmark runners. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function now(): number {
  return performance.now();
}

/** What one library achieved on one workload. */
export interface RunResult {
  samplesPerSecond: number;
  /** Loss on the training rows after the compared epochs (NaN when not comparable). */
  loss: number;
  note?: string;
}

export interface InitialWeights {
  kernels: Float32Array[];
  biases: Float32Array[];
}
