import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../engine/errors.ts';
import { FILE_LIMITS, parseWeights } from '../../../engine/formats/index.ts';
import { expectEngineError, xorWeightsJson, xorWeightsText } from './helpers.ts';
import type { Json } from './helpers.ts';

interface Case {
  name: string;
  /** Edits the valid XOR file as data, or returns new text. */
  edit: (f: Json) => void | string;
  code: ErrorCode;
  path: string;
  message?: string;
}

const node = (f: Json, id: string) => f.graph.nodes.find((n: Json) => n.id === id);
const dense = (units: number) => ({
  id: 'extra',
  type: 'dense',
  inputs: ['in'],
  units,
  activation: 'relu',
  useBias: false,
  kernelInitializer: 'he_normal',
});

const cases: Case[] = [
  // envelope
  {
    name: 'wrong format',
    edit: (f) => void (f.format = 'keras/h5'),
    code: 'BAD_FORMAT',
    path: 'format',
    message: 'keras/h5',
  },
  { name: 'no format', edit: (f) => void delete f.format, code: 'BAD_FORMAT', path: 'format' },
  {
    name: 'project file',
    edit: (f) => void (f.format = 'backprop-studio/project'),
    code: 'BAD_FORMAT',
    path: 'format',
    message: 'project file',
  },
  { name: 'top-level list', edit: () => '[1, 2]', code: 'BAD_FORMAT', path: 'format' },
  {
    name: 'future version',
    edit: (f) => void (f.version = 2),
    code: 'UNSUPPORTED_VERSION',
    path: 'version',
    message: 'version 2',
  },
  { name: 'version as text', edit: (f) => void (f.version = '1'), code: 'BAD_FILE', path: 'version' },
  { name: 'version 0', edit: (f) => void (f.version = 0), code: 'BAD_FILE', path: 'version' },
  // strict objects
  {
    name: 'unknown top-level key',
    edit: (f) => void (f.extra = 1),
    code: 'BAD_FILE',
    path: 'extra',
    message: 'not a known field',
  },
  {
    name: 'unknown node key',
    edit: (f) => void (f.graph.nodes[1].color = 'red'),
    code: 'BAD_FILE',
    path: 'graph.nodes[1].color',
  },
  {
    name: 'unknown tensor key',
    edit: (f) => void (f.parameters.hidden.kernel.dtype = 'f32'),
    code: 'BAD_FILE',
    path: 'parameters.hidden.kernel.dtype',
  },
  {
    name: 'unknown metadata key',
    edit: (f) => void (f.metadata.author = 'me'),
    code: 'BAD_FILE',
    path: 'metadata.author',
  },
  {
    name: 'missing metadata',
    edit: (f) => void delete f.metadata,
    code: 'BAD_FILE',
    path: 'metadata',
    message: 'missing',
  },
  // values
  {
    name: '1e400 in a kernel',
    edit: () => xorWeightsText().replace('-1.4749701', '1e400'),
    code: 'BAD_FILE',
    path: 'parameters.hidden.kernel.data[0]',
    message: 'Infinity',
  },
  {
    name: '-1e400 in a mean',
    edit: () => xorWeightsText().replace('"mean": 0.5', '"mean": -1e400'),
    code: 'BAD_FILE',
    path: 'preprocessing.features[0].mean',
    message: 'Infinity',
  },
  {
    name: 'null in data',
    edit: (f) => void (f.parameters.logit.kernel.data[2] = null),
    code: 'BAD_FILE',
    path: 'parameters.logit.kernel.data[2]',
    message: 'finite number',
  },
  {
    name: 'units as text',
    edit: (f) => void (f.graph.nodes[1].units = '4'),
    code: 'BAD_FILE',
    path: 'graph.nodes[1].units',
  },
  {
    name: 'fractional units',
    edit: (f) => void (f.graph.nodes[1].units = 4.5),
    code: 'BAD_FILE',
    path: 'graph.nodes[1].units',
    message: 'whole number',
  },
  {
    name: 'unknown node type',
    edit: (f) => void (f.graph.nodes[1].type = 'lstm'),
    code: 'BAD_FILE',
    path: 'graph.nodes[1].type',
    message: '"lstm"',
  },
  {
    name: 'unknown activation',
    edit: (f) => void (f.graph.nodes[1].activation = 'swish'),
    code: 'BAD_FILE',
    path: 'graph.nodes[1].activation',
    message: 'swish',
  },
  {
    name: 'unknown loss',
    edit: (f) => void (f.graph.nodes[3].loss = 'hinge'),
    code: 'BAD_FILE',
    path: 'graph.nodes[3].loss',
  },
  {
    name: 'bad id characters',
    edit: (f) => void (f.graph.nodes[3].id = 'out put'),
    code: 'BAD_FILE',
    path: 'graph.nodes[3].id',
    message: 'letters, digits',
  },
  {
    name: 'id too long',
    edit: (f) => void (f.graph.nodes[3].id = 'o'.repeat(65)),
    code: 'TOO_LARGE',
    path: 'graph.nodes[3].id',
  },
  {
    name: 'bad timestamp',
    edit: (f) => void (f.metadata.createdAt = 'yesterday'),
    code: 'BAD_FILE',
    path: 'metadata.createdAt',
    message: 'ISO 8601',
  },
  {
    name: 'dropout rate 1',
    edit: (f) => void f.graph.nodes.splice(3, 0, { id: 'drop', type: 'dropout', inputs: ['logit'], rate: 1 }),
    code: 'BAD_FILE',
    path: 'graph.nodes[3].rate',
    message: 'less than 1',
  },
  // graph structure
  {
    name: 'duplicate id',
    edit: (f) => void (f.graph.nodes[2].id = 'hidden'),
    code: 'DUPLICATE_NODE_ID',
    path: 'graph.nodes[2].id',
  },
  {
    name: 'unknown input',
    edit: (f) => void (f.graph.nodes[2].inputs = ['nowhere']),
    code: 'UNKNOWN_INPUT',
    path: 'graph.nodes[2].inputs[0]',
    message: 'nowhere',
  },
  {
    name: 'not topological',
    edit: (f) => void f.graph.nodes.reverse(),
    code: 'BAD_FILE',
    path: 'graph.nodes[0]',
    message: 'topological order',
  },
  {
    name: 'softmax inside',
    edit: (f) => void (node(f, 'hidden').activation = 'softmax'),
    code: 'SOFTMAX_NOT_AT_OUTPUT',
    path: 'graph.nodes[1]',
  },
  { name: 'no output', edit: (f) => void f.graph.nodes.pop(), code: 'NO_OUTPUT', path: 'graph' },
  {
    name: 'too many nodes',
    edit: (f) => void (f.graph.nodes = Array(FILE_LIMITS.nodes + 1).fill(f.graph.nodes[0])),
    code: 'TOO_LARGE',
    path: 'graph.nodes',
  },
  // parameters
  {
    name: 'wrong kernel shape',
    edit: (f) => void (f.parameters.hidden.kernel.shape = [4, 2]),
    code: 'BAD_FILE',
    path: 'parameters.hidden.kernel.shape',
    message: '[2, 4]',
  },
  {
    // A batchnorm's kernel has rank 1: the graph says which rank a node's kernel has.
    name: 'kernel shape rank',
    edit: (f) => void (f.parameters.hidden.kernel.shape = [8]),
    code: 'BAD_FILE',
    path: 'parameters.hidden.kernel.shape',
    message: 'is [8] but the graph needs [2, 4]',
  },
  {
    name: 'kernel shape rank above 4',
    edit: (f) => void (f.parameters.hidden.kernel.shape = [1, 1, 1, 2, 4]),
    code: 'BAD_FILE',
    path: 'parameters.hidden.kernel.shape',
  },
  {
    name: 'moving statistics on a dense node',
    edit: (f) => void Object.assign(f.parameters.hidden, { movingMean: { shape: [4], data: [0, 0, 0, 0] } }),
    code: 'BAD_FILE',
    path: 'parameters.hidden.movingMean',
    message: 'not a batchnorm node',
  },
  {
    name: 'data length',
    edit: (f) => void f.parameters.hidden.kernel.data.pop(),
    code: 'BAD_FILE',
    path: 'parameters.hidden.kernel.data',
    message: '7 numbers',
  },
  {
    name: 'bias length',
    edit: (f) => void f.parameters.hidden.bias.data.push(0),
    code: 'BAD_FILE',
    path: 'parameters.hidden.bias.data',
    message: '5 numbers',
  },
  {
    name: 'missing dense parameters',
    edit: (f) => void delete f.parameters.logit,
    code: 'BAD_FILE',
    path: 'parameters.logit',
    message: 'missing',
  },
  {
    name: 'extra parameters',
    edit: (f) => void (f.parameters.ghost = f.parameters.logit),
    code: 'BAD_FILE',
    path: 'parameters.ghost',
    message: 'no dense node',
  },
  {
    name: 'bias null',
    edit: (f) => void (f.parameters.logit.bias = null),
    code: 'BAD_FILE',
    path: 'parameters.logit.bias',
    message: 'an object',
  },
  {
    name: 'bias without useBias',
    edit: (f) => void (node(f, 'logit').useBias = false),
    code: 'BAD_FILE',
    path: 'parameters.logit.bias',
    message: 'useBias: false',
  },
  {
    name: 'no bias with useBias',
    edit: (f) => void delete f.parameters.logit.bias,
    code: 'BAD_FILE',
    path: 'parameters.logit.bias',
    message: 'missing',
  },
  {
    name: 'dense node with no parameters',
    edit: (f) => void f.graph.nodes.splice(1, 0, dense(3)),
    code: 'UNCONNECTED_NODE',
    path: 'graph.nodes[1]',
  },
  // preprocessing against the graph
  {
    name: 'one feature too many',
    edit: (f) =>
      void f.preprocessing.features.push({ name: 'c', kind: 'numeric', mean: 0, scale: 1, fill: null }),
    code: 'INPUT_WIDTH_MISMATCH',
    path: 'preprocessing.features',
    message: 'a: 1, b: 1, c: 1',
  },
  {
    name: 'categorical widens the input',
    edit: (f) =>
      void (f.preprocessing.features[1] = {
        name: 'b',
        kind: 'categorical',
        categories: ['x', 'y'],
        fill: null,
      }),
    code: 'INPUT_WIDTH_MISMATCH',
    path: 'preprocessing.features',
    message: 'b: 2',
  },
  {
    name: 'three classes, one output',
    edit: (f) => void f.preprocessing.target.classes.push('2'),
    code: 'OUTPUT_WIDTH_MISMATCH',
    path: 'preprocessing.target',
    message: '3 classes',
  },
  {
    name: 'regression with cross-entropy',
    edit: (f) => void (f.preprocessing.target = { name: 'y', task: 'regression', mean: 0, scale: 1 }),
    code: 'BAD_TARGET',
    path: 'preprocessing.target',
  },
  {
    name: 'duplicate feature name',
    edit: (f) => void (f.preprocessing.features[1].name = 'a'),
    code: 'BAD_FILE',
    path: 'preprocessing.features[1].name',
    message: 'repeats',
  },
  {
    name: 'duplicate class',
    edit: (f) => void (f.preprocessing.target.classes = ['0', '0']),
    code: 'BAD_FILE',
    path: 'preprocessing.target.classes[1]',
  },
  {
    name: 'zero scale',
    edit: (f) => void (f.preprocessing.features[0].scale = 0),
    code: 'BAD_FILE',
    path: 'preprocessing.features[0].scale',
    message: 'greater than 0',
  },
  {
    name: 'fill not a category',
    edit: (f) =>
      void (f.preprocessing.features[1] = { name: 'b', kind: 'categorical', categories: ['x'], fill: 'z' }),
    code: 'BAD_FILE',
    path: 'preprocessing.features[1].fill',
  },
  {
    name: 'target is a feature',
    edit: (f) => void (f.preprocessing.target.name = 'a'),
    code: 'BAD_FILE',
    path: 'preprocessing.features[0].name',
  },
  {
    name: 'unknown missing rule',
    edit: (f) => void (f.preprocessing.missing = 'zero'),
    code: 'BAD_FILE',
    path: 'preprocessing.missing',
  },
];

