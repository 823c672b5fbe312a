import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../engine/errors.ts';
import {
  createProject,
  parseProject,
  PROJECT_FORMAT,
  projectParameters,
  serializeProject,
} from '../../../engine/formats/index.ts';
import type { ProjectInput } from '../../../engine/formats/index.ts';
import { DEFAULT_TRAINING } from '../../../engine/train/config.ts';
import { expectEngineError, xorGraph, xorParameters, xorPreprocessing, xorWeightsText } from './helpers.ts';
import type { Json } from './helpers.ts';

const T0 = '2025-05-01T12:00:00.000Z';

function input(extra: Partial<ProjectInput> = {}): ProjectInput {
  return {
    name: 'XOR',
    graph: xorGraph(),
    positions: [
      { id: 'in', x: 0, y: 0 },
      { id: 'hidden', x: 160, y: -20.5 },
      { id: 'logit', x: 320, y: 0 },
      { id: 'out', x: 480, y: 0 },
    ],
    data: {
      source: { kind: 'builtin', name: 'xor', samples: 200, noise: 0.1, seed: 3 },
      target: 'xor',
      missing: 'drop',
      normalize: 'standard',
    },
    training: { ...DEFAULT_TRAINING, optimizer: { name: 'adam', learningRate: 0.01, beta1: 0.9 } },
    weights: { parameters: xorParameters(), preprocessing: xorPreprocessing() },
    history: { loss: [0.7, 0.5, NaN], valLoss: [0.71, 0.52, Infinity] },
    createdAt: T0,
    modifiedAt: T0,
    ...extra,
  };
}

const projectJson = (): Json => JSON.parse(serializeProject(createProject(input())));

describe('project file round trip', () => {
  it('create → serialize → parse keeps everything, weights as exact float32', () => {
    const p = createProject(input());
    const text = serializeProject(p);
    const back = parseProject(text);
    expect(back).toEqual(p);
    expect(serializeProject(back)).toBe(text);
    expect(back.format).toBe(PROJECT_FORMAT);
    expect(back.history).toEqual({ loss: [0.7, 0.5, null], valLoss: [0.71, 0.52, null] });
    const params = projectParameters(back)!;
    for (const [id, want] of xorParameters()) {
      expect(Array.from(params.get(id)!.kernel)).toEqual(Array.from(want.kernel));
      expect(params.get(id)!.kernel).toBeInstanceOf(Float32Array);
    }
  });

  it('keeps an unfinished graph (editor order, input width from the data) when there are no weights', () => {
    const g = xorGraph();
    g.nodes.pop(); // no output yet
    const p = parseProject(
      serializeProject(createProject(input({ graph: g, positions: [], weights: null, history: undefined }))),
    );
    expect(p.graph.nodes).toHaveLength(3);
    expect(p.weights).toBeUndefined();
    expect(projectParameters(p)).toBeNull();
  });

  it('accepts a CSV source with only a display name, and an empty graph', () => {
    const p = createProject(
      input({
        graph: { nodes: [] },
        positions: undefined,
        weights: null,
        data: { source: { kind: 'csv', name: 'iris.csv' }, missing: 'impute', normalize: 'none' },
      }),
    );
    expect(parseProject(serializeProject(p)).data?.source).toEqual({ kind: 'csv', name: 'iris.csv' });
  });
});

