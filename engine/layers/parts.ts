/**
 * Parts several layer kinds share: a kind's names and file schema, the answers of a kind that has no
 * parameters, no cache and no activation, and the width of a kind that passes its single input's width on.
 */
import * as z from 'zod';
import { activationStep } from '../explain/chain-text.ts';
import { derivative } from '../explain/derivative.ts';
import { grid, perRow } from '../explain/rows.ts';
import type { ChainStep, ImageKind } from '../explain/trace-types.ts';
import { ACTIVATIONS, DEFAULT_ALPHA } from '../graph/types.ts';
import type { Activation, GraphNode } from '../graph/types.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import type { NodeState } from '../model/state.ts';
import type {
  BadSetting,
  CacheSpec,
  KerasLayer,
  LayerKind,
  NodeBase,
  SettingField,
  ShapeContext,
} from './kind.ts';
import { fail } from '../errors.ts';
import type { Shape } from '../graph/types.ts';

/** A kind's type and the catalogue keys of its block's name and hint (`blocks.<type>.label`, `.hint`). */
export function named<T extends GraphNode['type']>(type: T): { type: T; labelKey: string; hintKey: string } {
  return { type, labelKey: `blocks.${type}.label`, hintKey: `blocks.${type}.hint` };
}

/** The strict schema files store a node of `type` by: the fields every node has, then its own. */
export function nodeSchema<N extends GraphNode>(
  base: NodeBase,
  type: N['type'],
  fields: z.ZodRawShape = {},
): z.ZodType<N> {
  return z.strictObject({
    id: base.id,
    type: z.literal(type),
    inputs: base.inputs,
    ...fields,
  }) as unknown as z.ZodType<N>;
}

/** True when the node keeps a stored gradient (the data does not: nothing needs ∂L/∂x). */
export const keepsGradient = (s: NodeState): boolean => s.dOut.length > 0;

/**
 * Explainer: what single-input node `s` added into its input's stored gradient over B rows (its
 * `term`), or null where the input keeps none (the data).
 */
export function inputTerm(kind: Pick<LayerKind, 'term'>, s: NodeState, B: number): Float64Array | null {
  const x = s.inputs[0]!;
  if (!keepsGradient(x)) return null;
  const t = new Float64Array(B * x.width);
  kind.term(s, x, B, t);
  return t;
}

/**
 * Explainer events of a single-input kind shown by its values, not its steps (the image kinds and
 * batchnorm): its output forward; backward, what its `term` adds into its input's gradient.
 * `term` is read when an event is made, so a kind may pass a function that returns its own.
 */
export function valueEvents(
  type: ImageKind,
  term: () => LayerKind['term'],
): Pick<LayerKind, 'forwardEvent' | 'backwardEvent'> {
  return {
    forwardEvent: (s, B) => ({
      kind: type,
      nodeId: s.node.id,
      inputId: s.node.inputs[0]!,
      shape: [...s.shape],
      a: perRow(s.out, B, s.width),
    }),
    backwardEvent(s, B, base) {
      const x = s.inputs[0]!;
      const dX = inputTerm({ term: term() }, s, B);
      return { ...base, kind: type, inputId: x.node.id, dX: dX ? perRow(dX, B, x.width) : null };
    },
  };
}

/** Buffers: the output and its gradient only. */
export const PLAIN_CACHE: CacheSpec = {
  gradient: true,
  z: false,
  dZ: false,
  mask: false,
  sharesInput: false,
};

const nothing = (): void => {};

/** The record of a kind whose forward and backward do nothing: nothing to append. */
export const recordsNothing = (): boolean => true;

/**
 * What a kind without parameters or activation answers: no parameters, no penalties, no activation,
 * nothing to bind, and no logits or parameter seed (asked only of a fused or parameterised kind).
 */
export function parameterFree<N extends GraphNode>(
  type: N['type'],
): Pick<
  LayerKind<N>,
  'params' | 'initParams' | 'penalties' | 'activation' | 'bind' | 'logits' | 'seedTangent'
> {
  return {
    params: () => null,
    initParams: nothing,
    penalties: () => ({ l1: 0, l2: 0 }),
    activation: () => null,
    bind: nothing,
    logits(): FloatArray {
      throw new Error(`A ${type} node applies no activation for the loss to fuse with`);
    },
    seedTangent() {
      throw new Error(`A ${type} node has no parameters`);
    },
  };
}

