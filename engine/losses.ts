/**
 * Losses as Keras defines them (B rows, K outputs), each with its gradient:
 *   mse  Σ(p−y)²/(B·K)                        ∂/∂p = 2(p−y)/(B·K)
 *   mae  Σ|p−y|/(B·K)                         ∂/∂p = sign(p−y)/(B·K)
 *   binary_crossentropy from logits z: Σ max(z,0) − z·y + log(1+e^{−|z|}) / (B·K)      ∂/∂z = (σ(z)−y)/(B·K)
 *   categorical_crossentropy from logits z: Σ_rows (logΣe^{z} − Σ y·z) / B           ∂/∂z = (softmax(z)·Σy − y)/B
 * Cross-entropies take the logits of the fused sigmoid/softmax node, so they stay finite for any z.
 */
import type { LossName } from './graph/types.ts';
import type { FloatArray } from './kernels/matmul.ts';

/**
 * Returns the mean loss over the first B rows and writes its gradient into `grad`: with respect to `p`
 * for mse/mae, with respect to the logits `z` for the cross-entropies (whose `p` is the activated output).
 * `softplus`, when given, holds ln(1 + e^{−|z|}) for binary cross-entropy (the fused sigmoid's forward
 * computed it from the same e^{−|z|} as p).
 */
export function lossAndGradient(
  loss: LossName,
  p: FloatArray,
  z: FloatArray,
  y: ArrayLike<number>,
  grad: FloatArray,
  B: number,
  K: number,
  softplus: Float64Array | null = null,
): number {
  const n = B * K;
  let sum = 0;
  switch (loss) {
    case 'mse':
      for (let i = 0; i < n; i++) {
        const d = p[i]! - y[i]!;
        sum += d * d;
        grad[i] = (2 * d) / n;
      }
      return sum / n;
    case 'mae':
      for (let i = 0; i < n; i++) {
        const d = p[i]! - y[i]!;
        sum += Math.abs(d);
        grad[i] = (d > 0 ? 1 : d < 0 ? -1 : 0) / n;
      }
      return sum / n;
    case 'binary_crossentropy':
      for (let i = 0; i < n; i++) {
        const zi = z[i]!;
        const yi = y[i]!;
        // max(z, 0), exactly, without a branch on the sign of z (mispredicted half the time): z + |z| is
        // 2z or +0, halved exactly while it cannot overflow; NaN and ±∞ take Math.max.
        const pos = Math.abs(zi) < 1e300 ? 0.5 * (zi + Math.abs(zi)) : Math.max(zi, 0);
        sum += pos - zi * yi + (softplus ? softplus[i]! : Math.log1p(Math.exp(-Math.abs(zi))));
        grad[i] = (p[i]! - yi) / n;
      }
      return sum / n;
    case 'categorical_crossentropy':
      for (let r = 0; r < n; r += K) {
        let max = -Infinity;
        for (let j = 0; j < K; j++) max = Math.max(max, z[r + j]!);
        let se = 0;
        for (let j = 0; j < K; j++) se += Math.exp(z[r + j]! - max);
        const lse = max + Math.log(se);
        let ySum = 0;
        for (let j = 0; j < K; j++) {
          const yj = y[r + j]!;
          ySum += yj;
          sum += yj * (lse - z[r + j]!);
        }
        for (let j = 0; j < K; j++) grad[r + j] = (p[r + j]! * ySum - y[r + j]!) / B;
      }
      return sum / B;
  }
}
