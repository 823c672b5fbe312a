/**
 * Element-wise activations a = f(z) with their derivatives written from the cached z and a:
 *   sigmoid' = a(1−a), tanh' = 1−a², relu' = [z>0], leaky' = z>0 ? 1 : α, elu' = z>0 ? 1 : a+α,
 *   softplus' = sigmoid(z). Softmax acts on a row: a_j = e^{z_j} / Σ_k e^{z_k} (max subtracted).
 */
import type { Activation } from './graph/types.ts';
import type { FloatArray } from './kernels/matmul.ts';

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * tanh to float32 accuracy (error < 3e-7, a few float32 ulps), 2–3× faster than Math.tanh: Eigen's
 * rational approximation (odd degree-13 numerator, even degree-6 denominator) on z clamped to ±7.905.
 * Used where the result is stored as float32 anyway; float64 models keep Math.tanh.
 */
export function tanhF32(z: number): number {
  const c =
    z > 7.90531110763549805 ? 7.90531110763549805 : z < -7.90531110763549805 ? -7.90531110763549805 : z;
  const x2 = c * c;
  let p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = x2 * p + -8.60467152213735e-11;
  p = x2 * p + 5.12229709037114e-8;
  p = x2 * p + 1.48572235717979e-5;
  p = x2 * p + 6.37261928875436e-4;
  p = x2 * p + 4.89352455891786e-3;
  let q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = x2 * q + 2.268434632439e-3;
  q = x2 * q + 4.89352518554385e-3;
  return (c * p) / q;
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * a = sigmoid(z) as `sigmoid` computes it, and sp = ln(1 + e^{−|z|}), the term binary cross-entropy
 * takes from the same logits: both from one e^{−|z|} (−z for z ≥ 0, z below: the same number).
 */
export function sigmoidSoftplus(z: FloatArray, a: FloatArray, sp: Float64Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const zi = z[i]!;
    const e = Math.exp(-Math.abs(zi));
    a[i] = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
    sp[i] = Math.log1p(e);
  }
}

/** a = f(z) on `count` elements laid out as rows of `width` (the width matters only for softmax). */
export function activate(
  f: Activation,
  alpha: number,
  z: FloatArray,
  a: FloatArray,
  count: number,
  width: number,
): void {
  switch (f) {
    case 'linear':
      for (let i = 0; i < count; i++) a[i] = z[i]!;
      return;
    case 'sigmoid':
      for (let i = 0; i < count; i++) a[i] = sigmoid(z[i]!);
      return;
    case 'tanh':
      if (a instanceof Float32Array) for (let i = 0; i < count; i++) a[i] = tanhF32(z[i]!);
      else for (let i = 0; i < count; i++) a[i] = Math.tanh(z[i]!);
      return;
    case 'relu':
      for (let i = 0; i < count; i++) a[i] = z[i]! > 0 ? z[i]! : 0;
      return;
    case 'leaky_relu':
      for (let i = 0; i < count; i++) a[i] = z[i]! > 0 ? z[i]! : alpha * z[i]!;
      return;
    case 'elu':
      for (let i = 0; i < count; i++) a[i] = z[i]! > 0 ? z[i]! : alpha * Math.expm1(z[i]!);
      return;
    case 'softplus':
      for (let i = 0; i < count; i++) a[i] = softplus(z[i]!);
      return;
    case 'softmax':
      for (let r = 0; r < count; r += width) {
        let max = -Infinity;
        for (let j = 0; j < width; j++) max = Math.max(max, z[r + j]!);
        let sum = 0;
        for (let j = 0; j < width; j++) {
          const e = Math.exp(z[r + j]! - max);
          a[r + j] = e;
          sum += e;
        }
        for (let j = 0; j < width; j++) a[r + j]! /= sum;
      }
      return;
  }
}

/**
 * dZ = dA ⊙ f'(z), from the cached z and a. For softmax the row Jacobian is applied:
 * dZ_j = a_j (dA_j − Σ_k dA_k a_k). `dz` may alias `da`.
 */
export function activateBackward(
  f: Activation,
  alpha: number,
  z: FloatArray,
  a: FloatArray,
  da: FloatArray,
  dz: FloatArray,
  count: number,
  width: number,
): void {
  switch (f) {
    case 'linear':
      if (dz !== da) for (let i = 0; i < count; i++) dz[i] = da[i]!;
      return;
    case 'sigmoid':
      for (let i = 0; i < count; i++) dz[i] = da[i]! * a[i]! * (1 - a[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < count; i++) dz[i] = da[i]! * (1 - a[i]! * a[i]!);
      return;
    case 'relu':
      for (let i = 0; i < count; i++) dz[i] = z[i]! > 0 ? da[i]! : 0;
      return;
    case 'leaky_relu':
      for (let i = 0; i < count; i++) dz[i] = z[i]! > 0 ? da[i]! : alpha * da[i]!;
      return;
    case 'elu':
      for (let i = 0; i < count; i++) dz[i] = z[i]! > 0 ? da[i]! : da[i]! * (a[i]! + alpha);
      return;
    case 'softplus':
      for (let i = 0; i < count; i++) dz[i] = da[i]! * sigmoid(z[i]!);
      return;
    case 'softmax':
      for (let r = 0; r < count; r += width) {
        let dot = 0;
        for (let j = 0; j < width; j++) dot += da[r + j]! * a[r + j]!;
        for (let j = 0; j < width; j++) dz[r + j] = a[r + j]! * (da[r + j]! - dot);
      }
      return;
  }
}
