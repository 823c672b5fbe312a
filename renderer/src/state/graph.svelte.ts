/**
 * The network being drawn: Svelte Flow nodes and edges, undo/redo of every committed change, and the
 * engine's verdict on it (widths and parameter counts, or the error naming the offending block).
 */
import type { Edge, Node } from '@xyflow/svelte';
import type { CompileSummary } from '../../../engine/api.ts';
import type { EngineErrorInfo } from '../../../engine/errors.ts';
import type { Activation, GraphSpec, LossName, NodeType } from '../../../engine/graph/types.ts';
import { t } from '../lib/i18n.svelte.ts';
import { blockInfo, fromGraphNode, initializerFor, toGraphNode } from '../lib/blocks.ts';
import type { LayerData } from '../lib/blocks.ts';
import { templateGraph } from '../lib/templates.ts';
import type { TemplateName } from '../lib/templates.ts';

export type LayerNode = Node<{ layer: LayerData }, 'layer'>;

/** A one-click fix for a network whose end does not fit the data (see `GraphState.headFix`). */
export interface HeadFix {
  /** Change the dense layer `id` that feeds the output, or insert one after block `id`. */
  action: 'change' | 'insert';
  id: string;
  units: number;
  activation: Activation;
  loss: LossName;
}

interface Snapshot {
  nodes: LayerNode[];
  edges: Edge[];
}

const HISTORY = 200;

export class GraphState {
  nodes = $state.raw<LayerNode[]>([]);
  edges = $state.raw<Edge[]>([]);
  /** The engine's shapes for the current graph, or null while it is invalid. */
  summary = $state.raw<CompileSummary | null>(null);
  /** Why the current graph does not compile (nodeId names the block). */
  problem = $state.raw<EngineErrorInfo | null>(null);
  /** A message for the last refused edit (e.g. a connection that would make a cycle). */
  notice = $state<string | null>(null);
  /** Bumped on every committed change. */
  revision = $state(0);
  canUndo = $state(false);
  canRedo = $state(false);
  #undo: Snapshot[] = [];
  /** The state after the last commit, undo or redo. */
  #stable: Snapshot | null = null;
  #redo: Snapshot[] = [];

  selected = $derived(this.nodes.filter((n) => n.selected));

