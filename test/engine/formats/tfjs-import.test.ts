/**
 * The TensorFlow.js import: models built and saved by TF.js itself import and predict as TF.js does
 * (relative 1e-5); our own exports come back as the weights file they were made from; and everything
 * that cannot be imported is refused with a message naming the layer, before anything is allocated.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../engine/errors.ts';
import { formatError } from '../../../engine/i18n.ts';
import {
  exportTfjs,
  exportWeights,
  loadWeights,
  parseWeights,
  serializeWeights,
} from '../../../engine/formats/index.ts';
import type { LoadedWeights, WeightsFile } from '../../../engine/formats/index.ts';
import { importTfjs, importTfjsFile, tfjsWeightPaths } from '../../../engine/formats/tfjs-import.ts';
import { compileGraph } from '../../../engine/graph/compile.ts';
import { buildMlp, denseNode } from '../../../engine/graph/builders.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { modelFromWeights, predictAll } from '../../../engine/model/infer.ts';
import { createRng } from '../../../engine/rng.ts';
import { expectClose, useTfjsCpu } from '../tfjs-reference-helpers.ts';

useTfjsCpu();

/** model.json text and weight bytes of a TF.js model, as `model.save` gives them. */
async function saved(model: tfl.LayersModel): Promise<{ modelJson: string; weights: Uint8Array }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((a) => {
      artifacts = a;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }),
  );
  const data = artifacts!.weightData!;
  const parts = (Array.isArray(data) ? data : [data]).map((b) => new Uint8Array(b));
  const weights = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) weights.set(p, (at += p.length) - p.length);
  const modelJson = JSON.stringify({
    format: 'layers-model',
    generatedBy: 'TensorFlow.js',
    modelTopology: artifacts!.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts!.weightSpecs }],
  });
  return { modelJson, weights };
}

/** Random rows for `nIn` inputs. */
function rows(n: number, nIn: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * nIn }, () => rng.normal());
}

/** Imports the model and checks our predictions against TF.js's on the same rows. */
async function expectSamePredictions(model: tfl.LayersModel, nIn: number): Promise<LoadedWeights> {
  const { modelJson, weights } = await saved(model);
  const loaded = importTfjs(modelJson, weights);
  const n = 30;
  const x = rows(n, nIn, 5);
  const input = tf.tensor2d(x, [n, nIn]);
  const out = model.predict(input) as tf.Tensor;
  const theirs = out.dataSync();
  tf.dispose([input, out]);
  expectClose(
    predictAll(modelFromWeights(loaded.graph, loaded.parameters), x, n),
    theirs,
    'import',
    1e-5,
    1e-7,
  );
  return loaded;
}

/** Random non-zero initial weights so that every path of the model matters. */
const init = () => tfl.initializers.randomNormal({ mean: 0, stddev: 0.7, seed: 3 });

