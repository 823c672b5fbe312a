/**
 * Every layer kind, by node type: the one place a kind is registered. The compiler, the model, the
 * two walks, the explainer, the file schemas and the editor's palette and inspector read it; none of
 * them switches over node types. test/engine/layers/registry.test.ts checks each kind is complete.
 */
import type { GraphNode, NodeType } from '../graph/types.ts';
import { activation } from './activation.ts';
import { avgpool2d } from './avgpool2d.ts';
import { batchnorm } from './batchnorm.ts';
import { add } from './add.ts';
import { concatenate } from './concatenate.ts';
import { conv2d } from './conv2d.ts';
import { dense } from './dense.ts';
import { dropout } from './dropout.ts';
import { flatten } from './flatten.ts';
import { globalavgpool2d } from './globalavgpool2d.ts';
import { input } from './input.ts';
import type { LayerKind } from './kind.ts';
import { maxpool2d } from './maxpool2d.ts';
import { output } from './output.ts';
import { reshape } from './reshape.ts';

type KindOf<T extends NodeType> = LayerKind<Extract<GraphNode, { type: T }>>;

/** Each node type's module, in the palette's order. */
export const LAYERS: { readonly [T in NodeType]: KindOf<T> } = {
  input,
  dense,
  activation,
  add,
  concatenate,
  dropout,
  conv2d,
  maxpool2d,
  avgpool2d,
  globalavgpool2d,
  flatten,
  reshape,
  batchnorm,
  output,
};

/**
 * The kinds the editor's palette offers. The image kinds work in the engine and in files; the editor
 * cannot set an input's image shape or their windows yet, so it does not offer them.
 */
export const PALETTE: readonly NodeType[] = [
  'input',
  'dense',
  'activation',
  'add',
  'concatenate',
  'dropout',
  'output',
];

/** The module of a node's type (its node typed loosely: the module casts to its own node type). */
export function layerOf(type: NodeType): LayerKind {
  return LAYERS[type] as unknown as LayerKind;
}

/** True when `type` names a registered kind. */
export const isLayerType = (type: unknown): type is NodeType =>
  typeof type === 'string' && Object.hasOwn(LAYERS, type);
