/**
 * The Keras-style summary: its text must be the very lines TF.js's `model.summary()` prints for the
 * exported model once loaded (captured through printFn), at several widths, for a chain of layers and
 * for a branching model; its rows give the same layers as structured data.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../engine/errors.ts';
import { formatKerasSummary, kerasShape, kerasSummary } from '../../../engine/formats/keras-summary.ts';
import { exportTfjs, exportWeights, loadWeights, serializeWeights } from '../../../engine/formats/index.ts';
import type { LoadedWeights, TfjsWeightSpec } from '../../../engine/formats/index.ts';
import { compileGraph } from '../../../engine/graph/compile.ts';
import { buildMlp, denseNode } from '../../../engine/graph/builders.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { createRng } from '../../../engine/rng.ts';
import { useTfjsCpu } from '../tfjs-reference-helpers.ts';

useTfjsCpu();

/** A weights file for `graph` with random parameters, loaded again from its text. */
function loadedFor(graph: GraphSpec, regression = true): LoadedWeights {
  const compiled = compileGraph(graph);
  const rng = createRng(11);
  const values = (n: number) => Array.from({ length: n }, () => rng.normal());
  const parameters = new Map(
    compiled.params.map((p) => [
      p.nodeId,
      { kernel: values(p.kernel[0] * p.kernel[1]), bias: p.bias ? values(p.bias[0]) : null },
    ]),
  );
  const nIn = compiled.width.get(compiled.inputId)!;
  const file = exportWeights({
    graph,
    parameters,
    preprocessing: {
      features: Array.from({ length: nIn }, (_, i) => ({
        name: `f${i}`,
        kind: 'numeric' as const,
        mean: 0,
        scale: 1,
        fill: null,
      })),
      target: regression
        ? { name: 'y', task: 'regression', mean: 0, scale: 1 }
        : { name: 'y', task: 'classification', classes: ['a', 'b', 'c'] },
      missing: 'drop',
      normalize: 'standard',
    },
  });
  return loadWeights(serializeWeights(file));
}

/** The lines TF.js prints for the export, loaded as a user would load it. */
async function tfjsSummary(loaded: LoadedWeights, widths: (number | undefined)[]): Promise<string[][]> {
  const { modelJson, weights } = exportTfjs(loaded);
  const json = JSON.parse(modelJson) as {
    modelTopology: tf.io.ModelJSON['modelTopology'];
    weightsManifest: { weights: TfjsWeightSpec[] }[];
  };
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0]!.weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  const printed = widths.map((w) => {
    const lines: string[] = [];
    model.summary(w, undefined, (line: string) => lines.push(line));
    return lines;
  });
  model.dispose();
  return printed;
}

const WIDTHS = [undefined, 60, 80, 140];

async function expectSameAsTfjs(loaded: LoadedWeights): Promise<void> {
  const summary = kerasSummary(loaded);
  const theirs = await tfjsSummary(loaded, WIDTHS);
  WIDTHS.forEach((w, i) => {
    expect(formatKerasSummary(summary, w).split('\n'), `width ${w ?? 'default'}`).toEqual(theirs[i]);
  });
}

const branching: GraphSpec = {
  nodes: [
    { id: 'in', type: 'input', inputs: [], units: 3 },
    denseNode('a', 'in', 6, 'relu'),
    denseNode('b', 'in', 6, 'leaky_relu', { alpha: 0.1 }),
    { id: 'sum', type: 'add', inputs: ['a', 'b'] },
    { id: 'drop', type: 'dropout', inputs: ['sum'], rate: 0.3 },
    { id: 'squash', type: 'activation', inputs: ['drop'], activation: 'tanh' },
    denseNode('c', 'in', 4, 'elu', { useBias: false }),
    { id: 'leak', type: 'activation', inputs: ['c'], activation: 'leaky_relu' },
    { id: 'joined', type: 'concatenate', inputs: ['squash', 'leak', 'in'] },
    denseNode('head', 'joined', 1, 'linear'),
    { id: 'out', type: 'output', inputs: ['head'], loss: 'mse' },
  ],
};

