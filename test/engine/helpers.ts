/** Shared test fixtures: small graphs and random data from the seeded generator. */
import { compileGraph } from '../../engine/graph/compile.ts';
import type { GraphSpec } from '../../engine/graph/types.ts';
import { createModel } from '../../engine/model/model.ts';
import type { Model } from '../../engine/model/model.ts';
import { loadRows } from '../../engine/model/run.ts';
import { createRng } from '../../engine/rng.ts';

/** A dense node with a bias and glorot_uniform kernels; `extra` overrides or adds fields (alpha, l1, …). */
export { denseNode } from '../../engine/graph/builders.ts';

/** A float64 model with random weights (biases too) and a random batch loaded; returns targets. */
export function randomSetup(
  graph: GraphSpec,
  B: number,
  seed: number,
  targets: 'onehot' | 'binary' | 'real',
) {
  const compiled = compileGraph(graph);
  const model: Model = createModel(compiled, { maxBatch: B, dtype: 'float64', seed });
  const rng = createRng(seed + 1);
  for (let i = 0; i < model.params.length; i++) model.params[i] = rng.normal() * 0.7;
  const nIn = model.input.width;
  const K = model.output.width;
  const x = Float64Array.from({ length: B * nIn }, () => rng.normal());
  loadRows(model, x, null, 0, B);
  const y = new Float64Array(B * K);
  for (let r = 0; r < B; r++) {
    if (targets === 'onehot') y[r * K + rng.int(K)] = 1;
    else for (let j = 0; j < K; j++) y[r * K + j] = targets === 'binary' ? rng.int(2) : rng.normal();
  }
  return { model, y, x };
}
