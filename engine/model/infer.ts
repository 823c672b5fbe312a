/** Inference from stored weights: build the model once, then run rows through it in batches. */
import { compileGraph } from '../graph/compile.ts';
import type { GraphSpec } from '../graph/types.ts';
import type { ThreadOptions } from '../kernels/wasm/pool.ts';
import { createModel, setLayerWeights } from './model.ts';
import type { Model } from './model.ts';
import { forward, loadRows } from './run.ts';
import { createRng } from '../rng.ts';

export interface StoredParameters {
  kernel: ArrayLike<number>;
  bias: ArrayLike<number> | null;
  /** Batchnorm layers only. */
  movingMean?: ArrayLike<number>;
  movingVariance?: ArrayLike<number>;
}

/**
 * A float32 model holding the given weights (every dense layer must be present), with the host's
 * helper thread for large products if it passes one.
 */
export function modelFromWeights(
  graph: GraphSpec,
  parameters: Map<string, StoredParameters>,
  { maxBatch = 256, threads = null }: { maxBatch?: number; threads?: ThreadOptions | null } = {},
): Model {
  const model = createModel(compileGraph(graph), { maxBatch, seed: 0, threads });
  for (const l of model.layers) {
    const p = parameters.get(l.nodeId);
    if (!p) throw new Error(`No parameters for "${l.nodeId}"`);
    setLayerWeights(model, l.nodeId, p.kernel, p.bias, p);
  }
  return model;
}

/** Outputs [n × K] for n rows of x [n × nIn], dropout off. */
export function predictAll(model: Model, x: ArrayLike<number>, n: number): Float32Array {
  const K = model.output.width;
  const out = new Float32Array(n * K);
  const ctx = { B: 0, training: false, rng: createRng(0) };
  for (let start = 0; start < n; start += model.maxBatch) {
    const B = Math.min(model.maxBatch, n - start);
    ctx.B = B;
    loadRows(model, x, null, start, B);
    out.set(forward(model, ctx).subarray(0, B * K), start * K);
  }
  return out;
}
