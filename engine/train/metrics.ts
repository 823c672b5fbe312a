/**
 * Running metrics over the rows seen in an epoch, as Keras reports them: accuracy (argmax, or p ≥ 0.5
 * for a single sigmoid output), MAE and R² = 1 − SS_res/SS_tot (per output, averaged), in target units.
 */
import type { FloatArray } from '../kernels/matmul.ts';

export type MetricKind = 'classification' | 'regression';

export interface MetricAccumulator {
  kind: MetricKind;
  K: number;
  rows: number;
  lossSum: number;
  correct: number;
  absErr: number;
  /** Per output: Σ(p−y)², Σy, Σy² in target units (float64). */
  ssRes: Float64Array;
  sumY: Float64Array;
  sumY2: Float64Array;
}

export function createAccumulator(kind: MetricKind, K: number): MetricAccumulator {
  return {
    kind,
    K,
    rows: 0,
    lossSum: 0,
    correct: 0,
    absErr: 0,
    ssRes: new Float64Array(K),
    sumY: new Float64Array(K),
    sumY2: new Float64Array(K),
  };
}

/** A deep copy (for snapshots). */
export function copyAccumulator(m: MetricAccumulator): MetricAccumulator {
  return { ...m, ssRes: m.ssRes.slice(), sumY: m.sumY.slice(), sumY2: m.sumY2.slice() };
}

export function resetAccumulator(m: MetricAccumulator): void {
  m.rows = 0;
  m.lossSum = 0;
  m.correct = 0;
  m.absErr = 0;
  m.ssRes.fill(0);
  m.sumY.fill(0);
  m.sumY2.fill(0);
}

/**
 * Adds B rows of predictions p and targets y [B × K]. `loss` is the batch's mean loss. For regression,
 * `scale` and `mean` turn standardised values back into target units.
 */
export function accumulate(
  m: MetricAccumulator,
  p: FloatArray,
  y: ArrayLike<number>,
  B: number,
  loss: number,
  scale = 1,
  mean = 0,
): void {
  const K = m.K;
  m.rows += B;
  m.lossSum += loss * B;
  if (m.kind === 'classification') {
    let correct = 0;
    // One output: count the rows where p and y fall on the same side of 0.5 (as 0/1 bits: a data-dependent
    // branch per row would be mispredicted about half the time).
    if (K === 1) for (let r = 0; r < B; r++) correct += 1 - (+(p[r]! >= 0.5) ^ +(y[r]! >= 0.5));
    else
      for (let o = 0; o < B * K; o += K) {
        let bp = 0;
        let by = 0;
        for (let j = 1; j < K; j++) {
          if (p[o + j]! > p[o + bp]!) bp = j;
          if (y[o + j]! > y[o + by]!) by = j;
        }
        if (bp === by) correct++;
      }
    m.correct += correct;
    return;
  }
  for (let r = 0; r < B; r++) {
    for (let j = 0; j < K; j++) {
      const yt = y[r * K + j]! * scale + mean;
      const d = p[r * K + j]! * scale + mean - yt;
      m.absErr += Math.abs(d);
      m.ssRes[j]! += d * d;
      m.sumY[j]! += yt;
      m.sumY2[j]! += yt * yt;
    }
  }
}

export interface MetricValues {
  loss: number;
  accuracy?: number;
  mae?: number;
  r2?: number;
}

export function summarize(m: MetricAccumulator): MetricValues {
  const n = m.rows;
  if (n === 0) return { loss: NaN };
  const out: MetricValues = { loss: m.lossSum / n };
  if (m.kind === 'classification') {
    out.accuracy = m.correct / n;
    return out;
  }
  out.mae = m.absErr / (n * m.K);
  let r2 = 0;
  for (let j = 0; j < m.K; j++) {
    const ssTot = m.sumY2[j]! - (m.sumY[j]! * m.sumY[j]!) / n;
    r2 += ssTot > 0 ? 1 - m.ssRes[j]! / ssTot : m.ssRes[j]! === 0 ? 1 : 0;
  }
  out.r2 = r2 / m.K;
  return out;
}
