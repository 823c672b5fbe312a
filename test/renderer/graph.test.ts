import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../engine/graph/compile.ts';
import type { GraphNode, GraphSpec, NodeType } from '../../engine/graph/types.ts';
import { blockInfo } from '../../renderer/src/lib/blocks.ts';
import type { LayerData } from '../../renderer/src/lib/blocks.ts';
import { templateGraph, TEMPLATES } from '../../renderer/src/lib/templates.ts';
import { autoLayout } from '../../renderer/src/lib/layout.ts';
import { GraphState } from '../../renderer/src/state/graph.svelte.ts';

const ids = (g: GraphState) => g.nodes.map((n) => n.id);
const links = (g: GraphState) => g.edges.map((e) => `${e.source}>${e.target}`);
const layer = (g: GraphState, id: string) => g.nodes.find((n) => n.id === id)!.data.layer;
const position = (g: GraphState, id: string) => g.nodes.find((n) => n.id === id)!.position;

function select(g: GraphState, ...chosen: string[]): void {
  g.nodes = g.nodes.map((n) => ({ ...n, selected: chosen.includes(n.id) }));
}

/** Adds the blocks left to right (x = 100·i) and connects each to the next. */
function chain(...kinds: NodeType[]): GraphState {
  const g = new GraphState();
  const made = kinds.map((k, i) => g.addBlock(k, { x: 100 * i, y: 0 }));
  for (let i = 1; i < made.length; i++) expect(g.connect(made[i - 1]!, made[i]!)).toBe(true);
  return g;
}

/** Undoes until nothing is left; returns how many steps there were. */
function undoAll(g: GraphState): number {
  let n = 0;
  while (g.canUndo) {
    g.undo();
    n++;
  }
  return n;
}

describe('GraphState.addBlock', () => {
  it('names blocks by kind: input and output once, the others numbered from 1 (concatenate as concat)', () => {
    const g = new GraphState();
    const kinds: NodeType[] = [
      'input',
      'dense',
      'dense',
      'concatenate',
      'concatenate',
      'add',
      'dropout',
      'activation',
      'output',
      'input',
      'output',
    ];
    const made = kinds.map((k) => g.addBlock(k, { x: 0, y: 0 }));
    const want = [
      'input',
      'dense1',
      'dense2',
      'concat1',
      'concat2',
      'add1',
      'dropout1',
      'activation1',
      'output',
      'input1',
      'output1',
    ];
    expect(made).toEqual(want);
    expect(ids(g)).toEqual(want);
  });

  it('takes the lowest free number after a block is removed', () => {
    const g = chain('input', 'dense', 'dense', 'dense');
    select(g, 'dense2');
    g.removeSelected();
    expect(g.addBlock('dense', { x: 0, y: 0 })).toBe('dense2');
    expect(g.addBlock('dense', { x: 0, y: 0 })).toBe('dense4');
  });

  it("selects only the new block, gives it the palette's defaults and the position, one undo step each", () => {
    const g = new GraphState();
    g.addBlock('input', { x: 5, y: 6 });
    const id = g.addBlock('dropout', { x: 30, y: -40 });
    expect(g.selected.map((n) => n.id)).toEqual([id]);
    expect(g.nodes.find((n) => n.id === id)).toMatchObject({
      type: 'layer',
      position: { x: 30, y: -40 },
      data: { layer: { kind: 'dropout', rate: 0.2 } },
    });
    expect(layer(g, 'input')).toEqual(blockInfo('input').make());
    expect(g.revision).toBe(2);
    expect(undoAll(g)).toBe(2);
    expect(g.nodes).toEqual([]);
  });
});

