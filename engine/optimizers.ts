/**
 * Optimisers over the flat parameter array, as Keras 3 defines them (g = ∂L/∂w, η = learning rate):
 *   sgd       w −= η g
 *   momentum  v = μv − η g;  w += v   (Nesterov: w += μv − η g)
 *   rmsprop   s = ρs + (1−ρ)g²;  w −= η g / √(s + ε)
 *   adam      m += (1−β₁)(g−m);  v += (1−β₂)(g²−v);  w −= η √(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε)
 */
import type { VectorKernels } from './kernels/kernel-sets.ts';
import type { FloatArray } from './kernels/matmul.ts';
import type { OptimizerConfig } from './train/config.ts';

export interface Optimizer {
  readonly config: Readonly<Required<OptimizerConfig>>;
  /** Number of steps taken (Adam's t). */
  iterations: number;
  /** Applies one update in place. */
  step(params: FloatArray, grads: FloatArray): void;
  /**
   * `step`, only if every updated weight is finite (checked before any is written): true when applied,
   * false when the weights were left untouched (the step still counts); null when this optimiser cannot
   * check first (then the caller keeps a copy to roll back to).
   */
  stepIfFinite(params: FloatArray, grads: FloatArray): boolean | null;
  setLearningRate(lr: number): void;
  /** Moment buffers, for checkpoints. */
  slots: FloatArray[];
}

/** Fills in Keras's defaults. */
export function withDefaults(c: OptimizerConfig): Required<OptimizerConfig> {
  return {
    name: c.name,
    learningRate: c.learningRate,
    momentum: c.momentum ?? (c.name === 'momentum' ? 0.9 : 0),
    nesterov: c.nesterov ?? false,
    rho: c.rho ?? 0.9,
    beta1: c.beta1 ?? 0.9,
    beta2: c.beta2 ?? 0.999,
    epsilon: c.epsilon ?? 1e-7,
  };
}

/**
 * An optimiser for `size` parameters, its state in arrays like `like` (float32 or float64). With
 * `vectors` (the model's kernels) plain SGD runs as one vector update there.
 */
export function createOptimizer(
  config: OptimizerConfig,
  size: number,
  like: FloatArray,
  vectors?: VectorKernels,
): Optimizer {
  const c = withDefaults(config);
  const make = () => (like instanceof Float64Array ? new Float64Array(size) : new Float32Array(size));
  const slots: FloatArray[] = c.name === 'adam' ? [make(), make()] : c.name === 'sgd' ? [] : [make()];
  const opt: Optimizer = {
    config: c,
    iterations: 0,
    slots,
    stepIfFinite(w, g) {
      if (c.name !== 'sgd' || !vectors?.axpyIfFinite) return null;
      const applied = vectors.axpyIfFinite(w, g, -c.learningRate);
      if (applied !== null) opt.iterations++;
      return applied;
    },
    setLearningRate(lr: number) {
      c.learningRate = lr;
    },
    step(w, g) {
      const lr = c.learningRate;
      const n = w.length;
      opt.iterations++;
      switch (c.name) {
        case 'sgd':
          if (vectors) vectors.axpy(w, g, -lr);
          else for (let i = 0; i < n; i++) w[i]! -= lr * g[i]!;
          return;
        case 'momentum': {
          const v = slots[0]!;
          const mu = c.momentum;
          if (c.nesterov)
            for (let i = 0; i < n; i++) {
              const vi = mu * v[i]! - lr * g[i]!;
              v[i] = vi;
              w[i]! += mu * vi - lr * g[i]!;
            }
          else
            for (let i = 0; i < n; i++) {
              const vi = mu * v[i]! - lr * g[i]!;
              v[i] = vi;
              w[i]! += vi;
            }
          return;
        }
        case 'rmsprop': {
          const s = slots[0]!;
          const rho = c.rho;
          const eps = c.epsilon;
          for (let i = 0; i < n; i++) {
            const gi = g[i]!;
            const si = rho * s[i]! + (1 - rho) * gi * gi;
            s[i] = si;
            w[i]! -= (lr * gi) / Math.sqrt(si + eps);
          }
          return;
        }
        case 'adam': {
          const m = slots[0]!;
          const v = slots[1]!;
          const b1 = c.beta1;
          const b2 = c.beta2;
          const eps = c.epsilon;
          const t = opt.iterations;
          const alpha = (lr * Math.sqrt(1 - Math.pow(b2, t))) / (1 - Math.pow(b1, t));
          for (let i = 0; i < n; i++) {
            const gi = g[i]!;
            const mi = m[i]! + (1 - b1) * (gi - m[i]!);
            const vi = v[i]! + (1 - b2) * (gi * gi - v[i]!);
            m[i] = mi;
            v[i] = vi;
            w[i]! -= (alpha * mi) / (Math.sqrt(vi) + eps);
          }
          return;
        }
      }
    },
  };
  return opt;
}
