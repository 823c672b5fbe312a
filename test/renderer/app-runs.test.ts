/**
 * Every training run is kept with the project: a record per run with its settings, per-epoch history,
 * best and final metrics and duration; renamed, starred, deleted (and undone), restored into the
 * editor, saved with the project and opened again, and kept as interrupted when the engine stops.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RUN_LIMITS } from '../../engine/formats/run-limits.ts';
import { runDiff } from '../../renderer/src/lib/runs.ts';
import { AppState } from '../../renderer/src/state/app.svelte.ts';
import { DEFAULT_WEIGHT_LIMIT, WEIGHTS_BUDGET } from '../../renderer/src/state/runs.svelte.ts';
import { inProcessClient, memoryPlatform, newApp, settle, stubBrowser } from './app-helpers.ts';

beforeAll(stubBrowser);
afterAll(() => vi.unstubAllGlobals());

/** What changed from the first run to the last. */
function runDiffOf(app: AppState): string[] {
  return runDiff(app.runs.list[0]!, app.runs.list.at(-1)!);
}

async function trainOnce(app: AppState): Promise<void> {
  await app.train();
  await settle(app);
  // The record is completed (its whole history, its weights) once the run has ended.
  for (let i = 0; i < 200; i++) await new Promise((r) => setTimeout(r, 0));
}

/** Sets a dense layer's units through the editor, as the inspector does. */
function setUnits(app: AppState, id: string, units: number): void {
  const node = app.graph.nodes.find((n) => n.id === id)!;
  const layer = node.data.layer as { kind: 'dense'; units: number };
  app.graph.update(id, { ...layer, units } as typeof node.data.layer);
}