describe('GraphState.connect', () => {
  it('adds an edge named after its ends', () => {
    const g = chain('input', 'dense');
    expect(g.edges).toEqual([{ id: 'e-input-dense1', source: 'input', target: 'dense1' }]);
  });

  it.each(['dense', 'activation', 'dropout', 'output'] as const)(
    'replaces the single input of a %s block',
    (kind) => {
      const g = chain('input', 'dense', 'dense');
      const t = g.addBlock(kind, { x: 0, y: 0 });
      expect(g.connect('dense1', t)).toBe(true);
      expect(g.connect('dense2', t)).toBe(true);
      expect(links(g)).toEqual(['input>dense1', 'dense1>dense2', `dense2>${t}`]);
    },
  );

  it.each(['add', 'concatenate'] as const)('keeps every input of a %s block, in connection order', (kind) => {
    const g = chain('input', 'dense', 'dense');
    const t = g.addBlock(kind, { x: 0, y: 0 });
    g.connect('dense2', t);
    g.connect('input', t);
    g.connect('dense1', t);
    expect(g.spec().nodes.find((n) => n.id === t)!.inputs).toEqual(['dense2', 'input', 'dense1']);
  });

  // input → dense1 → dense2 → dense3 → output, plus add1 fed by dense1 and dense3.
  const refused: [string, string, string, string][] = [
    ['self-loop', 'dense2', 'dense2', 'A block cannot feed itself.'],
    ['into the input', 'dense1', 'input', 'The input block takes no inputs.'],
    ['out of the output', 'output', 'dense1', 'The output block has no outputs.'],
    ['a duplicate', 'dense1', 'dense2', 'These blocks are already connected.'],
    ['a two-block cycle', 'dense2', 'dense1', 'Connecting dense2 → dense1 would make a cycle.'],
    ['a longer cycle', 'dense3', 'dense1', 'Connecting dense3 → dense1 would make a cycle.'],
    ['a cycle through an add', 'add1', 'dense2', 'Connecting add1 → dense2 would make a cycle.'],
    ['an unknown block', 'ghost', 'dense1', 'Unknown block.'],
  ];
  it.each(refused)('refuses %s with a notice and changes nothing', (_what, source, target, message) => {
    const g = chain('input', 'dense', 'dense', 'dense', 'output');
    g.addBlock('add', { x: 0, y: 0 });
    g.connect('dense1', 'add1');
    g.connect('dense3', 'add1');
    const { edges, revision } = g;
    expect(g.refusal(source, target)).toBe(message);
    expect(g.connect(source, target)).toBe(false);
    expect(g.notice).toBe(message);
    expect(g.edges).toBe(edges);
    expect(g.revision).toBe(revision);
  });

  it('clears the notice on the next committed change', () => {
    const g = chain('input', 'dense');
    g.connect('dense1', 'dense1');
    expect(g.notice).not.toBeNull();
    g.addBlock('output', { x: 0, y: 0 });
    expect(g.notice).toBeNull();
  });
});

describe('GraphState.removeSelected', () => {
  it('removes the selected blocks and every edge attached to them', () => {
    const g = chain('input', 'dense', 'dense', 'output');
    select(g, 'dense1');
    g.removeSelected();
    expect(ids(g)).toEqual(['input', 'dense2', 'output']);
    expect(links(g)).toEqual(['dense2>output']);
  });

  it('removes a selected edge alone', () => {
    const g = chain('input', 'dense', 'output');
    select(g);
    g.edges = g.edges.map((e) => (e.target === 'output' ? { ...e, selected: true } : e));
    g.removeSelected();
    expect(ids(g)).toEqual(['input', 'dense1', 'output']);
    expect(links(g)).toEqual(['input>dense1']);
  });

  it('does nothing (and records no step) when nothing is selected', () => {
    const g = chain('input', 'dense');
    select(g);
    const revision = g.revision;
    g.removeSelected();
    expect(g.revision).toBe(revision);
    expect(undoAll(g)).toBe(3);
  });
});

