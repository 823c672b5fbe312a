import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../engine/graph/compile.ts';
import { NODE_TYPES } from '../../engine/graph/types.ts';
import type { GraphNode } from '../../engine/graph/types.ts';
import { LAYERS, PALETTE } from '../../engine/layers/registry.ts';
import {
  BLOCKS,
  blockInfo,
  fieldShown,
  fieldValue,
  fromGraphNode,
  toGraphNode,
  withField,
} from '../../renderer/src/lib/blocks.ts';
import type { LayerData } from '../../renderer/src/lib/blocks.ts';

const dense = (extra: Partial<Extract<LayerData, { kind: 'dense' }>> = {}): LayerData => ({
  kind: 'dense',
  units: 5,
  activation: 'tanh',
  useBias: true,
  initializer: 'glorot_normal',
  l1: 0,
  l2: 0,
  ...extra,
});

// [name, editor block, inputs, engine node]
const pairs: [string, LayerData, string[], GraphNode][] = [
  ['input', { kind: 'input' }, [], { id: 'n', type: 'input', inputs: [], units: 0 }],
  [
    'dense',
    dense(),
    ['a'],
    {
      id: 'n',
      type: 'dense',
      inputs: ['a'],
      units: 5,
      activation: 'tanh',
      useBias: true,
      kernelInitializer: 'glorot_normal',
    },
  ],
  [
    'dense with l1, l2 and alpha, no bias',
    dense({
      activation: 'leaky_relu',
      alpha: 0.3,
      l1: 0.01,
      l2: 0.002,
      useBias: false,
      initializer: 'zeros',
    }),
    ['a'],
    {
      id: 'n',
      type: 'dense',
      inputs: ['a'],
      units: 5,
      activation: 'leaky_relu',
      useBias: false,
      kernelInitializer: 'zeros',
      l1: 0.01,
      l2: 0.002,
      alpha: 0.3,
    },
  ],
  [
    'dense with alpha 0',
    dense({ activation: 'elu', alpha: 0 }),
    ['a'],
    {
      id: 'n',
      type: 'dense',
      inputs: ['a'],
      units: 5,
      activation: 'elu',
      useBias: true,
      kernelInitializer: 'glorot_normal',
      alpha: 0,
    },
  ],
  [
    'activation',
    { kind: 'activation', activation: 'softplus' },
    ['a'],
    { id: 'n', type: 'activation', inputs: ['a'], activation: 'softplus' },
  ],
  [
    'activation with alpha',
    { kind: 'activation', activation: 'elu', alpha: 0.5 },
    ['a'],
    { id: 'n', type: 'activation', inputs: ['a'], activation: 'elu', alpha: 0.5 },
  ],
  ['add', { kind: 'add' }, ['a', 'b', 'c'], { id: 'n', type: 'add', inputs: ['a', 'b', 'c'] }],
  ['concatenate', { kind: 'concatenate' }, ['b', 'a'], { id: 'n', type: 'concatenate', inputs: ['b', 'a'] }],
  [
    'dropout',
    { kind: 'dropout', rate: 0.35 },
    ['a'],
    { id: 'n', type: 'dropout', inputs: ['a'], rate: 0.35 },
  ],
  ...(['mse', 'mae', 'binary_crossentropy', 'categorical_crossentropy'] as const).map(
    (loss): [string, LayerData, string[], GraphNode] => [
      `output (${loss})`,
      { kind: 'output', loss },
      ['a'],
      { id: 'n', type: 'output', inputs: ['a'], loss },
    ],
  ),
];

describe('toGraphNode and fromGraphNode', () => {
  it.each(pairs)('%s: block → node → block', (_name, block, inputs, node) => {
    expect(toGraphNode('n', inputs, block)).toStrictEqual(node);
    expect(fromGraphNode(node)).toStrictEqual(block);
  });

  it('a dense node without penalties reads as l1 = l2 = 0, and those are not written back', () => {
    const node: GraphNode = {
      id: 'd',
      type: 'dense',
      inputs: ['x'],
      units: 3,
      activation: 'relu',
      useBias: true,
      kernelInitializer: 'he_normal',
    };
    const block = fromGraphNode(node);
    expect(block).toMatchObject({ l1: 0, l2: 0 });
    expect('alpha' in block).toBe(false);
    expect(toGraphNode('d', ['x'], block)).toStrictEqual(node);
  });

  it('an input block ignores inputs handed to it', () => {
    expect(toGraphNode('in', ['stray'], { kind: 'input' }).inputs).toEqual([]);
  });
});

