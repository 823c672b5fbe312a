import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GraphSpec } from '../../engine/graph/types.ts';
import { DEFAULT_LEARNING_RATES } from '../../engine/train/config.ts';
import type { TrainingConfig } from '../../engine/train/config.ts';
import { templateGraph } from '../../renderer/src/lib/templates.ts';
import { DataState } from '../../renderer/src/state/data.svelte.ts';
import {
  GRID_RESOLUTION,
  NEURON_RESOLUTION,
  OVERVIEW_POINTS,
  START_LEARNING_RATE,
  TrainingState,
} from '../../renderer/src/state/training.svelte.ts';
import { createService } from './helpers.ts';

// TrainingState pulls metrics once per animation frame; node has no frames.
beforeAll(() => {
  vi.stubGlobal('requestAnimationFrame', (cb: (time: number) => void) =>
    setTimeout(() => cb(performance.now()), 16),
  );
});
afterAll(async () => {
  await frames();
  vi.unstubAllGlobals();
});

/** Lets pending frames run (each is a timer plus engine calls that settle at once). */
const frames = (n = 3) => new Promise((r) => setTimeout(r, 16 * n + 10));

const GRAPH = templateGraph('mlp', 2, 'classification');
// 2 inputs → 8 → 8 → 2: (2·8 + 8) + (8·8 + 8) + (8·2 + 2).
const PARAMS = 24 + 72 + 18;

/** xor with 200 rows: 160 to train, 40 to validate; batches of 16 make 10 steps an epoch. */
async function setup() {
  const service = createService();
  const data = new DataState(() => service);
  expect(await data.load({ kind: 'builtin', name: 'xor', samples: 200, seed: 1 })).toBe(true);
  const t = new TrainingState(() => service);
  t.batchSize = 16;
  t.epochs = 5;
  const createRun = vi.spyOn(service, 'createRun');
  const ensure = (key = 'k', graph: GraphSpec = GRAPH) =>
    t.ensureRun(graph, { mapping: data.mapping() }, key);
  return { service, data, t, createRun, ensure };
}