/** The shape of its single input. */
export const inputShape = (_node: GraphNode, ctx: ShapeContext): Shape => ctx.inputs[0]!;

/**
 * The widths of a node's inputs, each of which must be flat ([n]); fails naming the node, the input
 * and its shape otherwise (an image goes through a flatten or a global pooling first).
 */
export function flatInputs(node: GraphNode, inputs: readonly Shape[]): number[] {
  return inputs.map((shape, k) => {
    if (shape.length !== 1)
      fail(
        'SHAPE_MISMATCH',
        'graph.needsFlat',
        { id: node.id, type: node.type, src: node.inputs[k]!, shape: `[${shape.join(', ')}]` },
        { nodeId: node.id },
      );
    return shape[0]!;
  });
}

/** An integer in [1, max]. */
export function isPositiveInt(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
}

/** Absent, or a finite number ≥ 0. */
export function isFiniteNonNegative(v: unknown): boolean {
  return v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
}

/** Checks an activation name and its optional α. */
export function checkActivation(node: { activation: string; alpha?: number }, bad: BadSetting): void {
  if (!(ACTIVATIONS as readonly string[]).includes(node.activation))
    bad('graph.node.unknownActivation', { activation: String(node.activation) });
  if (node.alpha !== undefined && !Number.isFinite(node.alpha)) bad('graph.node.alphaFinite');
}

/** α of the node's activation (negative slope of leaky_relu, α of elu). */
export function alphaOf(node: { activation: string; alpha?: number }): number {
  if (node.alpha !== undefined) return node.alpha;
  return node.activation === 'elu' ? DEFAULT_ALPHA.elu : DEFAULT_ALPHA.leaky_relu;
}

/**
 * Explainer: f′(z) for each row and neuron of node `s` (its activation f from `node`, its input z, its
 * output a = f(z), over B rows), null when it is fused with the loss; and each ∂L/∂z = f′(z)·∂L/∂a as
 * the chain text writes it, against `dZ` (what the node stored), the loss's own steps when fused (none
 * without `dZ`).
 */
export function activationSteps(
  s: NodeState,
  node: { activation: Activation; alpha?: number },
  z: FloatArray,
  dZ: ArrayLike<number> | null,
  B: number,
  lossSteps: ChainStep[][],
): { fPrime: number[][] | null; dZSteps: ChainStep[][] | null } {
  const w = s.width;
  const alpha = alphaOf(node);
  if (s.fused) return { fPrime: null, dZSteps: dZ && lossSteps };
  const fPrime = grid(B, w, (r, j) => derivative(node.activation, alpha, z[r * w + j]!, s.out[r * w + j]!));
  if (!dZ) return { fPrime, dZSteps: null };
  const dZSteps = grid(B, w, (r, j) => {
    const q = r * w + j;
    return activationStep(node.activation, alpha, j, s.dOut[q]!, z[q]!, s.out[q]!, fPrime[r]![j]!, dZ[q]!);
  });
  return { fPrime, dZSteps };
}

/** The activation fields of the editor (dense and activation kinds): the function, and α where it has one. */
export function activationFields(labelKey: string, values: readonly Activation[]): SettingField[] {
  return [
    { key: 'activation', labelKey, control: 'choice', values, optionKey: 'activations' },
    {
      key: 'alpha',
      labelKey: 'inspector.alpha',
      control: 'number',
      step: 0.01,
      shownIf: (s) => s.activation === 'leaky_relu' || s.activation === 'elu',
      whenAbsent: (s) => alphaOf(s as { activation: string }),
    },
  ];
}

/**
 * An activation as Keras says it: the name a Dense or Activation layer takes, and any layer that must
 * follow (leaky ReLU is a LeakyReLU layer after a linear one); null when Keras cannot say it (TF.js
 * has ELU only with α = 1).
 */
export function kerasActivation(node: {
  activation: Activation;
  alpha?: number;
}): { name: string; after: KerasLayer[] } | null {
  switch (node.activation) {
    case 'leaky_relu':
      return { name: 'linear', after: [{ className: 'LeakyReLU', config: { alpha: alphaOf(node) } }] };
    case 'elu':
      return alphaOf(node) === 1 ? { name: 'elu', after: [] } : null;
    default:
      return { name: node.activation, after: [] };
  }
}
