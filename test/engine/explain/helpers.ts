/** Fixtures for the explain tests: float64 models with random weights and random DAGs with branches. */
import { compileGraph } from '../../../engine/graph/compile.ts';
import type { Activation, GraphNode, GraphSpec, LossName } from '../../../engine/graph/types.ts';
import { createModel } from '../../../engine/model/model.ts';
import type { DType, Model } from '../../../engine/model/model.ts';
import { createRng } from '../../../engine/rng.ts';
import type { Batch } from '../../../engine/explain/working-copy.ts';
import { denseNode } from '../helpers.ts';

export { denseNode };

export type Targets = 'onehot' | 'binary' | 'real';

/** A model with random weights (biases too) and a random batch of B rows (not loaded). */
export function randomModel(
  graph: GraphSpec,
  B: number,
  seed: number,
  targets: Targets,
  dtype: DType = 'float64',
): { model: Model; batch: Batch } {
  const model = createModel(compileGraph(graph), { maxBatch: B, dtype, seed });
  const rng = createRng(seed + 1);
  for (let i = 0; i < model.params.length; i++) model.params[i] = rng.normal() * 0.7;
  const nIn = model.input.width;
  const K = model.output.width;
  const x = Float64Array.from({ length: B * nIn }, () => rng.normal());
  const y = new Float64Array(B * K);
  for (let r = 0; r < B; r++) {
    if (targets === 'onehot') y[r * K + rng.int(K)] = 1;
    else for (let j = 0; j < K; j++) y[r * K + j] = targets === 'binary' ? rng.int(2) : rng.normal();
  }
  return { model, batch: { x, y, B } };
}

const HEADS: { act: Activation; loss: LossName; targets: Targets }[] = [
  { act: 'softmax', loss: 'categorical_crossentropy', targets: 'onehot' },
  { act: 'sigmoid', loss: 'binary_crossentropy', targets: 'binary' },
  { act: 'linear', loss: 'mse', targets: 'real' },
];

/**
 * A random DAG: each new node reads one or two earlier nodes through dense, add (of two dense
 * branches), concatenate or activation; loose ends are concatenated into the head.
 */
export function randomGraph(seed: number, withDropout = false): { graph: GraphSpec; targets: Targets } {
  const rng = createRng(seed * 101 + 7);
  const acts: Activation[] = ['tanh', 'sigmoid', 'elu', 'softplus', 'leaky_relu', 'linear'];
  const act = () => acts[rng.int(acts.length)]!;
  const inputs = 2 + rng.int(3);
  const nodes: GraphNode[] = [{ id: 'in', type: 'input', inputs: [], units: inputs }];
  const widths = new Map<string, number>([['in', inputs]]);
  const pool = ['in'];
  const count = 4 + rng.int(4);
  for (let i = 0; i < count; i++) {
    const id = `n${i}`;
    const a = pool[rng.int(pool.length)]!;
    const b = pool[rng.int(pool.length)]!;
    const kind = rng.int(5);
    if (kind === 1 && a !== b) {
      nodes.push(denseNode(`${id}a`, a, 3, act(), rng.int(3) === 0 ? { l2: 0.05 } : {}));
      nodes.push(denseNode(`${id}b`, b, 3, act(), rng.int(3) === 0 ? { useBias: false } : {}));
      nodes.push({ id, type: 'add', inputs: [`${id}a`, `${id}b`] });
      widths.set(id, 3);
    } else if (kind === 2 && a !== b) {
      nodes.push({ id, type: 'concatenate', inputs: [a, b] });
      widths.set(id, widths.get(a)! + widths.get(b)!);
    } else if (kind === 3 && a !== 'in') {
      nodes.push({ id, type: 'activation', inputs: [a], activation: act() });
      widths.set(id, widths.get(a)!);
    } else if (kind === 4 && withDropout && a !== 'in') {
      nodes.push({ id, type: 'dropout', inputs: [a], rate: 0.3 });
      widths.set(id, widths.get(a)!);
    } else {
      const w = 2 + rng.int(3);
      nodes.push(denseNode(id, a, w, act()));
      widths.set(id, w);
    }
    pool.push(id);
  }
  const used = new Set(nodes.flatMap((n) => n.inputs));
  const loose = pool.filter((id) => !used.has(id));
  const headIn = loose.length > 1 ? 'join' : loose[0]!;
  if (loose.length > 1) nodes.push({ id: 'join', type: 'concatenate', inputs: loose });
  const head = HEADS[seed % HEADS.length]!;
  const K = head.act === 'softmax' ? 3 : 1 + rng.int(2);
  nodes.push(denseNode('head', headIn, K, head.act));
  nodes.push({ id: 'out', type: 'output', inputs: ['head'], loss: head.loss });
  return { graph: { nodes }, targets: head.targets };
}

/** input(2) → dense(2, act) → dense(1, linear) → output(mse): the lecture's smallest network. */
export function net221(act: Activation = 'tanh'): GraphSpec {
  return {
    nodes: [
      { id: 'in', type: 'input', inputs: [], units: 2 },
      denseNode('h', 'in', 2, act),
      denseNode('o', 'h', 1, 'linear'),
      { id: 'out', type: 'output', inputs: ['o'], loss: 'mse' },
    ],
  };
}