describe('the palette', () => {
  it('has one block per kind the engine offers, and blockInfo finds every node type', () => {
    expect(BLOCKS.map((b) => b.kind)).toEqual([...PALETTE]);
    for (const kind of NODE_TYPES) {
      expect(blockInfo(kind).kind).toBe(kind);
      expect(blockInfo(kind).make().kind).toBe(kind);
    }
  });

  it('takes arity, fields and defaults from the engine registry', () => {
    for (const kind of NODE_TYPES) {
      expect(blockInfo(kind).arity).toBe(LAYERS[kind].arity);
      expect(blockInfo(kind).fields).toBe(LAYERS[kind].fields);
      const node = toGraphNode('n', ['a', 'b'].slice(0, LAYERS[kind].arity[0]), blockInfo(kind).make());
      expect(node).toMatchObject(LAYERS[kind].defaults);
    }
  });

  it('bounds and rounds what the inspector sets, as each field says', () => {
    const field = (kind: 'dense' | 'dropout', key: string) => LAYERS[kind].fields.find((f) => f.key === key)!;
    const d = blockInfo('dense').make();
    expect(withField(d, field('dense', 'units'), 0.4)).toMatchObject({ units: 1 });
    expect(withField(d, field('dense', 'units'), 12.6)).toMatchObject({ units: 13 });
    expect(withField(d, field('dense', 'l2'), -1)).toMatchObject({ l2: 0 });
    expect(withField(d, field('dense', 'kernelInitializer'), 'zeros')).toMatchObject({
      initializer: 'zeros',
    });
    const drop = blockInfo('dropout').make();
    expect(withField(drop, field('dropout', 'rate'), 0.99)).toMatchObject({ rate: 0.95 });
    const alpha = field('dense', 'alpha');
    expect(fieldShown(alpha, d)).toBe(false);
    const leaky = withField(d, field('dense', 'activation'), 'leaky_relu');
    expect(fieldShown(alpha, leaky)).toBe(true);
    expect(fieldValue(alpha, leaky)).toBe(0.2);
    expect(fieldValue(alpha, withField(leaky, alpha, 0.1))).toBe(0.1);
  });

  it('make() gives a fresh object each time', () => {
    for (const b of BLOCKS) expect(b.make()).not.toBe(b.make());
  });

  // input(8) → [block] → head: dense(2, softmax) → output(categorical cross-entropy), all from make();
  // a merge block also takes a default dense (8 units) from the input. Parameters by hand.
  const cases: [string, number][] = [
    ['input', 8 * 2 + 2],
    ['output', 8 * 2 + 2],
    ['dense', 8 * 8 + 8 + (8 * 2 + 2)],
    ['activation', 8 * 2 + 2],
    ['dropout', 8 * 2 + 2],
    ['add', 8 * 8 + 8 + (8 * 2 + 2)],
    ['concatenate', 8 * 8 + 8 + (16 * 2 + 2)],
  ];
  it.each(cases)('the default %s block compiles in a minimal graph (%i parameters)', (kind, params) => {
    const block = blockInfo(kind as GraphNode['type']);
    const [min] = block.arity;
    const nodes: GraphNode[] = [toGraphNode('input', [], blockInfo('input').make())];
    let last = 'input';
    if (kind !== 'input' && kind !== 'output') {
      const inputs = ['input'];
      if (min === 2) {
        nodes.push(toGraphNode('pre', ['input'], blockInfo('dense').make()));
        inputs.push('pre');
      }
      nodes.push(toGraphNode('x', inputs, block.make()));
      last = 'x';
    }
    const head = { ...blockInfo('dense').make(), units: 2, activation: 'softmax' } as LayerData;
    nodes.push(toGraphNode('head', [last], head));
    nodes.push(toGraphNode('output', ['head'], blockInfo('output').make()));
    const c = compileGraph({ nodes }, { inputWidth: 8, outputWidth: 2 });
    expect(c.paramCount).toBe(params);
    expect(c.order.map((n) => n.id)).toEqual(nodes.map((n) => n.id));
  });
});
