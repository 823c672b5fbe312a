import { describe, expect, it } from 'vitest';
import { EngineError } from '../../engine/errors.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import { compileGraph } from '../../engine/graph/compile.ts';
import type { CompileOptions } from '../../engine/graph/compile.ts';
import type { Activation, GraphNode, GraphSpec } from '../../engine/graph/types.ts';
import { denseNode } from './helpers.ts';

const d = denseNode;
const inp = (units = 2): GraphNode => ({ id: 'in', type: 'input', inputs: [], units });
const out = (from: string, loss = 'mse'): GraphNode =>
  ({ id: 'out', type: 'output', inputs: [from], loss }) as GraphNode;

function compileError(graph: GraphSpec, opts?: CompileOptions): EngineError {
  try {
    compileGraph(graph, opts);
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected the graph to be refused');
}

describe('compile infers shapes and parameter counts', () => {
  it('MLP 2-8-8-1', () => {
    const c = compileGraph(buildMlp({ inputs: 2, hidden: [8, 8], outputs: 1, head: 'sigmoid' }));
    expect(c.order.map((n) => n.id)).toEqual(['input', 'dense1', 'dense2', 'dense3', 'output']);
    expect(c.params.map((p) => [p.kernel, p.bias])).toEqual([
      [[2, 8], [8]],
      [[8, 8], [8]],
      [[8, 1], [1]],
    ]);
    expect(c.paramCount).toBe(2 * 8 + 8 + 8 * 8 + 8 + 8 + 1);
    expect(c.fusedId).toBe('dense3');
  });

  it('branches: concat width is the sum, add keeps the width, no-bias has no bias', () => {
    const c = compileGraph({
      nodes: [
        inp(3),
        d('a', 'in', 4),
        d('b', 'in', 5, 'tanh', { useBias: false }),
        { id: 'cat', type: 'concatenate', inputs: ['a', 'b'] },
        d('c', 'cat', 4),
        { id: 'sum', type: 'add', inputs: ['a', 'c'] },
        d('o', 'sum', 3, 'softmax'),
        out('o', 'categorical_crossentropy'),
      ],
    });
    expect(c.width.get('cat')).toBe(9);
    expect(c.width.get('sum')).toBe(4);
    expect(c.paramCount).toBe(3 * 4 + 4 + 3 * 5 + 9 * 4 + 4 + 4 * 3 + 3);
    expect(c.order.findIndex((n) => n.id === 'sum')).toBeGreaterThan(c.order.findIndex((n) => n.id === 'c'));
  });

  it('input width from the data fills units 0', () => {
    const c = compileGraph(buildMlp({ inputs: 0, hidden: [4], outputs: 3, head: 'softmax' }), {
      inputWidth: 7,
    });
    expect(c.params[0]!.kernel).toEqual([7, 4]);
  });
});

const cases: Array<[string, GraphSpec, CompileOptions | undefined, string, string | undefined, RegExp]> = [
  ['empty', { nodes: [] }, undefined, 'GRAPH_EMPTY', undefined, /no layers/],
  [
    'duplicate id',
    { nodes: [inp(), d('in', 'in', 2), out('in')] },
    undefined,
    'DUPLICATE_NODE_ID',
    'in',
    /Two blocks/,
  ],
  [
    'unknown input',
    { nodes: [inp(), d('h', 'nope', 2), out('h')] },
    undefined,
    'UNKNOWN_INPUT',
    'h',
    /"nope"/,
  ],
  [
    'cycle',
    {
      nodes: [inp(), { id: 's', type: 'add', inputs: ['in', 'b'] }, d('a', 'b', 2), d('b', 'a', 2), out('s')],
    },
    undefined,
    'CYCLE',
    'b',
    /cycle/,
  ],
  ['no output', { nodes: [inp(), d('h', 'in', 2)] }, undefined, 'NO_OUTPUT', undefined, /no output/],
  ['no input', { nodes: [d('h', 'x', 2)] }, undefined, 'UNKNOWN_INPUT', 'h', /does not exist/],
  [
    'dangling branch',
    { nodes: [inp(), d('h', 'in', 2), d('dead', 'in', 3), out('h')] },
    undefined,
    'UNCONNECTED_NODE',
    'dead',
    /does not lead to the output/,
  ],
  [
    'add of unequal widths',
    {
      nodes: [
        inp(),
        d('a', 'in', 2),
        d('b', 'in', 3),
        { id: 'sum', type: 'add', inputs: ['a', 'b'] },
        out('sum'),
      ],
    },
    undefined,
    'WIDTH_MISMATCH',
    'sum',
    /"a" has 2, "b" has 3/,
  ],
  [
    'softmax with a regression loss',
    { nodes: [inp(), d('o', 'in', 3, 'softmax'), out('o', 'mse')] },
    undefined,
    'LOSS_ACTIVATION_MISMATCH',
    'out',
    /softmax goes with categorical cross-entropy/,
  ],
  [
    'cross-entropy without softmax',
    { nodes: [inp(), d('o', 'in', 3, 'relu'), out('o', 'categorical_crossentropy')] },
    undefined,
    'LOSS_ACTIVATION_MISMATCH',
    'out',
    /needs a softmax/,
  ],
  [
    'binary cross-entropy without sigmoid',
    { nodes: [inp(), d('o', 'in', 1, 'tanh'), out('o', 'binary_crossentropy')] },
    undefined,
    'LOSS_ACTIVATION_MISMATCH',
    'out',
    /needs a sigmoid/,
  ],
  [
    'softmax in a hidden layer',
    { nodes: [inp(), d('h', 'in', 3, 'softmax'), d('o', 'h', 1, 'linear'), out('o')] },
    undefined,
    'SOFTMAX_NOT_AT_OUTPUT',
    'h',
    /only allowed right before the output/,
  ],
  ['units 1e9', { nodes: [inp(), d('h', 'in', 1e9), out('h')] }, undefined, 'BAD_NODE', 'h', /units must be/],
  [
    'dropout rate 1',
    { nodes: [inp(), { id: 'dr', type: 'dropout', inputs: ['in'], rate: 1 }, out('dr')] },
    undefined,
    'BAD_NODE',
    'dr',
    /rate/,
  ],
  [
    'add with one input',
    { nodes: [inp(), { id: 's', type: 'add', inputs: ['in'] }, out('s')] },
    undefined,
    'ARITY',
    's',
    /2 to 64/,
  ],
  [
    'two outputs',
    { nodes: [inp(), out('in'), { id: 'o2', type: 'output', inputs: ['in'], loss: 'mse' }] },
    undefined,
    'MULTIPLE_OUTPUTS',
    'o2',
    /2 output layers/,
  ],
  [
    'output width vs data',
    { nodes: [inp(), d('o', 'in', 2, 'linear'), out('o')] },
    { outputWidth: 1 },
    'OUTPUT_WIDTH_MISMATCH',
    'out',
    /2 unit\(s\) but the data needs 1/,
  ],
  [
    'input width vs data',
    { nodes: [inp(3), d('o', 'in', 1, 'linear'), out('o')] },
    { inputWidth: 4 },
    'INPUT_WIDTH_MISMATCH',
    'in',
    /3 units but the data has 4/,
  ],
  [
    'unknown activation',
    { nodes: [inp(), d('o', 'in', 1, 'swishy' as Activation), out('o')] },
    undefined,
    'BAD_NODE',
    'o',
    /unknown activation "swishy"/,
  ],
  [
    'too many parameters',
    { nodes: [inp(16000), d('a', 'in', 16000), d('b', 'a', 1, 'linear'), out('b')] },
    undefined,
    'TOO_LARGE',
    'a',
    /more than 16,777,216 parameters/,
  ],
];

describe('compile refuses bad graphs, naming the node', () => {
  it.each(cases)('%s', (_name, graph, opts, code, nodeId, message) => {
    const e = compileError(graph, opts);
    expect(e.code).toBe(code);
    expect(e.nodeId).toBe(nodeId);
    expect(e.message).toMatch(message);
  });
});
