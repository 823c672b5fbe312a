// The explainer's step-by-step entries of the layer kinds, checked entry by entry against a small
// network worked by hand (2 rows, 2–3 units): f′(z) and the ∂L/∂z steps of activation and dense
// blocks, the dense block's ∂L/∂x steps, dropout's ∂L/∂x steps; and the forward-mode tangent of a
// separate sigmoid or softmax node that the loss fuses with.
import { beforeAll, describe, expect, it } from 'vitest';
import { countingKernels, newCounter } from '../../../engine/explain/counting.ts';
import { forwardModeGradient } from '../../../engine/explain/forward-mode.ts';
import { runMethod } from '../../../engine/explain/methods.ts';
import { fac, facFor, num } from '../../../engine/explain/notation.ts';
import { traceStep } from '../../../engine/explain/trace.ts';
import type {
  BackwardEvent,
  ChainStep,
  ForwardEvent,
  StepTrace,
} from '../../../engine/explain/trace-types.ts';
import { compileGraph } from '../../../engine/graph/compile.ts';
import type { GraphNode } from '../../../engine/graph/types.ts';
import { layerOf } from '../../../engine/layers/registry.ts';
import { createModel, setLayerWeights } from '../../../engine/model/model.ts';
import type { Model } from '../../../engine/model/model.ts';
import { computeGradients, loadRows } from '../../../engine/model/run.ts';
import type { NodeState } from '../../../engine/model/state.ts';
import { createRng } from '../../../engine/rng.ts';
import { denseNode } from '../helpers.ts';

const B = 2;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const softplus = (z: number) => Math.log(1 + Math.exp(z));
const rows = <T>(w: number, f: (r: number, j: number) => T): T[][] =>
  Array.from({ length: B }, (_, r) => Array.from({ length: w }, (_, j) => f(r, j)));

function bwd<K extends BackwardEvent['kind']>(t: StepTrace, id: string, kind: K) {
  const e = t.backward.find((b) => b.nodeId === id)!;
  expect(e.kind).toBe(kind);
  return e as Extract<BackwardEvent, { kind: K }>;
}

function fwd<K extends ForwardEvent['kind']>(t: StepTrace, id: string, kind: K) {
  const e = t.forward.find((f) => f.nodeId === id)!;
  expect(e.kind).toBe(kind);
  return e as Extract<ForwardEvent, { kind: K }>;
}

/** Every entry of `actual` close to `expected` (same shape). */
function closeGrid(actual: number[][] | null, expected: number[][]) {
  expect(actual).not.toBeNull();
  expect(actual!.length).toBe(expected.length);
  actual!.forEach((row, r) => {
    expect(row.length).toBe(expected[r]!.length);
    row.forEach((v, j) => expect(v, `[${r}][${j}]`).toBeCloseTo(expected[r]![j]!, 12));
  });
}

/** Every step: its text, value and factor names as expected. */
function sameSteps(actual: ChainStep[][] | null, expected: ChainStep[][]) {
  expect(actual).not.toBeNull();
  expect(actual!.length).toBe(expected.length);
  actual!.forEach((row, r) => {
    expect(row.length).toBe(expected[r]!.length);
    row.forEach((step, j) => {
      const e = expected[r]![j]!;
      expect(step.text, `[${r}][${j}]`).toBe(e.text);
      expect(step.value, `[${r}][${j}]`).toBeCloseTo(e.value, 12);
      expect(step.cached, `[${r}][${j}]`).toEqual(e.cached);
      expect(step.reused, `[${r}][${j}]`).toEqual(e.reused);
    });
  });
}

/*
 * in (2) → h: dense 3, linear → a: sigmoid → d: dropout 0.5 → g: dense 2, softplus → o: dense 1, linear
 * → mse, 2 rows. Kernels in Keras layout [nIn × units], row-major.
 *   z_h = x·Wh + bh: with Wh = [[1, 0, 1], [0, 1, −1]], bh = (0, 0.5, −0.25),
 *     row 1: x = (0.5, −1) → z_h = (0.5, −0.5, 1.25);  row 2: x = (2, 0.25) → z_h = (2, 0.75, 1.5)
 *   a = σ(z_h), f′ = a(1 − a);  d = m ⊙ a with m ∈ {0, 2} (the mask drawn, read from the trace)
 *   z_g = d·Wg + bg, g = softplus(z_g), f′ = σ(z_g);  p = g·Wo + bo
 * Backward (B·K = 2): ∂L/∂p = 2(p − y)/2 = p − y;  ∂L/∂g_j = ∂L/∂p · Wo_j;  ∂L/∂z_g = ∂L/∂g ⊙ σ(z_g);
 *   ∂L/∂d_i = Σ_j Wg_ij ∂L/∂z_g,j;  ∂L/∂a = m ⊙ ∂L/∂d;  ∂L/∂z_h = ∂L/∂a ⊙ a(1 − a).
 */
