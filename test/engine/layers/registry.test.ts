/**
 * Every registered layer kind is complete: it has every part a kind must have, its words are in both
 * catalogues, its schema takes its own defaults, and in a tiny network around it (input → two dense
 * branches → the kind → dense → output) its backward agrees with central differences, its forward-mode
 * tangent with backward, its gradient terms sum to each input's stored gradient (the recurrence
 * dOut[v] = Σ_u term(u, v)) and its explainer events are written. A half-registered or broken kind fails.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { countingKernels, newCounter } from '../../../engine/explain/counting.ts';
import { forwardModeGradient } from '../../../engine/explain/forward-mode.ts';
import { traceStep } from '../../../engine/explain/trace.ts';
import { analyticGradient, centralDifference, lossAt } from '../../../engine/gradcheck.ts';
import { compileGraph } from '../../../engine/graph/compile.ts';
import { NODE_TYPES } from '../../../engine/graph/types.ts';
import type { GraphNode, GraphSpec } from '../../../engine/graph/types.ts';
import type { LayerKind } from '../../../engine/layers/kind.ts';
import { LAYERS } from '../../../engine/layers/registry.ts';
import { createModel } from '../../../engine/model/model.ts';
import { applyPenalties, forward, loadRows, seedLoss } from '../../../engine/model/run.ts';
import { createRng } from '../../../engine/rng.ts';
import { denseNode } from '../helpers.ts';

/** Every part of a kind (a new member of LayerKind belongs here too: the type below insists). */
const PARTS = [
  'type',
  'arity',
  'labelKey',
  'hintKey',
  'defaults',
  'fields',
  'schema',
  'check',
  'outputShape',
  'params',
  'initParams',
  'penalties',
  'activation',
  'cache',
  'bind',
  'forward',
  'backward',
  'record',
  'logits',
  'tangent',
  'seedTangent',
  'term',
  'forwardEvent',
  'backwardEvent',
  'tfjs',
  'onnx',
  'pytorch',
] as const;
type Missing = Exclude<keyof LayerKind, (typeof PARTS)[number]>;
const allListed: [Missing] extends [never] ? true : Missing = true;

const ROOT = resolve(import.meta.dirname, '../../..');
const catalogue = (lng: string) =>
  JSON.parse(readFileSync(join(ROOT, 'locales', lng, 'app.json'), 'utf8')) as Record<string, unknown>;
const CATALOGUES = { en: catalogue('en'), 'zh-CN': catalogue('zh-CN') };
const lookup = (tree: Record<string, unknown>, key: string): unknown =>
  key.split('.').reduce<unknown>((t, k) => (t as Record<string, unknown> | undefined)?.[k], tree);

/** Whether a kind reads images: it refuses a flat input. */
function readsImages(kind: LayerKind): boolean {
  if (kind.arity[1] === 0) return false;
  try {
    kind.outputShape({ id: 'k', type: kind.type, inputs: ['n0'], ...kind.defaults } as never, {
      inputs: [[3]],
    });
    return false;
  } catch {
    return true;
  }
}

/**
 * For a kind that reads images: a 5×4×2 image → c (conv2d, 2×2, same) → the kind → flatten (unless its
 * output is flat) → head (dense, linear, with penalties) → output (mse).
 */
function imageNetworkAround(kind: LayerKind): GraphSpec {
  const k = { id: 'k', type: kind.type, inputs: ['c'], ...kind.defaults } as GraphNode;
  const flat = kind.outputShape(k as never, { inputs: [[5, 4, 2]] }).length === 1;
  return {
    nodes: [
      { id: 'x', type: 'input', inputs: [], units: 0, shape: [5, 4, 2] },
      {
        id: 'c',
        type: 'conv2d',
        inputs: ['x'],
        filters: 2,
        kernelSize: [2, 2],
        strides: [1, 1],
        padding: 'same',
        activation: 'tanh',
        useBias: true,
        kernelInitializer: 'glorot_uniform',
      },
      k,
      ...(flat ? [] : [{ id: 'flat', type: 'flatten', inputs: ['k'] } as GraphNode]),
      { ...denseNode('head', flat ? 'k' : 'flat', 2, 'linear'), l1: 0.01, l2: 0.02 },
      { id: 'y', type: 'output', inputs: ['head'], loss: 'mse' },
    ],
  };
}

