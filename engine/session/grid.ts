/**
 * Model outputs over a grid of the two input features, in their raw units, for a decision-boundary
 * map; and each small node's outputs over a coarser grid, for a heat map inside every neuron.
 */
import type { GridRequest, GridResult, NeuronGridNode } from '../api.ts';
import type { ColumnSummary } from '../data/describe.ts';
import type { Preprocessing } from '../data/types.ts';
import { fail } from '../errors.ts';
import type { Model } from '../model/model.ts';
import { forward, loadRows } from '../model/run.ts';
import { createRng } from '../rng.ts';

/** Neuron maps: cells along a side at most, neurons in one node at most (wider nodes are left out), neurons in all. */
export const NEURON_GRID_LIMITS = { resolution: 64, width: 16, neurons: 256 } as const;

/** The grid's raw inputs, standardised as the model expects: [resolution² × 2], x varying fastest. */
export function gridInputs(
  prep: Preprocessing,
  columns: ColumnSummary[],
  req: GridRequest,
): { x: Float32Array; xRange: [number, number]; yRange: [number, number] } {
  const [fx, fy] = prep.features;
  if (prep.features.length !== 2 || fx?.kind !== 'numeric' || fy?.kind !== 'numeric')
    fail('NOT_PLANAR', 'request.notPlanar');
  const span = (name: string): [number, number] => {
    const c = columns.find((col) => col.name === name);
    const lo = c?.min ?? -1;
    const hi = c?.max ?? 1;
    const pad = (hi - lo || 1) * 0.1;
    return [lo - pad, hi + pad];
  };
  const xRange = req.xRange ?? span(fx.name);
  const yRange = req.yRange ?? span(fy.name);
  const r = req.resolution;
  const x = new Float32Array(r * r * 2);
  for (let j = 0; j < r; j++) {
    const yv = yRange[0] + ((yRange[1] - yRange[0]) * (j + 0.5)) / r;
    for (let i = 0; i < r; i++) {
      const xv = xRange[0] + ((xRange[1] - xRange[0]) * (i + 0.5)) / r;
      const o = (j * r + i) * 2;
      x[o] = (xv - fx.mean) / fx.scale;
      x[o + 1] = (yv - fy.mean) / fy.scale;
    }
  }
  return { x, xRange, yRange };
}

/**
 * Every node's output over `n` grid rows `x` (standardised inputs), for nodes other than the output
 * with at most `maxWidth` neurons, in topological order while the neurons fit in `maxNeurons`. Values
 * are neuron-major: neuron j's map is `values[j·n … (j+1)·n)`. Runs the model's forward pass (dropout
 * off), as predicting does; its caches are rewritten by the next training step anyway.
 */
export function neuronGrid(
  model: Model,
  x: Float32Array,
  n: number,
  maxWidth: number,
  maxNeurons: number,
): NeuronGridNode[] {
  const picked: Model['states'] = [];
  let neurons = 0;
  for (const s of model.states) {
    if (s.node.type === 'output' || s.width > maxWidth || neurons + s.width > maxNeurons) continue;
    picked.push(s);
    neurons += s.width;
  }
  const nodes = picked.map((s) => ({ id: s.node.id, width: s.width, values: new Float32Array(s.width * n) }));
  const ctx = { B: 0, training: false, rng: createRng(0) };
  for (let start = 0; start < n; start += model.maxBatch) {
    const B = Math.min(model.maxBatch, n - start);
    ctx.B = B;
    loadRows(model, x, null, start, B);
    forward(model, ctx);
    for (let k = 0; k < picked.length; k++) {
      const { out, width } = picked[k]!;
      const v = nodes[k]!.values;
      for (let r = 0; r < B; r++) for (let j = 0; j < width; j++) v[j * n + start + r] = out[r * width + j]!;
    }
  }
  return nodes;
}

export type { GridResult };
