/**
 * How each gradient method's cost grows with depth: the three methods on plain MLPs
 * (inputs → depth × dense(width, tanh) → dense(1, linear), MSE, one row), seeded weights and row.
 * Backprop grows like the network (≈ 3 forwards); naive and finite differences like its square.
 */
import { fail } from '../errors.ts';
import { compileGraph } from '../graph/compile.ts';
import { buildMlp } from '../graph/builders.ts';
import type { Activation } from '../graph/types.ts';
import { createModel } from '../model/model.ts';
import { createRng } from '../rng.ts';
import type { Clock } from './working-copy.ts';
import { compareMethods, METHOD_LIMITS } from './methods.ts';
import type { MethodName } from './methods.ts';

export interface CostCurveOptions {
  /** Hidden layers, e.g. [2, 3, …, 8]. */
  depths?: number[];
  /** Units per hidden layer, e.g. [4]. */
  widths?: number[];
  inputs?: number;
  activation?: Activation;
  seed?: number;
  clock?: Clock;
  /** Per method and point: repeat runs until this much time has passed (ms). */
  minTimeMs?: number;
}

export interface CostPoint {
  depth: number;
  width: number;
  params: number;
  /** Multiply-adds of one forward pass. */
  forward: number;
  multiplyAdds: Record<MethodName, number>;
  timeMs: Record<MethodName, number>;
  /** Largest relative difference between any two of the methods' gradients. */
  maxRelDiff: number;
}

export const COST_CURVE_LIMITS = { depth: 32, width: 64, inputs: 64, points: 64 } as const;

const DEFAULTS = { depths: [2, 3, 4, 5, 6, 7, 8], widths: [4], inputs: 2 };

/** `what` is the catalogue key of the setting's name. */
function wholeNumbers(v: number[], what: string, max: number): number[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((d) => !Number.isInteger(d) || d < 1 || d > max))
    fail('BAD_REQUEST', 'explain.wholeNumbers', { what: { key: what }, max });
  return v;
}

/** One point per (width, depth), widths outermost; every point's network must fit METHOD_LIMITS. */
export function costCurve(o: CostCurveOptions = {}): CostPoint[] {
  const depths = wholeNumbers(o.depths ?? DEFAULTS.depths, 'explain.depths', COST_CURVE_LIMITS.depth);
  const widths = wholeNumbers(o.widths ?? DEFAULTS.widths, 'explain.widths', COST_CURVE_LIMITS.width);
  const [inputs] = wholeNumbers(
    [o.inputs ?? DEFAULTS.inputs],
    'explain.inputs',
    COST_CURVE_LIMITS.inputs,
  ) as [number];
  if (depths.length * widths.length > COST_CURVE_LIMITS.points)
    fail('BAD_REQUEST', 'explain.tooManyPoints', { max: COST_CURVE_LIMITS.points });
  const seed = o.seed ?? 1;
  const points: CostPoint[] = [];
  for (const width of widths)
    for (const depth of depths) {
      const graph = buildMlp({
        inputs,
        hidden: new Array<number>(depth).fill(width),
        outputs: 1,
        activation: o.activation ?? 'tanh',
        head: 'linear',
      });
      const compiled = compileGraph(graph);
      if (compiled.paramCount > METHOD_LIMITS.params)
        fail('TOO_LARGE', 'explain.pointTooLarge', {
          depth,
          width,
          params: compiled.paramCount.toLocaleString('en'),
          max: METHOD_LIMITS.params.toLocaleString('en'),
        });
      const model = createModel(compiled, {
        dtype: 'float64',
        maxBatch: 1,
        seed: seed + depth * 131 + width,
      });
      const rng = createRng(seed);
      const x = Array.from({ length: inputs }, () => rng.normal());
      const c = compareMethods(
        model,
        { x, y: [rng.normal()], B: 1 },
        { ...(o.clock ? { clock: o.clock } : {}), minTimeMs: o.minTimeMs ?? 2 },
      );
      points.push({
        depth,
        width,
        params: c.params,
        forward: c.forwardMultiplyAdds,
        multiplyAdds: {
          backprop: c.backprop.multiplyAdds,
          naive: c.naive.multiplyAdds,
          finiteDifferences: c.finiteDifferences.multiplyAdds,
        },
        timeMs: {
          backprop: c.backprop.timeMs,
          naive: c.naive.timeMs,
          finiteDifferences: c.finiteDifferences.timeMs,
        },
        maxRelDiff: Math.max(...c.differences.map((d) => d.maxRelDiff)),
      });
    }
  return points;
}
