/**
 * Reshape: the same values per row under another shape (Keras's Reshape, channels last), so a = x and
 * dX += dA. One entry of the target may be −1: the size the others leave. Forward mode: ȧ = ẋ.
 */
import * as z from 'zod';
import { fail } from '../errors.ts';
import { LIMITS } from '../graph/limits.ts';
import type { ReshapeNode } from '../graph/types.ts';
import type { LayerKind } from './kind.ts';
import { flatten } from './flatten.ts';
import { named, nodeSchema, parameterFree, PLAIN_CACHE, valueEvents } from './parts.ts';
import { shapeText, sizeOf } from './spatial.ts';

/** Whether a target shape is 1 to 3 entries, each ≥ 1 or a single −1. */
function validTarget(v: unknown): v is number[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > 3) return false;
  if (!v.every((d) => Number.isInteger(d) && (d === -1 || (d >= 1 && d <= LIMITS.rowSize)))) return false;
  return v.filter((d) => d === -1).length <= 1;
}

export const reshape: LayerKind<ReshapeNode> = {
  ...parameterFree('reshape'),
  ...named('reshape'),
  arity: [1, 1],
  defaults: { targetShape: [-1] },
  // The target shape is set in files for now.
  fields: [],
  schema: (base) =>
    nodeSchema<ReshapeNode>(base, 'reshape', {
      targetShape: z.array(z.int().min(-1).max(LIMITS.rowSize)).min(1).max(3),
    }),
  check(n, bad) {
    if (!validTarget(n.targetShape)) bad('graph.node.targetShapeRange');
  },
  outputShape(n, { inputs }) {
    const input = inputs[0]!;
    const size = sizeOf(input);
    const known = sizeOf(n.targetShape.filter((d) => d !== -1));
    const free = n.targetShape.includes(-1);
    if (free ? size % known !== 0 : known !== size)
      fail(
        'SHAPE_MISMATCH',
        'graph.reshapeMismatch',
        { id: n.id, src: n.inputs[0], shape: shapeText(input), target: shapeText(n.targetShape) },
        { nodeId: n.id },
      );
    return n.targetShape.map((d) => (d === -1 ? size / known : d));
  },
  tfjs: (_n, { shape }) => [{ className: 'Reshape', config: { target_shape: [...shape] } }],
  // The export values are flat rows, in the same order under any shape.
  pytorch: (_n, { inputs }) => ({ value: inputs[0]! }),
  onnx: (_n, ctx) => ctx.op('Identity', ctx.inputs),
  cache: PLAIN_CACHE,
  forward: flatten.forward,
  backward: flatten.backward,
  record: null,

  tangent: flatten.tangent,
  term: flatten.term,
  ...valueEvents('reshape', () => reshape.term),
};