describe('parseWeights refuses a broken file and says where', () => {
  it.each(cases)('$name → $code at $path', ({ edit, code, path, message }) => {
    const f = xorWeightsJson();
    const text = edit(f) ?? JSON.stringify(f);
    expectEngineError(() => parseWeights(text), code, { path, ...(message ? { message } : {}) });
  });

  it('accepts the unedited file', () => {
    expect(parseWeights(JSON.stringify(xorWeightsJson())).graph.nodes).toHaveLength(4);
  });
});

// The code and path show which check refused the file: a cap, before any array of that size was made
// (making one would fail differently, or not at all). How fast is not asserted: a wall-clock limit
// fails on a busy machine although nothing is wrong.
describe('size caps come before allocation', () => {
  const refused = (f: Json, code: ErrorCode, path: string) =>
    expectEngineError(() => parseWeights(JSON.stringify(f)), code, { path });
  it('refuses shape [1e9, 1e9] from the shape alone', () => {
    const f = xorWeightsJson();
    f.parameters.hidden.kernel.shape = [1e9, 1e9];
    refused(f, 'TOO_LARGE', 'parameters.hidden.kernel.shape[0]');
  });
  it('refuses a graph whose widths would need too many parameters', () => {
    const f = xorWeightsJson();
    const big = (id: string, input: string) => ({ ...dense(FILE_LIMITS.units), id, inputs: [input] });
    f.graph.nodes.splice(1, 0, big('w1', 'in'), big('w2', 'w1'));
    f.graph.nodes[3].inputs = ['w2'];
    refused(f, 'TOO_LARGE', 'graph.nodes[2]');
  });
  it('refuses a kernel shape within the caps that the graph does not call for, without reading data', () => {
    const f = xorWeightsJson();
    f.parameters.hidden.kernel.shape = [FILE_LIMITS.units, FILE_LIMITS.units];
    refused(f, 'BAD_FILE', 'parameters.hidden.kernel.shape');
  });
  it('refuses a data list longer than the parameter cap', () => {
    const f = xorWeightsJson();
    f.parameters.hidden.bias.data = new Array(FILE_LIMITS.parameters + 1).fill(0);
    expectEngineError(() => parseWeights(JSON.stringify(f)), 'TOO_LARGE', {
      path: 'parameters.hidden.bias.data',
    });
  });
  it('refuses text longer than the cap before parsing it', () => {
    const text = ' '.repeat(FILE_LIMITS.textLength + 1);
    expectEngineError(() => parseWeights(text), 'TOO_LARGE', { message: 'MB' });
  });
});