describe('TensorFlow.js import: models made by TF.js', () => {
  it('a Sequential classifier (dense, dropout, softmax) predicts as TF.js', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [4],
          units: 8,
          activation: 'relu',
          kernelInitializer: init(),
          biasInitializer: init(),
        }),
        tfl.layers.dropout({ rate: 0.25 }),
        tfl.layers.dense({ units: 6, activation: 'tanh', kernelInitializer: init(), useBias: false }),
        tfl.layers.dense({
          units: 3,
          activation: 'softmax',
          kernelInitializer: init(),
          biasInitializer: init(),
        }),
      ],
    });
    const loaded = await expectSamePredictions(model, 4);
    expect(loaded.preprocessing.features.map((f) => f.name)).toEqual(['x0', 'x1', 'x2', 'x3']);
    expect(loaded.preprocessing.features[0]).toMatchObject({ kind: 'numeric', mean: 0, scale: 1 });
    expect(loaded.preprocessing.target).toEqual({
      name: 'y',
      task: 'classification',
      classes: ['0', '1', '2'],
    });
    const out = loaded.graph.nodes.at(-1)!;
    expect(out).toMatchObject({ type: 'output', loss: 'categorical_crossentropy' });
    expect(loaded.graph.nodes.map((n) => n.type)).toEqual([
      'input',
      'dense',
      'dropout',
      'dense',
      'dense',
      'output',
    ]);
    model.dispose();
  });

  it('a Sequential with a sigmoid unit is a binary classifier', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [3],
          units: 5,
          activation: 'elu',
          kernelInitializer: init(),
          biasInitializer: init(),
        }),
        tfl.layers.leakyReLU({ alpha: 0.15 }),
        tfl.layers.dense({
          units: 1,
          activation: 'sigmoid',
          kernelInitializer: init(),
          biasInitializer: init(),
        }),
      ],
    });
    const loaded = await expectSamePredictions(model, 3);
    expect(loaded.preprocessing.target).toEqual({ name: 'y', task: 'classification', classes: ['0', '1'] });
    expect(loaded.graph.nodes.at(-1)).toMatchObject({ loss: 'binary_crossentropy' });
    expect(loaded.graph.nodes.find((n) => n.type === 'activation')).toMatchObject({
      activation: 'leaky_relu',
      alpha: 0.15,
    });
    model.dispose();
  });

  it('a functional model (add, concatenate, dropout, activation, LeakyReLU) is a regression network', async () => {
    const input = tfl.input({ shape: [3] });
    const a = tfl.layers
      .dense({ units: 6, activation: 'tanh', kernelInitializer: init(), biasInitializer: init() })
      .apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ units: 6, kernelInitializer: init() }).apply(input) as tfl.SymbolicTensor;
    const leaky = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(b) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([a, leaky]) as tfl.SymbolicTensor;
    const dropped = tfl.layers.dropout({ rate: 0.5 }).apply(sum) as tfl.SymbolicTensor;
    const squashed = tfl.layers.activation({ activation: 'softplus' }).apply(dropped) as tfl.SymbolicTensor;
    const joined = tfl.layers.concatenate().apply([squashed, input]) as tfl.SymbolicTensor;
    const head = tfl.layers
      .dense({ units: 1, kernelInitializer: init(), biasInitializer: init() })
      .apply(joined) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: head });
    const loaded = await expectSamePredictions(model, 3);
    expect(loaded.preprocessing.target).toEqual({ name: 'y', task: 'regression', mean: 0, scale: 1 });
    expect(loaded.graph.nodes.at(-1)).toMatchObject({ type: 'output', loss: 'mse' });
    expect(loaded.graph.nodes.map((n) => n.type).sort()).toEqual(
      [
        'input',
        'dense',
        'dense',
        'activation',
        'add',
        'dropout',
        'activation',
        'concatenate',
        'dense',
        'output',
      ].sort(),
    );
    model.dispose();
  });
});

const branching: GraphSpec = {
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
    { id: 'out', type: 'output', inputs: ['head'], loss: 'mae' },
  ],
};

/** A weights file for `graph` with random parameters. */
function weightsFor(graph: GraphSpec, target: WeightsFile['preprocessing']['target']): WeightsFile {
  const compiled = compileGraph(graph);
  const rng = createRng(21);
  const values = (n: number) => Array.from({ length: n }, () => rng.normal());
  const nIn = compiled.width.get(compiled.inputId)!;
  return exportWeights({
    graph,
    parameters: new Map(
      compiled.params.map((p) => [
        p.nodeId,
        { kernel: values(p.kernel[0] * p.kernel[1]), bias: p.bias ? values(p.bias[0]) : null },
      ]),
    ),
    preprocessing: {
      features: Array.from({ length: nIn }, (_, i) => ({
        name: `f${i}`,
        kind: 'numeric' as const,
        mean: i,
        scale: 2,
        fill: null,
      })),
      target,
      missing: 'drop',
      normalize: 'standard',
    },
    metadata: { name: 'round trip', training: { epochs: 3, loss: 0.5 } },
  });
}

const withoutStamp = (f: WeightsFile) => ({
  ...f,
  metadata: { ...f.metadata, createdAt: '', createdBy: '' },
});

