/**
 * The image kinds allocate nothing per batch: after the first step (which works out each node's
 * window geometry once), a training step of a CNN (forward, loss, backward, the recorded training
 * pass) constructs no typed array, with the WebAssembly kernels and with the TypeScript ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/graph/compile.ts';
import { createModel } from '../../../engine/model/model.ts';
import { computeGradients, loadRows } from '../../../engine/model/run.ts';
import { trainingPass } from '../../../engine/model/training-pass.ts';
import { createRng } from '../../../engine/rng.ts';
import { cnnGraph } from '../formats/image-helpers.ts';

const real = { f32: globalThis.Float32Array, f64: globalThis.Float64Array };
let made = 0;

/** Counts typed arrays constructed while `fn` runs. */
function countArrays(fn: () => void): number {
  made = 0;
  const counting = <T extends object>(C: T): T =>
    new Proxy(C, {
      construct(target, args, newTarget) {
        made++;
        return Reflect.construct(target as never, args, newTarget) as object;
      },
    });
  globalThis.Float32Array = counting(real.f32);
  globalThis.Float64Array = counting(real.f64);
  try {
    fn();
  } finally {
    globalThis.Float32Array = real.f32;
    globalThis.Float64Array = real.f64;
  }
  return made;
}

afterEach(() => {
  globalThis.Float32Array = real.f32;
  globalThis.Float64Array = real.f64;
});

describe('a CNN training step allocates no typed array', () => {
  it.each(['auto', 'ts'] as const)('kernels %s', (kernels) => {
    const B = 4;
    const model = createModel(compileGraph(cnnGraph(), { inputWidth: 60 }), {
      maxBatch: B,
      seed: 1,
      kernels,
    });
    const rng = createRng(2);
    const x = Float32Array.from({ length: B * 60 }, () => rng.normal());
    const y = new Float32Array(B * 3).map((_, i) => (i % 3 === 0 ? 1 : 0));
    loadRows(model, x, null, 0, B);
    const ctx = { B, training: true, rng: createRng(3) };
    const pass = trainingPass(model);
    const sums = new Float64Array(model.layers.length);
    computeGradients(model, y, ctx);
    pass.run(y, ctx, sums);
    // Our own counting check can see an allocation.
    expect(countArrays(() => new Float32Array(1))).toBe(1);
    expect(countArrays(() => computeGradients(model, y, ctx))).toBe(0);
    expect(countArrays(() => pass.run(y, ctx, sums))).toBe(0);
  });
});
