/**
 * Kernel initialisers as Keras defines them (fanIn = inputs, fanOut = units):
 *   glorot_uniform U(±√(6/(fanIn+fanOut)))   glorot_normal N(0, √(2/(fanIn+fanOut))) truncated at 2σ
 *   he_uniform     U(±√(6/fanIn))            he_normal     N(0, √(2/fanIn)) truncated at 2σ
 * Truncated normals are drawn with σ/0.87962566103423978 so the kept values have the stated σ.
 */
import type { Initializer } from './graph/types.ts';
import type { FloatArray } from './kernels/matmul.ts';
import type { Rng } from './rng.ts';

const TRUNC_STD = 0.87962566103423978;

/** Fills `w` (a kernel of shape [fanIn, fanOut]) from the seeded generator. */
export function initKernel(kind: Initializer, w: FloatArray, fanIn: number, fanOut: number, rng: Rng): void {
  const uniform = (limit: number) => {
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * limit;
  };
  const truncNormal = (std: number) => {
    const s = std / TRUNC_STD;
    for (let i = 0; i < w.length; i++) {
      let v = rng.normal();
      while (Math.abs(v) > 2) v = rng.normal();
      w[i] = v * s;
    }
  };
  switch (kind) {
    case 'zeros':
      w.fill(0);
      return;
    case 'glorot_uniform':
      return uniform(Math.sqrt(6 / (fanIn + fanOut)));
    case 'glorot_normal':
      return truncNormal(Math.sqrt(2 / (fanIn + fanOut)));
    case 'he_uniform':
      return uniform(Math.sqrt(6 / fanIn));
    case 'he_normal':
      return truncNormal(Math.sqrt(2 / fanIn));
  }
}
