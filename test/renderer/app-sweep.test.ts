/**
 * Sweeps in the window: a setting's values read from a list or a log-spaced range and refused as they
 * are typed, the run count, run names, the chart's series and the table's best run; and the sweep
 * state against an engine whose sweep is scripted: each finished run kept once as a run of the
 * project (a valid record with its history, best metric and weights), a stop keeping what finished,
 * and a full project saying so once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineApi, RunRecord, SweepRunResult, SweepStatus } from '../../engine/api.ts';
import { RUN_LIMITS } from '../../engine/formats/run-limits.ts';
import { runsSchema } from '../../engine/formats/schema-runs.ts';
import { i18n } from '../../renderer/src/lib/i18n.svelte.ts';
import {
  bestRow,
  draftSetting,
  draftValues,
  defaultDraft,
  logAxis,
  parseList,
  problemText,
  rangeValues,
  runCount,
  sweepRunName,
  sweepSeries,
  sweepsFromRuns,
} from '../../renderer/src/lib/sweep.ts';
import type { SweepRow } from '../../renderer/src/lib/sweep.ts';
import { AppState } from '../../renderer/src/state/app.svelte.ts';
import { inProcessClient, memoryPlatform, settle, stubBrowser } from './app-helpers.ts';
import { createService } from './helpers.ts';

beforeAll(stubBrowser);
afterAll(() => vi.unstubAllGlobals());

describe('sweep values', () => {
  it.each([
    ['lr', '0.001, 0.01, 0.1', [0.001, 0.01, 0.1]],
    ['lr', '0.001 0.01;0.1', [0.001, 0.01, 0.1]],
    ['batch', '8，16，32', [8, 16, 32]],
    ['dropout', '0, 0.5', [0, 0.5]],
    ['seed', '0', [0]],
  ] as const)('%s as a list: %s', (name, text, values) => {
    expect(parseList(name, text)).toEqual({ ok: true, values });
  });

  it.each([
    ['lr', '', { kind: 'empty' }],
    ['lr', '0.01, abc', { kind: 'notNumber', text: 'abc' }],
    ['lr', '0, 0.1', { kind: 'range', value: 0 }],
    ['lr', '0.1, 20', { kind: 'range', value: 20 }],
    ['batch', '8, 16.5', { kind: 'range', value: 16.5 }],
    ['dropout', '0.2, 1', { kind: 'range', value: 1 }],
    ['width', '4, 8, 4', { kind: 'duplicate', value: 4 }],
  ] as const)('%s refuses %j', (name, text, problem) => {
    expect(parseList(name, text)).toEqual({ ok: false, problem });
  });

  it('log-spaced ranges, rounded for whole-number settings', () => {
    expect(rangeValues('lr', 0.001, 0.1, 3)).toEqual({ ok: true, values: [0.001, 0.01, 0.1] });
    expect(rangeValues('batch', 4, 64, 5)).toEqual({ ok: true, values: [4, 8, 16, 32, 64] });
    expect(rangeValues('lr', 0.1, 0.001, 3)).toEqual({ ok: true, values: [0.1, 0.01, 0.001] });
    expect(rangeValues('lr', 0.001, 0.1, 1)).toEqual({ ok: false, problem: { kind: 'count' } });
    expect(rangeValues('lr', 0.001, 0.1, 2.5)).toEqual({ ok: false, problem: { kind: 'count' } });
    expect(rangeValues('l2', 0, 0.1, 3)).toEqual({ ok: false, problem: { kind: 'ends' } });
    expect(rangeValues('lr', 0.1, 0.1, 3)).toEqual({ ok: false, problem: { kind: 'ends' } });
    // 1 to 2 in four whole numbers repeats a value.
    expect(rangeValues('batch', 1, 2, 4)).toEqual({ ok: false, problem: { kind: 'duplicate', value: 1 } });
  });

  it('drafts: values, settings (a block only for width and dropout) and run counts', () => {
    const lr = defaultDraft('lr');
    expect(draftValues(lr)).toEqual({ ok: true, values: [0.001, 0.01, 0.1] });
    const width = { ...defaultDraft('width', 'range'), node: 'dense1' };
    const w = draftValues(width);
    expect(w).toEqual({ ok: true, values: [2, 4, 8, 16, 32] });
    expect(draftSetting(width, [2, 4])).toEqual({ name: 'width', node: 'dense1', values: [2, 4] });
    expect(draftSetting({ ...lr, node: 'dense1' }, [0.1])).toEqual({ name: 'lr', values: [0.1] });
    expect(draftValues({ ...lr, mode: 'range', count: '' })).toEqual({
      ok: false,
      problem: { kind: 'count' },
    });
    expect(runCount([{ values: [1, 2, 3] }, { values: [8, 16] }])).toBe(6);
    expect(runCount([{ values: [1] }])).toBe(1);
  });

  it('says what is wrong in both languages (the range as the engine words it)', () => {
    expect(problemText('lr', { kind: 'range', value: 20 })).toBe('20 is out of range (above 0, at most 10).');
    expect(problemText('lr', { kind: 'notNumber', text: 'abc' })).toBe('“abc” is not a number.');
    i18n.set('zh-CN');
    try {
      expect(problemText('lr', { kind: 'duplicate', value: 2 })).toBe('2 出现了两次。');
      expect(sweepRunName('扫描 2', [{ name: 'lr' }, { name: 'batch' }], [0.01, 16])).toBe(
        '扫描 2 · 学习率 0.01 · 批大小 16',
      );
    } finally {
      i18n.set('en');
    }
    expect(sweepRunName('Sweep 2', [{ name: 'lr' }, { name: 'batch' }], [0.01, 16])).toBe(
      'Sweep 2 · lr 0.01 · batch 16',
    );
  });
});

const row = (index: number, values: number[], state: SweepRow['state'], best: number | null): SweepRow => ({
  index,
  values,
  state,
  epoch: 5,
  epochs: 5,
  best: best === null ? null : { epoch: 3, value: best },
  seconds: 1,
  failure: null,
  runId: null,
});

describe('sweep results', () => {
  it('one setting: a line of the finished runs, by the swept value', () => {
    const rows = [
      row(1, [0.1], 'done', 0.7),
      row(2, [0.001], 'done', 0.5),
      row(3, [0.01], 'running', 0.6),
      row(4, [1], 'failed', 0.2),
    ];
    expect(sweepSeries({ settings: [{ name: 'lr' }], rows }, 'val accuracy')).toEqual([
      {
        label: 'val accuracy',
        color: expect.any(String),
        points: [
          { x: 0.001, y: 0.5 },
          { x: 0.1, y: 0.7 },
          { x: 1, y: 0.2 },
        ],
      },
    ]);
    expect(bestRow(rows, 'val_accuracy')?.index).toBe(1);
    expect(bestRow(rows, 'val_loss')?.index).toBe(4);
    expect(bestRow([row(1, [1], 'queued', null)], 'val_accuracy')).toBeNull();
    // A run still going is not the best yet, however well it does so far.
    expect(bestRow([...rows, row(5, [0.05], 'running', 0.9)], 'val_accuracy')?.index).toBe(1);
  });

  it('two settings: a line per value of the second', () => {
    const rows = [
      row(1, [0.01, 8], 'done', 0.5),
      row(2, [0.01, 32], 'done', 0.6),
      row(3, [0.1, 8], 'done', 0.7),
      row(4, [0.1, 32], 'queued', null),
    ];
    const series = sweepSeries({ settings: [{ name: 'lr' }, { name: 'batch' }], rows }, 'acc');
    expect(series.map((s) => [s.label, s.points])).toEqual([
      [
        'batch 8',
        [
          { x: 0.01, y: 0.5 },
          { x: 0.1, y: 0.7 },
        ],
      ],
      ['batch 32', [{ x: 0.01, y: 0.6 }]],
    ]);
    expect(new Set(series.map((s) => s.color)).size).toBe(2);
  });

  it('a log x axis for a learning rate or L2 spanning more than 10×', () => {
    expect(logAxis('lr', [0.001, 0.01, 0.1])).toBe(true);
    expect(logAxis('lr', [0.01, 0.05])).toBe(false);
    expect(logAxis('l2', [0, 0.001, 0.1])).toBe(false);
    expect(logAxis('batch', [1, 1000])).toBe(false);
  });
});

/** A scripted sweep of the learning rate over three values: `script` holds each status in turn. */
function scriptedApp(results: (index: number) => SweepRunResult) {
  const service = createService();
  const calls = { status: 0, run: [] as number[] };
  const runs = (states: SweepStatus['runs'][number]['state'][]): SweepStatus['runs'] =>
    states.map((state, i) => ({
      index: i + 1,
      values: [[0.001, 0.01, 0.1][i]!],
      state,
      epoch: state === 'queued' ? 0 : 3,
      epochs: 3,
      seconds: 0.5,
      last: null,
      best: state === 'queued' ? null : { epoch: 2, value: 0.5 + i / 10 },
      failure: null,
      large: false,
    }));
  const status = (state: SweepStatus['state'], r: SweepStatus['runs']): SweepStatus => ({
    id: 1,
    state,
    settings: [{ name: 'lr', values: [0.001, 0.01, 0.1] }],
    task: 'classification',
    metric: 'val_accuracy',
    runs: r,
    lanes: 2,
    elapsedMs: 1000,
    remainingMs: state === 'running' ? 2000 : null,
  });
  const script = [status('running', runs(['done', 'running', 'queued']))];
  const overrides: Partial<EngineApi> = {
    startSweep: async () => ({ ok: true, value: status('running', runs(['running', 'running', 'queued'])) }),
    sweepStatus: async () => {
      calls.status++;
      return { ok: true, value: script[Math.min(calls.status, script.length) - 1]! };
    },
    stopSweep: async () => {
      script.push(status('stopped', runs(['done', 'done', 'stopped'])));
      calls.status = script.length - 1;
      return { ok: true, value: script.at(-1)! };
    },
    sweepRun: async (index: number) => {
      calls.run.push(index);
      return { ok: true, value: results(index) };
    },
  };
  const api = new Proxy(service, {
    get: (t, k) => (k in overrides ? overrides[k as keyof EngineApi] : Reflect.get(t, k)),
  }) as EngineApi;
  const app = new AppState({ engine: inProcessClient(api), platform: memoryPlatform() });
  return { app, calls };
}

