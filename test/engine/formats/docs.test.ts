import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  loadWeights,
  parseProject,
  parseWeights,
  PROJECT_FORMAT,
  WEIGHTS_FORMAT,
} from '../../../engine/formats/index.ts';
import type { WeightsFile } from '../../../engine/formats/index.ts';
import { exportWeights, serializeWeights } from '../../../engine/formats/index.ts';
import type { GraphNode, GraphSpec } from '../../../engine/graph/types.ts';
import { modelFromWeights, predictAll } from '../../../engine/model/infer.ts';
import { layerWeights } from '../../../engine/model/model.ts';
import { createRng } from '../../../engine/rng.ts';
import { createTrainer } from '../../../engine/train/trainer.ts';
import { denseNode } from '../helpers.ts';
import { xorWeightsText } from './helpers.ts';

const doc = readFileSync(new URL('../../../docs/file-formats.md', import.meta.url), 'utf8');
const blocks = (lang: string) =>
  [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

type Predict = (file: WeightsFile, row: Record<string, unknown>) => Record<string, number> | number;
const predict = new Function(`${blocks('js')[0]}\nreturn predict;`)() as Predict;

describe('docs/file-formats.md', () => {
  const json = blocks('json');

  it('has one example of each format', () => {
    const formats = json.map((b) => (JSON.parse(b) as { format: string }).format);
    expect(formats.sort()).toEqual([PROJECT_FORMAT, WEIGHTS_FORMAT].sort());
  });

  it.each(json.map((b, i) => [i, b] as const))('example %i passes the parser', (_i, text) => {
    const format = (JSON.parse(text) as { format: string }).format;
    if (format === WEIGHTS_FORMAT) expect(parseWeights(text).format).toBe(format);
    else expect(parseProject(text).format).toBe(format);
  });

  it('shows the weights file exactly as the app writes it', () => {
    const example = json.find((b) => b.includes(WEIGHTS_FORMAT))!;
    expect(example).toBe(xorWeightsText());
  });

  it('its JavaScript snippet predicts XOR and matches a direct forward pass', () => {
    const text = json.find((b) => b.includes(WEIGHTS_FORMAT))!;
    const file = parseWeights(text);
    const { parameters } = loadWeights(text);
    const h = parameters.get('hidden')!;
    const o = parameters.get('logit')!;
    for (const [a, b] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ] as const) {
      const x = [(a - 0.5) / 0.5, (b - 0.5) / 0.5];
      let z = o.bias![0]!;
      for (let j = 0; j < 4; j++)
        z += o.kernel[j]! * Math.tanh(h.bias![j]! + x[0]! * h.kernel[j]! + x[1]! * h.kernel[4 + j]!);
      const p = 1 / (1 + Math.exp(-z));
      const got = predict(file, { a, b }) as Record<string, number>;
      expect(got['1']).toBeCloseTo(p, 6); // the snippet computes in float64 from the decimals
      expect(got['1']! > 0.5).toBe((a ^ b) === 1);
      expect(got['0']! + got['1']!).toBeCloseTo(1, 12);
    }
  });

  it('its JavaScript snippet handles categorical features, softmax and regression', () => {
    const file = {
      graph: {
        nodes: [
          { id: 'in', type: 'input', inputs: [], units: 3 },
          { id: 'd', type: 'dense', inputs: ['in'], units: 2, activation: 'softmax', useBias: false },
          { id: 'out', type: 'output', inputs: ['d'], loss: 'categorical_crossentropy' },
        ],
      },
      parameters: { d: { kernel: { shape: [3, 2], data: [1, 0, 0, 1, 2, 2] } } },
      preprocessing: {
        features: [
          { name: 'x', kind: 'numeric', mean: 1, scale: 2, fill: 1 },
          { name: 'c', kind: 'categorical', categories: ['p', 'q'], fill: null },
        ],
        target: { name: 'y', task: 'classification', classes: ['A', 'B'] },
      },
    } as unknown as WeightsFile;
    const got = predict(file, { x: null, c: 'p' }) as Record<string, number>;

    expect(got['A']).toBeCloseTo(Math.exp(0) / (Math.exp(0) + Math.exp(1)), 12);
    expect(() => predict(file, { x: 1, c: 'r' })).toThrow(/unknown category/);
    const regression = {
      ...file,
      preprocessing: { ...file.preprocessing, target: { name: 'y', task: 'regression', mean: 10, scale: 2 } },
    };
    regression.graph = {
      nodes: [
        file.graph.nodes[0]!,
        { ...file.graph.nodes[1]!, units: 1, activation: 'linear' } as never,
        file.graph.nodes[2]!,
      ],
    };
    regression.parameters = { d: { kernel: { shape: [3, 1], data: [1, 0, 3] } } };
    expect(predict(regression as WeightsFile, { x: 5, c: 'q' })).toBeCloseTo((2 + 3) * 2 + 10, 12);
  });

  it('its JavaScript snippet predicts a trained CNN with every image kind as the engine does', () => {
    const shape = [7, 6, 2] as const;
    const size = shape[0] * shape[1] * shape[2];
    const conv = (
      id: string,
      input: string,
      filters: number,
      k: [number, number],
      s: [number, number],
      padding: 'same' | 'valid',
      activation: 'tanh' | 'relu',
    ) =>
      ({
        id,
        type: 'conv2d',
        inputs: [input],
        filters,
        kernelSize: k,
        strides: s,
        padding,
        activation,
        useBias: true,
        kernelInitializer: 'glorot_uniform',
      }) as GraphNode;
    const graph: GraphSpec = {
      nodes: [
        { id: 'x', type: 'input', inputs: [], units: 0, shape: [...shape] },
        conv('c1', 'x', 3, [3, 2], [2, 1], 'same', 'tanh'),
        { id: 'bn', type: 'batchnorm', inputs: ['c1'], momentum: 0.5 },
        { id: 'avg', type: 'avgpool2d', inputs: ['bn'], poolSize: [2, 2], strides: [1, 1], padding: 'same' },
        conv('c2', 'avg', 2, [2, 2], [1, 1], 'valid', 'relu'),
        { id: 'max', type: 'maxpool2d', inputs: ['c2'], poolSize: [2, 2], padding: 'same' },
        { id: 'flat', type: 'flatten', inputs: ['max'] },
        { id: 'gap', type: 'globalavgpool2d', inputs: ['c2'] },
        { id: 'rs', type: 'reshape', inputs: ['gap'], targetShape: [-1] },
        { id: 'cat', type: 'concatenate', inputs: ['flat', 'rs'] },
        denseNode('head', 'cat', 3, 'softmax'),
        { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
      ],
    };
    const rng = createRng(11);
    const rows = 16;
    const data = {
      n: rows,
      nIn: size,
      nOut: 3,
      x: Float32Array.from({ length: rows * size }, () => rng.normal()),
      y: Float32Array.from({ length: rows * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)),
    };
    const trainer = createTrainer({
      graph,
      train: data,
      config: {
        optimizer: { name: 'adam', learningRate: 0.05 },
        batchSize: 4,
        epochs: 2,
        validationSplit: 0,
        shuffle: true,
        seed: 2,
      },
      task: 'classification',
    });
    trainer.fit();
    const classes = ['a', 'b', 'c'];
    const text = serializeWeights(
      exportWeights({
        graph,
        parameters: layerWeights(trainer.model),
        preprocessing: {
          features: Array.from({ length: size }, (_, i) => ({
            name: `p${i}`,
            kind: 'numeric' as const,
            mean: 0,
            scale: 1,
            fill: null,
          })),
          target: { name: 'shape', task: 'classification', classes },
          missing: 'drop',
          normalize: 'none',
        },
      }),
    );
    trainer.dispose();
    const loaded = loadWeights(text);
    // The moving statistics moved, so the reference must use them to agree.
    expect(Array.from(loaded.parameters.get('bn')!.movingMean!).some((v) => Math.abs(v) > 1e-3)).toBe(true);
    const ours = predictAll(modelFromWeights(loaded.graph, loaded.parameters), data.x, rows);
    const file = JSON.parse(text) as WeightsFile;
    for (let r = 0; r < rows; r++) {
      const row = Object.fromEntries(
        Array.from({ length: size }, (_, i) => [`p${i}`, data.x[r * size + i]!]),
      );
      const got = predict(file, row) as Record<string, number>;
      classes.forEach((c, k) => expect(Math.abs(got[c]! - ours[r * 3 + k]!)).toBeLessThan(1e-5));
    }
  });
});
