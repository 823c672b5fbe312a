/** Model outputs over a grid of the two input features, in their raw units, for a decision-boundary map. */
import type { GridRequest, GridResult } from '../api.ts';
import type { ColumnSummary } from '../data/describe.ts';
import type { Preprocessing } from '../data/types.ts';
import { fail } from '../errors.ts';

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

export type { GridResult };
