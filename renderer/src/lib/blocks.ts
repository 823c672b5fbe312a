/**
 * The editor's blocks, one per registered layer kind (engine/layers/registry.ts): its name and hint
 * from the catalogue, the inputs it takes, a new block's settings, the inspector's fields, and the
 * conversion between a block's settings and the engine's node. Nothing here knows a kind by name.
 */
import type { SettingField, Settings } from '../../../engine/layers/kind.ts';
import { layerOf, PALETTE } from '../../../engine/layers/registry.ts';
import type { Activation, GraphNode, Initializer, NodeType } from '../../../engine/graph/types.ts';
import { td } from './i18n.svelte.ts';

/** Settings the editor names differently from the node (its state says `initializer`). */
const EDITOR_NAMES: Record<string, string> = { kernelInitializer: 'initializer' };
const editorName = (key: string): string => EDITOR_NAMES[key] ?? key;

type Renamed<S> = { [K in keyof S as K extends 'kernelInitializer' ? 'initializer' : K]: S[K] };
/**
 * A kind's settings as the editor keeps them: penalties always as numbers (0: none); the input has
 * none (its width comes from the data).
 */
type EditorSettings<N extends GraphNode> = N extends { type: 'input' }
  ? unknown
  : Renamed<Omit<Settings<N>, 'l1' | 'l2'>> &
      ('l1' extends keyof Settings<N> ? { l1: number; l2: number } : unknown);

/** A block's settings as the editor keeps them (the graph node without id and inputs). */
export type LayerData = {
  [T in NodeType]: { kind: T } & EditorSettings<Extract<GraphNode, { type: T }>>;
}[NodeType];

export interface BlockInfo {
  kind: NodeType;
  /** The block's name in the current language. */
  readonly label: string;
  /** One sentence on what it does, in the current language. */
  readonly hint: string;
  /** Inputs it takes: [min, max]. */
  arity: readonly [number, number];
  /** The inspector's fields, in order. */
  fields: readonly SettingField[];
  make(): LayerData;
}

/** The editor block for an engine node (e.g. from a project or weights file). */
export function fromGraphNode(n: GraphNode): LayerData {
  const node = n as unknown as Record<string, unknown>;
  const d: Record<string, unknown> = { kind: n.type };
  for (const f of layerOf(n.type).fields) {
    const v = node[f.key];
    if (v !== undefined) d[editorName(f.key)] = v;
    else if (f.control === 'number' && typeof f.whenAbsent === 'number') d[editorName(f.key)] = f.whenAbsent;
  }
  return d as LayerData;
}

/** The engine's node for an editor block: the kind's defaults, overwritten by the block's settings. */
export function toGraphNode(id: string, inputs: string[], d: LayerData): GraphNode {
  const kind = layerOf(d.kind);
  const data = d as unknown as Record<string, unknown>;
  const node: Record<string, unknown> = {
    id,
    type: d.kind,
    inputs: kind.arity[1] === 0 ? [] : inputs,
    ...kind.defaults,
  };
  for (const f of kind.fields) {
    const v = data[editorName(f.key)];
    const omitted = f.control === 'number' && typeof f.whenAbsent === 'number' && v === f.whenAbsent;
    if (v === undefined || omitted) delete node[f.key];
    else node[f.key] = v;
  }
  return node as unknown as GraphNode;
}

/** Label and hint read the catalogue when used, so they follow the language. */
const block = (kind: NodeType): BlockInfo => {
  const k = layerOf(kind);
  return {
    kind,
    get label() {
      return td(k.labelKey);
    },
    get hint() {
      return td(k.hintKey);
    },
    arity: k.arity,
    fields: k.fields,
    make: () => fromGraphNode({ id: '', type: kind, inputs: [], ...k.defaults } as GraphNode),
  };
};

/** Every block the palette offers, in its order (the engine's PALETTE). */
export const BLOCKS: BlockInfo[] = PALETTE.map(block);

/** A kind's block: the palette's, or for a kind it does not offer (from a file) one made for it. */
export const blockInfo = (kind: NodeType): BlockInfo => BLOCKS.find((b) => b.kind === kind) ?? block(kind);

/** The value a field shows: the block's, or what is in force while it is absent. */
export function fieldValue(f: SettingField, d: LayerData): unknown {
  const data = d as unknown as Record<string, unknown>;
  const v = data[editorName(f.key)];
  if (v !== undefined || f.control !== 'number' || f.whenAbsent === undefined) return v;
  return typeof f.whenAbsent === 'number' ? f.whenAbsent : f.whenAbsent(data);
}

/** The block with one field set; a number is rounded (integers) and kept within the field's range. */
export function withField(d: LayerData, f: SettingField, value: unknown): LayerData {
  let v = value;
  if (f.control === 'int') v = Math.max(f.min, Math.round(value as number));
  else if (f.control === 'number') {
    v = value as number;
    if (f.min !== undefined) v = Math.max(f.min, v as number);
    if (f.max !== undefined) v = Math.min(f.max, v as number);
  }
  return { ...d, [editorName(f.key)]: v } as LayerData;
}

/** True when the field applies to the block's current settings (α only for leaky ReLU and ELU). */
export const fieldShown = (f: SettingField, d: LayerData): boolean =>
  !f.shownIf || f.shownIf(d as unknown as Record<string, unknown>);

/**
 * The initialiser that suits an activation: He for the ReLU family (it keeps the variance of
 * half-zeroed outputs), Glorot for the rest (tanh, sigmoid, linear, softmax, softplus).
 */
export function initializerFor(activation: Activation): Initializer {
  return activation === 'relu' || activation === 'leaky_relu' || activation === 'elu'
    ? 'he_uniform'
    : 'glorot_uniform';
}

/** Activations as written in formulas (language-neutral); `activations.*` in the catalogue names them. */
export const ACTIVATION_LABELS: Record<Activation, string> = {
  linear: 'linear',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'ReLU',
  leaky_relu: 'leaky ReLU',
  elu: 'ELU',
  softplus: 'softplus',
  softmax: 'softmax',
};
