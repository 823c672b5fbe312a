/** Ready-made graphs: a plain MLP (what the CLI's --layers builds) and the editor's starting templates. */
import type { Activation, DenseNode, GraphNode, GraphSpec, Initializer, LossName } from './types.ts';

export type Head = 'softmax' | 'sigmoid' | 'linear';

/** The output activation and loss a task implies: softmax + cross-entropy, sigmoid + BCE, linear + MSE. */
export function headFor(head: Head): { activation: Activation; loss: LossName } {
  if (head === 'softmax') return { activation: 'softmax', loss: 'categorical_crossentropy' };
  if (head === 'sigmoid') return { activation: 'sigmoid', loss: 'binary_crossentropy' };
  return { activation: 'linear', loss: 'mse' };
}

export interface MlpOptions {
  /** Number of features (0: take it from the data at compile time). */
  inputs: number;
  hidden: number[];
  outputs: number;
  activation?: Activation;
  head: Head;
  initializer?: Initializer;
  l2?: number;
}

/** input → dense(h₁) → … → dense(outputs, head) → output; node ids input, dense1 …, output. */
export function buildMlp(o: MlpOptions): GraphSpec {
  const act = o.activation ?? 'relu';
  const init =
    o.initializer ??
    (act === 'relu' || act === 'leaky_relu' || act === 'elu' ? 'he_uniform' : 'glorot_uniform');
  const { activation: headAct, loss } = headFor(o.head);
  const nodes: GraphNode[] = [{ id: 'input', type: 'input', inputs: [], units: o.inputs }];
  let prev = 'input';
  const widths = [...o.hidden, o.outputs];
  widths.forEach((units, i) => {
    const last = i === widths.length - 1;
    const id = `dense${i + 1}`;
    const node: GraphNode = {
      id,
      type: 'dense',
      inputs: [prev],
      units,
      activation: last ? headAct : act,
      useBias: true,
      kernelInitializer: last ? 'glorot_uniform' : init,
    };
    if (o.l2) node.l2 = o.l2;
    nodes.push(node);
    prev = id;
  });
  nodes.push({ id: 'output', type: 'output', inputs: [prev], loss });
  return { nodes };
}

/** A dense node with a bias and Glorot-uniform weights unless `extra` says otherwise. */
export function denseNode(
  id: string,
  input: string,
  units: number,
  activation: Activation = 'relu',
  extra: Partial<DenseNode> = {},
): DenseNode {
  return {
    id,
    type: 'dense',
    inputs: [input],
    units,
    activation,
    useBias: true,
    kernelInitializer: 'glorot_uniform',
    ...extra,
  };
}