describe('GraphState.duplicateSelected', () => {
  it('copies blocks with new ids, offset positions and their inner edges; input and output stay single', () => {
    const g = chain('input', 'dense', 'dense', 'output');
    g.update('dense1', { ...(layer(g, 'dense1') as Extract<LayerData, { kind: 'dense' }>), units: 5 });
    select(g, 'input', 'dense1', 'dense2', 'output');
    g.duplicateSelected();
    expect(ids(g)).toEqual(['input', 'dense1', 'dense2', 'output', 'dense3', 'dense4']);
    expect(g.selected.map((n) => n.id)).toEqual(['dense3', 'dense4']);
    expect(position(g, 'dense3')).toEqual({ x: 140, y: 40 });
    expect(position(g, 'dense4')).toEqual({ x: 240, y: 40 });
    expect(layer(g, 'dense3')).toEqual(layer(g, 'dense1'));
    expect(layer(g, 'dense3')).not.toBe(layer(g, 'dense1'));
    expect((layer(g, 'dense3') as { units: number }).units).toBe(5);
    expect(links(g)).toEqual(['input>dense1', 'dense1>dense2', 'dense2>output', 'dense3>dense4']);
    expect(g.edges.at(-1)!.id).toBe('e-dense3-dense4');
  });

  it('numbers copies of merge blocks after the originals', () => {
    const g = new GraphState();
    g.addBlock('add', { x: 0, y: 0 });
    g.addBlock('concatenate', { x: 0, y: 0 });
    select(g, 'add1', 'concat1');
    g.duplicateSelected();
    expect(ids(g)).toEqual(['add1', 'concat1', 'add2', 'concat2']);
    expect(g.edges).toEqual([]);
  });

  it('does nothing when only the input or output is selected', () => {
    const g = chain('input', 'output');
    select(g, 'input', 'output');
    const revision = g.revision;
    g.duplicateSelected();
    expect(g.revision).toBe(revision);
    expect(ids(g)).toEqual(['input', 'output']);
  });
});

describe('GraphState undo and redo', () => {
  const none = () => {};
  // [name, selection or other uncommitted preparation, the edit]
  const edits: [string, (g: GraphState) => void, (g: GraphState) => void][] = [
    ['addBlock', none, (g) => g.addBlock('dropout', { x: 1, y: 2 })],
    ['connect (replacing an input)', none, (g) => g.connect('input', 'dense2')],
    ['removeSelected', (g) => select(g, 'dense1'), (g) => g.removeSelected()],
    ['duplicateSelected', (g) => select(g, 'dense1', 'dense2'), (g) => g.duplicateSelected()],
    ['update', none, (g) => g.update('output', { kind: 'output', loss: 'mse' })],
    ['load', none, (g) => g.load(templateGraph('skip', 3, 'classification'))],
    ['fitHead', none, (g) => g.fitHead(1, 'regression')],
  ];
  it.each(edits)('%s is one step: undo restores the graph, redo re-applies it', (_name, prepare, edit) => {
    const g = chain('input', 'dense', 'dense', 'output');
    g.update('dense2', { ...(layer(g, 'dense2') as Extract<LayerData, { kind: 'dense' }>), units: 2 });
    prepare(g);
    const before = { nodes: g.nodes, edges: g.edges };
    edit(g);
    const after = { nodes: g.nodes, edges: g.edges };
    expect(after).not.toEqual(before);
    expect(g.canUndo).toBe(true);
    expect(g.canRedo).toBe(false);
    const revision = g.revision;

    g.undo();
    expect({ nodes: g.nodes, edges: g.edges }).toEqual(before);
    expect(g.canRedo).toBe(true);
    expect(g.revision).toBe(revision + 1);
    g.redo();
    expect({ nodes: g.nodes, edges: g.edges }).toEqual(after);
    expect(g.canRedo).toBe(false);

    g.undo();
    g.addBlock('dense', { x: 0, y: 0 });
    expect(g.canRedo).toBe(false);
  });

  it('undo and redo with empty stacks do nothing', () => {
    const g = new GraphState();
    g.undo();
    g.redo();
    expect(g.revision).toBe(0);
    expect(g.canUndo || g.canRedo).toBe(false);
  });

  it('keeps the last 200 steps', () => {
    const g = new GraphState();
    for (let i = 0; i < 205; i++) g.addBlock('dense', { x: i, y: 0 });
    expect(undoAll(g)).toBe(200);
    expect(ids(g)).toEqual(['dense1', 'dense2', 'dense3', 'dense4', 'dense5']);
  });

  it('a drag (begin, moves, end) is one step', () => {
    const g = chain('input', 'dense', 'output');
    g.beginDrag();
    for (let dx = 1; dx <= 3; dx++)
      g.nodes = g.nodes.map((n) =>
        n.id === 'dense1' ? { ...n, position: { x: 100 + 10 * dx, y: 5 * dx } } : n,
      );
    g.endDrag();
    expect(position(g, 'dense1')).toEqual({ x: 130, y: 15 });
    g.undo();
    expect(position(g, 'dense1')).toEqual({ x: 100, y: 0 });
    expect(links(g)).toEqual(['input>dense1', 'dense1>output']);
    g.redo();
    expect(position(g, 'dense1')).toEqual({ x: 130, y: 15 });
    expect(undoAll(g)).toBe(1 + 5);
  });

  it('a drag that moved nothing (a click) adds no step', () => {
    const g = chain('input', 'dense');
    const revision = g.revision;
    g.beginDrag();
    g.nodes = g.nodes.map((n) => ({ ...n, position: { ...n.position } }));
    g.endDrag();
    g.endDrag();
    expect(g.revision).toBe(revision);
    expect(undoAll(g)).toBe(3);
  });
});

