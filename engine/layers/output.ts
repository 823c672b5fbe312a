/**
 * Output: the prediction p, which is its input's value (it shares its input's buffers, so the loss
 * writes ∂L/∂p, or ∂L/∂z of a fused sigmoid or softmax, straight into its feeder's stored gradient).
 * Which activation each loss needs before it is checked by the compiler, which sees the feeder.
 */
import * as z from 'zod';
import { perRow } from '../explain/rows.ts';
import { LOSSES } from '../graph/types.ts';
import type { OutputNode } from '../graph/types.ts';
import type { LayerKind } from './kind.ts';
import { flatInputs, named, nodeSchema, parameterFree, PLAIN_CACHE, recordsNothing } from './parts.ts';

const nothing = (): void => {};

export const output: LayerKind<OutputNode> = {
  ...parameterFree('output'),
  ...named('output'),
  arity: [1, 1],
  defaults: { loss: 'categorical_crossentropy' },
  fields: [
    { key: 'loss', labelKey: 'inspector.loss', control: 'choice', values: LOSSES, optionKey: 'losses' },
  ],
  schema: (base) =>
    nodeSchema<OutputNode>(base, 'output', {
      loss: z.enum(LOSSES),
    }),
  check(n, bad) {
    if (!(LOSSES as readonly string[]).includes(n.loss))
      bad('graph.node.unknownLoss', { loss: String(n.loss) });
  },
  // The loss reads rows of a flat vector.
  outputShape: (n, { inputs }) => flatInputs(n, inputs),
  // The model's outputs are its input's value: no layer of its own.
  tfjs: () => [],
  pytorch: () => ({ value: null }),
  // The model's output is its input's value: no operator of its own.
  onnx: (_n, ctx) => ctx.inputs[0]!,
  cache: { ...PLAIN_CACHE, sharesInput: true },
  // The loss reads its buffers; the walks have nothing to do.
  forward: nothing,
  backward: nothing,
  record: recordsNothing,
  // The explainer ends its tangents at the output's feeder.
  tangent: nothing,
  // The loss's seed, which the feeder holds in full.
  term(u, _s, B, t) {
    t.set(u.dOut.subarray(0, B * u.width));
  },
  forwardEvent: (s, B) => ({
    kind: 'output',
    nodeId: s.node.id,
    inputId: (s.node as OutputNode).inputs[0],
    p: perRow(s.out, B, s.width),
  }),
  backwardEvent() {
    throw new Error('unreachable: the loss event stands for the output');
  },
};
