/**
 * What the two pooling kinds share: settings, schema, shapes, export parts and explainer events. Each
 * output cell (b, oy, ox, c) reads one window of channel c, taking the cells inside the image only:
 * TensorFlow's `same` padding adds nothing to a max, and an average divides by the cells inside.
 */
import * as z from 'zod';
import type { AvgPool2dNode, MaxPool2dNode } from '../graph/types.ts';
import { PADDINGS } from '../graph/types.ts';
import type { NodeState } from '../model/state.ts';
import type { LayerKind } from './kind.ts';
import { named, nodeSchema, parameterFree, valueEvents } from './parts.ts';
import { checkPadding, checkPair, geometry, imageInput, pairSchema } from './spatial.ts';
import type { Geometry } from './spatial.ts';
import { onnxImage, torchImage } from './spatial-export.ts';

type PoolNode = MaxPool2dNode | AvgPool2dNode;

const GEOMETRY = new WeakMap<NodeState, Geometry>();

/** The window geometry of a compiled pooling node (worked out once per node state). */
export function poolGeometry(s: NodeState): Geometry {
  let g = GEOMETRY.get(s);
  if (!g) {
    const n = s.node as PoolNode;
    g = geometry(n, imageInput(n, [s.inputs[0]!.shape]), n.poolSize, n.strides ?? n.poolSize, n.padding);
    GEOMETRY.set(s, g);
  }
  return g;
}

type Shared =
  | 'type'
  | 'labelKey'
  | 'hintKey'
  | 'arity'
  | 'defaults'
  | 'fields'
  | 'schema'
  | 'check'
  | 'outputShape'
  | 'params'
  | 'initParams'
  | 'penalties'
  | 'activation'
  | 'bind'
  | 'logits'
  | 'seedTangent'
  | 'record'
  | 'tfjs'
  | 'pytorch'
  | 'onnx'
  | 'forwardEvent'
  | 'backwardEvent';

/** The parts both pooling kinds share; `term` is the kind's own (what it adds into its input's gradient). */
export function poolParts<N extends PoolNode>(
  type: N['type'],
  term: LayerKind<N>['term'],
): Pick<LayerKind<N>, Shared> {
  return {
    ...parameterFree<N>(type),
    ...named<N['type']>(type),
    arity: [1, 1],
    defaults: { poolSize: [2, 2], padding: 'valid' } as LayerKind<N>['defaults'],
    // Pool size, strides and padding are set in files for now.
    fields: [],
    schema: (base) =>
      nodeSchema<N>(base, type, {
        poolSize: pairSchema,
        strides: pairSchema.optional(),
        padding: z.enum(PADDINGS),
      }),
    check(n, bad) {
      checkPair(n.poolSize, 'poolSize', bad);
      if (n.strides !== undefined) checkPair(n.strides, 'strides', bad);
      checkPadding(n.padding, bad);
    },
    outputShape(n, { inputs }) {
      const g = geometry(n, imageInput(n, inputs), n.poolSize, n.strides ?? n.poolSize, n.padding);
      return [g.oh, g.ow, g.C];
    },
    record: null,
    tfjs: (n) => [
      {
        className: type === 'maxpool2d' ? 'MaxPooling2D' : 'AveragePooling2D',
        config: {
          pool_size: [...n.poolSize],
          strides: [...(n.strides ?? n.poolSize)],
          padding: n.padding,
          data_format: 'channels_last',
        },
      },
    ],
    pytorch: (n, ctx) => torchImage(n, ctx),
    onnx: (n, ctx) => onnxImage(n, ctx),
    ...valueEvents(type, () => term),
  };
}
