/** Each small node's output over the input plane: the heat maps drawn inside the neurons. */
import { describe, expect, it } from 'vitest';
import { buildMlp } from '../../../engine/graph/builders.ts';
import { createEngineService } from '../../../engine/session/service.ts';
import type { Result } from '../../../engine/errors.ts';

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function trained() {
  const s = createEngineService({ yieldToHost: () => new Promise((r) => setImmediate(r)) });
  ok(await s.loadData({ kind: 'builtin', name: 'xor', samples: 200, seed: 1 }));
  ok(
    await s.createRun({
      graph: buildMlp({ inputs: 0, hidden: [6, 20, 3], outputs: 2, activation: 'tanh', head: 'softmax' }),
      mapping: {},
      training: {
        optimizer: { name: 'adam', learningRate: 0.02 },
        batchSize: 16,
        epochs: 5,
        validationSplit: 0.2,
        shuffle: true,
        seed: 3,
      },
    }),
  );
  for (let i = 0; i < 12; i++) ok(await s.step());
  return s;
}

describe('neuronGrid', () => {
  it('gives every node of at most 16 neurons but the output, neuron by neuron, over the same plane as the map', async () => {
    const s = await trained();
    const r = 12;
    const g = ok(await s.neuronGrid({ resolution: r }));
    // dense2 (20 units) is too wide to draw its neurons.
    expect(g.nodes.map((n) => [n.id, n.width])).toEqual([
      ['input', 2],
      ['dense1', 6],
      ['dense3', 3],
      ['dense4', 2],
    ]);
    for (const n of g.nodes) expect(n.values).toHaveLength(n.width * r * r);
    const map = ok(await s.predictGrid({ resolution: r }));
    expect(g.xRange).toEqual(map.xRange);
    expect(g.yRange).toEqual(map.yRange);
    // The softmax layer's neurons are the map's class probabilities.
    const out = g.nodes.at(-1)!.values;
    for (let c = 0; c < r * r; c++)
      for (let k = 0; k < 2; k++) expect(out[k * r * r + c]).toBeCloseTo(map.values[c * 2 + k]!, 6);
    // The input neurons are the standardised coordinates: x1 grows along a row, x2 down the columns.
    const [x1, x2] = [g.nodes[0]!.values.subarray(0, r * r), g.nodes[0]!.values.subarray(r * r)];
    expect(x1[1]! - x1[0]!).toBeGreaterThan(0);
    expect(x1[r]).toBeCloseTo(x1[0]!, 6);
    expect(x2[r]! - x2[0]!).toBeGreaterThan(0);
    // tanh keeps every hidden neuron in (−1, 1).
    expect(g.nodes[1]!.values.every((v) => v > -1 && v < 1)).toBe(true);
  });

  it('leaves wider nodes out on request, and refuses a grid finer than 64 a side', async () => {
    const s = await trained();
    const g = ok(await s.neuronGrid({ resolution: 8, maxWidth: 3 }));
    expect(g.nodes.map((n) => n.id)).toEqual(['input', 'dense3', 'dense4']);
    const r = await s.neuronGrid({ resolution: 65 });
    expect(!r.ok && r.error.message).toMatch(/resolution/i);
    expect((await s.neuronGrid({ resolution: 8, maxWidth: 0 })).ok).toBe(false);
  });

  it('needs a run and 2-D data', async () => {
    const s = createEngineService({ yieldToHost: () => new Promise((r) => setImmediate(r)) });
    const none = await s.neuronGrid({ resolution: 8 });
    expect(!none.ok && none.error.code).toBe('NO_RUN');
    ok(await s.loadData({ kind: 'builtin', name: 'iris' }));
    ok(
      await s.createRun({
        graph: buildMlp({ inputs: 0, hidden: [4], outputs: 3, activation: 'tanh', head: 'softmax' }),
        mapping: {},
        training: {
          optimizer: { name: 'adam', learningRate: 0.02 },
          batchSize: 16,
          epochs: 1,
          validationSplit: 0,
          shuffle: true,
          seed: 1,
        },
      }),
    );
    const iris = await s.neuronGrid({ resolution: 8 });
    expect(!iris.ok && iris.error.code).toBe('NOT_PLANAR');
  });
});