const X = [
  [0.5, -1],
  [2, 0.25],
];
const Y = [0.3, -0.4];
const Wh = [
  [1, 0, 1],
  [0, 1, -1],
];
const bh = [0, 0.5, -0.25];
const Wg = [
  [0.5, -1],
  [1, 0.25],
  [-0.75, 0.5],
];
const bg = [0.1, -0.2];
const Wo = [1.5, -0.5];
const bo = 0.2;

const chain: GraphNode[] = [
  { id: 'in', type: 'input', inputs: [], units: 2 },
  denseNode('h', 'in', 3, 'linear'),
  { id: 'a', type: 'activation', inputs: ['h'], activation: 'sigmoid' },
  { id: 'd', type: 'dropout', inputs: ['a'], rate: 0.5 },
  denseNode('g', 'd', 2, 'softplus'),
  denseNode('o', 'g', 1, 'linear'),
  { id: 'out', type: 'output', inputs: ['o'], loss: 'mse' },
];

const chainBatch = { x: X.flat(), y: Y, B };
/** Dropout's masks are drawn from this seed, the same in the trace and in each method. */
const MASK_SEED = 3;

function chainModel(): Model {
  const model = createModel(compileGraph({ nodes: chain }), { maxBatch: B, dtype: 'float64', seed: 1 });
  setLayerWeights(model, 'h', Wh.flat(), bh);
  setLayerWeights(model, 'g', Wg.flat(), bg);
  setLayerWeights(model, 'o', Wo, [bo]);
  return model;
}

const chainTrace = (): StepTrace =>
  traceStep(chainModel(), chainBatch, { learningRate: 0.1, seed: MASK_SEED });

/** The hand computation above, with the trace's dropout mask. */
function byHand(m: number[][]) {
  const zh = rows(3, (r, j) => X[r]![0]! * Wh[0]![j]! + X[r]![1]! * Wh[1]![j]! + bh[j]!);
  const a = rows(3, (r, j) => sigmoid(zh[r]![j]!));
  const d = rows(3, (r, j) => a[r]![j]! * m[r]![j]!);
  const zg = rows(2, (r, j) => d[r]!.reduce((s, v, i) => s + v * Wg[i]![j]!, bg[j]!));
  const g = rows(2, (r, j) => softplus(zg[r]![j]!));
  const p = [0, 1].map((r) => g[r]![0]! * Wo[0]! + g[r]![1]! * Wo[1]! + bo);
  const dP = p.map((v, r) => v - Y[r]!);
  const dG = rows(2, (r, j) => dP[r]! * Wo[j]!);
  const fPrimeG = rows(2, (r, j) => sigmoid(zg[r]![j]!));
  const dZg = rows(2, (r, j) => dG[r]![j]! * fPrimeG[r]![j]!);
  const dD = rows(3, (r, i) => Wg[i]![0]! * dZg[r]![0]! + Wg[i]![1]! * dZg[r]![1]!);
  const dA = rows(3, (r, i) => m[r]![i]! * dD[r]![i]!);
  const fPrimeA = rows(3, (r, j) => a[r]![j]! * (1 - a[r]![j]!));
  const dZa = rows(3, (r, j) => dA[r]![j]! * fPrimeA[r]![j]!);
  const dXo = rows(2, (r, i) => Wo[i]! * dP[r]!);
  return { zh, a, zg, g, p, dP, dG, fPrimeG, dZg, dD, dA, fPrimeA, dZa, dXo };
}