describe('a sweep in the window', () => {
  it('keeps each finished run once as a valid record of the project; a stop keeps what finished', async () => {
    let result: (i: number) => SweepRunResult = () => {
      throw new Error('not ready');
    };
    const { app, calls } = scriptedApp((i) => result(i));
    await app.data.init();
    await app.data.loadBuiltin('xor', 120);
    app.applyTemplate('mlp');
    await app.dataChanged();
    app.training.epochs = 3;
    // A real run of the network gives the results their graph, history and weights file.
    await app.train();
    await settle(app);
    const history = (await app.api.history(100)) as {
      ok: true;
      value: { epochs: SweepRunResult['history'] };
    };
    const weights = (await app.api.exportWeights()) as { ok: true; value: string };
    const runsBefore = app.runs.list.length;
    result = (index) => ({
      index,
      values: [[0.001, 0.01, 0.1][index - 1]!],
      graph: app.graph.spec(),
      training: {
        ...app.training.config(),
        optimizer: { name: 'adam', learningRate: [0.001, 0.01, 0.1][index - 1]! },
      },
      history: history.value.epochs,
      weights: weights.value,
      weightsEpoch: 3,
      paramCount: 17,
      seconds: 1.5,
      failure: index === 2 ? 'The loss became NaN.' : null,
    });

    expect(await app.sweep.start([{ name: 'lr', values: [0.001, 0.01, 0.1] }], 3)).toBe(true);
    expect(app.sweep.running).toBe(true);
    // The first run finished: it is kept, once, however often the status is asked for.
    await vi.waitFor(() => expect(calls.status).toBeGreaterThanOrEqual(3), { timeout: 3000 });
    expect(calls.run).toEqual([1]);
    const kept = app.runs.list.slice(runsBefore);
    expect(kept.map((r) => r.name)).toEqual(['Sweep 1 · lr 0.001']);
    const r = kept[0]!;
    expect(r).toMatchObject({
      state: 'done',
      durationMs: 1500,
      sweep: { name: 'Sweep 1', settings: [{ name: 'lr' }], values: [0.001] },
    });
    expect(r.training.optimizer.learningRate).toBe(0.001);
    expect(r.history.epoch).toEqual([1, 2, 3]);
    expect(r.best?.metric).toBe('val_accuracy');
    expect(r.final?.epoch).toBe(3);
    expect(r.weights?.parameters).toBeDefined();
    expect(r.graph.positions).toHaveLength(app.graph.nodes.length);
    expect(r.data?.source).toMatchObject({ kind: 'builtin', name: 'xor' });
    expect(() => runsSchema.parse(app.runs.list)).not.toThrow();
    expect(app.sweep.live?.rows.map((x) => x.runId)).toEqual([r.id, null, null]);

    await app.sweep.stop();
    expect(app.sweep.status?.state).toBe('stopped');
    expect(calls.run).toEqual([1, 2]);
    const all = app.runs.list.slice(runsBefore);
    expect(all.map((x) => [x.name, x.state])).toEqual([
      ['Sweep 1 · lr 0.001', 'done'],
      ['Sweep 1 · lr 0.01', 'failed'],
    ]);
    // Polling ends with the sweep.
    const asked = calls.status;
    await new Promise((res) => setTimeout(res, 600));
    expect(calls.status - asked).toBe(0);
    expect(app.sweep.running).toBe(false);

    // The kept runs give the sweep's results back without the engine.
    const views = sweepsFromRuns(app.runs.list);
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ name: 'Sweep 1', settings: [{ name: 'lr' }], metric: 'val_accuracy' });
    expect(views[0]!.rows.map((x) => [x.values, x.state, x.runId])).toEqual([
      [[0.001], 'done', all[0]!.id],
      [[0.01], 'failed', all[1]!.id],
    ]);
    // A second sweep is named after the first.
    expect(await app.sweep.start([{ name: 'lr', values: [0.001] }], 3)).toBe(true);
    expect(app.sweep.current?.name).toBe('Sweep 2');
    app.sweep.dispose();
  });

  it('a sweep started in one project keeps no runs in the next one opened', async () => {
    const { app, calls } = scriptedApp((index) => ({
      index,
      values: [0.001],
      graph: app.graph.spec(),
      training: app.training.config(),
      history: [],
      weights: '{}',
      weightsEpoch: 0,
      paramCount: 17,
      seconds: 1,
      failure: null,
    }));
    await app.data.init();
    await app.data.loadBuiltin('xor', 120);
    app.applyTemplate('mlp');
    await app.dataChanged();
    await app.sweep.start([{ name: 'lr', values: [0.001, 0.01, 0.1] }], 3);
    app.runs.load([]);
    await app.sweep.stop();
    expect(calls.run).toEqual([1, 2]);
    expect(app.runs.list).toEqual([]);
    expect(app.sweep.live?.rows.map((x) => x.state)).toEqual(['done', 'done', 'stopped']);
  });

  it('a full project keeps no more runs and says so once', async () => {
    const { app } = scriptedApp((index) => ({
      index,
      values: [0.001],
      graph: app.graph.spec(),
      training: app.training.config(),
      history: [],
      weights: '{}',
      weightsEpoch: 0,
      paramCount: 17,
      seconds: 1,
      failure: null,
    }));
    await app.data.init();
    await app.data.loadBuiltin('xor', 120);
    app.applyTemplate('mlp');
    await app.dataChanged();
    const filler: RunRecord = {
      id: 'r',
      name: 'Run',
      startedAt: new Date().toISOString(),
      durationMs: 0,
      state: 'done',
      graph: { nodes: app.graph.spec().nodes as RunRecord['graph']['nodes'] },
      training: app.training.config(),
      history: { epoch: [], loss: [] },
    };
    app.runs.load(Array.from({ length: RUN_LIMITS.runs }, (_, i) => ({ ...filler, id: `r${i}` })));
    const toast = vi.spyOn(app, 'toast');
    await app.sweep.start([{ name: 'lr', values: [0.001, 0.01, 0.1] }], 3);
    await app.sweep.stop();
    expect(app.runs.list).toHaveLength(RUN_LIMITS.runs);
    expect(toast.mock.calls.filter(([, text]) => text.includes('as many runs'))).toHaveLength(1);
    expect(app.sweep.live?.rows.map((x) => x.runId)).toEqual([null, null, null]);
    app.sweep.dispose();
  });
});
