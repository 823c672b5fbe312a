/**
 * Files carry the image kinds: a CNN's weights file stores conv kernels in Keras layout
 * [kh, kw, in, filters] and predicts the same after a round trip; its project file reopens as saved;
 * a kernel of the wrong rank is refused, saying the shape it needs; files without image kinds (all
 * older files) keep their format version and open as before; and shape errors name the node and both
 * shapes, in both languages.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../engine/errors.ts';
import {
  createProject,
  exportWeights,
  loadWeights,
  parseProject,
  projectParameters,
  serializeProject,
  serializeWeights,
} from '../../../engine/formats/index.ts';
import { compileGraph } from '../../../engine/graph/compile.ts';
import type { GraphNode, GraphSpec } from '../../../engine/graph/types.ts';
import { formatError } from '../../../engine/i18n.ts';
import { modelFromWeights, predictAll } from '../../../engine/model/infer.ts';
import { createModel, layerWeights } from '../../../engine/model/model.ts';
import { createRng } from '../../../engine/rng.ts';
import { DEFAULT_TRAINING } from '../../../engine/train/config.ts';
import { denseNode } from '../helpers.ts';
import { cnnGraph, cnnModel, cnnPreprocessing } from './image-helpers.ts';
import { expectEngineError, xorWeightsJson } from './helpers.ts';
import type { Json } from './helpers.ts';

const T0 = '2025-05-01T12:00:00.000Z';

const cnnWeights = () =>
  exportWeights({
    graph: cnnGraph(),
    parameters: layerWeights(cnnModel()),
    preprocessing: cnnPreprocessing(),
    metadata: { createdAt: T0 },
  });

describe('weights files carry the image kinds', () => {
  it('stores conv kernels as [kh, kw, in, filters] and predicts the same after a round trip', () => {
    const model = cnnModel();
    const text = serializeWeights(cnnWeights());
    const json = JSON.parse(text) as Json;
    expect(json.version).toBe(1);
    expect(json.parameters.c1.kernel.shape).toEqual([3, 2, 2, 3]);
    expect(json.parameters.c2.kernel.shape).toEqual([2, 2, 3, 2]);
    expect(json.parameters.c2.bias).toBeUndefined();
    expect(json.graph.nodes[0]).toEqual({ id: 'x', type: 'input', inputs: [], units: 60, shape: [6, 5, 2] });
    const loaded = loadWeights(text);
    const again = modelFromWeights(loaded.graph, loaded.parameters, { maxBatch: 4 });
    const rng = createRng(9);
    const x = Float32Array.from({ length: 7 * 60 }, () => rng.normal());
    expect(Array.from(predictAll(again, x, 7))).toEqual(Array.from(predictAll(model, x, 7)));
  });

  it('refuses a conv kernel stored as a matrix, saying the shape it needs', () => {
    const json = JSON.parse(serializeWeights(cnnWeights())) as Json;
    json.parameters.c1.kernel.shape = [12, 3];
    expectEngineError(() => loadWeights(JSON.stringify(json)), 'BAD_FILE', {
      path: 'parameters.c1.kernel.shape',
      message: '[3, 2, 2, 3]',
    });
  });

  it('keeps version 1 for files without image kinds, which open as before', () => {
    const old = xorWeightsJson();
    expect(old.version).toBe(1);
    expect(() => loadWeights(JSON.stringify(old))).not.toThrow();
  });
});

describe('project files carry the image kinds', () => {
  it('create → serialize → parse keeps the CNN and its weights', () => {
    const graph = cnnGraph();
    const project = createProject({
      name: 'CNN',
      graph,
      positions: graph.nodes.map((n, i) => ({ id: n.id, x: 100 * i, y: 0 })),
      data: {
        source: { kind: 'builtin', name: 'xor', samples: 200, noise: 0.1, seed: 3 },
        target: 'shape',
        missing: 'drop',
        normalize: 'none',
      },
      training: DEFAULT_TRAINING,
      weights: { parameters: layerWeights(cnnModel()), preprocessing: cnnPreprocessing() },
      createdAt: T0,
      modifiedAt: T0,
    });
    const back = parseProject(serializeProject(project));
    expect(back).toEqual(project);
    expect(projectParameters(back)!.get('c1')!.kernel.length).toBe(3 * 2 * 2 * 3);
  });
});

describe('shape errors name the node and both shapes', () => {
  const image = (extra: GraphNode[], last: string): GraphSpec => ({
    nodes: [
      { id: 'x', type: 'input', inputs: [], units: 0, shape: [4, 4, 2] },
      ...extra,
      denseNode('head', last, 2, 'softmax'),
      { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
    ],
  });
  const pool = (id: string, input: string, size: [number, number]): GraphNode => ({
    id,
    type: 'maxpool2d',
    inputs: [input],
    poolSize: size,
    padding: 'valid',
  });
  const cases: [string, GraphSpec, number | undefined, string, string[]][] = [
    ['dense on an image', image([], 'x'), undefined, 'head', ['"head"', '"x"', '[4, 4, 2]', 'flatten']],
    [
      'pooling on a flat vector',
      {
        nodes: [
          { id: 'x', type: 'input', inputs: [], units: 3 },
          pool('p', 'x', [2, 2]),
          { id: 'f', type: 'flatten', inputs: ['p'] },
          denseNode('head', 'f', 2, 'softmax'),
          { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
        ],
      },
      undefined,
      'p',
      ['"p"', '"x"', '[3]', '[height, width, channels]'],
    ],
    [
      'a window larger than its input',
      image([pool('p', 'x', [5, 2]), { id: 'f', type: 'flatten', inputs: ['p'] }], 'f'),
      undefined,
      'p',
      ['"p"', '[5, 2]', '[4, 4, 2]'],
    ],
    [
      'a reshape that does not fit',
      image([{ id: 'r', type: 'reshape', inputs: ['x'], targetShape: [5, -1] }], 'r'),
      undefined,
      'r',
      ['"r"', '"x"', '[4, 4, 2]', '[5, -1]'],
    ],
    [
      'an image shape the data does not fill',
      image([{ id: 'f', type: 'flatten', inputs: ['x'] }], 'f'),
      30,
      'x',
      ['"x"', '[4, 4, 2]', '32', '30'],
    ],
  ];
  it.each(cases)('%s', (_name, graph, inputWidth, nodeId, words) => {
    let error: unknown;
    try {
      compileGraph(graph, inputWidth === undefined ? {} : { inputWidth });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineError);
    const e = error as EngineError;
    expect(e.nodeId).toBe(nodeId);
    for (const w of words) expect(e.message).toContain(w);
    const zh = formatError(e.toInfo(), 'zh-CN');
    expect(zh).not.toBe(e.message);
    expect(zh).toContain(nodeId);
  });
});

describe('buffers too large for a batch size', () => {
  it('are refused when the model is made, naming the batch size, before anything is allocated', () => {
    const graph: GraphSpec = {
      nodes: [
        { id: 'x', type: 'input', inputs: [], units: 0, shape: [128, 128, 1] },
        {
          id: 'c',
          type: 'conv2d',
          inputs: ['x'],
          filters: 64,
          kernelSize: [5, 5],
          strides: [1, 1],
          padding: 'same',
          activation: 'relu',
          useBias: true,
          kernelInitializer: 'he_uniform',
        },
        { id: 'g', type: 'globalavgpool2d', inputs: ['c'] },
        denseNode('head', 'g', 2, 'softmax'),
        { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
      ],
    };
    const compiled = compileGraph(graph);
    expect(() => createModel(compiled, { maxBatch: 2, seed: 0 })).not.toThrow();
    let error: unknown;
    try {
      createModel(compiled, { maxBatch: 512, seed: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'TOO_LARGE' });
    expect((error as EngineError).message).toContain('batches of 512 rows');
  });
});
