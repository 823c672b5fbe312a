/**
 * f'(z) of one element from the cached z and a, the factor the engine's activateBackward multiplies
 * in place (activations.ts): sigmoid a(1−a), tanh 1−a², relu [z>0], leaky z>0 ? 1 : α,
 * elu z>0 ? 1 : a+α, softplus σ(z), linear 1. Softmax has no per-element derivative (it is fused).
 */
import { sigmoid } from '../activations.ts';
import type { Activation } from '../graph/types.ts';

export function derivative(f: Activation, alpha: number, z: number, a: number): number {
  switch (f) {
    case 'sigmoid':
      return a * (1 - a);
    case 'tanh':
      return 1 - a * a;
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'leaky_relu':
      return z > 0 ? 1 : alpha;
    case 'elu':
      return z > 0 ? 1 : a + alpha;
    case 'softplus':
      return sigmoid(z);
    case 'linear':
      return 1;
    case 'softmax':
      return NaN;
  }
}