describe('TensorFlow.js import: our own exports', () => {
  it.each([
    [
      'a plain MLP',
      buildMlp({ inputs: 4, hidden: [5, 3], outputs: 3, activation: 'leaky_relu', head: 'softmax' }),
      { name: 't', task: 'classification', classes: ['a', 'b', 'c'] },
    ],
    ['a branching network with an mae loss', branching, { name: 't', task: 'regression', mean: 2, scale: 3 }],
  ] as const)('%s comes back as the same weights file', (_what, graph, target) => {
    const file = weightsFor(graph, target as WeightsFile['preprocessing']['target']);
    const loaded = loadWeights(serializeWeights(file));
    const { modelJson, weights } = exportTfjs(loaded);
    const back = importTfjsFile(modelJson, weights);
    expect(withoutStamp(back)).toEqual(withoutStamp(parseWeights(serializeWeights(file))));
    expect(serializeWeights({ ...back, metadata: file.metadata })).toBe(serializeWeights(file));
  });

  it('without our graph in the metadata, the model as it is: the same predictions', () => {
    const loaded = loadWeights(
      serializeWeights(weightsFor(branching, { name: 't', task: 'regression', mean: 0, scale: 1 })),
    );
    const { modelJson, weights } = exportTfjs(loaded);
    const json = JSON.parse(modelJson) as {
      userDefinedMetadata: { backpropStudio: Record<string, unknown> };
    };
    delete json.userDefinedMetadata.backpropStudio.graph;
    const back = importTfjs(JSON.stringify(json), weights);
    expect(back.preprocessing).toEqual(loaded.preprocessing);
    expect(back.graph.nodes.at(-1)).toMatchObject({ type: 'output', loss: 'mse' });
    const x = rows(20, 3, 8);
    expectClose(
      predictAll(modelFromWeights(back.graph, back.parameters), x, 20),
      predictAll(modelFromWeights(loaded.graph, loaded.parameters), x, 20),
      'import',
      1e-6,
      1e-7,
    );
  });
});

interface EditableLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
}
interface EditableModel {
  format?: string;
  modelTopology?: {
    class_name: string;
    config: { layers: EditableLayer[]; input_layers: unknown[]; output_layers: unknown[] };
  };
  weightsManifest: {
    paths: string[];
    weights: { name: string; shape: number[]; dtype: string; quantization?: unknown }[];
  }[];
  userDefinedMetadata?: unknown;
}

/** Our export of a small classifier, as editable JSON and bytes. */
function small(): { json: EditableModel; weights: Uint8Array } {
  const graph = buildMlp({ inputs: 2, hidden: [3], outputs: 2, activation: 'relu', head: 'softmax' });
  const { modelJson, weights } = exportTfjs(
    loadWeights(
      serializeWeights(weightsFor(graph, { name: 't', task: 'classification', classes: ['p', 'q'] })),
    ),
  );
  const json = JSON.parse(modelJson) as EditableModel;
  delete json.userDefinedMetadata;
  return { json, weights };
}

function refusal(json: unknown, weights: Uint8Array): EngineError {
  try {
    importTfjs(typeof json === 'string' ? json : JSON.stringify(json), weights);
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return e as EngineError;
  }
  throw new Error('imported');
}