  #snap(): Snapshot {
    return { nodes: this.nodes, edges: this.edges };
  }

  /** Records the current state for undo, then applies `change`. */
  commit(change: () => void, before: Snapshot = this.#snap()): void {
    this.#undo.push(before);
    if (this.#undo.length > HISTORY) this.#undo.shift();
    this.#redo = [];
    change();
    this.#changed();
  }

  #changed(): void {
    this.#stable = this.#snap();
    this.revision++;
    this.canUndo = this.#undo.length > 0;
    this.canRedo = this.#redo.length > 0;
    this.notice = null;
  }

  /** Marks a state captured before a drag so that moving blocks can be undone too. */
  dragStart: Snapshot | null = null;
  beginDrag(): void {
    // The drag has usually moved the block a little by the time it is reported: start from the last
    // state at rest, which only drags change without a commit.
    this.dragStart = this.#stable ?? this.#snap();
  }
  endDrag(): void {
    const before = this.dragStart;
    this.dragStart = null;
    if (!before) return;
    const moved = this.nodes.some((n) => {
      const b = before.nodes.find((m) => m.id === n.id);
      return b && (b.position.x !== n.position.x || b.position.y !== n.position.y);
    });
    if (!moved) return;
    // Blocks rest on whole pixels, as project files store them.
    this.commit(() => {
      this.nodes = this.nodes.map((n) =>
        Number.isInteger(n.position.x) && Number.isInteger(n.position.y)
          ? n
          : { ...n, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } },
      );
    }, before);
  }

  undo(): void {
    const s = this.#undo.pop();
    if (!s) return;
    this.#redo.push(this.#snap());
    ({ nodes: this.nodes, edges: this.edges } = s);
    this.#changed();
  }

  redo(): void {
    const s = this.#redo.pop();
    if (!s) return;
    this.#undo.push(this.#snap());
    ({ nodes: this.nodes, edges: this.edges } = s);
    this.#changed();
  }

  #newId(kind: NodeType, taken: Set<string>): string {
    const base = kind === 'concatenate' ? 'concat' : kind;
    if (kind === 'input' || kind === 'output') if (!taken.has(base)) return base;
    for (let i = 1; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
  }

  addBlock(kind: NodeType, position: { x: number; y: number }): string {
    const id = this.#newId(kind, new Set(this.nodes.map((n) => n.id)));
    const node: LayerNode = {
      id,
      type: 'layer',
      position,
      data: { layer: blockInfo(kind).make() },
      selected: true,
    };
    this.commit(() => {
      this.nodes = [...this.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
    });
    return id;
  }

  /**
   * Replaces a block's settings. A dense layer whose activation changes takes the initialiser that suits
   * the new one, unless its initialiser was chosen (it differs from the one that suited the old one).
   */
  update(id: string, layer: LayerData): void {
    const old = this.nodes.find((n) => n.id === id)?.data.layer;
    if (
      old?.kind === 'dense' &&
      layer.kind === 'dense' &&
      old.activation !== layer.activation &&
      old.initializer === layer.initializer &&
      old.initializer === initializerFor(old.activation)
    )
      layer = { ...layer, initializer: initializerFor(layer.activation) };
    this.commit(() => {
      this.nodes = this.nodes.map((n) => (n.id === id ? { ...n, data: { layer } } : n));
    });
  }

  /** Is `to` reachable from `from` along edges? */
  #reaches(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const v = stack.pop()!;
      if (v === to) return true;
      if (seen.has(v)) continue;
      seen.add(v);
      for (const e of this.edges) if (e.source === v) stack.push(e.target);
    }
    return false;
  }

  /** Why source → target cannot be connected, or null. */
  refusal(source: string, target: string): string | null {
    if (source === target) return t('graph.selfLoop');
    const to = this.nodes.find((n) => n.id === target);
    const from = this.nodes.find((n) => n.id === source);
    if (!to || !from) return t('graph.unknownBlock');
    if (to.data.layer.kind === 'input') return t('graph.inputTakesNone');
    if (from.data.layer.kind === 'output') return t('graph.outputHasNone');
    if (this.edges.some((e) => e.source === source && e.target === target))
      return t('graph.alreadyConnected');
    if (this.#reaches(target, source)) return t('graph.cycle', { source, target });
    return null;
  }

  /** Connects two blocks; a single-input block's old input is replaced. */
  connect(source: string, target: string): boolean {
    const why = this.refusal(source, target);
    if (why) {
      this.notice = why;
      return false;
    }
    const t = this.nodes.find((n) => n.id === target)!;
    const [, max] = blockInfo(t.data.layer.kind).arity;
    this.commit(() => {
      let edges = this.edges;
      if (max === 1) edges = edges.filter((e) => e.target !== target);
      this.edges = [...edges, { id: `e-${source}-${target}`, source, target }];
    });
    return true;
  }

  removeSelected(): void {
    const gone = new Set(this.nodes.filter((n) => n.selected).map((n) => n.id));
    const edgesGone = this.edges.filter((e) => e.selected || gone.has(e.source) || gone.has(e.target));
    if (gone.size === 0 && edgesGone.length === 0) return;
    this.commit(() => {
      this.nodes = this.nodes.filter((n) => !gone.has(n.id));
      this.edges = this.edges.filter((e) => !edgesGone.includes(e));
    });
  }

  /** Called by the canvas after it deleted blocks or edges itself (Delete key). */
  afterDelete(before: Snapshot): void {
    this.commit(() => {}, before);
  }

  duplicateSelected(): void {
    const chosen = this.nodes.filter(
      (n) => n.selected && n.data.layer.kind !== 'input' && n.data.layer.kind !== 'output',
    );
    if (chosen.length === 0) return;
    const taken = new Set(this.nodes.map((n) => n.id));
    const map = new Map<string, string>();
    const copies = chosen.map((n) => {
      const id = this.#newId(n.data.layer.kind, taken);
      taken.add(id);
      map.set(n.id, id);
      return {
        ...n,
        id,
        selected: true,
        position: { x: n.position.x + 40, y: n.position.y + 40 },
        data: { layer: { ...n.data.layer } },
      };
    });
    const inner = this.edges
      .filter((e) => map.has(e.source) && map.has(e.target))
      .map((e) => ({
        id: `e-${map.get(e.source)}-${map.get(e.target)}`,
        source: map.get(e.source)!,
        target: map.get(e.target)!,
      }));
    this.commit(() => {
      this.nodes = [...this.nodes.map((n) => ({ ...n, selected: false })), ...copies];
      this.edges = [...this.edges, ...inner];
    });
  }

  selectAll(): void {
    this.nodes = this.nodes.map((n) => ({ ...n, selected: true }));
  }

  /** The engine's graph: each block's inputs in the order they were connected. */
  spec(): GraphSpec {
    return {
      nodes: this.nodes.map((n) =>
        toGraphNode(
          n.id,
          this.edges.filter((e) => e.target === n.id).map((e) => e.source),
          n.data.layer,
        ),
      ),
    };
  }

  positions(): { id: string; x: number; y: number }[] {
    return this.nodes.map((n) => ({ id: n.id, x: Math.round(n.position.x), y: Math.round(n.position.y) }));
  }

  /** Replaces the graph (a file, a template); undoable. */
  load(spec: GraphSpec, positions?: { id: string; x: number; y: number }[]): void {
    const pos = new Map(positions?.map((p) => [p.id, p]));
    const auto = autoLayout(spec);
    this.commit(() => {
      this.nodes = spec.nodes.map((n) => ({
        id: n.id,
        type: 'layer',
        position: pos.get(n.id) ?? auto.get(n.id) ?? { x: 0, y: 0 },
        data: { layer: fromGraphNode(n) },
      }));
      this.edges = spec.nodes.flatMap((n) =>
        n.inputs.map((src) => ({ id: `e-${src}-${n.id}`, source: src, target: n.id })),
      );
    });
  }

  applyTemplate(name: TemplateName, outputs: number, task: 'classification' | 'regression'): void {
    this.load(templateGraph(name, outputs, task));
  }

  /** The output block and the block connected into it, where there are. */
  #outputAndFeeder(): { out?: LayerNode; feeder?: LayerNode } {
    const out = this.nodes.find((n) => n.data.layer.kind === 'output');
    const edge = out && this.edges.find((e) => e.target === out.id);
    return { out, feeder: edge && this.nodes.find((n) => n.id === edge.source) };
  }

  /**
   * How to make the network end the way the data needs (one softmax unit per class, or linear values),
   * as one click: change the dense layer that feeds the output when it is nearly right (right width or
   * right activation), else add a dense layer before the output. Null when there is nothing to fix.
   */
  headFix(outputs: number, task: 'classification' | 'regression'): HeadFix | null {
    const { out, feeder } = this.#outputAndFeeder();
    if (!out || !feeder || out.data.layer.kind !== 'output') return null;
    const binary =
      task === 'classification' && outputs === 2 && out.data.layer.loss === 'binary_crossentropy';
    const units = binary ? 1 : outputs;
    const activation: Activation = task === 'regression' ? 'linear' : binary ? 'sigmoid' : 'softmax';
    const loss: LossName =
      task === 'regression'
        ? out.data.layer.loss === 'mae'
          ? 'mae'
          : 'mse'
        : binary
          ? 'binary_crossentropy'
          : 'categorical_crossentropy';
    const f = feeder.data.layer;
    if (
      f.kind === 'dense' &&
      f.units === units &&
      f.activation === activation &&
      out.data.layer.loss === loss
    )
      return null;
    if (f.kind === 'dense' && (f.units === units || f.activation === activation))
      return { action: 'change', id: feeder.id, units, activation, loss };
    return { action: 'insert', id: feeder.id, units, activation, loss };
  }

  /** Applies a `headFix`; undoable as one change. */
  applyHeadFix(fix: HeadFix): void {
    const { out } = this.#outputAndFeeder();
    if (!out) return;
    const outLayer: LayerData = { kind: 'output', loss: fix.loss };
    if (fix.action === 'change') {
      this.commit(() => {
        this.nodes = this.nodes.map((n) => {
          if (n.id === out.id) return { ...n, data: { layer: outLayer } };
          if (n.id !== fix.id || n.data.layer.kind !== 'dense') return n;
          const layer = { ...n.data.layer, units: fix.units, activation: fix.activation };
          return { ...n, data: { layer: { ...layer, initializer: initializerFor(fix.activation) } } };
        });
      });
      return;
    }
    const id = this.#newId('dense', new Set(this.nodes.map((n) => n.id)));
    const dense = blockInfo('dense').make();
    if (dense.kind !== 'dense') return;
    const node: LayerNode = {
      id,
      type: 'layer',
      position: { ...out.position },
      data: {
        layer: {
          ...dense,
          units: fix.units,
          activation: fix.activation,
          initializer: initializerFor(fix.activation),
        },
      },
    };
    this.commit(() => {
      this.nodes = [
        ...this.nodes.map((n) =>
          n.id === out.id
            ? { ...n, position: { x: n.position.x + COLUMN, y: n.position.y }, data: { layer: outLayer } }
            : n,
        ),
        node,
      ];
      this.edges = [
        ...this.edges.filter((e) => e.target !== out.id),
        { id: `e-${fix.id}-${id}`, source: fix.id, target: id },
        { id: `e-${id}-${out.id}`, source: id, target: out.id },
      ];
    });
  }

  /** Makes the block before the output fit the data: one unit per class (softmax) or one value. */
  fitHead(outputs: number, task: 'classification' | 'regression'): boolean {
    const { out, feeder: head } = this.#outputAndFeeder();
    if (!out || !head || head.data.layer.kind !== 'dense') return false;
    const layer = head.data.layer;
    const loss = task === 'regression' ? 'mse' : 'categorical_crossentropy';
    const activation = task === 'regression' ? 'linear' : 'softmax';
    const outLayer = out.data.layer.kind === 'output' ? out.data.layer : null;
    const binarySigmoid =
      task === 'classification' &&
      outputs === 2 &&
      layer.units === 1 &&
      layer.activation === 'sigmoid' &&
      outLayer?.loss === 'binary_crossentropy';
    if (binarySigmoid) return false;
    const regressionOk =
      task === 'regression' &&
      layer.activation !== 'softmax' &&
      outLayer?.loss !== 'categorical_crossentropy' &&
      outLayer?.loss !== 'binary_crossentropy';
    if (
      layer.units === outputs &&
      (regressionOk || (layer.activation === activation && outLayer?.loss === loss))
    )
      return false;
    this.commit(() => {
      this.nodes = this.nodes.map((n) => {
        if (n.id === head.id)
          return {
            ...n,
            data: {
              layer: {
                ...layer,
                units: outputs,
                activation: regressionOk ? layer.activation : activation,
                initializer: 'glorot_uniform',
              },
            },
          };
        if (n.id === out.id && !regressionOk) return { ...n, data: { layer: { kind: 'output', loss } } };
        return n;
      });
    });
    return true;
  }
}

