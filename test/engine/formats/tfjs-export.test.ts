/**
 * The TensorFlow.js export: each network is trained a few steps, written as a weights file, exported,
 * loaded by TF.js (`loadLayersModel` from memory, cpu backend) and run on every row; its predictions
 * must match our engine's on the same weights file to a relative 1e-5.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { decodeOutput, encodeRows } from '../../../engine/data/apply.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import type { Dataset, Preprocessing } from '../../../engine/data/types.ts';
import { EngineError } from '../../../engine/errors.ts';
import {
  exportTfjs,
  exportWeights,
  loadWeights,
  serializeWeights,
  TFJS_WEIGHTS_FILE,
} from '../../../engine/formats/index.ts';
import type { LoadedWeights, TfjsWeightSpec } from '../../../engine/formats/index.ts';
import { buildMlp, denseNode } from '../../../engine/graph/builders.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { modelFromWeights, predictAll } from '../../../engine/model/infer.ts';
import { createRng } from '../../../engine/rng.ts';
import { adaptTargets } from '../../../engine/train/run-setup.ts';
import { createTrainer } from '../../../engine/train/trainer.ts';
import { expectClose, useTfjsCpu } from '../tfjs-reference-helpers.ts';

useTfjsCpu();

const ROWS = 40;

function features(n: number): Preprocessing['features'] {
  return Array.from({ length: n }, (_, i) => ({
    name: `f${i}`,
    kind: 'numeric' as const,
    mean: 0.5 * i,
    scale: 1 + i,
    fill: null,
  }));
}

/** Random rows, and targets: classes as one-hot (or 0/1 for one output), or real values. */
function dataset(nIn: number, nOut: number, task: 'classification' | 'regression', seed: number): Dataset {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: ROWS * nIn }, () => rng.normal());
  const y = new Float32Array(ROWS * nOut);
  for (let r = 0; r < ROWS; r++) {
    if (task === 'regression') for (let j = 0; j < nOut; j++) y[r * nOut + j] = rng.normal();
    else if (nOut === 1) y[r] = rng.int(2);
    else y[r * nOut + rng.int(nOut)] = 1;
  }
  return { n: ROWS, nIn, nOut, x, y };
}

/** Trains `graph` 20 steps on `data` and returns its weights file, loaded again from its text. */
function trained(graph: GraphSpec, data: Dataset, preprocessing: Preprocessing): LoadedWeights {
  const trainer = createTrainer({
    graph,
    train: data,
    config: {
      optimizer: { name: 'adam', learningRate: 0.02 },
      batchSize: 8,
      epochs: 4,
      validationSplit: 0,
      shuffle: true,
      seed: 3,
    },
    task: preprocessing.target.task,
  });
  trainer.fit();
  trainer.dispose();
  const file = exportWeights({
    graph,
    parameters: new Map(trainer.model.layers.map((l) => [l.nodeId, { kernel: l.kernel, bias: l.bias }])),
    preprocessing,
  });
  return loadWeights(serializeWeights(file));
}

interface ModelJson {
  format: string;
  modelTopology: { config: { layers: { class_name: string; name: string }[] } };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  userDefinedMetadata: { backpropStudio: { preprocessing: Preprocessing } };
}

/** Loads an export in TF.js, as a user would from the two files. */
async function loadInTfjs(modelJson: string, weights: Uint8Array): Promise<tfl.LayersModel> {
  const json = JSON.parse(modelJson) as ModelJson & { modelTopology: tf.io.ModelJSON['modelTopology'] };
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0]!.weights,
      weightData,
    }),
  );
}

/** Exports, loads in TF.js and compares its predictions on every row with ours. */
async function expectSamePredictions(loaded: LoadedWeights, data: Dataset): Promise<ModelJson> {
  const { modelJson, weights } = exportTfjs(loaded);
  const json = JSON.parse(modelJson) as ModelJson;
  const model = await loadInTfjs(modelJson, weights);
  const input = tf.tensor2d(data.x, [data.n, data.nIn]);
  const out = model.predict(input) as tf.Tensor;
  const theirs = out.dataSync();
  input.dispose();
  out.dispose();
  model.dispose();
  const ours = predictAll(modelFromWeights(loaded.graph, loaded.parameters), data.x, data.n);
  expect(out.shape).toEqual([data.n, ours.length / data.n]);
  expectClose(theirs, ours, 'TF.js prediction', 1e-5, 1e-7);
  return json;
}