describe('step-by-step entries of a 2-row chain, by hand', () => {
  let t: StepTrace;
  let mask: number[][];
  let h: ReturnType<typeof byHand>;
  beforeAll(() => {
    t = chainTrace();
    mask = fwd(t, 'd', 'dropout').mask;
    h = byHand(mask);
  });

  it('the network and the mask are the hand-worked ones (both kept and dropped units)', () => {
    expect(h.zh).toEqual([
      [0.5, -0.5, 1.25],
      [2, 0.75, 1.5],
    ]);
    for (const row of mask) for (const v of row) expect([0, 2]).toContain(v);
    expect(mask.flat()).toContain(0);
    expect(mask.flat()).toContain(2);
    closeGrid(fwd(t, 'a', 'activation').a, h.a);
    closeGrid(fwd(t, 'g', 'dense').z, h.zg);
    closeGrid(t.loss.p, [[h.p[0]!], [h.p[1]!]]);
    closeGrid(t.loss.gradient, [[h.dP[0]!], [h.dP[1]!]]);
  });

  it("activation node (sigmoid): every f′(z) = a(1 − a), ∂L/∂z and its step with a_j's and ∂L/∂a_j's numbers", () => {
    const e = bwd(t, 'a', 'activation');
    expect(e.fused).toBe(false);
    closeGrid(e.dA, h.dA);
    closeGrid(e.fPrime, h.fPrimeA);
    closeGrid(e.dZ, h.dZa);
    const shown = (v: number) => facFor(v, (x) => x * (1 - x));
    sameSteps(
      e.dZSteps,
      rows(3, (r, j) => {
        const n = j + 1;
        const [a, dA, fp, dZ] = [h.a[r]![j]!, h.dA[r]![j]!, h.fPrimeA[r]![j]!, h.dZa[r]![j]!];
        return {
          text:
            `∂L/∂z_${n} = ∂L/∂a_${n} · a_${n}(1 − a_${n}) = ${fac(dA)} · ${shown(a)}·(1 − ${shown(a)})` +
            ` = ${fac(dA)} · ${num(fp)} = ${num(dZ)}`,
          value: dZ,
          cached: [`a_${n}`],
          reused: [`∂L/∂a_${n}`],
        };
      }),
    );
  });

  it('the steps show the numbers of their own row and unit', () => {
    const steps = bwd(t, 'a', 'activation').dZSteps!;
    // Row 2, unit 3: a = σ(1.5) = 0.8176, f′ = 0.1491.
    expect(steps[1]![2]!.text).toContain('0.8176·(1 − 0.8176)');
    expect(steps[1]![2]!.text).toContain(`· 0.1491 = ${num(h.dZa[1]![2]!)}`);
    // Row 1, unit 2: a = σ(−0.5) = 0.3775, f′ = 0.235.
    expect(steps[0]![1]!.text).toContain('0.3775·(1 − 0.3775)');
    expect(steps[0]![1]!.text).toContain('· 0.235 = ');
  });

  it('dense node (softplus): every f′(z) = σ(z) and ∂L/∂z step, with z_j written', () => {
    const e = bwd(t, 'g', 'dense');
    expect(e.fused).toBe(false);
    closeGrid(e.dA, h.dG);
    closeGrid(e.fPrime, h.fPrimeG);
    closeGrid(e.dZ, h.dZg);
    sameSteps(
      e.dZSteps,
      rows(2, (r, j) => {
        const n = j + 1;
        const [z, dA, dZ] = [h.zg[r]![j]!, h.dG[r]![j]!, h.dZg[r]![j]!];
        return {
          text: `∂L/∂z_${n} = ∂L/∂a_${n} · σ(z_${n}) = ${fac(dA)} · σ(${num(z)}) = ${num(dZ)}`,
          value: dZ,
          cached: [`z_${n}`],
          reused: [`∂L/∂a_${n}`],
        };
      }),
    );
  });

  it('dense node: every ∂L/∂x_i = Σ_j W_ij·∂L/∂z_j with row i of W and its row’s ∂L/∂z', () => {
    const e = bwd(t, 'g', 'dense');
    closeGrid(e.dX, h.dD);
    sameSteps(
      e.dXSteps,
      rows(3, (r, i) => {
        const n = i + 1;
        const [w1, w2] = [Wg[i]![0]!, Wg[i]![1]!];
        const [d1, d2] = [h.dZg[r]![0]!, h.dZg[r]![1]!];
        return {
          text:
            `∂L/∂x_${n} = Σ_j W_${n},j·∂L/∂z_j = W_${n},1·∂L/∂z_1 + W_${n},2·∂L/∂z_2` +
            ` = ${fac(w1)}·${fac(d1)} + ${fac(w2)}·${fac(d2)} = ${num(h.dD[r]![i]!)}`,
          value: h.dD[r]![i]!,
          cached: [],
          reused: ['∂L/∂z_1', '∂L/∂z_2'],
        };
      }),
    );
    // Row 2, input 3: W_3,1 = −0.75 and W_3,2 = 0.5 are bracketed and written as they are.
    expect(e.dXSteps![1]![2]!.text).toContain(
      `= (−0.75)·${fac(h.dZg[1]![0]!)} + 0.5·${fac(h.dZg[1]![1]!)} =`,
    );
  });

  it('dense node of one unit: ∂L/∂x_i = W_i1·∂L/∂z_1 per row; a dense node on the data has none', () => {
    const o = bwd(t, 'o', 'dense');
    closeGrid(o.dX, h.dXo);
    sameSteps(
      o.dXSteps,
      rows(2, (r, i) => ({
        text: `∂L/∂x_${i + 1} = Σ_j W_${i + 1},j·∂L/∂z_j = W_${i + 1},1·∂L/∂z_1 = ${fac(Wo[i]!)}·${fac(h.dP[r]!)} = ${num(h.dXo[r]![i]!)}`,
        value: h.dXo[r]![i]!,
        cached: [],
        reused: ['∂L/∂z_1'],
      })),
    );
    const first = bwd(t, 'h', 'dense');
    expect(first.dX).toBeNull();
    expect(first.dXSteps).toBeNull();
    // Linear: f′ = 1, and each step writes it as 1.
    closeGrid(
      first.fPrime,
      rows(3, () => 1),
    );
    closeGrid(first.dZ, h.dZa);
    expect(first.dZSteps[1]![2]!.text).toBe(
      `∂L/∂z_3 = ∂L/∂a_3 · 1 = ${fac(h.dZa[1]![2]!)} · 1 = ${num(h.dZa[1]![2]!)}`,
    );
  });

  it('dropout node: every ∂L/∂x_i = m_i · ∂L/∂a_i with its own mask entry', () => {
    const e = bwd(t, 'd', 'dropout');
    closeGrid(e.dA, h.dD);
    closeGrid(e.dX, h.dA);
    sameSteps(
      e.dXSteps,
      rows(3, (r, i) => {
        const n = i + 1;
        const m = mask[r]![i]!;
        return {
          text: `∂L/∂x_${n} = m_${n} · ∂L/∂a_${n} = ${num(m)} · ${fac(h.dD[r]![i]!)} = ${num(h.dA[r]![i]!)}`,
          value: h.dA[r]![i]!,
          cached: [`m_${n}`],
          reused: [`∂L/∂a_${n}`],
        };
      }),
    );
  });
});