describe('TrainingState settings', () => {
  const cases: [TrainingState['optimizer'], TrainingConfig['optimizer']][] = [
    ['adam', { name: 'adam', learningRate: 0.02 }],
    ['rmsprop', { name: 'rmsprop', learningRate: 0.02 }],
    ['sgd', { name: 'sgd', learningRate: 0.02 }],
    ['momentum', { name: 'momentum', learningRate: 0.02, momentum: 0.9 }],
  ];
  it.each(cases)('config() reflects the fields (%s)', (optimizer, want) => {
    const t = new TrainingState(() => {
      throw new Error('no engine needed');
    });
    t.optimizer = optimizer;
    t.learningRate = 0.02;
    t.batchSize = 64;
    t.epochs = 12;
    t.validationSplit = 0.25;
    t.seed = 7;
    expect(t.config()).toEqual({
      optimizer: want,
      batchSize: 64,
      epochs: 12,
      validationSplit: 0.25,
      shuffle: true,
      seed: 7,
    });
  });

  it("another optimiser takes its Keras default rate when the rate was the last one's default, else keeps it", () => {
    const t = new TrainingState(() => {
      throw new Error('no engine needed');
    });
    // The app starts on the 2-D toy's rate (0.01), which is no optimiser's default but SGD's.
    expect(t.learningRate).toBe(START_LEARNING_RATE);
    t.setOptimizer('rmsprop');
    expect([t.optimizer, t.learningRate]).toEqual(['rmsprop', START_LEARNING_RATE]);
    t.learningRate = DEFAULT_LEARNING_RATES.rmsprop;
    t.setOptimizer('sgd');
    expect([t.optimizer, t.learningRate]).toEqual(['sgd', 0.01]);
    t.setOptimizer('momentum');
    expect([t.optimizer, t.learningRate]).toEqual(['momentum', 0.01]);
    t.setOptimizer('adam');
    expect([t.optimizer, t.learningRate]).toEqual(['adam', 0.001]);
    t.learningRate = 0.005;
    t.setOptimizer('sgd');
    expect([t.optimizer, t.learningRate]).toEqual(['sgd', 0.005]);
  });

  it('has the defaults the panel starts with', () => {
    const t = new TrainingState(createService);
    expect(t.config()).toEqual({
      optimizer: { name: 'adam', learningRate: 0.01 },
      batchSize: 16,
      epochs: 300,
      validationSplit: 0.2,
      shuffle: true,
      seed: 1,
    });
  });

  const base = { batchSize: 8, epochs: 40, validationSplit: 0, shuffle: true, seed: 3 };
  const configs: [string, TrainingConfig][] = [
    ['adam', { ...base, optimizer: { name: 'adam', learningRate: 0.001 } }],
    ['momentum', { ...base, optimizer: { name: 'momentum', learningRate: 0.1, momentum: 0.9 } }],
    ['sgd, no validation split', { ...base, optimizer: { name: 'sgd', learningRate: 0.5 } }],
    // What the CLI writes into a project file: settings the window has no controls for.
    ['unshuffled', { ...base, shuffle: false, optimizer: { name: 'rmsprop', learningRate: 0.01 } }],
    [
      'momentum 0.5, Nesterov',
      { ...base, optimizer: { name: 'momentum', learningRate: 0.1, momentum: 0.5, nesterov: true } },
    ],
    [
      'adam with its own betas',
      { ...base, optimizer: { name: 'adam', learningRate: 0.003, beta1: 0.8, beta2: 0.99, epsilon: 1e-8 } },
    ],
    ['rmsprop with rho', { ...base, optimizer: { name: 'rmsprop', learningRate: 0.01, rho: 0.95 } }],
  ];
  it.each(configs)('setConfig then config() round-trips (%s)', (_name, c) => {
    const t = new TrainingState(createService);
    t.setConfig(c);
    expect(t.config()).toEqual(c);
    expect(t.batchSize).toBe(c.batchSize);
    expect(t.optimizer).toBe(c.optimizer.name);
  });

  it("an optimizer's own settings from a file do not carry over to another optimizer", () => {
    const t = new TrainingState(createService);
    t.setConfig({
      ...base,
      optimizer: { name: 'momentum', learningRate: 0.1, momentum: 0.5, nesterov: true },
    });
    t.optimizer = 'adam';
    expect(t.config().optimizer).toEqual({ name: 'adam', learningRate: 0.1 });
    t.learningRate = 0.2;
    t.optimizer = 'momentum';
    expect(t.config().optimizer).toEqual({
      name: 'momentum',
      learningRate: 0.2,
      momentum: 0.5,
      nesterov: true,
    });
  });
});

