/**
 * The network being drawn: Svelte Flow nodes and edges, undo/redo of every committed change, and the
 * engine's verdict on it (widths and parameter counts, or the error naming the offending block).
 */
import type { Edge } from '@xyflow/svelte';
import type { CompileSummary } from '../../../engine/api.ts';
import type { EngineErrorInfo } from '../../../engine/errors.ts';
import type { GraphSpec, NodeType } from '../../../engine/graph/types.ts';
import { t } from '../lib/i18n.svelte.ts';
import { blockInfo, fromGraphNode, initializerFor, toGraphNode } from '../lib/blocks.ts';
import { autoLayout } from '../lib/layout.ts';
import type { LayerData } from '../lib/blocks.ts';
import { templateGraph } from '../lib/templates.ts';
import type { TemplateName } from '../lib/templates.ts';
import { headFix, withFittedHead, withHeadFix } from './graph-head.ts';
import type { Drawing as Snapshot, HeadFix, LayerNode, Task } from './graph-head.ts';

export type { HeadFix, LayerNode } from './graph-head.ts';

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

  applyTemplate(name: TemplateName, outputs: number, task: Task): void {
    this.load(templateGraph(name, outputs, task));
  }

  /** The one-click fix that makes the network end the way the data needs; null when it already does. */
  headFix(outputs: number, task: Task): HeadFix | null {
    return headFix(this.#snap(), outputs, task);
  }

  /** Applies a `headFix`; undoable as one change. */
  applyHeadFix(fix: HeadFix): void {
    const id = this.#newId('dense', new Set(this.nodes.map((n) => n.id)));
    const next = withHeadFix(this.#snap(), fix, id);
    if (!next) return;
    this.commit(() => {
      this.nodes = next.nodes;
      this.edges = next.edges;
    });
  }

  /** Makes the block before the output fit the data (one unit per class, or one value); false when it did. */
  fitHead(outputs: number, task: Task): boolean {
    const nodes = withFittedHead(this.#snap(), outputs, task);
    if (nodes) this.commit(() => (this.nodes = nodes));
    return nodes !== null;
  }
}
