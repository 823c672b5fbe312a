// Each kind's check of its settings and of its width, at the edges: the largest width allowed and
// the first refused, zero where zero is allowed, and values of the wrong type (files are untrusted).
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../engine/errors.ts';
import { compileGraph } from '../../../engine/graph/compile.ts';
import type { CompileOptions } from '../../../engine/graph/compile.ts';
import { LIMITS } from '../../../engine/graph/limits.ts';
import type { GraphNode } from '../../../engine/graph/types.ts';
import { isLayerType } from '../../../engine/layers/registry.ts';
import { createModel } from '../../../engine/model/model.ts';
import { forward, loadRows } from '../../../engine/model/run.ts';
import { createRng } from '../../../engine/rng.ts';
import { denseNode } from '../helpers.ts';

const MAX = LIMITS.units;

/** in(units) → the node under test (id 'x', reading 'in') → out. */
function graphWith(x: Record<string, unknown>, units = 2): GraphNode[] {
  return [
    { id: 'in', type: 'input', inputs: [], units },
    { id: 'x', inputs: ['in'], ...x } as GraphNode,
    { id: 'out', type: 'output', inputs: ['x'], loss: 'mse' },
  ];
}

/** The error compiling `nodes` throws, as code, key and the problem's key and params. */
function failure(nodes: GraphNode[], opts: CompileOptions = {}) {
  try {
    compileGraph({ nodes }, opts);
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    const problem = (e.params as { problem?: { key: string; params: object } } | undefined)?.problem;
    return { code: e.code, key: e.key, nodeId: e.nodeId, problem, params: e.params };
  }
  return null;
}

const dense = (extra: Record<string, unknown>) => ({ ...denseNode('x', 'in', 2, 'linear'), ...extra });

describe('dense settings', () => {
  it.each([
    [{ units: MAX }, null],
    [{ units: MAX + 1 }, 'graph.node.unitsRange'],
    [{ units: 1.5 }, 'graph.node.unitsRange'],
    [{ units: '3' }, 'graph.node.unitsRange'],
    [{ kernelInitializer: 'ones' }, 'graph.node.unknownInitializer'],
    [{ useBias: 1 }, 'graph.node.useBiasBoolean'],
    [{ l1: 0, l2: 0 }, null],
    [{ l1: -0.1 }, 'graph.node.penaltyRange'],
    [{ l2: -0.1 }, 'graph.node.penaltyRange'],
    [{ l2: Infinity }, 'graph.node.penaltyRange'],
    [{ l1: '0.1' }, 'graph.node.penaltyRange'],
    [{ alpha: NaN }, 'graph.node.alphaFinite'],
  ])('%o → %s', (extra, problem) => {
    const f = failure(graphWith(dense(extra)));
    if (problem === null) expect(f).toBeNull();
    else
      expect(f).toMatchObject({
        code: 'BAD_NODE',
        key: 'graph.badNode',
        nodeId: 'x',
        problem: { key: problem },
      });
  });

  it('names the initialiser it does not know', () => {
    expect(failure(graphWith(dense({ kernelInitializer: 'ones' })))?.problem).toEqual({
      key: 'graph.node.unknownInitializer',
      params: { initializer: 'ones' },
    });
  });
});

describe('activation, dropout and output settings', () => {
  it.each([
    [{ type: 'activation', activation: 'elu', alpha: Infinity }, 'graph.node.alphaFinite'],
    [{ type: 'activation', activation: 'elu', alpha: 0.5 }, null],
    [{ type: 'dropout', rate: 0 }, null],
    [{ type: 'dropout', rate: 0.99 }, null],
    [{ type: 'dropout', rate: 1 }, 'graph.node.rateRange'],
    [{ type: 'dropout', rate: -0.1 }, 'graph.node.rateRange'],
    [{ type: 'dropout', rate: '0.5' }, 'graph.node.rateRange'],
  ])('%o → %s', (x, problem) => {
    const f = failure(graphWith(x));
    if (problem === null) expect(f).toBeNull();
    else expect(f).toMatchObject({ code: 'BAD_NODE', nodeId: 'x', problem: { key: problem } });
  });

  it('output: a loss it does not know', () => {
    const nodes: GraphNode[] = [
      { id: 'in', type: 'input', inputs: [], units: 2 },
      { id: 'x', type: 'output', inputs: ['in'], loss: 'hinge' } as unknown as GraphNode,
    ];
    expect(failure(nodes)).toMatchObject({
      code: 'BAD_NODE',
      nodeId: 'x',
      problem: { key: 'graph.node.unknownLoss', params: { loss: 'hinge' } },
    });
  });
});

describe('input width', () => {
  const linear = (units: number): GraphNode[] => [
    { id: 'in', type: 'input', inputs: [], units },
    denseNode('x', 'in', 1, 'linear'),
    { id: 'out', type: 'output', inputs: ['x'], loss: 'mse' },
  ];

  it.each([
    [MAX, {}, null],
    [0, { inputWidth: MAX }, null],
    [MAX + 1, {}, { code: 'BAD_NODE', problem: { key: 'graph.node.inputUnitsRange', params: { max: MAX } } }],
    [0, {}, { code: 'INPUT_WIDTH_MISMATCH', key: 'graph.inputNoWidth', params: { id: 'in' } }],
    [
      0,
      { inputWidth: MAX + 1 },
      { code: 'TOO_LARGE', key: 'graph.inputTooWide', params: { id: 'in', max: MAX } },
    ],
  ] as const)('units %i, data %o', (units, opts, want) => {
    const f = failure(linear(units), opts);
    if (want === null) expect(f).toBeNull();
    else expect(f).toMatchObject({ ...want, nodeId: 'in' });
  });
});

describe('concatenate width', () => {
  const concat = (a: number, b: number): GraphNode[] => [
    { id: 'in', type: 'input', inputs: [], units: 1 },
    denseNode('a', 'in', a, 'linear'),
    denseNode('b', 'in', b, 'linear'),
    { id: 'x', type: 'concatenate', inputs: ['a', 'b'] },
    { id: 'out', type: 'output', inputs: ['x'], loss: 'mse' },
  ];

  it('takes widths that add up to the limit, and refuses one more', () => {
    expect(failure(concat(MAX - 1, 1))).toBeNull();
    expect(failure(concat(MAX, 1))).toMatchObject({
      code: 'TOO_LARGE',
      key: 'graph.concatTooWide',
      nodeId: 'x',
      params: { id: 'x', max: MAX },
    });
  });
});

describe('registry', () => {
  it('knows its own kinds only, by their names as strings', () => {
    expect(isLayerType('dense')).toBe(true);
    expect(isLayerType('toString')).toBe(false);
    expect(isLayerType({ toString: () => 'dense' })).toBe(false);
    expect(isLayerType(['dense'])).toBe(false);
  });
});

describe('α', () => {
  it('a leaky ReLU’s own α is the slope below zero (not the default 0.2)', () => {
    const nodes: GraphNode[] = [
      { id: 'in', type: 'input', inputs: [], units: 1 },
      denseNode('x', 'in', 1, 'leaky_relu', { alpha: 0.05 }),
      { id: 'out', type: 'output', inputs: ['x'], loss: 'mse' },
    ];
    const model = createModel(compileGraph({ nodes }), { maxBatch: 1, dtype: 'float64', seed: 1 });
    model.params.set([1, 0]); // kernel 1, bias 0
    loadRows(model, [-2], null, 0, 1);
    expect(forward(model, { B: 1, training: false, rng: createRng(1) })[0]).toBeCloseTo(-0.1, 15);
  });
});