describe('GraphState.spec and load', () => {
  it("gives the engine's graph with each block's inputs in connection order", () => {
    const g = chain('input', 'dense', 'dense');
    g.addBlock('concatenate', { x: 0, y: 0 });
    g.addBlock('output', { x: 0, y: 0 });
    g.connect('dense2', 'concat1');
    g.connect('dense1', 'concat1');
    g.connect('input', 'concat1');
    g.update('output', { kind: 'output', loss: 'mse' });
    g.connect('concat1', 'output');
    const dense = {
      type: 'dense',
      units: 8,
      activation: 'relu',
      useBias: true,
      kernelInitializer: 'he_uniform',
    };
    expect(g.spec()).toEqual({
      nodes: [
        { id: 'input', type: 'input', inputs: [], units: 0 },
        { id: 'dense1', inputs: ['input'], ...dense },
        { id: 'dense2', inputs: ['dense1'], ...dense },
        { id: 'concat1', type: 'concatenate', inputs: ['dense2', 'dense1', 'input'] },
        { id: 'output', type: 'output', inputs: ['concat1'], loss: 'mse' },
      ],
    });
    const c = compileGraph(g.spec(), { inputWidth: 3, outputWidth: 19 });
    expect(c.width.get('concat1')).toBe(8 + 8 + 3);
    expect(c.paramCount).toBe(3 * 8 + 8 + (8 * 8 + 8));
  });

  it.each(TEMPLATES.map((t) => t.name))(
    'load(%s) round-trips through spec(), with edges from the inputs',
    (name) => {
      const g = new GraphState();
      const spec = templateGraph(name, 3, 'classification');
      g.load(spec);
      expect(g.spec()).toEqual(spec);
      expect(g.edges).toEqual(
        spec.nodes.flatMap((n) => n.inputs.map((s) => ({ id: `e-${s}-${n.id}`, source: s, target: n.id }))),
      );
    },
  );

  it('places blocks by longest path from the input (180 px a column), moving a skipped block out of the way', () => {
    const g = new GraphState();
    g.load(templateGraph('skip', 2, 'classification'));
    // add1 takes dense1 (depth 1) and dense2 (depth 2): it goes in column 3, and the edge dense1 → add1
    // would pass behind dense2, so dense2 moves down by 0.6 of a row (90 px).
    expect(Object.fromEntries(g.nodes.map((n) => [n.id, n.position]))).toEqual({
      input: { x: 0, y: 0 },
      dense1: { x: 180, y: 0 },
      dense2: { x: 360, y: 90 },
      add1: { x: 540, y: 0 },
      dense3: { x: 720, y: 0 },
      output: { x: 900, y: 0 },
    });
  });

  it('spreads a column 150 px apart', () => {
    const d = (id: string, input: string): GraphNode => ({
      id,
      type: 'dense',
      inputs: [input],
      units: 2,
      activation: 'tanh',
      useBias: true,
      kernelInitializer: 'glorot_uniform',
    });
    const spec: GraphSpec = {
      nodes: [
        { id: 'input', type: 'input', inputs: [], units: 0 },
        d('a', 'input'),
        d('b', 'input'),
        d('c', 'input'),
        { id: 'cat', type: 'concatenate', inputs: ['a', 'b'] },
        { id: 'sum', type: 'add', inputs: ['cat', 'c'] },
      ],
    };
    const pos = autoLayout(spec);
    expect(Object.fromEntries(pos)).toEqual({
      input: { x: 0, y: 0 },
      a: { x: 180, y: -150 },
      b: { x: 180, y: 0 },
      c: { x: 180, y: 150 },
      cat: { x: 360, y: 0 },
      sum: { x: 540, y: 0 },
    });
  });

  it('lays out a graph with a cycle or an unknown input without looping forever', () => {
    const spec = {
      nodes: [
        { id: 'a', type: 'add', inputs: ['b', 'ghost'] },
        { id: 'b', type: 'add', inputs: ['a', 'ghost'] },
      ],
    } as GraphSpec;
    expect([...autoLayout(spec).keys()].sort()).toEqual(['a', 'b']);
  });

  it('uses saved positions where given and the automatic layout elsewhere', () => {
    const g = new GraphState();
    g.load(templateGraph('mlp', 2, 'classification'), [
      { id: 'dense2', x: 17, y: -3 },
      { id: 'nowhere', x: 1, y: 1 },
    ]);
    expect(position(g, 'dense2')).toMatchObject({ x: 17, y: -3 });
    expect(position(g, 'dense1')).toEqual({ x: 180, y: 0 });
    expect(g.positions()).toContainEqual({ id: 'dense2', x: 17, y: -3 });
  });

  it('positions() rounds to whole pixels', () => {
    const g = new GraphState();
    g.addBlock('input', { x: 10.4, y: -7.6 });
    expect(g.positions()).toEqual([{ id: 'input', x: 10, y: -8 }]);
  });
});