describe('forward mode through the chain', () => {
  it('a sigmoid node and a dropout mask in the path: the same gradient as backprop', () => {
    const model = chainModel();
    const o = { maxRuns: 1, minTimeMs: 0, seed: MASK_SEED };
    const backprop = runMethod(model, chainBatch, 'backprop', o).gradient;
    const naive = runMethod(model, chainBatch, 'naive', o).gradient;
    // Through the sigmoid node: ∂L/∂bh_j = Σ_rows ∂L/∂z_h (by hand), not Σ_rows ∂L/∂a.
    const h = byHand(fwd(chainTrace(), 'd', 'dropout').mask);
    for (let i = 0; i < backprop.length; i++)
      expect(naive[i], `parameter ${i}`).toBeCloseTo(backprop[i]!, 10);
    const biasH = model.layers.find((l) => l.nodeId === 'h')!;
    for (let j = 0; j < 3; j++)
      expect(naive[biasH.offset + biasH.kernel.length + j]).toBeCloseTo(h.dZa[0]![j]! + h.dZa[1]![j]!, 12);
  });
});

describe('nodes on the data', () => {
  const on = (node: GraphNode): StepTrace => {
    const nodes: GraphNode[] = [
      { id: 'in', type: 'input', inputs: [], units: 2 },
      node,
      denseNode('o', node.id, 1, 'linear'),
      { id: 'out', type: 'output', inputs: ['o'], loss: 'mse' },
    ];
    const model = createModel(compileGraph({ nodes }), { maxBatch: B, dtype: 'float64', seed: 1 });
    setLayerWeights(model, 'o', [1, -1], [0]);
    return traceStep(model, { x: X.flat(), y: Y, B }, { learningRate: 0.1 });
  };

  it('an activation node shows f′(z) of every entry but no ∂L/∂z (nothing is passed to the data)', () => {
    const e = bwd(on({ id: 'a', type: 'activation', inputs: ['in'], activation: 'tanh' }), 'a', 'activation');
    closeGrid(
      e.fPrime,
      X.map((row) => row.map((x) => 1 - Math.tanh(x) ** 2)),
    );
    expect(e.dZ).toBeNull();
    expect(e.dZSteps).toBeNull();
  });

  it('a dropout node shows no ∂L/∂x and no steps', () => {
    const e = bwd(on({ id: 'd', type: 'dropout', inputs: ['in'], rate: 0.5 }), 'd', 'dropout');
    expect(e.dA).not.toBeNull();
    expect(e.dX).toBeNull();
    expect(e.dXSteps).toBeNull();
  });
});

