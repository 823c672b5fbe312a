import { describe, expect, it } from 'vitest';
import { analyticGradient, compareGradients, numericGradient } from '../../engine/gradcheck.ts';
import { ACTIVATIONS, LOSSES } from '../../engine/graph/types.ts';
import type { Activation, GraphNode, GraphSpec, LossName } from '../../engine/graph/types.ts';
import { createRng } from '../../engine/rng.ts';
import { denseNode, randomSetup } from './helpers.ts';

function expectGradientsMatch(graph: GraphSpec, targets: 'onehot' | 'binary' | 'real', seed = 3, B = 4) {
  const { model, y } = randomSetup(graph, B, seed, targets);
  const batch = { y, B, seed };
  const a = analyticGradient(model, batch);
  const n = numericGradient(model, batch);
  const report = compareGradients(model, a, n);
  for (const r of report) expect(r, `layer ${r.nodeId}`).toMatchObject({ failures: 0 });
  // The check must be able to fail: a wrong gradient is caught.
  const broken = Float64Array.from(a);
  broken[0] = broken[0]! + 0.01 * Math.abs(broken[0]!) + 1e-3;
  expect(compareGradients(model, broken, n).some((r) => r.failures > 0)).toBe(true);
  return report;
}

const headFor = (loss: LossName): Activation =>
  loss === 'categorical_crossentropy' ? 'softmax' : loss === 'binary_crossentropy' ? 'sigmoid' : 'linear';
const targetsFor = (loss: LossName) =>
  loss === 'categorical_crossentropy' ? 'onehot' : loss === 'binary_crossentropy' ? 'binary' : 'real';

describe('finite differences agree with backprop (float64, atol 1e-5, rtol 1e-3)', () => {
  const hidden = ACTIVATIONS.filter((a) => a !== 'softmax');
  it.each(hidden)('dense with %s', (act) => {
    expectGradientsMatch(
      {
        nodes: [
          { id: 'in', type: 'input', inputs: [], units: 3 },
          denseNode('h', 'in', 5, act, act === 'leaky_relu' ? { alpha: 0.1 } : {}),
          denseNode('o', 'h', 2, 'linear'),
          { id: 'out', type: 'output', inputs: ['o'], loss: 'mse' },
        ],
      },
      'real',
    );
  });

  it.each(hidden)('activation node %s', (act) => {
    expectGradientsMatch(
      {
        nodes: [
          { id: 'in', type: 'input', inputs: [], units: 3 },
          denseNode('h', 'in', 4, 'linear'),
          { id: 'a', type: 'activation', inputs: ['h'], activation: act, alpha: 0.3 },
          denseNode('o', 'a', 2, 'linear'),
          { id: 'out', type: 'output', inputs: ['o'], loss: 'mse' },
        ],
      },
      'real',
    );
  });

  it.each(LOSSES)('loss %s', (loss) => {
    const width = loss === 'categorical_crossentropy' ? 3 : 2;
    expectGradientsMatch(
      {
        nodes: [
          { id: 'in', type: 'input', inputs: [], units: 3 },
          denseNode('h', 'in', 4, 'tanh'),
          denseNode('o', 'h', width, headFor(loss)),
          { id: 'out', type: 'output', inputs: ['o'], loss },
        ],
      },
      targetsFor(loss),
    );
  });

  it.each(['sigmoid', 'softmax'] as const)('%s as its own activation node before cross-entropy', (act) => {
    const loss: LossName = act === 'softmax' ? 'categorical_crossentropy' : 'binary_crossentropy';
    expectGradientsMatch(
      {
        nodes: [
          { id: 'in', type: 'input', inputs: [], units: 2 },
          denseNode('h', 'in', 3, 'elu'),
          denseNode('o', 'h', 3, 'linear'),
          { id: 'a', type: 'activation', inputs: ['o'], activation: act },
          { id: 'out', type: 'output', inputs: ['a'], loss },
        ],
      },
      targetsFor(loss),
    );
  });

  it('add, concatenate, dropout, no-bias and L1/L2 penalties', () => {
    expectGradientsMatch(
      {
        nodes: [
          { id: 'in', type: 'input', inputs: [], units: 3 },
          denseNode('a', 'in', 4, 'tanh', { l2: 0.05 }),
          denseNode('b', 'in', 4, 'softplus', { useBias: false, l1: 0.02 }),
          { id: 'sum', type: 'add', inputs: ['a', 'b'] },
          { id: 'drop', type: 'dropout', inputs: ['sum'], rate: 0.3 },
          { id: 'cat', type: 'concatenate', inputs: ['drop', 'a'] },
          denseNode('o', 'cat', 2, 'sigmoid'),
          { id: 'out', type: 'output', inputs: ['o'], loss: 'binary_crossentropy' },
        ],
      },
      'binary',
    );
  });

  it('a node feeding several consumers sums their gradients (skip connection)', () => {
    expectGradientsMatch(
      {
        nodes: [
          { id: 'in', type: 'input', inputs: [], units: 2 },
          denseNode('h1', 'in', 3, 'relu'),
          denseNode('h2', 'h1', 3, 'tanh'),
          denseNode('h3', 'h1', 3, 'sigmoid'),
          { id: 'skip', type: 'add', inputs: ['h1', 'h2', 'h3'] },
          denseNode('o', 'skip', 1, 'linear'),
          { id: 'out', type: 'output', inputs: ['o'], loss: 'mae' },
        ],
      },
      'real',
    );
  });

  it.each([1, 2, 3, 4, 5, 6])('random graph with branches, seed %i', (seed) => {
    expectGradientsMatch(randomGraph(seed), 'onehot', seed, 3);
  });
});