describe('Keras-style summary', () => {
  it('a plain MLP prints as TF.js prints the exported model', async () => {
    const loaded = loadedFor(
      buildMlp({ inputs: 4, hidden: [8, 5], outputs: 3, activation: 'relu', head: 'softmax' }),
      false,
    );
    await expectSameAsTfjs(loaded);
    const s = kerasSummary(loaded);
    expect(s.sequential).toBe(true);
    expect(s.rows.map((r) => [r.name, r.className, kerasShape(r.outputShape), r.params])).toEqual([
      ['input', 'InputLayer', '(None, 4)', 0],
      ['dense1', 'Dense', '(None, 8)', 40],
      ['dense2', 'Dense', '(None, 5)', 45],
      ['dense3', 'Dense', '(None, 3)', 18],
    ]);
    expect(s.rows[1]!.connectedTo).toEqual(['input[0][0]']);
    expect(s.totals).toEqual({ total: 103, trainable: 103, nonTrainable: 0 });
  });

  it('a leaky-ReLU dense node is two Keras layers', async () => {
    const loaded = loadedFor(
      buildMlp({ inputs: 2, hidden: [8, 8], outputs: 1, activation: 'leaky_relu', head: 'linear' }),
    );
    await expectSameAsTfjs(loaded);
    expect(kerasSummary(loaded).rows.map((r) => `${r.name}:${r.className}`)).toEqual([
      'input:InputLayer',
      'dense1:Dense',
      'dense1_leakyrelu:LeakyReLU',
      'dense2:Dense',
      'dense2_leakyrelu:LeakyReLU',
      'dense3:Dense',
    ]);
  });

  it('a branching network (add, concatenate, dropout, activation) prints as TF.js prints it', async () => {
    const loaded = loadedFor(branching);
    await expectSameAsTfjs(loaded);
    const s = kerasSummary(loaded);
    expect(s.sequential).toBe(false);
    // Keras's order: by depth from the output, then as the walk back from the output reaches them.
    expect(s.rows.map((r) => r.name)).toEqual([
      'in',
      'b',
      'a',
      'b_leakyrelu',
      'sum',
      'drop',
      'c',
      'squash',
      'leak',
      'joined',
      'head',
    ]);
    const joined = s.rows.find((r) => r.name === 'joined')!;
    expect(joined).toEqual({
      name: 'joined',
      className: 'Concatenate',
      inputShapes: [
        [null, 6],
        [null, 4],
        [null, 3],
      ],
      outputShape: [null, 13],
      params: 0,
      connectedTo: ['squash[0][0]', 'leak[0][0]', 'in[0][0]'],
    });
    expect(s.rows.find((r) => r.name === 'c')!.params).toBe(12);
    expect(s.totals.total).toBe(24 + 24 + 12 + 14);
    const text = formatKerasSummary(s);
    expect(text).toContain('Receives inputs');
    expect(text.split('\n')[0]).toBe('_'.repeat(115));
  });

  it('Python-style shapes', () => {
    expect(kerasShape([null, 8])).toBe('(None, 8)');
    expect(kerasShape([7])).toBe('(7,)');
  });

  it('refuses what the export refuses, naming the node', () => {
    const loaded = loadedFor({
      nodes: [
        { id: 'in', type: 'input', inputs: [], units: 2 },
        denseNode('hidden', 'in', 3, 'elu', { alpha: 0.5 }),
        denseNode('y', 'hidden', 1, 'linear'),
        { id: 'out', type: 'output', inputs: ['y'], loss: 'mse' },
      ],
    });
    expect(() => kerasSummary(loaded)).toThrow(EngineError);
    expect(() => kerasSummary(loaded)).toThrow(/"hidden"/);
  });
});
