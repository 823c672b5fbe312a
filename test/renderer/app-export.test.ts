/**
 * The export dialog's state through the platform it is given: nothing to export before training or
 * after an edit, the files each format writes (asked of the engine), the choice remembered, the files
 * passed to the platform as the engine made them, and a refused format, a failed or cancelled save
 * writing nothing and keeping the dialog open with the reason.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXPORT_FORMAT_IDS } from '../../engine/formats/exports.ts';
import { EXPORT_CHOICES, MODEL_FORMATS, loadSnippet } from '../../renderer/src/lib/export-formats.ts';
import { EXPORT_FORMAT_KEY, ModelExport } from '../../renderer/src/state/model-export.svelte.ts';
import type { AppState } from '../../renderer/src/state/app.svelte.ts';
import { memoryPlatform, newApp, settle, stubBrowser } from './app-helpers.ts';

beforeAll(stubBrowser);
afterAll(() => vi.unstubAllGlobals());
beforeEach(() => localStorage.removeItem(EXPORT_FORMAT_KEY));

const infos = (app: AppState) => app.toasts.filter((t) => t.kind === 'info').map((t) => t.text);

async function trained(platform = memoryPlatform()) {
  const app = await newApp(platform);
  await app.train();
  await settle(app);
  return { app, platform };
}

describe('the formats on offer', () => {
  it('are the weights file and every format of the engine registry, each with a line that loads it', () => {
    expect([...MODEL_FORMATS].sort()).toEqual([...EXPORT_FORMAT_IDS].sort());
    expect(EXPORT_CHOICES[0]).toBe('weights');
    for (const c of EXPORT_CHOICES) expect(loadSnippet(c, 'x')?.code).toContain('x');
    expect(loadSnippet('tfjs', 'model.json')?.code).toBe(
      "const model = await tf.loadLayersModel('file://./model.json');",
    );
    expect(loadSnippet('weights', "it's.weights.json")?.code).toBe(
      "backprop-studio predict --weights 'it'\\''s.weights.json' --data rows.csv",
    );
  });
});

describe('exporting through the dialog', () => {
  it('has nothing to export before training, and says why', async () => {
    const platform = memoryPlatform();
    const app = await newApp(platform);
    await app.exporter.show();
    expect(app.exporter.open).toBe(true);
    expect(app.exporter.blocked).toBe('Train the network first: there are no trained weights to export.');
    expect(app.exporter.names).toBeNull();
    expect(app.exporter.summary).toBeNull();
    expect(await app.exporter.export()).toBe(false);
    expect(platform.exports).toEqual([]);
    expect(platform.saves).toEqual([]);
  });

  it('lists the files of the chosen format and the Keras summary; remembers the choice', async () => {
    const { app } = await trained();
    await app.exporter.show();
    expect(app.exporter.format).toBe('weights');
    expect(app.exporter.names).toEqual(['Untitled.weights.json']);
    expect(app.exporter.summary).toContain('Total params');
    expect(app.exporter.summary).toContain('dense1 (Dense)');
    await app.exporter.choose('tfjs');
    expect(app.exporter.names).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(localStorage.getItem(EXPORT_FORMAT_KEY)).toBe('tfjs');
    // The next window starts with it; a stored value that is no choice starts with the weights file.
    expect(new ModelExport(app).format).toBe('tfjs');
    localStorage.setItem(EXPORT_FORMAT_KEY, 'exe');
    expect(new ModelExport(app).format).toBe('weights');
  });

  it('passes the TF.js files to the platform as the engine made them, then closes and says so', async () => {
    const { app, platform } = await trained();
    await app.exporter.show();
    await app.exporter.choose('tfjs');
    expect(await app.exporter.export()).toBe(true);
    expect(platform.exports).toHaveLength(1);
    const [model, shard] = platform.exports[0]!;
    expect(model!.name).toBe('model.json');
    const json = JSON.parse(model!.data as string) as {
      format: string;
      weightsManifest: { paths: string[]; weights: { shape: number[] }[] }[];
    };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]!.paths).toEqual(['group1-shard1of1.bin']);
    expect(shard!.name).toBe('group1-shard1of1.bin');
    expect(shard!.data).toBeInstanceOf(Uint8Array);
    const floats = json.weightsManifest[0]!.weights.reduce(
      (n, w) => n + w.shape.reduce((a, b) => a * b, 1),
      0,
    );
    expect((shard!.data as Uint8Array).byteLength).toBe(floats * 4);
    expect(floats).toBe(app.training.run!.paramCount);
    expect(app.exporter.open).toBe(false);
    expect(infos(app)).toEqual(['Exported model.json, group1-shard1of1.bin.']);
  });

  it('names the files from the project (PyTorch: the script and its weights)', async () => {
    const { app, platform } = await trained();
    app.files.projectName = 'Iris – 2 layers';
    await app.exporter.show();
    await app.exporter.choose('pytorch');
    expect(app.exporter.names).toEqual(['train_iris_2_layers.py', 'iris_2_layers_weights.npz']);
    expect(await app.exporter.export()).toBe(true);
    expect(platform.exports[0]!.map((f) => f.name)).toEqual(app.exporter.names);
  });

  it('writes ONNX as one binary file named from the project', async () => {
    const { app, platform } = await trained();
    await app.exporter.show();
    await app.exporter.choose('onnx');
    expect(app.exporter.names).toEqual(['untitled.onnx']);
    expect(await app.exporter.export()).toBe(true);
    const [onnx] = platform.exports[0]!;
    expect(onnx!.data).toBeInstanceOf(Uint8Array);
    expect((onnx!.data as Uint8Array).byteLength).toBeGreaterThan(app.training.run!.paramCount * 4);
  });

  it('encodes a format once: Export writes the files the preview made while they are still the run’s', async () => {
    const { app, platform } = await trained();
    const made = vi.spyOn(app.api, 'exportModel');
    await app.exporter.show();
    await app.exporter.choose('onnx');
    expect(await app.exporter.export()).toBe(true);
    expect(made).toHaveBeenCalledTimes(1);
    // Another run: its files are made again (once), from its weights.
    const token = app.training.runToken;
    await app.train();
    await settle(app);
    expect(app.training.runToken).not.toBe(token);
    await app.exporter.show();
    expect(await app.exporter.export()).toBe(true);
    expect(made).toHaveBeenCalledTimes(2);
    expect(platform.exports[1]![0]!.data).not.toEqual(platform.exports[0]![0]!.data);
  });

  it('saves the weights file as Export weights did', async () => {
    const { app, platform } = await trained();
    await app.exporter.show();
    expect(await app.exporter.export()).toBe(true);
    expect(platform.saves).toHaveLength(1);
    expect(platform.saves[0]).toMatchObject({ kind: 'weights', name: 'Untitled.weights.json' });
    expect(JSON.parse(platform.saves[0]!.text)).toMatchObject({ format: 'backprop-studio/weights' });
    expect(platform.exports).toEqual([]);
  });

  it('a cancelled save keeps the dialog open and says nothing; a failed one says why', async () => {
    const { app, platform } = await trained();
    await app.exporter.show();
    await app.exporter.choose('tfjs');
    platform.exportAnswers.push(null);
    expect(await app.exporter.export()).toBe(false);
    expect(app.exporter.open).toBe(true);
    expect(app.exporter.problem).toBeNull();
    expect(app.toasts).toEqual([]);
    platform.exportAnswers.push(
      new Error(
        `backprop-desktop-error:${JSON.stringify({ code: 'WRITE_FAILED', params: { name: 'model.json', errno: 'ENOSPC' } })}`,
      ),
    );
    expect(await app.exporter.export()).toBe(false);
    expect(app.exporter.open).toBe(true);
    expect(app.exporter.problem).toMatch(/model\.json/);
    expect(app.exporter.attempted).toBe(true);
    expect(app.exporter.problem).not.toContain('backprop-desktop-error');
    expect(platform.exports).toEqual([]);
    expect(app.toasts).toEqual([]);
  });

  it('a format that cannot express a block names it in the dialog and writes nothing', async () => {
    const platform = memoryPlatform();
    const app = await newApp(platform);
    const spec = app.graph.spec();
    const dense = spec.nodes.find((n) => n.type === 'dense')!;
    app.graph.load({
      nodes: spec.nodes.map((n) =>
        n.id === dense.id ? { ...n, activation: 'elu' as const, alpha: 0.5 } : n,
      ),
    });
    await app.compile();
    await app.train();
    await settle(app);
    await app.exporter.show();
    await app.exporter.choose('tfjs');
    expect(app.exporter.names).toBeNull();
    expect(app.exporter.problem).toContain(`"${dense.id}"`);
    expect(app.exporter.attempted).toBe(false); // said before any export was asked for
    expect(app.exporter.summary).toBeNull(); // the summary is of the TF.js model
    expect(await app.exporter.export()).toBe(false);
    expect(platform.exports).toEqual([]);
    // The weights file has no such limit.
    await app.exporter.choose('weights');
    expect(app.exporter.problem).toBeNull();
    expect(app.exporter.names).toEqual(['Untitled.weights.json']);
  });

  it('after an edit, the trained weights are not those of the network on screen', async () => {
    const { app, platform } = await trained();
    app.graph.addBlock('dense', { x: 300, y: 300 });
    await app.exporter.show();
    expect(app.exporter.blocked).toMatch(/train again/);
    expect(await app.exporter.export()).toBe(false);
    expect(platform.exports).toEqual([]);
  });

  it('the engine refuses a format it does not have', async () => {
    const { app } = await trained();
    const r = await app.api.exportModel('../model' as never);
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('opening a TF.js model as weights', () => {
  /** A trained window's TF.js export, as the files a person would pick. */
  async function exported() {
    const { app } = await trained();
    const r = await app.api.exportModel('tfjs');
    if (!r.ok) throw new Error(r.error.message);
    const picked = r.value.map((f) => ({
      name: f.name,
      bytes: typeof f.data === 'string' ? new TextEncoder().encode(f.data) : f.data,
    }));
    return { source: app, picked };
  }
  const errors = (app: AppState) => app.toasts.filter((t) => t.kind === 'error').map((t) => t.text);
  const rows = {
    columns: ['x1', 'x2'],
    rows: [
      ['0.3', '-0.8'],
      ['-1', '0.2'],
      ['0.05', '0.9'],
    ],
  };

  it('model.json and its weights, picked together, continue as the network that was exported', async () => {
    const { source, picked } = await exported();
    const platform = memoryPlatform();
    const app = await newApp(platform);
    platform.multiPicks.push([picked[1]!, picked[0]!]); // in any order
    await app.files.importWeights();
    expect(errors(app)).toEqual([]);
    expect(infos(app)).toEqual(['Loaded model.json: press Train to continue from its weights.']);
    expect(app.graph.spec()).toEqual(source.graph.spec());
    const before = await source.api.predict(rows);
    const after = await app.api.predict(rows);
    expect(after).toEqual(before);
  });

  it('model.json without its weights names the file to pick with it, and changes nothing', async () => {
    const { picked } = await exported();
    const platform = memoryPlatform();
    const app = await newApp(platform);
    const graph = app.graph.spec();
    platform.multiPicks.push([picked[0]!]);
    await app.files.importWeights();
    expect(errors(app)).toEqual([
      'model.json: model.json names the weights file "group1-shard1of1.bin": pick it together with model.json.',
    ]);
    platform.multiPicks.push([picked[0]!, { ...picked[0]!, name: 'other.json' }]);
    await app.files.importWeights();
    expect(errors(app)[1]).toMatch(/^Pick one weights file/);
    expect(app.graph.spec()).toEqual(graph);
    expect(app.training.run).toBeNull();
  });

  it('a weights file picked alone opens as before', async () => {
    const { source } = await exported();
    const w = await source.api.exportWeights('xor');
    const platform = memoryPlatform();
    const app = await newApp(platform);
    platform.multiPicks.push([
      { name: 'xor.weights.json', bytes: new TextEncoder().encode(w.ok ? w.value : '') },
    ]);
    await app.files.importWeights();
    expect(infos(app)).toEqual(['Loaded xor.weights.json: press Train to continue from its weights.']);
  });
});