describe('GraphState.fitHead', () => {
  type Head = { units: number; activation: string; loss: string };
  const headOf = (g: GraphState): Head => {
    const out = g.nodes.find((n) => n.data.layer.kind === 'output')!;
    const src = g.edges.find((e) => e.target === out.id)!.source;
    const d = layer(g, src) as Extract<LayerData, { kind: 'dense' }>;
    return { units: d.units, activation: d.activation, loss: (out.data.layer as { loss: string }).loss };
  };
  const graphWith = (units: number, activation: string, loss: string): GraphSpec =>
    ({
      nodes: [
        { id: 'input', type: 'input', inputs: [], units: 0 },
        {
          id: 'dense1',
          type: 'dense',
          inputs: ['input'],
          units,
          activation,
          useBias: true,
          kernelInitializer: 'he_uniform',
        },
        { id: 'output', type: 'output', inputs: ['dense1'], loss },
      ],
    }) as GraphSpec;

  const cases: [string, GraphSpec, number, 'classification' | 'regression', boolean, Head][] = [
    [
      'softmax head to 3 classes',
      templateGraph('mlp', 2, 'classification'),
      3,
      'classification',
      true,
      { units: 3, activation: 'softmax', loss: 'categorical_crossentropy' },
    ],
    [
      'a head that already fits',
      templateGraph('mlp', 3, 'classification'),
      3,
      'classification',
      false,
      { units: 3, activation: 'softmax', loss: 'categorical_crossentropy' },
    ],
    [
      'classification to regression',
      templateGraph('skip', 2, 'classification'),
      1,
      'regression',
      true,
      { units: 1, activation: 'linear', loss: 'mse' },
    ],
    [
      'a linear regression head',
      templateGraph('logistic', 1, 'regression'),
      1,
      'regression',
      false,
      { units: 1, activation: 'linear', loss: 'mse' },
    ],
    [
      'regression to 4 classes',
      templateGraph('logistic', 1, 'regression'),
      4,
      'classification',
      true,
      { units: 4, activation: 'softmax', loss: 'categorical_crossentropy' },
    ],
    [
      'a binary sigmoid head on 2 classes (left alone)',
      graphWith(1, 'sigmoid', 'binary_crossentropy'),
      2,
      'classification',
      false,
      { units: 1, activation: 'sigmoid', loss: 'binary_crossentropy' },
    ],
    [
      'a binary sigmoid head on 3 classes',
      graphWith(1, 'sigmoid', 'binary_crossentropy'),
      3,
      'classification',
      true,
      { units: 3, activation: 'softmax', loss: 'categorical_crossentropy' },
    ],
    [
      'a sigmoid head for regression',
      graphWith(1, 'sigmoid', 'binary_crossentropy'),
      1,
      'regression',
      true,
      { units: 1, activation: 'linear', loss: 'mse' },
    ],
    [
      'a regression head of 3 relu units with mae (keeps relu and mae)',
      graphWith(3, 'relu', 'mae'),
      1,
      'regression',
      true,
      { units: 1, activation: 'relu', loss: 'mae' },
    ],
    [
      'a tanh head with mse for classification',
      graphWith(2, 'tanh', 'mse'),
      2,
      'classification',
      true,
      { units: 2, activation: 'softmax', loss: 'categorical_crossentropy' },
    ],
  ];
  it.each(cases)('%s', (_name, spec, outputs, task, changed, head) => {
    const g = new GraphState();
    g.load(spec);
    const revision = g.revision;
    expect(g.fitHead(outputs, task)).toBe(changed);
    expect(headOf(g)).toEqual(head);
    expect(g.revision).toBe(changed ? revision + 1 : revision);
    if (changed) {
      const id = g.edges.find((e) => e.target === 'output')!.source;
      expect(layer(g, id)).toMatchObject({ initializer: 'glorot_uniform' });
    }
    // The engine trains one sigmoid unit on two classes as p(second class): one target column.
    const outputWidth = task === 'classification' && outputs === 2 && head.units === 1 ? 1 : outputs;
    const c = compileGraph(g.spec(), { inputWidth: 2, outputWidth });
    expect(c.width.get('output')).toBe(head.units);
  });

  it('leaves a graph alone when the block before the output is not dense, or there is no output', () => {
    const g = chain('input', 'dense', 'activation', 'output');
    expect(g.fitHead(3, 'classification')).toBe(false);
    const h = chain('input', 'dense');
    expect(h.fitHead(3, 'classification')).toBe(false);
    const k = new GraphState();
    k.addBlock('output', { x: 0, y: 0 });
    expect(k.fitHead(3, 'classification')).toBe(false);
  });
});

