/**
 * The training runs a project file keeps: they survive a round trip, files without them open, and the
 * schema is strict (unknown fields, series of the wrong length, weights that do not fit the run's
 * network, too many runs are refused with a path to what is wrong).
 */
import { describe, expect, it } from 'vitest';
import { createProject, parseProject, serializeProject } from '../../../engine/formats/index.ts';
import type { RunRecord } from '../../../engine/formats/schema-runs.ts';
import { RUN_LIMITS } from '../../../engine/formats/schema-runs.ts';
import { DEFAULT_TRAINING } from '../../../engine/train/config.ts';
import { expectEngineError, xorGraph, xorParameters, xorPreprocessing } from './helpers.ts';
import type { Json } from './helpers.ts';

const T0 = '2025-05-01T12:00:00.000Z';

function run(extra: Partial<RunRecord> = {}): RunRecord {
  const graph = xorGraph();
  return {
    id: 'run-1',
    name: 'Run 1',
    startedAt: T0,
    durationMs: 1234.5,
    state: 'done',
    graph: { nodes: graph.nodes, positions: [{ id: 'in', x: 0, y: 0 }] },
    data: {
      source: { kind: 'builtin', name: 'xor', samples: 200, noise: 0.1, seed: 3 },
      target: 'xor',
      missing: 'drop',
      normalize: 'standard',
    },
    training: { ...DEFAULT_TRAINING, seed: 7 },
    history: {
      epoch: [1, 2, 3],
      loss: [0.7, 0.5, 0.4],
      valLoss: [0.71, null, 0.45],
      valAccuracy: [0.5, 0.75, 0.7],
      lr: [0.01, 0.01, 0.005],
    },
    final: { epoch: 3, loss: 0.4, valLoss: 0.45, valAccuracy: 0.7 },
    best: { metric: 'val_accuracy', value: 0.75, epoch: 2 },
    ...extra,
  };
}

/** A run's weights as a project stores them (encoded parameters and preprocessing). */
function storedWeights(): NonNullable<RunRecord['weights']> {
  const p = createProject({
    name: 'w',
    graph: xorGraph(),
    weights: { parameters: xorParameters(), preprocessing: xorPreprocessing() },
  });
  return p.weights!;
}

const project = (runs?: RunRecord[]) =>
  createProject({ name: 'XOR', graph: xorGraph(), ...(runs ? { runs } : {}), createdAt: T0, modifiedAt: T0 });

describe('runs in a project file', () => {
  it('round-trips every run, its history, metrics, star and weights', () => {
    const sweep = {
      id: 'sweep-1',
      name: 'Sweep 1',
      settings: [{ name: 'lr' as const }, { name: 'width' as const, node: 'hidden' }],
      values: [0.01, 16],
    };
    const runs = [
      run(),
      run({ id: 'run-2', name: 'wider', starred: true, weights: storedWeights() }),
      run({ id: 'run-3', name: 'Sweep 1 · lr 0.01 · width 16', sweep }),
    ];
    const text = serializeProject(project(runs));
    const back = parseProject(text);
    expect(back.runs).toEqual(runs);
    expect(serializeProject(back)).toBe(text);
  });

  it('a project without runs has no runs field, and a file from before runs opens', () => {
    const text = serializeProject(project());
    expect(JSON.parse(text)).not.toHaveProperty('runs');
    expect(parseProject(text).runs).toBeUndefined();
    expect(JSON.parse(serializeProject(project([])))).not.toHaveProperty('runs');
  });

  const json = (): Json => JSON.parse(serializeProject(project([run()])));

  it.each([
    ['an unknown field', (r: Json) => (r['colour'] = 'red'), 'runs[0].colour'],
    ['an unknown state', (r: Json) => (r['state'] = 'lost'), 'runs[0].state'],
    [
      'a series of the wrong length',
      (r: Json) => ((r['history'] as Json)['lr'] = [0.1]),
      'runs[0].history.lr',
    ],
    ['a negative duration', (r: Json) => (r['durationMs'] = -1), 'runs[0].durationMs'],
    ['an empty name', (r: Json) => (r['name'] = ''), 'runs[0].name'],
    ['a bad start time', (r: Json) => (r['startedAt'] = 'yesterday'), 'runs[0].startedAt'],
    [
      'an unknown best metric',
      (r: Json) => (r['best'] = { metric: 'f1', value: 1, epoch: 1 }),
      'runs[0].best.metric',
    ],
    [
      'a sweep with a value missing',
      (r: Json) =>
        (r['sweep'] = { id: 's', name: 'S', settings: [{ name: 'lr' }, { name: 'seed' }], values: [0.1] }),
      'runs[0].sweep',
    ],
    [
      'a sweep of an unknown setting',
      (r: Json) => (r['sweep'] = { id: 's', name: 'S', settings: [{ name: 'momentum' }], values: [0.1] }),
      'runs[0].sweep.settings[0].name',
    ],
    [
      'a bad learning rate',
      (r: Json) => ((r['training'] as Json)['optimizer'] = { name: 'adam', learningRate: -1 }),
      'runs[0].training.optimizer.learningRate',
    ],
  ])('refuses %s', (_name, change, path) => {
    const p = json();
    change((p['runs'] as Json[])[0]!);
    expectEngineError(() => parseProject(JSON.stringify(p)), 'BAD_FILE', { path });
  });

  it("refuses weights that do not fit the run's network", () => {
    const graph = xorGraph();
    const wider = graph.nodes.map((n) =>
      n.type === 'dense' && n.id === 'hidden' ? { ...n, units: n.units + 1 } : n,
    );
    expect(() => project([run({ weights: storedWeights() })])).not.toThrow();
    expect(() => project([run({ graph: { nodes: wider }, weights: storedWeights() })])).toThrow();
    expect(() => project([run({ bestWeights: { epoch: 2, ...storedWeights() } })])).not.toThrow();
    expect(() =>
      project([run({ graph: { nodes: wider }, bestWeights: { epoch: 2, ...storedWeights() } })]),
    ).toThrow();
  });

  it(`keeps at most ${RUN_LIMITS.runs} runs`, () => {
    const p = json();
    const one = (p['runs'] as Json[])[0]!;
    p['runs'] = Array.from({ length: RUN_LIMITS.runs + 1 }, (_, i) => ({ ...one, id: `r${i}` }));
    expectEngineError(() => parseProject(JSON.stringify(p)), 'TOO_LARGE', { path: 'runs' });
  });
});
