/** What the dense and activation kinds share in their ONNX part: an activation as an ONNX operator. */
import type { Activation } from '../graph/types.ts';
import type { OnnxContext } from './kind.ts';
import { alphaOf } from './parts.ts';

/** ONNX operators (opset 13) of the activations other than linear, which writes none. */
const OPERATORS: Record<Exclude<Activation, 'linear'>, string> = {
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  relu: 'Relu',
  leaky_relu: 'LeakyRelu',
  elu: 'Elu',
  softplus: 'Softplus',
  softmax: 'Softmax',
};

/**
 * The node's activation applied to the value `z`: the name of the value it writes, or `z` itself for
 * linear. Leaky ReLU and ELU carry the node's α; softmax acts on each row (axis −1), as ours.
 */
export function onnxActivation(
  node: { activation: Activation; alpha?: number },
  z: string,
  ctx: Pick<OnnxContext, 'op'>,
): string {
  const f = node.activation;
  if (f === 'linear') return z;
  if (f === 'leaky_relu' || f === 'elu')
    return ctx.op(OPERATORS[f], [z], { alpha: { float: alphaOf(node) } });
  if (f === 'softmax') return ctx.op(OPERATORS[f], [z], { axis: { int: -1 } });
  return ctx.op(OPERATORS[f], [z]);
}