describe('TrainingState.ensureRun', () => {
  it('creates the run once for the same key and settings', async () => {
    const { t, createRun, ensure } = await setup();
    expect(await ensure()).toBe(true);
    expect(t.error).toBeNull();
    expect(t.run).toMatchObject({
      layerIds: ['dense1', 'dense2', 'dense3'],
      paramCount: PARAMS,
      trainRows: 160,
      validationRows: 40,
      inputs: 2,
      outputs: 2,
      task: 'classification',
      epochs: 5,
    });
    const run = t.run;
    expect(await ensure()).toBe(true);
    await t.step();
    expect(await ensure()).toBe(true);
    expect(createRun).toHaveBeenCalledTimes(1);
    expect(t.run).toBe(run);
    expect(createRun.mock.calls[0]![0].training).toEqual(t.config());
    await frames();
  });

  const changes: [string, (t: TrainingState) => void][] = [
    ['learning rate', (t) => (t.learningRate = 0.05)],
    ['optimizer', (t) => (t.optimizer = 'sgd')],
    ['batch size', (t) => (t.batchSize = 32)],
    ['epochs', (t) => (t.epochs = 6)],
    ['validation split', (t) => (t.validationSplit = 0.5)],
    ['seed', (t) => (t.seed = 2)],
    ['l2', (t) => (t.l2 = 0.001)],
    ['invalidate()', (t) => t.invalidate()],
  ];
  it.each(changes)('creates a new run when the %s changes', async (_name, change) => {
    const { t, createRun, ensure } = await setup();
    await ensure();
    change(t);
    expect(await ensure()).toBe(true);
    expect(createRun).toHaveBeenCalledTimes(2);
    expect(createRun.mock.calls[1]![0].training).toEqual(t.config());
    expect(await ensure()).toBe(true);
    expect(createRun).toHaveBeenCalledTimes(2);
  });

  it('creates a new run when the key changes, and clears the old metrics', async () => {
    const { t, createRun, ensure } = await setup();
    await ensure('graph 1');
    await t.step();
    expect(t.stepsSeen).toBe(1);
    expect(await ensure('graph 2')).toBe(true);
    expect(createRun).toHaveBeenCalledTimes(2);
    expect(t.stepsSeen).toBe(0);
    expect(t.history).toBeNull();
    expect(t.results).toBeNull();
    expect(t.lastEpoch).toBeNull();
    expect(t.epochView).toEqual([]);
    await frames();
  });

  it('creates a new run after the last one finished', async () => {
    const { t, createRun, ensure } = await setup();
    t.epochs = 1;
    t.batchSize = 160;
    await ensure();
    await t.step();
    expect(t.status).toMatchObject({ state: 'done', epoch: 1, step: 1 });
    await ensure();
    expect(createRun).toHaveBeenCalledTimes(2);
    await frames();
  });

  it('sends the L2 penalty for every dense block with the settings (the engine applies it), not in the graph', async () => {
    const { t, createRun, ensure } = await setup();
    const graph: GraphSpec = {
      nodes: GRAPH.nodes.map((n) => (n.id === 'dense2' ? { ...n, l2: 0.5 } : n)),
    };
    t.l2 = 0.01;
    await ensure('k', graph);
    const sent = createRun.mock.calls[0]![0];
    expect(sent.training.l2).toBe(0.01);
    expect(sent.graph).toEqual(graph);
    // A new penalty is a new run.
    t.l2 = 0.02;
    await ensure('k', graph);
    expect(createRun).toHaveBeenCalledTimes(2);
  });

  it('reports why the engine refused the run and keeps the old one', async () => {
    const { t, ensure } = await setup();
    await ensure();
    const run = t.run;
    t.batchSize = 0;
    expect(await ensure()).toBe(false);
    expect(t.error).toEqual({
      code: 'BAD_HYPERPARAMETER',
      key: 'train.batchSize',
      params: { max: 65536, value: '0' },
      message: 'Batch size must be a whole number from 1 to 65536 (got 0).',
    });
    expect(t.run).toBe(run);
    t.batchSize = 16;
    expect(await ensure('other')).toBe(true);
    expect(t.error).toBeNull();
  });
});

