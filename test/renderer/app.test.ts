/**
 * The everyday path through the whole window state, on the in-process engine: train, change
 * something, save, reopen, load other data, import weights that do not fit; each case one a person
 * met (see the model-based test for random sequences of the same actions).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import type { AppState } from '../../renderer/src/state/app.svelte.ts';
import { memoryPlatform, newApp, settle, stubBrowser } from './app-helpers.ts';

beforeAll(stubBrowser);
afterAll(() => vi.unstubAllGlobals());

const saved = async (app: AppState) => {
  const text = await app.files.projectText();
  expect(text, app.toasts.map((t) => t.text).join(' | ')).not.toBeNull();
  return JSON.parse(text!) as {
    weights?: unknown;
    history?: { loss: number[] };
    graph: { nodes: unknown[] };
  };
};

async function trained(): Promise<AppState> {
  const app = await newApp();
  await app.train();
  await settle(app);
  expect(app.training.status?.state).toBe('done');
  return app;
}

const widen = (app: AppState, id: string) => {
  const n = app.graph.nodes.find((m) => m.id === id)!;
  if (n.data.layer.kind !== 'dense') throw new Error(`${id} is not dense`);
  app.graph.update(id, { ...n.data.layer, units: n.data.layer.units + 1 });
};

describe('saving', () => {
  it('saves a trained network with its weights and epochs', async () => {
    const app = await trained();
    const p = await saved(app);
    expect(p.weights).toBeDefined();
    expect(p.history?.loss).toHaveLength(3);
    expect(app.staleRun).toBe(false);
  });

  it('saves after a layer of the trained network is widened: without the weights, the run marked stale', async () => {
    const app = await trained();
    widen(app, 'dense1');
    expect(app.staleRun).toBe(true);
    const p = await saved(app);
    expect(p.weights).toBeUndefined();
    expect(p.history).toBeUndefined();
    // Undo brings back the network the run was trained on, and its weights save again.
    app.graph.undo();
    expect(app.staleRun).toBe(false);
    expect((await saved(app)).weights).toBeDefined();
  });

  it('saves after other data changed the output layer, and autosaves without a word', async () => {
    const app = await trained();
    await app.data.loadBuiltin('iris');
    await app.dataChanged();
    const p = await saved(app);
    expect(p.weights).toBeUndefined();
    await app.files.autosave();
    expect(app.toasts.filter((t) => t.kind === 'error')).toEqual([]);
  });

  it('saves a network that is still being drawn, and reopens it as it was', async () => {
    const app = await newApp();
    app.graph.addBlock('dense', { x: 400, y: 200 });
    app.graph.addBlock('add', { x: 500, y: 200 });
    expect(app.graph.problem ?? (await app.compile(), app.graph.problem)).not.toBeNull();
    const text = await app.files.projectText();
    expect(text).not.toBeNull();
    const other = await newApp();
    expect(await other.files.openText(text!)).toBe(true);
    expect(other.graph.spec()).toEqual(app.graph.spec());
    expect(other.graph.spec().nodes.find((n) => n.id === 'dense4')?.inputs).toEqual([]);
  });

  it('moving a block does not make the run stale', async () => {
    const app = await trained();
    const before = app.graph.dragStart;
    expect(before).toBeNull();
    app.graph.beginDrag();
    app.graph.nodes = app.graph.nodes.map((n) =>
      n.id === 'dense1' ? { ...n, position: { x: n.position.x + 33, y: n.position.y } } : n,
    );
    app.graph.endDrag();
    expect(app.files.dirty).toBe(true);
    expect(app.staleRun).toBe(false);
  });
});

describe('the unsaved mark', () => {
  it('watches what the file holds: training settings and the L2 penalty too, which save and reopen', async () => {
    const app = await newApp();
    expect(app.files.dirty).toBe(false);
    app.training.l2 = 0.001;
    expect(app.files.dirty).toBe(true);
    app.files.markSaved();
    app.training.batchSize = 8;
    expect(app.files.dirty).toBe(true);
    const text = (await app.files.projectText())!;
    expect(JSON.parse(text).training).toMatchObject({ l2: 0.001, batchSize: 8 });
    const other = await newApp();
    expect(await other.files.openText(text)).toBe(true);
    expect(other.training.l2).toBe(0.001);
    expect(other.training.batchSize).toBe(8);
    expect(other.files.dirty).toBe(false);
  });
});

describe('autosave', () => {
  it('keeps unsaved work for recovery, and writes it again only when something changed', async () => {
    const platform = memoryPlatform();
    const app = await newApp(platform);
    const writes = vi.spyOn(platform.recovery, 'write');
    await app.files.autosave();
    expect(writes).not.toHaveBeenCalled(); // nothing unsaved
    widen(app, 'dense1');
    await app.files.autosave();
    expect(writes).toHaveBeenCalledTimes(1);
    expect(await app.files.recoverable()).toBe(writes.mock.calls[0]![0]);
    await app.files.autosave();
    expect(writes).toHaveBeenCalledTimes(1);
    await app.stepOnce();
    await app.files.autosave();
    expect(writes).toHaveBeenCalledTimes(2);
    const other = await newApp();
    expect(await other.files.openText((await app.files.recoverable())!)).toBe(true);
    expect(other.graph.spec()).toEqual(app.graph.spec());
    // A save makes the copy unneeded.
    await app.files.save();
    expect(await app.files.recoverable()).toBeNull();
  });
});

describe('reopening', () => {
  it('shows the saved run: done, its epochs, its results and decision map', async () => {
    const app = await trained();
    const text = (await app.files.projectText())!;
    const other = await newApp();
    expect(await other.files.openText(text)).toBe(true);
    await settle(other);
    const t = other.training;
    expect(t.status).toMatchObject({ state: 'done', epoch: 3, epochs: 3 });
    expect(t.results?.task).toBe('classification');
    expect(t.grid).not.toBeNull();
    expect(t.history?.epochs).toHaveLength(3);
    expect(t.history?.epochs.map((e) => e.loss)).toEqual(app.training.history?.epochs.map((e) => e.loss));
    expect(other.staleRun).toBe(false);
  });

  it('a run saved part-way reopens paused at its epoch, and Train resumes it', async () => {
    const app = await newApp();
    app.training.epochs = 50;
    await app.stepOnce();
    for (let i = 0; i < 8; i++) await app.stepOnce(); // 3 batches an epoch: 3 epochs
    const text = (await app.files.projectText())!;
    const other = await newApp();
    other.training.epochs = 50;
    expect(await other.files.openText(text)).toBe(true);
    await settle(other);
    expect(other.training.status).toMatchObject({ state: 'paused', epoch: 3, epochs: 50 });
    await other.train();
    await settle(other);
    expect(other.training.status).toMatchObject({ state: 'done', epoch: 50 });
  });
});

describe('panels after the data changes', () => {
  it('forget the run made on the old data', async () => {
    const app = await trained();
    expect(app.training.results).not.toBeNull();
    await app.data.loadBuiltin('iris');
    await app.dataChanged();
    await settle(app);
    expect(app.training.run).toBeNull();
    expect(app.training.status).toBeNull();
    expect(app.training.results).toBeNull();
    expect(app.training.grid).toBeNull();
    expect(app.data.targetInfo?.classes).toHaveLength(3);
  });

  it('forget a run that was still training', async () => {
    const app = await newApp();
    app.training.epochs = 100_000;
    await app.train();
    expect(app.training.running).toBe(true);
    await app.data.loadBuiltin('circle', 100);
    await app.dataChanged();
    await settle(app);
    expect(app.training.run).toBeNull();
    expect(app.training.status).toBeNull();
    const s = await app.api.status();
    expect(s.ok && s.value.state).not.toBe('running');
  });
});

describe('importing weights', () => {
  it('refuses weights that do not fit the data and changes nothing', async () => {
    const iris = await newApp();
    await iris.data.loadBuiltin('iris');
    await iris.dataChanged();
    await iris.stepOnce();
    const w = await iris.api.exportWeights('iris');
    if (!w.ok) throw new Error(w.error.message);

    const app = await trained();
    const spec = app.graph.spec();
    const target = app.data.target;
    const run = app.training.run;
    const revision = app.graph.revision;
    expect(await app.files.importWeightsText('iris.weights.json', w.value)).toBe(false);
    expect(app.toasts.at(-1)?.kind).toBe('error');
    expect(app.toasts.at(-1)?.text).toContain('iris.weights.json');
    expect(app.graph.spec()).toEqual(spec);
    expect(app.data.target).toBe(target);
    expect(app.training.run).toBe(run);
    expect(app.graph.revision).toBe(revision);
    // The run in the engine is the one it had.
    expect((await app.api.status()).ok && app.training.status?.state).toBe('done');
  });

  it('takes weights that fit: their network, a current run with results', async () => {
    const source = await trained();
    const w = await source.api.exportWeights('xor');
    if (!w.ok) throw new Error(w.error.message);
    const app = await newApp();
    app.applyTemplate('logistic');
    expect(await app.files.importWeightsText('xor.weights.json', w.value)).toBe(true);
    expect(app.graph.spec().nodes.map((n) => n.id)).toEqual(source.graph.spec().nodes.map((n) => n.id));
    expect(app.staleRun).toBe(false);
    expect(app.training.results).not.toBeNull();
  });
});

describe('a network that reads naturally', () => {
  it('offers to add the output layer a hidden-layer network lacks, in one click', async () => {
    const app = await newApp();
    const g = app.graph;
    g.load({
      nodes: [
        { id: 'input', type: 'input', inputs: [], units: 0 },
        {
          id: 'dense1',
          type: 'dense',
          inputs: ['input'],
          units: 8,
          activation: 'relu',
          useBias: true,
          kernelInitializer: 'he_uniform',
        },
        {
          id: 'dense2',
          type: 'dense',
          inputs: ['dense1'],
          units: 8,
          activation: 'relu',
          useBias: true,
          kernelInitializer: 'he_uniform',
        },
        { id: 'output', type: 'output', inputs: ['dense2'], loss: 'categorical_crossentropy' },
      ],
    });
    await app.compile();
    expect(app.graph.problem?.code).toBe('LOSS_ACTIVATION_MISMATCH');
    expect(app.headFix).toMatchObject({ action: 'insert', id: 'dense2', units: 2, activation: 'softmax' });
    app.fixHead();
    await app.compile();
    expect(app.graph.problem).toBeNull();
    expect(app.graph.spec().nodes.map((n) => `${n.id}<${n.inputs.join(',')}`)).toEqual([
      'input<',
      'dense1<input',
      'dense2<dense1',
      'output<dense3',
      'dense3<dense2',
    ]);
    // One undo takes the fix back.
    app.graph.undo();
    await app.compile();
    expect(app.graph.problem?.code).toBe('LOSS_ACTIVATION_MISMATCH');
  });

  it('offers to change a dense layer that is nearly the output layer', async () => {
    const app = await newApp();
    const head = app.graph.nodes.find((n) => n.id === 'dense3')!;
    if (head.data.layer.kind !== 'dense') throw new Error('dense3');
    app.graph.update('dense3', { ...head.data.layer, activation: 'relu' });
    await app.compile();
    expect(app.headFix).toMatchObject({ action: 'change', id: 'dense3', units: 2, activation: 'softmax' });
    app.fixHead();
    await app.compile();
    expect(app.graph.problem).toBeNull();
  });

  it('gives a dense layer the initialiser that suits its activation, unless one was chosen', async () => {
    const app = await newApp();
    const g = app.graph;
    const id = g.addBlock('dense', { x: 0, y: 300 });
    const layer = () => {
      const l = g.nodes.find((n) => n.id === id)!.data.layer;
      if (l.kind !== 'dense') throw new Error(id);
      return l;
    };
    expect(layer()).toMatchObject({ activation: 'relu', initializer: 'he_uniform' });
    g.update(id, { ...layer(), activation: 'tanh' });
    expect(layer().initializer).toBe('glorot_uniform');
    g.update(id, { ...layer(), activation: 'elu' });
    expect(layer().initializer).toBe('he_uniform');
    g.update(id, { ...layer(), initializer: 'glorot_normal' });
    g.update(id, { ...layer(), activation: 'sigmoid' });
    expect(layer().initializer).toBe('glorot_normal');
  });
});
