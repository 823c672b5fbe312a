/** The palette: each block type with its label, default settings and a short explanation (in the catalogue). */
import type { Activation, GraphNode, Initializer, LossName, NodeType } from '../../../engine/graph/types.ts';
import { t } from './i18n.svelte.ts';

/** A block's settings as the editor keeps them (the graph node without id and inputs). */
export type LayerData =
  | { kind: 'input' }
  | {
      kind: 'dense';
      units: number;
      activation: Activation;
      useBias: boolean;
      initializer: Initializer;
      l1: number;
      l2: number;
      alpha?: number;
    }
  | { kind: 'activation'; activation: Activation; alpha?: number }
  | { kind: 'add' }
  | { kind: 'concatenate' }
  | { kind: 'dropout'; rate: number }
  | { kind: 'output'; loss: LossName };

export interface BlockInfo {
  kind: NodeType;
  /** The block's name in the current language. */
  readonly label: string;
  /** One sentence on what it does, in the current language. */
  readonly hint: string;
  /** Inputs it takes: [min, max]. */
  arity: [number, number];
  make(): LayerData;
}

/** Label and hint read the catalogue when used, so they follow the language. */
const block = (b: Omit<BlockInfo, 'label' | 'hint'>): BlockInfo => ({
  ...b,
  get label() {
    return t(`blocks.${b.kind}.label`);
  },
  get hint() {
    return t(`blocks.${b.kind}.hint`);
  },
});

export const BLOCKS: BlockInfo[] = [
  block({
    kind: 'input',
    arity: [0, 0],
    make: () => ({ kind: 'input' }),
  }),
  block({
    kind: 'dense',
    arity: [1, 1],
    make: () => ({
      kind: 'dense',
      units: 8,
      activation: 'relu',
      useBias: true,
      initializer: 'he_uniform',
      l1: 0,
      l2: 0,
    }),
  }),
  block({
    kind: 'activation',
    arity: [1, 1],
    make: () => ({ kind: 'activation', activation: 'tanh' }),
  }),
  block({
    kind: 'add',
    arity: [2, 64],
    make: () => ({ kind: 'add' }),
  }),
  block({
    kind: 'concatenate',
    arity: [2, 64],
    make: () => ({ kind: 'concatenate' }),
  }),
  block({
    kind: 'dropout',
    arity: [1, 1],
    make: () => ({ kind: 'dropout', rate: 0.2 }),
  }),
  block({
    kind: 'output',
    arity: [1, 1],
    make: () => ({ kind: 'output', loss: 'categorical_crossentropy' }),
  }),
];

export const blockInfo = (kind: NodeType): BlockInfo => BLOCKS.find((b) => b.kind === kind)!;

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

/** The engine's node for an editor block. */
export function toGraphNode(id: string, inputs: string[], d: LayerData): GraphNode {
  switch (d.kind) {
    case 'input':
      return { id, type: 'input', inputs: [], units: 0 };
    case 'dense': {
      const n: GraphNode = {
        id,
        type: 'dense',
        inputs: inputs as [string],
        units: d.units,
        activation: d.activation,
        useBias: d.useBias,
        kernelInitializer: d.initializer,
      };
      if (d.l1) n.l1 = d.l1;
      if (d.l2) n.l2 = d.l2;
      if (d.alpha !== undefined) n.alpha = d.alpha;
      return n;
    }
    case 'activation':
      return {
        id,
        type: 'activation',
        inputs: inputs as [string],
        activation: d.activation,
        ...(d.alpha !== undefined ? { alpha: d.alpha } : {}),
      };
    case 'add':
      return { id, type: 'add', inputs };
    case 'concatenate':
      return { id, type: 'concatenate', inputs };
    case 'dropout':
      return { id, type: 'dropout', inputs: inputs as [string], rate: d.rate };
    case 'output':
      return { id, type: 'output', inputs: inputs as [string], loss: d.loss };
  }
}

/** The editor block for an engine node (e.g. from a project or weights file). */
export function fromGraphNode(n: GraphNode): LayerData {
  switch (n.type) {
    case 'input':
      return { kind: 'input' };
    case 'dense':
      return {
        kind: 'dense',
        units: n.units,
        activation: n.activation,
        useBias: n.useBias,
        initializer: n.kernelInitializer,
        l1: n.l1 ?? 0,
        l2: n.l2 ?? 0,
        ...(n.alpha !== undefined ? { alpha: n.alpha } : {}),
      };
    case 'activation':
      return {
        kind: 'activation',
        activation: n.activation,
        ...(n.alpha !== undefined ? { alpha: n.alpha } : {}),
      };
    case 'add':
      return { kind: 'add' };
    case 'concatenate':
      return { kind: 'concatenate' };
    case 'dropout':
      return { kind: 'dropout', rate: n.rate };
    case 'output':
      return { kind: 'output', loss: n.loss };
  }
}
