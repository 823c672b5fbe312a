/**
 * Input: the features of each row, loaded into its output by the trainer (loadRows). It keeps no
 * gradient: nothing needs ∂L/∂x, so the layers that read it stop their backward pass there.
 */
import * as z from 'zod';
import { fail } from '../errors.ts';
import { perRow } from '../explain/rows.ts';
import { CAP } from '../formats/issues.ts';
import { LIMITS } from '../graph/limits.ts';
import type { InputNode } from '../graph/types.ts';
import type { LayerKind } from './kind.ts';
import { isPositiveInt, named, nodeSchema, parameterFree, PLAIN_CACHE, recordsNothing } from './parts.ts';
import { shapeText, sizeOf } from './spatial.ts';

const nothing = (): void => {};

const dim = z.int().min(1).max(LIMITS.units, CAP);

export const input: LayerKind<InputNode> = {
  ...parameterFree('input'),
  ...named('input'),
  arity: [0, 0],
  defaults: { units: 0 },
  fields: [],
  schema: (base) =>
    nodeSchema<InputNode>(base, 'input', {
      units: z.int().min(0).max(LIMITS.units, CAP),
      shape: z.tuple([dim, dim, dim]).optional(),
    }),
  check(n, bad) {
    if (!(n.units === 0 || (Number.isInteger(n.units) && n.units >= 1 && n.units <= LIMITS.units)))
      bad('graph.node.inputUnitsRange', { max: LIMITS.units });
    const shape: unknown = n.shape;
    if (
      shape !== undefined &&
      !(Array.isArray(shape) && shape.length === 3 && shape.every((d) => isPositiveInt(d, LIMITS.units)))
    )
      bad('graph.node.inputShapeRange', { max: LIMITS.units });
  },
  // Its units, or the data's features when it says 0 (or its image's size before data is known).
  outputShape(n, { inputWidth: fromData }) {
    if (n.units > 0 && fromData !== undefined && fromData !== n.units)
      fail(
        'INPUT_WIDTH_MISMATCH',
        'graph.inputWidthMismatch',
        { id: n.id, units: n.units, features: fromData },
        { nodeId: n.id },
      );
    const image = n.shape ? sizeOf(n.shape) : 0;
    const out = n.units > 0 ? n.units : (fromData ?? image);
    if (out <= 0) fail('INPUT_WIDTH_MISMATCH', 'graph.inputNoWidth', { id: n.id }, { nodeId: n.id });
    if (out > LIMITS.units)
      fail('TOO_LARGE', 'graph.inputTooWide', { id: n.id, max: LIMITS.units }, { nodeId: n.id });
    if (!n.shape) return [out];
    if (image !== out)
      fail(
        'SHAPE_MISMATCH',
        'graph.inputShapeMismatch',
        { id: n.id, shape: shapeText(n.shape), size: image, width: out },
        { nodeId: n.id },
      );
    return [...n.shape];
  },
  tfjs: (_n, { shape }) => [
    {
      className: 'InputLayer',
      config: { batch_input_shape: [null, ...shape], dtype: 'float32', sparse: false },
    },
  ],
  // The features are forward's argument.
  pytorch: () => ({ value: null }),
  // The features after the preprocessing nodes, under the node's name.
  onnx: (_n, ctx) => ctx.op('Identity', ctx.inputs),
  cache: { ...PLAIN_CACHE, gradient: false },
  forward: nothing,
  backward: nothing,
  record: recordsNothing,
  // It reads no node, so it is never anyone's tangent or gradient term's source.
  tangent: nothing,
  term: nothing,
  forwardEvent: (s, B) => ({ kind: 'input', nodeId: s.node.id, a: perRow(s.out, B, s.width) }),
  // The data needs no gradient: the backward pass stops at the layers that read it.
  backwardEvent: (_s, _B, base) => ({ ...base, kind: 'input' }),
};
