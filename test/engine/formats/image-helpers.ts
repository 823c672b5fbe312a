/** A small CNN with every image kind, its preprocessing (60 pixel features, three classes) and a model of it. */
import type { Preprocessing } from '../../../engine/data/types.ts';
import { compileGraph } from '../../../engine/graph/compile.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { createModel } from '../../../engine/model/model.ts';
import { createRng } from '../../../engine/rng.ts';
import { denseNode } from '../helpers.ts';

export function cnnGraph(): GraphSpec {
  return {
    nodes: [
      { id: 'x', type: 'input', inputs: [], units: 0, shape: [6, 5, 2] },
      {
        id: 'c1',
        type: 'conv2d',
        inputs: ['x'],
        filters: 3,
        kernelSize: [3, 2],
        strides: [1, 1],
        padding: 'same',
        activation: 'relu',
        useBias: true,
        kernelInitializer: 'he_uniform',
      },
      { id: 'p1', type: 'maxpool2d', inputs: ['c1'], poolSize: [2, 2], padding: 'same' },
      {
        id: 'c2',
        type: 'conv2d',
        inputs: ['p1'],
        filters: 2,
        kernelSize: [2, 2],
        strides: [1, 1],
        padding: 'valid',
        activation: 'tanh',
        useBias: false,
        kernelInitializer: 'glorot_uniform',
        l2: 0.01,
      },
      { id: 'p2', type: 'avgpool2d', inputs: ['c2'], poolSize: [2, 1], strides: [1, 1], padding: 'valid' },
      { id: 'f', type: 'flatten', inputs: ['p2'] },
      { id: 'g', type: 'globalavgpool2d', inputs: ['c1'] },
      { id: 'gr', type: 'reshape', inputs: ['g'], targetShape: [-1] },
      { id: 'cat', type: 'concatenate', inputs: ['f', 'gr'] },
      denseNode('head', 'cat', 3, 'softmax'),
      { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
    ],
  };
}

/** 60 pixel features (6×5×2) and three classes. */
export function cnnPreprocessing(): Preprocessing {
  return {
    features: Array.from({ length: 60 }, (_, i) => ({
      name: `p${i}`,
      kind: 'numeric' as const,
      mean: 0,
      scale: 1,
      fill: null,
    })),
    target: { name: 'shape', task: 'classification', classes: ['a', 'b', 'c'] },
    missing: 'drop',
    normalize: 'none',
  };
}

/** A float32 model of the CNN with its seeded initial weights and random biases. */
export function cnnModel(maxBatch = 4) {
  const model = createModel(compileGraph(cnnGraph(), { inputWidth: 60 }), { maxBatch, seed: 3 });
  const rng = createRng(4);
  for (const l of model.layers)
    if (l.bias) for (let i = 0; i < l.bias.length; i++) l.bias[i] = rng.normal() * 0.1;
  return model;
}