describe('TrainingState: stepping and metrics', () => {
  it('step() takes one batch and pulls the metrics', async () => {
    const { t, ensure } = await setup();
    await ensure();
    await t.step();
    expect(t.status).toEqual({
      state: 'paused',
      epoch: 0,
      step: 1,
      epochs: 5,
      learningRate: 0.01,
      samplesPerSecond: 0,
      threads: 1,
      error: null,
    });
    expect(t.running).toBe(false);
    expect(t.stepsSeen).toBe(1);
    expect(t.lastEpoch).toBeNull();
    expect(t.epochView).toEqual([]);
    expect(Array.from(t.history!.steps)).toEqual([1]);
    for (let i = 2; i <= 10; i++) await t.step();
    expect(t.status).toMatchObject({ state: 'paused', epoch: 1, step: 10 });
    expect(t.lastEpoch?.epoch).toBe(1);
    expect(t.epochView.map((e) => e.epoch)).toEqual([1]);
    expect(Array.from(t.history!.steps)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await frames();
  });

  it('refresh(true) fills the history, epoch log, results and decision map', async () => {
    const { service, t, ensure } = await setup();
    t.wantGrid = true;
    await ensure();
    for (let i = 0; i < 25; i++) await service.step();
    await t.refresh(true);
    expect(t.status).toMatchObject({ state: 'paused', step: 25, epoch: 2 });
    expect(t.stepsSeen).toBe(25);
    const h = await service.history(600);
    expect(h.ok && t.history).toEqual(h.ok && h.value);
    expect(t.history!.steps.length).toBe(25);
    expect(t.epochView).toEqual(h.ok && h.value.epochs);
    expect(t.epochView.map((e) => e.epoch)).toEqual([1, 2]);
    expect(t.lastEpoch).toEqual(t.epochView[1]);
    expect(t.lastEpoch).toHaveProperty('valAccuracy');
    const r = t.results!;
    expect(r.task).toBe('classification');
    expect(r.rows).toBe(40);
    if (r.task === 'classification') {
      expect(r.classes).toEqual(['0', '1']);
      expect(r.matrix.flat().reduce((a, b) => a + b, 0)).toBe(40);
      expect(r.accuracy).toBeCloseTo((r.matrix[0]![0]! + r.matrix[1]![1]!) / 40, 12);
    }
    expect(t.grid).toMatchObject({ resolution: GRID_RESOLUTION, outputs: 2 });
    expect(t.grid!.values.length).toBe(GRID_RESOLUTION * GRID_RESOLUTION * 2);
    // The heat maps inside the neurons come with the map.
    expect(t.neurons).toMatchObject({ resolution: NEURON_RESOLUTION, xRange: t.grid!.xRange });
    expect(t.neurons!.nodes.map((n) => [n.id, n.width])).toEqual([
      ['input', 2],
      ['dense1', 8],
      ['dense2', 8],
      ['dense3', 2],
    ]);
  });

  it('every refresh shows the newest epoch; one with nothing new keeps it', async () => {
    const { service, t, ensure } = await setup();
    await ensure();
    for (let i = 0; i < 15; i++) await service.step();
    await t.refresh(false);
    expect(t.lastEpoch?.epoch).toBe(1);
    await t.refresh(false);
    expect(t.lastEpoch?.epoch).toBe(1);
    for (let i = 0; i < 20; i++) await service.step();
    await t.refresh(false);
    expect(t.lastEpoch?.epoch).toBe(3);
    expect(t.stepsSeen).toBe(35);
    await t.refresh(true);
    expect(t.epochView.map((e) => e.epoch)).toEqual([1, 2, 3]);
  });

  it('has every epoch after falling more than 8,192 steps behind (e.g. a hidden window)', async () => {
    const { service, t, ensure } = await setup();
    t.batchSize = 1; // 160 steps an epoch
    t.epochs = 100;
    await ensure();
    for (let i = 0; i < 200; i++) await service.step();
    await t.refresh(true);
    expect(t.epochView.map((e) => e.epoch)).toEqual([1]);
    for (let i = 0; i < 8300; i++) await service.step();
    await t.refresh(true);
    expect(t.stepsSeen).toBe(8500);
    // 8,500 steps of 160: 53 epochs.
    expect(t.lastEpoch?.epoch).toBe(53);
    expect(t.epochView.map((e) => e.epoch)).toEqual(Array.from({ length: 53 }, (_, i) => i + 1));
  });

  it('keeps a bounded overview of a long run: every 8th of 3,000 epochs and the last', async () => {
    const { service, t, ensure } = await setup();
    t.batchSize = 160; // one step an epoch
    t.epochs = 5000;
    await ensure();
    for (let i = 0; i < 3000; i++) await service.step();
    await t.refresh(true);
    expect(t.lastEpoch?.epoch).toBe(3000);
    expect(t.history!.epochStride).toBe(8);
    expect(t.epochView.length).toBeLessThanOrEqual(OVERVIEW_POINTS);
    expect(t.epochView.map((e) => e.epoch)).toEqual(Array.from({ length: 375 }, (_, i) => 8 * (i + 1)));
    expect(t.history!.loss.length).toBeLessThanOrEqual(OVERVIEW_POINTS);
    expect(t.history!.steps.at(-1)).toBe(3000);
  });

  it('start() trains in the background until done, then pulls everything once more', async () => {
    const { t, ensure } = await setup();
    t.epochs = 20;
    await ensure();
    await t.start();
    expect(t.status!.state === 'running' || t.status!.state === 'done').toBe(true);
    await vi.waitFor(
      () => {
        expect(t.status).toMatchObject({ state: 'done', epoch: 20, step: 200 });
        expect(t.lastEpoch?.epoch).toBe(20);
        expect(t.epochView.map((e) => e.epoch)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(t.history!.steps.at(-1)).toBe(200);
        expect(t.results).not.toBeNull();
      },
      { timeout: 30_000, interval: 20 },
    );
    expect(t.running).toBe(false);
    expect(t.stepsSeen).toBe(200);
  });

  it('pause, resume and stop', async () => {
    const { t, ensure } = await setup();
    t.epochs = 100_000;
    await ensure();
    await t.start();
    expect(t.running).toBe(true);
    await t.pause();
    expect(t.status!.state).toBe('paused');
    await t.resume();
    expect(t.status!.state).toBe('running');
    await t.stop();
    expect(t.status!.state).toBe('stopped');
    await frames();
    expect(t.status!.state).toBe('stopped');
    expect(t.error).toBeNull();
  });

  it('reset() goes back to step 0 of the same run and clears the metrics', async () => {
    const { t, createRun, ensure } = await setup();
    await ensure();
    for (let i = 0; i < 12; i++) await t.step();
    expect(t.epochView.length).toBe(1);
    await t.reset();
    expect(t.status).toMatchObject({ state: 'ready', step: 0, epoch: 0 });
    expect(t.epochView).toEqual([]);
    expect(t.lastEpoch).toBeNull();
    expect(t.stepsSeen).toBe(0);
    expect(t.history!.steps.length).toBe(0);
    expect(createRun).toHaveBeenCalledTimes(1);
    await t.step();
    expect(t.status).toMatchObject({ step: 1 });
    await frames();
  });

  it('setLearningRate changes the running value and the setting', async () => {
    const { t, ensure } = await setup();
    await t.setLearningRate(0.003);
    expect(t.learningRate).toBe(0.003);
    expect(t.status).toBeNull();
    await ensure();
    await t.setLearningRate(0.004);
    expect(t.status).toMatchObject({ learningRate: 0.004, state: 'ready' });
    await t.setLearningRate(-1);
    expect(t.error).toMatchObject({ code: 'BAD_HYPERPARAMETER' });
    await frames();
  });

  it('the pace goes with the settings and to the engine, and never makes a new run', async () => {
    const { service, t, createRun, ensure } = await setup();
    const setPace = vi.spyOn(service, 'setPace');
    expect(t.config()).not.toHaveProperty('pace');
    await t.setPace(5);
    expect(setPace).not.toHaveBeenCalled(); // no run yet: it goes with the run
    expect(t.config().pace).toBe(5);
    await ensure();
    expect(createRun.mock.calls[0]![0].training.pace).toBe(5);
    await t.setPace(null);
    expect(setPace).toHaveBeenLastCalledWith(null);
    expect(t.config()).not.toHaveProperty('pace');
    await t.setPace(20);
    expect(await ensure()).toBe(true);
    expect(createRun).toHaveBeenCalledTimes(1);
    t.setConfig({ ...t.config(), pace: 1 });
    expect(t.pace).toBe(1);
    t.setConfig({ ...t.config(), pace: undefined });
    expect(t.pace).toBeNull();
    await frames();
  });

  it("an engine error is kept in error; the refresh after it shows the engine's status", async () => {
    const { t } = await setup();
    await t.step();
    expect(t.error).toMatchObject({ code: 'NO_RUN' });
    expect(t.status).toMatchObject({ state: 'idle', step: 0, epoch: 0 });
    await frames();
  });
});
