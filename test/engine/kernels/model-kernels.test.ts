import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { buildMlp } from '../../../engine/graph/builders.ts';
import { compileGraph } from '../../../engine/graph/compile.ts';
import type { KernelName } from '../../../engine/kernels/kernel-sets.ts';
import { createModel } from '../../../engine/model/model.ts';
import { createRng } from '../../../engine/rng.ts';
import { createTrainer } from '../../../engine/train/trainer.ts';

setFlagsFromString('--experimental-wasm-relaxed-simd'); // on by default from Node 22 and in Electron

const graph = buildMlp({ inputs: 13, hidden: [64, 33], outputs: 3, activation: 'relu', head: 'softmax' });

function data(n: number) {
  const rng = createRng(3);
  const x = Float32Array.from({ length: n * 13 }, () => rng.normal());
  const y = new Float32Array(n * 3);
  for (let r = 0; r < n; r++) y[r * 3 + (x[r * 13]! > 0 ? 0 : x[r * 13 + 1]! > 0 ? 1 : 2)] = 1;
  return { n, nIn: 13, nOut: 3, x, y };
}

describe('models on WebAssembly kernels', () => {
  it('auto picks WebAssembly for float32 and lays every buffer out in its memory', () => {
    const model = createModel(compileGraph(graph), { maxBatch: 7, seed: 1 });
    expect(['simd', 'relaxed']).toContain(model.kernels.name);
    const buffer = model.params.buffer;
    const views = [model.grads, ...model.states.flatMap((s) => [s.out, s.dOut, s.z, s.dZ])];
    for (const v of views) if (v) expect(v.buffer).toBe(buffer);
    for (const l of model.layers) expect(l.kernel.buffer).toBe(buffer);
  });

  it('float64 models use the TypeScript kernels', () => {
    expect(createModel(compileGraph(graph), { maxBatch: 4, dtype: 'float64' }).kernels.name).toBe('ts');
  });

  it('the same seed starts from the same weights with every kernel set', () => {
    const init = (k: KernelName) =>
      createModel(compileGraph(graph), { maxBatch: 5, seed: 9, kernels: k }).params;
    expect(init('simd')).toEqual(init('ts'));
    expect(init('relaxed')).toEqual(init('ts'));
  });

  it('training with TypeScript, SIMD and relaxed-SIMD kernels follows the same path within rounding', () => {
    const train = data(203); // the last batch is short
    const run = (kernels: KernelName) => {
      const t = createTrainer({
        graph,
        train,
        config: {
          optimizer: { name: 'adam', learningRate: 0.01 },
          batchSize: 32,
          epochs: 5,
          validationSplit: 0,
          shuffle: true,
          seed: 4,
        },
        task: 'classification',
        kernels,
      });
      expect(t.model.kernels.name).toBe(kernels);
      return { losses: t.fit().map((h) => h.loss), params: t.model.params };
    };
    const ts = run('ts');
    for (const k of ['simd', 'relaxed'] as const) {
      const w = run(k);
      for (let e = 0; e < ts.losses.length; e++) expect(w.losses[e]).toBeCloseTo(ts.losses[e]!, 4);
      let worst = 0;
      for (let i = 0; i < ts.params.length; i++)
        worst = Math.max(worst, Math.abs(w.params[i]! - ts.params[i]!));
      expect(worst).toBeLessThan(1e-3);
    }
    expect(ts.losses.at(-1)!).toBeLessThan(ts.losses[0]! * 0.7);
  });

  it('the same seed gives bit-identical weights on WebAssembly kernels', () => {
    const run = () => {
      const t = createTrainer({
        graph,
        train: data(64),
        config: {
          optimizer: { name: 'sgd', learningRate: 0.1 },
          batchSize: 16,
          epochs: 3,
          validationSplit: 0,
          shuffle: true,
          seed: 8,
        },
        task: 'classification',
        kernels: 'simd',
      });
      t.fit();
      return Float32Array.from(t.model.params);
    };
    expect(run()).toEqual(run());
  });
});