describe('recording runs', () => {
  it('keeps each run with its settings, history, best and final metrics; the table says what changed', async () => {
    const app = await newApp();
    await trainOnce(app);
    app.training.learningRate = 0.001;
    setUnits(app, 'dense1', 16);
    await trainOnce(app);

    const [a, b] = app.runs.list;
    expect(app.runs.list).toHaveLength(2);
    expect(a).toMatchObject({ name: 'Run 1', state: 'done' });
    expect(b).toMatchObject({ name: 'Run 2', state: 'done' });
    expect(a!.training.optimizer.learningRate).toBe(0.01);
    expect(b!.training.optimizer.learningRate).toBe(0.001);
    expect(a!.training.seed).toBe(1);
    expect(a!.data?.source).toMatchObject({ kind: 'builtin', name: 'xor' });
    expect(b!.graph.nodes.find((n) => n.id === 'dense1')).toMatchObject({ units: 16 });
    expect(a!.history.epoch).toEqual([1, 2, 3]);
    expect(a!.history.loss).toHaveLength(3);
    expect(a!.history.valAccuracy).toHaveLength(3);
    expect(a!.final).toMatchObject({ epoch: 3 });
    expect(a!.final!.loss).toBeCloseTo(a!.history.loss[2]!, 6);
    // The best validation accuracy, and the epoch it was first reached at.
    const acc = a!.history.valAccuracy!.map((v) => v!);
    const best = Math.max(...acc);
    expect(a!.best).toEqual({ metric: 'val_accuracy', value: best, epoch: acc.indexOf(best) + 1 });
    expect(a!.durationMs).toBeGreaterThan(0);
    expect(Date.parse(a!.startedAt)).toBeLessThanOrEqual(Date.parse(b!.startedAt));
    // Small networks keep their final weights.
    expect(Object.keys(a!.weights!.parameters)).toContain('dense1');

    const { runDiff } = await import('../../renderer/src/lib/runs.ts');
    expect(runDiff(a!, b!)).toEqual(['lr 0.01 → 0.001', 'dense1 8 → 16 units']);
    expect(runDiff(a!, a!)).toEqual([]);
  });

  it("takes the best epoch early stopping recorded, and keeps the project's early stopping settings", async () => {
    const app = await newApp();
    app.training.setConfig({
      ...app.training.config(),
      epochs: 40,
      optimizer: { name: 'sgd', learningRate: 0.5 },
      earlyStopping: { monitor: 'val_loss', patience: 3, minDelta: 0.05, restoreBestWeights: true },
    });
    expect(app.training.config().earlyStopping).toEqual({
      monitor: 'val_loss',
      patience: 3,
      minDelta: 0.05,
      restoreBestWeights: true,
    });
    await trainOnce(app);
    const r = app.runs.list[0]!;
    expect(r.training.earlyStopping?.patience).toBe(3);
    const bestEpoch = app.training.status!.earlyStopping!.bestEpoch;
    // The weights file names the same epoch, whose weights early stopping put back.
    const w = await app.api.exportWeights();
    const meta = JSON.parse(w.ok ? w.value : '{}') as { metadata: { training: { bestEpoch: number } } };
    expect(meta.metadata.training.bestEpoch).toBe(bestEpoch);
    expect(bestEpoch).toBeGreaterThan(0);
    // With a minimum improvement, early stopping's best is not the lowest value: the engine's is kept.
    const lowest = Math.min(...r.history.valLoss!.map((v) => v!));
    expect(r.history.valLoss![r.history.epoch.indexOf(bestEpoch)]).toBeGreaterThan(lowest);
    expect(r.best).toEqual({
      metric: 'val_loss',
      value: r.history.valLoss![r.history.epoch.indexOf(bestEpoch)],
      epoch: bestEpoch,
    });
  });

  it('the current run is the last record while it trains; a stopped run that goes on continues it', async () => {
    const app = await newApp();
    app.training.epochs = 100_000;
    await app.train();
    for (let i = 0; i < 10_000 && (app.runs.list.at(-1)?.history.epoch.length ?? 0) < 2; i++)
      await new Promise((r) => setTimeout(r, 1));
    expect(app.runs.list).toHaveLength(1);
    expect(app.runs.list[0]!.state).toBe('running');
    expect(app.runs.activeId).toBe(app.runs.list[0]!.id);
    await app.training.stop();
    await settle(app);
    expect(app.runs.list[0]!.state).toBe('stopped');
    const epochs = app.runs.list[0]!.history.epoch.length;
    await app.train(); // the same run goes on
    for (let i = 0; i < 10_000 && app.runs.list[0]!.history.epoch.length <= epochs + 1; i++)
      await new Promise((r) => setTimeout(r, 1));
    expect(app.runs.list).toHaveLength(1);
    expect(app.runs.list[0]!.state).toBe('running');
    await app.training.stop();
    await settle(app);
  });

  it('a run only stepped is kept too, paused, and Train continues its record', async () => {
    const app = await newApp();
    await app.stepOnce();
    await app.stepOnce();
    await settle(app);
    expect(app.runs.list).toHaveLength(1);
    expect(app.runs.list[0]).toMatchObject({ name: 'Run 1', state: 'paused' });
    expect(app.training.status?.step).toBe(2);
    await trainOnce(app);
    expect(app.runs.list).toHaveLength(1);
    expect(app.runs.list[0]!.state).toBe('done');
    expect(app.runs.list[0]!.history.epoch.length).toBe(app.training.epochs);
  });

  it('a run still going when a new project starts is not recorded in the new one', async () => {
    const app = await newApp();
    app.training.epochs = 100_000;
    await app.train();
    for (let i = 0; i < 10_000 && (app.runs.list.at(-1)?.history.epoch.length ?? 0) < 1; i++)
      await new Promise((r) => setTimeout(r, 1));
    app.runs.load([]);
    for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 1));
    expect(app.training.running).toBe(true);
    expect(app.runs.list).toEqual([]);
    await app.training.stop();
    await settle(app);
    expect(app.runs.list).toEqual([]);
    // The next run is recorded.
    app.training.epochs = 3;
    await trainOnce(app);
    expect(app.runs.list.map((r) => r.name)).toEqual(['Run 1']);
  });

  it('keeps the best epoch’s weights beside the final ones when they differ', async () => {
    const app = await newApp();
    await trainOnce(app);
    const r = app.runs.list[0]!;
    expect(r.best!.epoch).toBeLessThan(r.final!.epoch); // the case this is about
    expect(r.bestWeights?.epoch).toBe(r.best!.epoch);
    expect(r.bestWeights!.parameters).not.toEqual(r.weights!.parameters);
    expect(r.bestWeights!.preprocessing).toEqual(r.weights!.preprocessing);
    // Continuing from either: the run the window then holds has exactly those weights.
    for (const [which, kept] of [
      ['best', r.bestWeights!],
      ['final', r.weights!],
    ] as const) {
      expect(await app.runs.restoreWeights(r.id, which)).toBe(true);
      await settle(app);
      const now = await app.api.exportWeights();
      expect(now.ok && JSON.parse(now.value).parameters).toEqual(kept.parameters);
      expect(app.training.status?.state).toBe('ready');
    }
  });

  it('weights are kept only up to the limit set in the runs panel', async () => {
    const app = await newApp();
    app.runs.setWeightLimit(10);
    await trainOnce(app);
    expect(app.runs.list[0]!.weights).toBeUndefined();
    expect(app.runs.list[0]!.state).toBe('done');
    // The limit is kept for the next window.
    expect(new AppState({ engine: inProcessClient(), platform: memoryPlatform() }).runs.weightLimit).toBe(10);
    app.runs.setWeightLimit(DEFAULT_WEIGHT_LIMIT);
  });

  it('a run the engine stopped under is kept up to its last epoch and marked interrupted', async () => {
    const app = await newApp();
    app.training.epochs = 100_000;
    await app.train();
    for (let i = 0; i < 10_000 && (app.runs.list.at(-1)?.history.epoch.length ?? 0) < 2; i++)
      await new Promise((r) => setTimeout(r, 1));
    const kept = app.runs.list[0]!.history.epoch.length;
    app.restarts.onEvent({
      type: 'crashed',
      message: 'out of memory',
      error: { code: 'ENGINE_CRASHED', message: 'out of memory', key: 'host.reason.outOfMemory', params: {} },
    });
    await app.api.stop();
    await settle(app);
    const r = app.runs.list[0]!;
    expect(r.state).toBe('interrupted');
    expect(r.history.epoch.length).toBeGreaterThanOrEqual(kept);
    expect(r.history.loss).toHaveLength(r.history.epoch.length);
    expect(app.runs.activeId).toBeNull();
  });
});