const classes = (n: number): Preprocessing['target'] => ({
  name: 'y',
  task: 'classification',
  classes: Array.from({ length: n }, (_, i) => `c${i}`),
});
const pre = (nIn: number, target: Preprocessing['target']): Preprocessing => ({
  features: features(nIn),
  target,
  missing: 'drop',
  normalize: 'standard',
});

describe('TensorFlow.js layers-model export', () => {
  it('a plain 2-8-8-1 MLP with a sigmoid head predicts the same in TF.js', async () => {
    const graph = buildMlp({ inputs: 2, hidden: [8, 8], outputs: 1, activation: 'tanh', head: 'sigmoid' });
    const data = dataset(2, 1, 'classification', 1);
    const loaded = trained(graph, data, pre(2, classes(2)));
    const json = await expectSamePredictions(loaded, data);

    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.config.layers.map((l) => l.class_name)).toEqual([
      'InputLayer',
      'Dense',
      'Dense',
      'Dense',
    ]);
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0]!.paths).toEqual([TFJS_WEIGHTS_FILE]);
    expect(json.weightsManifest[0]!.weights).toEqual([
      { name: 'dense1/kernel', shape: [2, 8], dtype: 'float32' },
      { name: 'dense1/bias', shape: [8], dtype: 'float32' },
      { name: 'dense2/kernel', shape: [8, 8], dtype: 'float32' },
      { name: 'dense2/bias', shape: [8], dtype: 'float32' },
      { name: 'dense3/kernel', shape: [8, 1], dtype: 'float32' },
      { name: 'dense3/bias', shape: [1], dtype: 'float32' },
    ]);
    // The preprocessing is metadata beside the model, not part of it.
    expect(json.userDefinedMetadata.backpropStudio.preprocessing).toEqual(loaded.preprocessing);
  });

  it('writes the weights as float32 little-endian in the manifest order', () => {
    const graph = buildMlp({ inputs: 2, hidden: [3], outputs: 1, activation: 'relu', head: 'sigmoid' });
    const loaded = trained(graph, dataset(2, 1, 'classification', 2), pre(2, classes(2)));
    const { weights } = exportTfjs(loaded);
    const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
    const expected = ['dense1', 'dense2'].flatMap((id) => {
      const p = loaded.parameters.get(id)!;
      return [...p.kernel, ...p.bias!];
    });
    expect(weights.byteLength).toBe(expected.length * 4);
    expect(Array.from({ length: expected.length }, (_, i) => view.getFloat32(i * 4, true))).toEqual(expected);
  });

  it('a branching network (add, concatenate, dropout, activation nodes, leaky ReLU, ELU) predicts the same', async () => {
    const graph: GraphSpec = {
      nodes: [
        { id: 'in', type: 'input', inputs: [], units: 3 },
        denseNode('a', 'in', 6, 'relu', { kernelInitializer: 'he_uniform' }),
        denseNode('b', 'in', 6, 'leaky_relu', { alpha: 0.1, kernelInitializer: 'he_normal' }),
        { id: 'sum', type: 'add', inputs: ['a', 'b'] },
        { id: 'drop', type: 'dropout', inputs: ['sum'], rate: 0.3 },
        { id: 'squash', type: 'activation', inputs: ['drop'], activation: 'tanh' },
        denseNode('c', 'in', 4, 'elu', { useBias: false, kernelInitializer: 'glorot_normal' }),
        { id: 'leak', type: 'activation', inputs: ['c'], activation: 'leaky_relu' },
        { id: 'joined', type: 'concatenate', inputs: ['squash', 'leak', 'in'] },
        denseNode('head', 'joined', 1, 'linear', { l2: 0.001 }),
        { id: 'out', type: 'output', inputs: ['head'], loss: 'mse' },
      ],
    };
    const data = dataset(3, 1, 'regression', 4);
    const loaded = trained(graph, data, pre(3, { name: 'y', task: 'regression', mean: 1, scale: 2 }));
    const json = await expectSamePredictions(loaded, data);
    const layers = json.modelTopology.config.layers.map((l) => `${l.name}:${l.class_name}`);
    expect(layers).toEqual(
      expect.arrayContaining([
        'sum:Add',
        'drop:Dropout',
        'squash:Activation',
        'leak:LeakyReLU',
        'joined:Concatenate',
      ]),
    );
    expect(layers).toContain('b_leakyrelu:LeakyReLU');
    expect(json.weightsManifest[0]!.weights.map((w) => w.name)).toContain('c/kernel');
    expect(json.weightsManifest[0]!.weights.map((w) => w.name)).not.toContain('c/bias');
  });

  it('a softmax classifier (softplus layer, a separate softmax node) predicts the same', async () => {
    const graph: GraphSpec = {
      nodes: [
        { id: 'in', type: 'input', inputs: [], units: 4 },
        denseNode('hidden', 'in', 6, 'softplus'),
        denseNode('sig', 'hidden', 5, 'sigmoid', { kernelInitializer: 'zeros' }),
        denseNode('logits', 'sig', 3, 'linear'),
        { id: 'probs', type: 'activation', inputs: ['logits'], activation: 'softmax' },
        { id: 'out', type: 'output', inputs: ['probs'], loss: 'categorical_crossentropy' },
      ],
    };
    const data = dataset(4, 3, 'classification', 5);
    const loaded = trained(graph, data, pre(4, classes(3)));
    await expectSamePredictions(loaded, data);
  });

  it('a softmax head inside a dense layer predicts the same', async () => {
    const graph = buildMlp({ inputs: 4, hidden: [5], outputs: 3, activation: 'relu', head: 'softmax' });
    const data = dataset(4, 3, 'classification', 6);
    await expectSamePredictions(trained(graph, data, pre(4, classes(3))), data);
  });

  it('a regression with a categorical feature: raw rows encoded from the metadata predict the same value', async () => {
    // Raw rows as a CSV gives them: a number and a colour; the price depends on both.
    const rng = createRng(7);
    const colours = ['red', 'green', 'blue'];
    const raw = Array.from({ length: ROWS }, () => {
      const size = Math.fround(rng.normal() * 4 + 20);
      const colour = colours[rng.int(3)]!;
      return { size, colour, price: 100 + 3 * size + (colour === 'red' ? 15 : 0) + rng.normal() * 2 };
    });
    const table = {
      columns: ['size', 'colour', 'price'],
      rows: raw.map((r) => [String(r.size), r.colour, String(r.price)]),
    };
    const prepared = prepareData(table, { target: 'price', task: 'regression', validationSplit: 0, seed: 1 });
    const graph = buildMlp({
      inputs: prepared.train.nIn,
      hidden: [8],
      outputs: 1,
      activation: 'tanh',
      head: 'linear',
    });
    const loaded = trained(graph, adaptTargets(graph, prepared).train, prepared.preprocessing);
    const { modelJson, weights } = exportTfjs(loaded);

    // What a user does with the export alone (docs/export.md): encode each row from the metadata's
    // preprocessing, predict, and scale the output back into the target's units.
    const meta = (JSON.parse(modelJson) as ModelJson).userDefinedMetadata.backpropStudio.preprocessing;
    const x = raw.flatMap((row) =>
      meta.features.flatMap((f) =>
        f.kind === 'numeric'
          ? [(row[f.name as 'size'] - f.mean) / f.scale]
          : f.categories.map((c) => (row[f.name as 'colour'] === c ? 1 : 0)),
      ),
    );
    expect(x.length).toBe(ROWS * 4);
    const model = await loadInTfjs(modelJson, weights);
    const input = tf.tensor2d(x, [ROWS, 4]);
    const out = model.predict(input) as tf.Tensor;
    const target = meta.target as { mean: number; scale: number };
    const theirs = Float32Array.from(out.dataSync(), (v) => v * target.scale + target.mean);
    input.dispose();
    out.dispose();
    model.dispose();

    // Ours from the same raw rows, through the engine's own encoding and decoding.
    const encoded = encodeRows(loaded.preprocessing, table);
    const mine = modelFromWeights(loaded.graph, loaded.parameters);
    const predictions = decodeOutput(
      loaded.preprocessing,
      predictAll(mine, encoded.x, encoded.n),
      encoded.n,
      1,
    );
    const ours = Float32Array.from(predictions, (p) => ('value' in p ? p.value : NaN));
    expectClose(theirs, ours, 'TF.js regression value', 1e-5, 1e-7);
  });

  it('refuses, naming the node, what TF.js cannot express (ELU with α other than 1)', () => {
    const graph: GraphSpec = {
      nodes: [
        { id: 'in', type: 'input', inputs: [], units: 2 },
        denseNode('hidden', 'in', 3, 'elu', { alpha: 0.5 }),
        denseNode('y', 'hidden', 1, 'sigmoid'),
        { id: 'out', type: 'output', inputs: ['y'], loss: 'binary_crossentropy' },
      ],
    };
    const loaded = trained(graph, dataset(2, 1, 'classification', 7), pre(2, classes(2)));
    let error: unknown;
    try {
      exportTfjs(loaded);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('UNSUPPORTED_EXPORT');
    expect((error as EngineError).nodeId).toBe('hidden');
    expect((error as EngineError).message).toContain('"hidden"');
  });
});
