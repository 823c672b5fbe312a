/**
 * What the runs table says about runs: the short text of what changed between two runs (settings,
 * data, network) in both languages, and the best metric a run is judged by.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunHistory, RunRecord } from '../../engine/api.ts';
import type { GraphNode } from '../../engine/graph/types.ts';
import { DEFAULT_TRAINING } from '../../engine/train/config.ts';
import { i18n } from '../../renderer/src/lib/i18n.svelte.ts';
import { bestMetric, finalMetrics, historyColumns, runDiff } from '../../renderer/src/lib/runs.ts';
import { stubBrowser } from './app-helpers.ts';

beforeAll(stubBrowser);
afterAll(() => vi.unstubAllGlobals());
afterEach(() => i18n.set('en'));

const dense = (id: string, input: string, units: number, activation = 'tanh'): GraphNode =>
  ({
    id,
    type: 'dense',
    inputs: [input],
    units,
    activation,
    useBias: true,
    kernelInitializer: 'glorot_uniform',
  }) as GraphNode;

function settings(
  nodes: GraphNode[],
  extra: Partial<RunRecord> = {},
): Pick<RunRecord, 'training' | 'graph' | 'data'> {
  return {
    graph: { nodes },
    training: { ...DEFAULT_TRAINING, optimizer: { name: 'adam', learningRate: 0.01 } },
    data: {
      source: { kind: 'builtin', name: 'xor', samples: 200, noise: 0, seed: 1 },
      target: 'label',
      missing: 'drop',
      normalize: 'standard',
    },
    ...extra,
  };
}

const base = [
  { id: 'input', type: 'input', inputs: [], units: 0 } as GraphNode,
  dense('dense1', 'input', 8),
  { id: 'output', type: 'output', inputs: ['dense1'], loss: 'categorical_crossentropy' } as GraphNode,
];

describe('what changed between two runs', () => {
  it('names settings, data and network changes, in the order settings, data, network', () => {
    const a = settings(base);
    const b = settings(
      [
        base[0]!,
        dense('dense1', 'input', 16, 'relu'),
        dense('dense2', 'dense1', 4),
        { ...base[2]!, inputs: ['dense2'] } as GraphNode,
      ],
      {
        training: {
          ...a.training,
          optimizer: { name: 'sgd', learningRate: 0.1 },
          batchSize: 64,
          pace: 5,
          earlyStopping: { patience: 5 },
          lrSchedule: { type: 'cosine', decaySteps: 100 },
        },
        data: { ...a.data!, source: { kind: 'builtin', name: 'xor', samples: 200, noise: 0.2, seed: 1 } },
      },
    );
    expect(runDiff(a, b)).toEqual([
      'optimizer adam → sgd',
      'lr 0.01 → 0.1',
      'batch 32 → 64',
      'early stopping on',
      'lr schedule constant → cosine',
      'noise 0 → 0.2',
      'dense1 8 → 16 units',
      'dense1 tanh → relu',
      'dense2 added',
      'output changed',
    ]);
    // The pace changes how fast a run goes, not what it computes.
    expect(runDiff(a, settings(base, { training: { ...a.training, pace: 20 } }))).toEqual([]);
    expect(runDiff(b, a)).toContain('dense2 removed');
    expect(runDiff(b, a)).toContain('early stopping off');
  });

  it('speaks Chinese too', () => {
    i18n.set('zh-CN');
    const a = settings(base);
    const b = settings([base[0]!, dense('dense1', 'input', 16), base[2]!], {
      training: { ...a.training, optimizer: { name: 'adam', learningRate: 0.001 } },
    });
    expect(runDiff(a, b)).toEqual(['学习率 0.01 → 0.001', 'dense1 8 → 16 个单元']);
  });
});

describe('a run in numbers', () => {
  const epochs = [
    { epoch: 1, loss: 0.9, valLoss: 0.8, accuracy: 0.5, valAccuracy: 0.6, lr: 0.01 },
    { epoch: 2, loss: 0.5, valLoss: 0.4, accuracy: 0.7, valAccuracy: 0.9 },
    { epoch: 3, loss: Number.NaN, valLoss: 0.5, accuracy: 0.8, valAccuracy: 0.9 },
  ];

  it('keeps the epochs as columns, a non-finite value as null, and the last epoch as final', () => {
    const h = historyColumns(epochs);
    expect(h).toEqual({
      epoch: [1, 2, 3],
      loss: [0.9, 0.5, null],
      valLoss: [0.8, 0.4, 0.5],
      accuracy: [0.5, 0.7, 0.8],
      valAccuracy: [0.6, 0.9, 0.9],
      lr: [0.01, null, null],
    } satisfies RunHistory);
    expect(finalMetrics(h)).toEqual({ epoch: 3, loss: null, valLoss: 0.5, accuracy: 0.8, valAccuracy: 0.9 });
  });

  it('judges by validation accuracy first, else by the metric early stopping watches', () => {
    const h = historyColumns(epochs);
    expect(bestMetric(h, DEFAULT_TRAINING)).toEqual({ metric: 'val_accuracy', value: 0.9, epoch: 2 });
    expect(bestMetric(h, { ...DEFAULT_TRAINING, earlyStopping: { patience: 2 } })).toEqual({
      metric: 'val_loss',
      value: 0.4,
      epoch: 2,
    });
    expect(
      bestMetric(h, { ...DEFAULT_TRAINING, earlyStopping: { patience: 2, monitor: 'accuracy' } }),
    ).toEqual({ metric: 'accuracy', value: 0.8, epoch: 3 });
    expect(bestMetric({ epoch: [], loss: [] }, DEFAULT_TRAINING)).toBeUndefined();
  });
});