describe('a sweep’s runs', () => {
  it('a run longer than a record holds keeps an overview of its epochs, first to last', async () => {
    const app = await newApp();
    const epochs = Array.from({ length: 10_000 }, (_, i) => ({
      epoch: i + 1,
      loss: 1 / (i + 1),
      valLoss: 2 / (i + 1),
    }));
    const id = app.runs.addSweepRun(
      {
        index: 1,
        values: [0.01],
        graph: app.graph.spec(),
        training: app.training.config(),
        history: epochs,
        weights: '{}',
        weightsEpoch: 10_000,
        paramCount: 1e9,
        seconds: 1,
        failure: null,
      },
      {
        name: 'Sweep 1 · lr 0.01',
        graph: { nodes: [] },
        startedAt: new Date().toISOString(),
        sweep: { id: 's1', name: 'Sweep 1', settings: [{ name: 'lr' }], values: [0.01] },
      },
    );
    const r = app.runs.list.find((x) => x.id === id)!;
    expect(r.history.epoch.length).toBeLessThanOrEqual(RUN_LIMITS.epochs);
    expect(r.history.epoch[0]).toBe(4); // every 4th epoch: 10,000 / 4 fits in 4,096
    expect(r.history.epoch.at(-1)).toBe(10_000);
    expect(r.final?.epoch).toBe(10_000);
  });
});

describe('editing the list', () => {
  it('renames, stars, deletes with undo; each marks the project changed', async () => {
    const app = await newApp();
    await trainOnce(app);
    app.files.markSaved();
    await trainOnce(app);
    expect(app.files.dirty).toBe(true); // a new run is work to save
    app.files.markSaved();
    const [a, b] = app.runs.list.map((r) => r.id);
    app.runs.rename(a!, '  baseline  ');
    expect(app.runs.list[0]!.name).toBe('baseline');
    expect(app.files.dirty).toBe(true);
    app.runs.rename(a!, '   '); // an empty name is refused
    expect(app.runs.list[0]!.name).toBe('baseline');
    app.runs.toggleStar(b!);
    expect(app.runs.list[1]!.starred).toBe(true);
    app.runs.toggleStar(b!);
    expect(app.runs.list[1]!.starred).toBeUndefined();

    app.runs.remove([a!]);
    expect(app.runs.list.map((r) => r.id)).toEqual([b]);
    expect(app.runs.deleted?.runs.map((r) => r.name)).toEqual(['baseline']);
    app.runs.undoDelete();
    expect(app.runs.list.map((r) => r.id)).toEqual([a, b]);
    expect(app.runs.deleted).toBeNull();
    // The next run's default name does not repeat an existing one.
    await trainOnce(app);
    expect(app.runs.list.at(-1)!.name).toBe('Run 3');
  });

  it("Restore puts a run's network and settings back; undoing it brings the edited ones back", async () => {
    const app = await newApp();
    await trainOnce(app);
    const before = JSON.stringify(app.graph.spec());
    setUnits(app, 'dense1', 4);
    app.training.learningRate = 0.05;
    app.training.batchSize = 8;
    const edited = JSON.stringify(app.graph.spec());
    await app.runs.restore(app.runs.list[0]!.id);
    expect(JSON.stringify(app.graph.spec())).toBe(before);
    expect(app.training.learningRate).toBe(0.01);
    expect(app.training.batchSize).toBe(32);
    await app.runs.undoRestore();
    expect(JSON.stringify(app.graph.spec())).toBe(edited);
    expect(app.training.learningRate).toBe(0.05);
    expect(app.training.batchSize).toBe(8);
    // The network's restore is one edit: undo in the editor takes it back too.
    await app.runs.restore(app.runs.list[0]!.id);
    app.graph.undo();
    expect(JSON.stringify(app.graph.spec())).toBe(edited);
  });
});