/*
 * A separate sigmoid or softmax node fed to cross-entropy is fused with the loss: the loss hands
 * ∂L/∂z (the node's input) over, so forward mode must carry ż through it unchanged, and its backward
 * event shows the loss's steps.
 */
describe('a separate sigmoid or softmax node fused with cross-entropy', () => {
  const heads = [
    { act: 'softmax', loss: 'categorical_crossentropy', K: 3, y: [0, 1, 0, 1, 0, 0] },
    { act: 'sigmoid', loss: 'binary_crossentropy', K: 2, y: [1, 0, 0, 1] },
  ] as const;

  function fusedModel(head: (typeof heads)[number]): Model {
    const nodes: GraphNode[] = [
      { id: 'in', type: 'input', inputs: [], units: 2 },
      denseNode('h', 'in', 3, 'tanh'),
      denseNode('z', 'h', head.K, 'linear'),
      { id: 's', type: 'activation', inputs: ['z'], activation: head.act },
      { id: 'out', type: 'output', inputs: ['s'], loss: head.loss },
    ];
    const model = createModel(compileGraph({ nodes }), { maxBatch: B, dtype: 'float64', seed: 1 });
    const rng = createRng(11);
    for (let i = 0; i < model.params.length; i++) model.params[i] = rng.normal() * 0.8;
    return model;
  }

  it.each(heads)('$act: its tangent is its input’s, unchanged', (head) => {
    const model = fusedModel(head);
    const s = model.byId.get('s')!;
    expect(model.fused).toBe(s);
    loadRows(model, X.flat(), null, 0, B);
    computeGradients(model, head.y, { B, training: true, rng: createRng(1) });
    const z = model.byId.get('z')!;
    const tz = Float64Array.from({ length: B * head.K }, (_, i) => 0.3 * i - 0.5);
    const t = new Float64Array(B * head.K);
    const tangentOf = (x: NodeState) => (x === z ? tz : null);
    layerOf('activation').tangent(s, B, tangentOf, t, countingKernels);
    expect(Array.from(t)).toEqual(Array.from(tz));
  });

  it.each(heads)('$act: forward mode gives backprop’s gradient and the central differences', (head) => {
    const model = fusedModel(head);
    const batch = { x: X.flat(), y: head.y, B };
    const o = { maxRuns: 1, minTimeMs: 0 };
    const backprop = runMethod(model, batch, 'backprop', o).gradient;
    const naive = runMethod(model, batch, 'naive', o).gradient;
    const differences = runMethod(model, batch, 'finiteDifferences', o).gradient;
    for (let i = 0; i < backprop.length; i++) {
      expect(naive[i], `parameter ${i}`).toBeCloseTo(backprop[i]!, 10);
      expect(differences[i], `parameter ${i}`).toBeCloseTo(backprop[i]!, 6);
    }
    // The same through the walk itself: Σ ∂L/∂z · ż per parameter.
    loadRows(model, X.flat(), null, 0, B);
    computeGradients(model, head.y, { B, training: true, rng: createRng(1) });
    const g = Float64Array.from(model.byId.get('s')!.dOut.subarray(0, B * head.K));
    const grad = new Float64Array(model.params.length);
    forwardModeGradient(model, B, g, countingKernels, newCounter(), grad);
    for (let i = 0; i < grad.length; i++) expect(grad[i], `parameter ${i}`).toBeCloseTo(model.grads[i]!, 10);
  });

  it.each(heads)('$act: its backward event is the loss’s ∂L/∂z and steps, with no f′', (head) => {
    const model = fusedModel(head);
    const t = traceStep(model, { x: X.flat(), y: head.y, B }, { learningRate: 0.1 });
    const e = bwd(t, 's', 'activation');
    expect(e.fused).toBe(true);
    expect(e.fPrime).toBeNull();
    expect(e.dA).toBeNull();
    // ∂L/∂z = (p − y)/scale, scale B for softmax, B·K for sigmoid.
    const scale = head.act === 'softmax' ? B : B * head.K;
    closeGrid(
      e.dZ,
      rows(head.K, (r, j) => (t.loss.p[r]![j]! - head.y[r * head.K + j]!) / scale),
    );
    expect(e.dZSteps).toEqual(t.loss.steps);
    expect(e.dZSteps![1]![0]!.text.startsWith(`∂L/∂z_1 = (p_1 − y_1)/${scale} = `)).toBe(true);
    closeGrid(bwd(t, 'z', 'dense').dA, e.dZ!);
  });
});