/** A random DAG: each new node reads one or two earlier nodes through dense, add, concat or activation. */
function randomGraph(seed: number): GraphSpec {
  const rng = createRng(seed * 101);
  const acts: Activation[] = ['tanh', 'sigmoid', 'elu', 'softplus', 'leaky_relu', 'linear'];
  const nodes: GraphNode[] = [{ id: 'in', type: 'input', inputs: [], units: 2 + rng.int(3) }];
  const widths = new Map<string, number>([
    ['in', nodes[0]!.type === 'input' ? (nodes[0] as { units: number }).units : 0],
  ]);
  const pool = ['in'];
  const count = 4 + rng.int(4);
  for (let i = 0; i < count; i++) {
    const id = `n${i}`;
    const a = pool[rng.int(pool.length)]!;
    const b = pool[rng.int(pool.length)]!;
    const kind = rng.int(4);
    if (kind === 1 && a !== b) {
      const w = 3;
      const da = `${id}a`;
      const db = `${id}b`;
      nodes.push(
        denseNode(da, a, w, acts[rng.int(acts.length)]!),
        denseNode(db, b, w, acts[rng.int(acts.length)]!),
      );
      nodes.push({ id, type: 'add', inputs: [da, db] });
      widths.set(id, w);
    } else if (kind === 2 && a !== b) {
      nodes.push({ id, type: 'concatenate', inputs: [a, b] });
      widths.set(id, widths.get(a)! + widths.get(b)!);
    } else if (kind === 3 && a !== 'in') {
      nodes.push({ id, type: 'activation', inputs: [a], activation: acts[rng.int(acts.length)]! });
      widths.set(id, widths.get(a)!);
    } else {
      const w = 2 + rng.int(3);
      nodes.push(denseNode(id, a, w, acts[rng.int(acts.length)]!));
      widths.set(id, w);
    }
    pool.push(id);
  }
  // Everything left unused joins the head, so every node leads to the output.
  const used = new Set(nodes.flatMap((n) => n.inputs));
  const loose = pool.filter((id) => !used.has(id));
  const headIn = loose.length > 1 ? 'join' : loose[0]!;
  if (loose.length > 1) nodes.push({ id: 'join', type: 'concatenate', inputs: loose });
  nodes.push(denseNode('head', headIn, 3, 'softmax'));
  nodes.push({ id: 'out', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' });
  return { nodes };
}