const cases: Array<{
  name: string;
  edit: (p: Json) => void | string;
  code: ErrorCode;
  path: string;
  message?: string;
}> = [
  {
    name: 'weights file given',
    edit: () => xorWeightsText(),
    code: 'BAD_FORMAT',
    path: 'format',
    message: 'weights file',
  },
  {
    name: 'future version',
    edit: (p) => void (p.version = 3),
    code: 'UNSUPPORTED_VERSION',
    path: 'version',
    message: 'version 3',
  },
  { name: 'unknown key', edit: (p) => void (p.theme = 'dark'), code: 'BAD_FILE', path: 'theme' },
  {
    name: 'unknown data key',
    edit: (p) => void (p.data.columns = []),
    code: 'BAD_FILE',
    path: 'data.columns',
  },
  {
    name: 'position of no node',
    edit: (p) => void (p.graph.positions[1].id = 'ghost'),
    code: 'BAD_FILE',
    path: 'graph.positions[1].id',
    message: 'ghost',
  },
  {
    name: 'position twice',
    edit: (p) => void (p.graph.positions[1].id = 'in'),
    code: 'BAD_FILE',
    path: 'graph.positions[1].id',
    message: 'second time',
  },
  {
    name: '1e400 position',
    edit: (p) => JSON.stringify(p).replace('-20.5', '1e400'),
    code: 'BAD_FILE',
    path: 'graph.positions[1].y',
    message: 'Infinity',
  },
  {
    name: 'history lengths differ',
    edit: (p) => void p.history.valLoss.pop(),
    code: 'BAD_FILE',
    path: 'history.valLoss',
    message: '2 entries',
  },
  {
    name: 'history string',
    edit: (p) => void (p.history.loss[0] = 'NaN'),
    code: 'BAD_FILE',
    path: 'history.loss[0]',
  },
  {
    name: 'batch size 0',
    edit: (p) => void (p.training.batchSize = 0),
    code: 'BAD_FILE',
    path: 'training.batchSize',
  },
  {
    name: 'validation split 1',
    edit: (p) => void (p.training.validationSplit = 1),
    code: 'BAD_FILE',
    path: 'training.validationSplit',
  },
  {
    name: 'unknown optimizer',
    edit: (p) => void (p.training.optimizer.name = 'lbfgs'),
    code: 'BAD_FILE',
    path: 'training.optimizer.name',
  },
  {
    name: 'negative learning rate',
    edit: (p) => void (p.training.optimizer.learningRate = -1),
    code: 'BAD_FILE',
    path: 'training.optimizer.learningRate',
  },
  {
    name: 'unknown source kind',
    edit: (p) => void (p.data.source.kind = 'url'),
    code: 'BAD_FILE',
    path: 'data.source.kind',
  },
  {
    name: 'path too long',
    edit: (p) => void (p.data.source = { kind: 'csv', name: 'a.csv', path: 'x'.repeat(5000) }),
    code: 'TOO_LARGE',
    path: 'data.source.path',
  },
  {
    name: 'huge sample count',
    edit: (p) => void (p.data.source.samples = 1e12),
    code: 'TOO_LARGE',
    path: 'data.source.samples',
  },
  {
    name: 'bad modifiedAt',
    edit: (p) => void (p.modifiedAt = '2025-13-01T00:00:00Z'),
    code: 'BAD_FILE',
    path: 'modifiedAt',
  },
  { name: 'empty name', edit: (p) => void (p.name = ''), code: 'BAD_FILE', path: 'name', message: 'empty' },
  {
    name: 'weights that do not fit the graph',
    edit: (p) => void (p.graph.nodes[1].units = 5),
    code: 'BAD_FILE',
    path: 'weights.parameters.hidden.kernel.shape',
    message: '[2, 5]',
  },
  {
    name: 'weights missing a layer',
    edit: (p) => void delete p.weights.parameters.logit,
    code: 'BAD_FILE',
    path: 'weights.parameters.logit',
  },
  {
    name: 'weights with wrong preprocessing',
    edit: (p) => void ((p.graph.nodes[0].units = 2), p.weights.preprocessing.features.pop()),
    code: 'INPUT_WIDTH_MISMATCH',
    path: 'weights.preprocessing.features',
  },
  {
    name: 'weights on a broken graph',
    edit: (p) => void (p.graph.nodes.pop(), p.graph.positions.pop()),
    code: 'NO_OUTPUT',
    path: 'graph',
  },
  {
    name: 'duplicate node id',
    edit: (p) => void (p.graph.nodes[2].id = 'in'),
    code: 'DUPLICATE_NODE_ID',
    path: 'graph.nodes[2].id',
  },
];

describe('parseProject refuses a broken file and says where', () => {
  it.each(cases)('$name → $code at $path', ({ edit, code, path, message }) => {
    const p = projectJson();
    const text = edit(p) ?? JSON.stringify(p);
    expectEngineError(() => parseProject(text), code, { path, ...(message ? { message } : {}) });
  });

  it('createProject refuses what parseProject would', () => {
    expectEngineError(() => createProject(input({ positions: [{ id: 'nope', x: 0, y: 0 }] })), 'BAD_FILE', {
      path: 'graph.positions[0].id',
    });
  });
});

describe('early stopping and learning-rate schedules in the training settings', () => {
  const training = {
    ...DEFAULT_TRAINING,
    earlyStopping: { monitor: 'val_accuracy', patience: 5, minDelta: 0.001, restoreBestWeights: false },
    lrSchedule: { type: 'cosine', decaySteps: 1000, alpha: 0.1, warmupSteps: 50 },
  } as const;

  it('round-trips them', () => {
    const p = createProject(input({ training }));
    const back = parseProject(serializeProject(p));
    expect(back.training).toEqual(training);
    for (const lrSchedule of [
      { type: 'step', dropEvery: 10, factor: 0.5 },
      { type: 'exponential', decaySteps: 100, decayRate: 0.96, staircase: true },
      { type: 'plateau', monitor: 'loss', factor: 0.2, patience: 3, minDelta: 0, cooldown: 1, minLr: 1e-5 },
    ] as const) {
      const q = createProject(input({ training: { ...DEFAULT_TRAINING, lrSchedule } }));
      expect(parseProject(serializeProject(q)).training.lrSchedule).toEqual(lrSchedule);
    }
  });

  it('a file from before them (no earlyStopping, no lrSchedule) still opens', () => {
    const p = projectJson();
    expect('earlyStopping' in p.training).toBe(false);
    expect('lrSchedule' in p.training).toBe(false);
    const back = parseProject(JSON.stringify(p));
    expect(back.training.earlyStopping).toBeUndefined();
    expect(back.training.lrSchedule).toBeUndefined();
  });

  it.each([
    [
      'an unknown monitor',
      { earlyStopping: { monitor: 'f1', patience: 2 } },
      'training.earlyStopping.monitor',
    ],
    ['a negative patience', { earlyStopping: { patience: -1 } }, 'training.earlyStopping.patience'],
    [
      'an unknown field',
      { earlyStopping: { patience: 1, baseline: 0.5 } },
      'training.earlyStopping.baseline',
    ],
    ['an unknown schedule', { lrSchedule: { type: 'warm' } }, 'training.lrSchedule.type'],
    ['a plateau factor of 1', { lrSchedule: { type: 'plateau', factor: 1 } }, 'training.lrSchedule.factor'],
  ])('refuses %s', (_name, extra, path) => {
    const p = projectJson();
    Object.assign(p.training, extra);
    expectEngineError(() => parseProject(JSON.stringify(p)), 'BAD_FILE', { path });
  });
});