describe('TensorFlow.js import: refusals', () => {
  const layer = (json: EditableModel, name: string) =>
    json.modelTopology!.config.layers.find((l) => l.name === name)!;

  it.each([
    [
      'a Conv2D layer',
      (j: EditableModel) => (layer(j, 'dense1').class_name = 'Conv2D'),
      'file.tfjsLayerClass',
      /layer "dense1": Conv2D layers are not supported/,
    ],
    [
      'an unknown activation',
      (j: EditableModel) => (layer(j, 'dense1').config.activation = 'selu'),
      'file.tfjsActivation',
      /layer "dense1": activation "selu"/,
    ],
    [
      'an input that is not a vector',
      (j: EditableModel) => (layer(j, 'input').config.batch_input_shape = [null, 28, 28]),
      'file.tfjsShape',
      /layer "input"/,
    ],
    [
      'two inputs',
      (j: EditableModel) => j.modelTopology!.config.input_layers.push(['input', 0, 0]),
      'file.tfjsInputsOutputs',
      /2 inputs and 1 outputs/,
    ],
    [
      'two outputs',
      (j: EditableModel) => j.modelTopology!.config.output_layers.push(['dense1', 0, 0]),
      'file.tfjsInputsOutputs',
      /1 inputs and 2 outputs/,
    ],
    [
      'a model class we do not know',
      (j: EditableModel) => (j.modelTopology!.class_name = 'Graph'),
      'file.tfjsModelClass',
      /"Graph"/,
    ],
    [
      'a concatenation along another axis',
      (j: EditableModel) => {
        layer(j, 'dense2').class_name = 'Concatenate';
        layer(j, 'dense2').config.axis = 0;
        j.weightsManifest[0]!.weights.splice(2, 2);
      },
      'file.tfjsAxis',
      /layer "dense2"/,
    ],
    [
      'not a layers model',
      (j: EditableModel) => delete j.modelTopology,
      'file.tfjsNotModel',
      /not a TensorFlow.js layers model/,
    ],
    ['a graph model', (j: EditableModel) => (j.format = 'graph-model'), 'file.tfjsFormat', /"graph-model"/],
    [
      'a quantised weight',
      (j: EditableModel) =>
        (j.weightsManifest[0]!.weights[0]!.quantization = { dtype: 'uint8', scale: 1, min: 0 }),
      'file.tfjsWeightType',
      /"dense1\/kernel" is quantised/,
    ],
    [
      'a weights path outside the folder',
      (j: EditableModel) => (j.weightsManifest[0]!.paths = ['../secret.bin']),
      'file.tfjsWeightsPath',
      /"..\/secret.bin"/,
    ],
  ])('%s', (_what, edit, key, message) => {
    const { json, weights } = small();
    // Sizes in the manifest changed by the edit: keep the bytes to what it says.
    const before = JSON.stringify(json.weightsManifest);
    edit(json);
    const specs = (json.weightsManifest?.[0]?.weights ?? []) as { shape: number[] }[];
    const bytes =
      JSON.stringify(json.weightsManifest) === before
        ? weights
        : new Uint8Array(specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * 4, 0));
    const e = refusal(json, bytes);
    expect(e.key).toBe(key);
    expect(e.message).toMatch(message);
    expect(formatError(e, 'zh-CN')).not.toBe(e.message);
  });

  it('weights missing, of the wrong size, unknown, or a shard shorter than the manifest says', () => {
    const { json, weights } = small();
    // dense2/bias gone from the manifest (and its 2 values from the bytes).
    const noBias = structuredClone(json);
    noBias.weightsManifest[0]!.weights.pop();
    let e = refusal(noBias, weights.slice(0, weights.length - 8));
    expect(e.key).toBe('file.tfjsWeightMissing');
    expect(e.message).toMatch(/layer "dense2": the weights manifest has no bias/);

    const wrongShape = structuredClone(json);
    wrongShape.weightsManifest[0]!.weights[0]!.shape = [3, 2];
    e = refusal(wrongShape, weights);
    expect(e.key).toBe('file.tfjsWeightShape');
    expect(e.message).toMatch(/layer "dense1": its kernel has shape \[3, 2\] but the layer needs \[2, 3\]/);

    const unknown = structuredClone(json);
    unknown.weightsManifest[0]!.weights.push({ name: 'ghost/kernel', shape: [1], dtype: 'float32' });
    const longer = new Uint8Array(weights.length + 4);
    longer.set(weights);
    e = refusal(unknown, longer);
    expect(e.key).toBe('file.tfjsWeightUnknown');

    e = refusal(json, weights.slice(0, weights.length - 4));
    expect(e.key).toBe('file.tfjsWeightsSize');
    expect(e.message).toContain(`${weights.length - 4} bytes`);
    expect(refusal(json, longer).key).toBe('file.tfjsWeightsSize');
  });

  it('refuses huge shapes from the manifest before allocating anything', () => {
    const { json } = small();
    json.weightsManifest[0]!.weights[0]!.shape = [1e9, 1e9];
    const e = refusal(json, new Uint8Array(0));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.key).toBe('file.tfjsTooManyWeights');
    json.weightsManifest[0]!.weights[0]!.shape = [-1, 3];
    expect(refusal(json, new Uint8Array(0)).key).toBe('file.tfjsWeightSpec');
    expect(
      refusal('{"modelTopology": ' + '['.repeat(100) + ']'.repeat(100) + '}', new Uint8Array(0)).code,
    ).not.toBe('INTERNAL');
  });

  it('names the weights files of the manifest', () => {
    const { json } = small();
    json.weightsManifest = [
      { paths: ['a.bin', 'b.bin'], weights: [] },
      { paths: ['c.bin'], weights: [] },
    ];
    expect(tfjsWeightPaths(JSON.stringify(json))).toEqual(['a.bin', 'b.bin', 'c.bin']);
  });
});