describe('templates', () => {
  // logistic: 2k + k; mlp and skip: (2·8 + 8) + (8·8 + 8) + (8k + k) = 96 + 9k, for 2 inputs and k outputs.
  const params = {
    logistic: (k: number) => 3 * k,
    mlp: (k: number) => 96 + 9 * k,
    skip: (k: number) => 96 + 9 * k,
  };
  const cases = TEMPLATES.flatMap(({ name }) =>
    (
      [
        ['classification', 2],
        ['classification', 3],
        ['regression', 1],
      ] as const
    ).map(([task, k]) => [name, task, k] as const),
  );
  it.each(cases)('%s for %s with %i output(s) compiles with the data widths', (name, task, k) => {
    const spec = templateGraph(name, k, task);
    const c = compileGraph(spec, { inputWidth: 2, outputWidth: k });
    expect(c.paramCount).toBe(params[name](k));
    expect(c.width.get(c.outputId)).toBe(k);
    const output = spec.nodes.find((n) => n.type === 'output')!;
    expect(output).toMatchObject({ loss: task === 'classification' ? 'categorical_crossentropy' : 'mse' });
    expect(c.fusedId !== null).toBe(task === 'classification');
  });

  it('applyTemplate loads the template as one undoable step', () => {
    const g = chain('input', 'output');
    g.applyTemplate('skip', 3, 'classification');
    expect(g.spec()).toEqual(templateGraph('skip', 3, 'classification'));
    g.undo();
    expect(ids(g)).toEqual(['input', 'output']);
  });
});