describe('restoring the data', () => {
  it("a run made on another generated data set brings it back with the run's columns; undo brings the newer one", async () => {
    const app = await newApp();
    await trainOnce(app);
    const made = app.data.projectData();
    app.data.noise = 0.3;
    await app.data.loadBuiltin('circle', 90);
    await app.dataChanged();
    const later = app.data.projectData();
    expect(later?.source).toMatchObject({ name: 'circle', samples: 90, noise: 0.3 });
    await app.runs.restore(app.runs.list[0]!.id);
    expect(app.data.projectData()).toEqual(made);
    expect(app.data.summary?.rows).toBe(120);
    await app.runs.undoRestore();
    expect(app.data.projectData()).toEqual(later);
    // The restored network trains on the restored data.
    await app.runs.restore(app.runs.list[0]!.id);
    await trainOnce(app);
    expect(app.runs.list.at(-1)!.data).toEqual(made);
    expect(runDiffOf(app)).toEqual([]);
  });
});

describe('what a project file can hold', () => {
  it('keeps no more runs than a file holds: new runs wait until some are deleted', async () => {
    const app = await newApp();
    await trainOnce(app);
    const one = app.runs.list[0]!;
    app.runs.load(
      Array.from({ length: RUN_LIMITS.runs }, (_, i) => ({ ...one, id: `r${i}`, name: `R${i}` })),
    );
    expect(app.runs.full).toBe(true);
    await trainOnce(app);
    expect(app.runs.list).toHaveLength(RUN_LIMITS.runs);
    expect(app.runs.list.at(-1)!.name).toBe(`R${RUN_LIMITS.runs - 1}`);
    app.runs.remove(['r0']);
    await trainOnce(app);
    expect(app.runs.list).toHaveLength(RUN_LIMITS.runs);
    expect(app.runs.list.at(-1)!.name).toBe(`Run ${RUN_LIMITS.runs + 1}`);
  });

  it('keeps weights only while all the runs together stay within the weights budget', async () => {
    const app = await newApp();
    await trainOnce(app);
    const one = app.runs.list[0]!;
    expect(one.weights).toBeDefined();
    const big = {
      kernel: {
        shape: [WEIGHTS_BUDGET, 1] as [number, number],
        data: new Array<number>(WEIGHTS_BUDGET).fill(0),
      },
    };
    app.runs.load([{ ...one, weights: { ...one.weights!, parameters: { dense1: big } } }]);
    await trainOnce(app);
    expect(app.runs.list).toHaveLength(2);
    expect(app.runs.list[1]!.state).toBe('done');
    expect(app.runs.list[1]!.weights).toBeUndefined();
  });
});

describe('saving runs with the project', () => {
  it('save and reopen keeps every run, its name, star, history and weights', async () => {
    const platform = memoryPlatform();
    const app = await newApp(platform);
    await trainOnce(app);
    app.training.learningRate = 0.001;
    await trainOnce(app);
    app.runs.rename(app.runs.list[0]!.id, 'fast');
    app.runs.toggleStar(app.runs.list[1]!.id);
    await app.files.save();
    const text = platform.saves.at(-1)!.text;
    const saved = JSON.parse(text) as { runs: unknown[] };
    expect(saved.runs).toHaveLength(2);

    const other = await newApp(memoryPlatform());
    expect(await other.files.openText(text)).toBe(true);
    expect(other.runs.list).toEqual(JSON.parse(JSON.stringify(app.runs.list)));
    expect(other.runs.list.map((r) => [r.name, r.starred ?? false])).toEqual([
      ['fast', false],
      ['Run 2', true],
    ]);
    expect(other.files.dirty).toBe(false);
    // The next run continues the numbering.
    await trainOnce(other);
    expect(other.runs.list.at(-1)!.name).toBe('Run 3');
  });

  it('a failed save keeps the runs; a new project starts with none', async () => {
    const platform = memoryPlatform();
    const app = await newApp(platform);
    await trainOnce(app);
    platform.saveAnswers.push(new Error('disk full'));
    await app.files.save();
    expect(app.runs.list).toHaveLength(1);
    await app.files.newProject();
    expect(app.runs.list).toEqual([]);
  });

  it('a project saved before runs were kept opens with none', async () => {
    const platform = memoryPlatform();
    const app = await newApp(platform);
    await app.files.save();
    const text = platform.saves[0]!.text;
    expect(JSON.parse(text)).not.toHaveProperty('runs');
    const other = await newApp(memoryPlatform());
    await trainOnce(other);
    expect(await other.files.openText(text)).toBe(true);
    expect(other.runs.list).toEqual([]);
  });
});
