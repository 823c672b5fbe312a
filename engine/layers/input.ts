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
import { named, nodeSchema, parameterFree, PLAIN_CACHE, recordsNothing } from './parts.ts';

const nothing = (): void => {};

export const input: LayerKind<InputNode> = {
  ...parameterFree('input'),
  ...named('input'),
  arity: [0, 0],
  defaults: { units: 0 },
  fields: [],
  schema: (base) =>
    nodeSchema<InputNode>(base, 'input', {
      units: z.int().min(0).max(LIMITS.units, CAP),
    }),
  check(n, bad) {
    if (!(n.units === 0 || (Number.isInteger(n.units) && n.units >= 1 && n.units <= LIMITS.units)))
      bad('graph.node.inputUnitsRange', { max: LIMITS.units });
  },
  outputWidth(n, { inputWidth: fromData }) {
    if (n.units > 0 && fromData !== undefined && fromData !== n.units)
      fail(
        'INPUT_WIDTH_MISMATCH',
        'graph.inputWidthMismatch',
        { id: n.id, units: n.units, features: fromData },
        { nodeId: n.id },
      );
    const out = n.units > 0 ? n.units : (fromData ?? 0);
    if (out <= 0) fail('INPUT_WIDTH_MISMATCH', 'graph.inputNoWidth', { id: n.id }, { nodeId: n.id });
    if (out > LIMITS.units)
      fail('TOO_LARGE', 'graph.inputTooWide', { id: n.id, max: LIMITS.units }, { nodeId: n.id });
    return out;
  },
  tfjs: (_n, { width }) => [
    {
      className: 'InputLayer',
      config: { batch_input_shape: [null, width], dtype: 'float32', sparse: false },
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