/** input → d1, d2 (dense) → the kind (reading one or two of them) → head (dense, linear) → output (mse). */
function networkAround(kind: LayerKind): GraphSpec {
  if (readsImages(kind)) return imageNetworkAround(kind);
  const base: GraphNode[] = [{ id: 'x', type: 'input', inputs: [], units: 3 }];
  const around = kind.arity[1] === 0 || kind.cache.sharesInput;
  const middle: GraphNode[] = around
    ? [denseNode('d1', 'x', 3, 'tanh')]
    : [
        denseNode('d1', 'x', 3, 'tanh'),
        denseNode('d2', 'x', 3, 'tanh'),
        {
          id: 'k',
          type: kind.type,
          inputs: kind.arity[1] >= 2 ? ['d1', 'd2'] : ['d1'],
          ...kind.defaults,
        } as GraphNode,
      ];
  const last = around ? 'd1' : 'k';
  const head = { ...denseNode('head', last, 2, 'linear'), l1: 0.01, l2: 0.02 };
  // d2 must reach the output too: a one-input kind leaves it to a second head input.
  const tail: GraphNode[] =
    !around && kind.arity[1] < 2
      ? [
          { id: 'join', type: 'concatenate', inputs: [last, 'd2'] },
          { ...head, inputs: ['join'] },
        ]
      : [head];
  return { nodes: [...base, ...middle, ...tail, { id: 'y', type: 'output', inputs: ['head'], loss: 'mse' }] };
}