const COLUMN = 180;
const ROW = 150;

/** Left-to-right layers by longest path from the input; blocks in a column spread vertically. */
export function autoLayout(spec: GraphSpec): Map<string, { x: number; y: number }> {
  const depth = new Map<string, number>();
  const byId = new Map(spec.nodes.map((n) => [n.id, n]));
  const visit = (id: string, seen: Set<string>): number => {
    if (depth.has(id)) return depth.get(id)!;
    if (seen.has(id)) return 0;
    seen.add(id);
    const n = byId.get(id);
    const d = n && n.inputs.length ? Math.max(...n.inputs.map((s) => visit(s, seen))) + 1 : 0;
    depth.set(id, d);
    return d;
  };
  for (const n of spec.nodes) visit(n.id, new Set());
  const columns = new Map<number, string[]>();
  for (const n of spec.nodes) {
    const d = depth.get(n.id)!;
    columns.set(d, [...(columns.get(d) ?? []), n.id]);
  }
  const pos = new Map<string, { x: number; y: number }>();
  for (const [d, ids] of columns)
    ids.forEach((id, i) => pos.set(id, { x: d * COLUMN, y: (i - (ids.length - 1) / 2) * ROW }));
  // An edge that skips columns would pass behind the blocks it jumps over: move those blocks down.
  for (const n of spec.nodes)
    for (const src of n.inputs) {
      const from = depth.get(src);
      const to = depth.get(n.id)!;
      const start = pos.get(src);
      if (from === undefined || !start) continue;
      for (const [d, ids] of columns)
        if (d > from && d < to)
          for (const id of ids) {
            const p = pos.get(id)!;
            if (Math.abs(p.y - start.y) < ROW / 2) pos.set(id, { x: p.x, y: p.y + ROW * 0.6 });
          }
    }
  return pos;
}