/** What is wrong with a kind, in words (empty: nothing). Runs it only once it has all its parts. */
function problemsOf(kind: LayerKind): string[] {
  const missing = PARTS.filter((p) => kind[p] === undefined);
  if (missing.length > 0) return missing.map((p) => `${String(kind.type)} lacks ${p}`);
  const problems: string[] = [];
  const say = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${kind.type}: ${what}`);
  };
  for (const [lng, tree] of Object.entries(CATALOGUES))
    for (const key of [kind.labelKey, kind.hintKey, ...kind.fields.map((f) => f.labelKey)])
      say(typeof lookup(tree, key) === 'string', `${key} is not in the ${lng} catalogue`);
  const defaults = kind.defaults as Record<string, unknown>;
  for (const f of kind.fields) {
    const absentOk = f.control === 'number' && f.whenAbsent !== undefined;
    say(f.key in defaults || absentOk, `field ${f.key} has no default`);
    if (f.control === 'choice' && f.key in defaults)
      say(f.values.includes(defaults[f.key] as string), `default ${f.key} is not one of its values`);
  }
  const node = {
    id: 'k',
    type: kind.type,
    inputs: Array.from({ length: kind.arity[0] }, (_, i) => `n${i}`),
    ...defaults,
  } as GraphNode;
  const schema = kind.schema({ id: z.string(), inputs: z.array(z.string()) });
  say(schema.safeParse(node).success, 'its schema refuses its own defaults');
  say(!schema.safeParse({ ...node, extra: 1 }).success, 'its schema is not strict');
  kind.check(node as never, (key) => {
    problems.push(`${kind.type}: its defaults fail its check (${key})`);
    throw new Error(key);
  });
  // Image kinds are asked about a 4×4×2 input, the others about width 2.
  const image = readsImages(kind);
  const inputShapes = node.inputs.map(() => (image ? [4, 4, 2] : [2]));
  const shape = kind.arity[1] === 0 ? [2] : kind.outputShape(node as never, { inputs: inputShapes });
  const sizes = { width: shape.reduce((a, b) => a * b, 1), shape, inputShapes };
  const layers = kind.tfjs(node as never, {
    ...sizes,
    inputs: inputShapes.map((s) => s.reduce((a, b) => a * b, 1)),
  });
  say(Array.isArray(layers), 'its defaults have no TF.js layers');
  for (const l of layers ?? []) say(/^[A-Z][A-Za-z0-9]+$/.test(l.className), `TF.js class ${l.className}`);
  const torch = kind.pytorch(node as never, {
    ...sizes,
    name: 'k',
    inputs: node.inputs,
    inputWidths: inputShapes.map((s) => s.reduce((a, b) => a * b, 1)),
  });
  say(torch.value === null || typeof torch.value === 'string', 'its PyTorch piece has no value');
  say(!torch.module || /^nn\.[A-Z]\w*\(.*\)$/.test(torch.module), `PyTorch module ${torch.module}`);

  const graph = networkAround(kind);
  const B = 3;
  const model = createModel(compileGraph(graph), { maxBatch: B, dtype: 'float64', seed: 1 });
  const rng = createRng(2);
  for (let i = 0; i < model.params.length; i++) model.params[i] = rng.normal() * 0.7;
  const x = Float64Array.from({ length: B * model.input.width }, () => rng.normal());
  const y = Float64Array.from({ length: B * 2 }, () => rng.normal());
  loadRows(model, x, null, 0, B);
  const b = { y, B, seed: 7 };

  // backward against central differences, every parameter
  const analytic = analyticGradient(model, b);
  const loss = () => lossAt(model, b);
  let worst = 0;
  for (let i = 0; i < model.params.length; i++) {
    const n = centralDifference(model.params, i, 1e-6, loss);
    // Below 1e-4 the error is absolute: a batch norm over 3 rows curves enough that the differences'
    // own error (h²·f‴) reaches 1e-10 there.
    worst = Math.max(worst, Math.abs(analytic[i]! - n) / Math.max(1e-4, Math.abs(n)));
  }
  say(worst < 1e-5, `backward disagrees with central differences (relative error ${worst.toExponential(1)})`);

  // the recurrence: each stored gradient is the sum of its consumers' terms
  analyticGradient(model, b);
  for (const s of model.states) {
    if (s.dOut.length === 0 || s === model.output) continue;
    const sum = new Float64Array(B * s.width);
    for (const id of model.compiled.consumers.get(s.node.id)!) {
      const u = model.byId.get(id)!;
      const t = new Float64Array(B * s.width);
      LAYERS[u.node.type].term(u as never, s, B, t);
      for (let i = 0; i < t.length; i++) sum[i]! += t[i]!;
    }
    let off = 0;
    for (let i = 0; i < sum.length; i++) off = Math.max(off, Math.abs(sum[i]! - s.dOut[i]!));
    say(off < 1e-12, `the terms into ${s.node.id} do not sum to its stored gradient (off by ${off})`);
  }

  // forward mode: one tangent per parameter gives backprop's gradient
  const ctx = { B, training: true, rng: createRng(7) };
  forward(model, ctx);
  seedLoss(model, y, B, true);
  applyPenalties(model, false);
  const g = Float64Array.from(model.output.dOut.subarray(0, B * 2));
  const tangents = new Float64Array(model.params.length);
  forwardModeGradient(model, B, g, countingKernels, newCounter(), tangents);
  let apart = 0;
  for (let i = 0; i < tangents.length; i++)
    apart = Math.max(apart, Math.abs(tangents[i]! - analytic[i]!) / Math.max(1e-9, Math.abs(analytic[i]!)));
  say(apart < 1e-9, `its forward-mode tangent disagrees with backward (relative ${apart.toExponential(1)})`);

  // the explainer's events
  const trace = traceStep(model, { x, y, B }, { learningRate: 0.1 });
  say(
    trace.forward.some((e) => e.kind === kind.type),
    'no forward event of its kind',
  );
  if (!kind.cache.sharesInput)
    say(
      trace.backward.some((e) => e.kind === kind.type),
      'no backward event',
    );
  return problems;
}

describe('layer registry', () => {
  it('registers every node type, under its own name', () => {
    expect(allListed).toBe(true);
    expect(Object.keys(LAYERS)).toEqual([...NODE_TYPES]);
    for (const [type, kind] of Object.entries(LAYERS)) expect(kind.type).toBe(type);
  });

  it.each(NODE_TYPES)('%s has every part, and each works on a tiny network', (type) => {
    expect(problemsOf(LAYERS[type] as unknown as LayerKind)).toEqual([]);
  });

  it('names the parts a half-registered kind lacks', () => {
    const { forward, backward, type } = LAYERS.dropout;
    const stub = { type, arity: [1, 1], forward, backward } as unknown as LayerKind;
    expect(problemsOf(stub)).toEqual(
      expect.arrayContaining([
        'dropout lacks schema',
        'dropout lacks tangent',
        'dropout lacks term',
        'dropout lacks tfjs',
      ]),
    );
  });

  /** Runs the check with one part of dropout replaced, registered in its place meanwhile. */
  function withBrokenDropout(part: Partial<LayerKind>): string[] {
    const registry = LAYERS as unknown as Record<string, LayerKind>;
    const real = registry.dropout!;
    const broken = { ...real, ...part };
    registry.dropout = broken;
    try {
      return problemsOf(broken);
    } finally {
      registry.dropout = real;
    }
  }

  const ignoringMask: LayerKind['tangent'] = (s, B, tangentOf, t) =>
    t.set(tangentOf(s.inputs[0]!)!.subarray(0, B * s.width));

  it.each([
    ['a backward that passes nothing on', { backward: () => {} }, 'disagrees with central differences'],
    ['a tangent that ignores the mask', { tangent: ignoringMask }, 'forward-mode tangent'],
    ['a term that ignores the mask', { term: LAYERS.add.term }, 'do not sum to its stored gradient'],
    ['a label missing from the catalogues', { labelKey: 'blocks.stub.label' }, 'not in the en catalogue'],
  ] as [string, Partial<LayerKind>, string][])('fails for %s', (_, part, message) => {
    expect(withBrokenDropout(part).join('\n')).toContain(message);
  });
});
