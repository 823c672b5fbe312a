/**
 * The project's file operations through the platform they are given: Save writes back over the file
 * it came from and Save As asks again, a cancelled or failed save keeps the work unsaved, drops open
 * projects or load data, a file that is gone or refused is said so and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppState } from '../../renderer/src/state/app.svelte.ts';
import { memoryPlatform, newApp, settle, stubBrowser } from './app-helpers.ts';
import type { MemoryPlatform } from './app-helpers.ts';

beforeAll(stubBrowser);
afterAll(() => vi.unstubAllGlobals());

const bytes = (text: string) => new TextEncoder().encode(text);
const infos = (app: AppState) => app.toasts.filter((t) => t.kind === 'info').map((t) => t.text);
const errors = (app: AppState) => app.toasts.filter((t) => t.kind === 'error').map((t) => t.text);
/** A bridge refusal as the preload passes it (code and facts as JSON in the message). */
const refusal = (code: string) =>
  new Error(`backprop-desktop-error:${JSON.stringify({ code, message: code, params: { name: 'x.csv' } })}`);

async function edited(): Promise<{ app: AppState; platform: MemoryPlatform }> {
  const platform = memoryPlatform();
  const app = await newApp(platform);
  app.files.projectName = 'Rings';
  expect(app.files.dirty).toBe(true);
  return { app, platform };
}

describe('saving through the platform', () => {
  it('Save asks where the first time, then writes back over that file; Save As asks again', async () => {
    const { app, platform } = await edited();
    await app.files.save();
    expect(platform.saves).toHaveLength(1);
    expect(platform.saves[0]).toMatchObject({ kind: 'project', name: 'Rings.bps.json', token: 't0' });
    expect(JSON.parse(platform.saves[0]!.text)).toMatchObject({ name: 'Rings' });
    expect(app.files.dirty).toBe(false);
    expect(app.files.fileToken).toBe('t0');
    expect(infos(app)).toContain('Saved Rings.bps.json.');

    app.graph.addBlock('dense', { x: 300, y: 300 });
    await app.files.save();
    expect(platform.saves[1]!.token).toBe('t0'); // written back over the same file
    await app.files.save(true);
    expect(platform.saves[2]!.token).toBe('t2'); // Save As: a new file
    expect(app.files.fileToken).toBe('t2');
  });

  it('a cancelled save keeps the work unsaved and says nothing', async () => {
    const { app, platform } = await edited();
    platform.saveAnswers.push(null);
    await app.files.save();
    expect(app.files.dirty).toBe(true);
    expect(app.files.fileToken).toBeNull();
    expect(app.toasts).toEqual([]);
  });

  it('a failed save is told in words, keeps the work unsaved and the recovery copy', async () => {
    const { app, platform } = await edited();
    await app.files.autosave();
    expect(platform.kept).not.toBeNull();
    platform.saveAnswers.push(refusal('WRITE_FAILED'));
    await app.files.save();
    expect(app.files.dirty).toBe(true);
    expect(errors(app)).toHaveLength(1);
    expect(errors(app)[0]).not.toContain('backprop-desktop-error');
    expect(platform.kept).not.toBeNull();
  });

  it('a save remembers the project among the recent ones', async () => {
    const { app } = await edited();
    await app.files.save();
    expect(app.files.recent.map((r) => r.name)).toEqual(['Rings']);
  });
});

describe('opening through the platform', () => {
  it('opens a project the person picked and saves back over it', async () => {
    const { app: first, platform: p1 } = await edited();
    await first.files.save();
    const platform = memoryPlatform();
    const app = await newApp(platform);
    platform.picks.push({ name: 'Rings.bps.json', bytes: bytes(p1.saves[0]!.text), token: 'picked' });
    await app.files.open();
    expect(app.files.projectName).toBe('Rings');
    expect(app.files.fileToken).toBe('picked');
    expect(app.files.dirty).toBe(false);
  });

  it('a cancelled open changes nothing; an unreadable project is told and changes nothing', async () => {
    const platform = memoryPlatform();
    const app = await newApp(platform);
    const before = app.graph.spec();
    await app.files.open();
    expect(app.toasts).toEqual([]);
    platform.picks.push({ name: 'broken.bps.json', bytes: bytes('{"format":'), token: 'b' });
    await app.files.open();
    expect(errors(app)).toHaveLength(1);
    expect(app.graph.spec()).toEqual(before);
    expect(app.files.fileToken).toBeNull();
  });

  it('a recent file that is gone is said so', async () => {
    const app = await newApp();
    await app.files.openToken('missing');
    expect(errors(app)).toEqual(['That file can no longer be opened (it was moved or deleted).']);
  });

  it('a dropped project opens with its token; a dropped CSV loads as data; a refused drop is told', async () => {
    const { app: first, platform: p1 } = await edited();
    await first.files.save();
    const platform = memoryPlatform();
    const app = await newApp(platform);
    platform.droppedFile = async (f) => ({
      name: f.name,
      bytes: new Uint8Array(await f.arrayBuffer()),
      token: 'dropped',
    });
    await app.files.drop(new File([p1.saves[0]!.text], 'Rings.bps.json'));
    expect(app.files.projectName).toBe('Rings');
    expect(app.files.fileToken).toBe('dropped');

    await app.files.drop(new File(['a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n'], 'points.csv'));
    await settle(app);
    expect(app.data.summary?.header).toEqual(['a', 'b', 'label']);

    platform.droppedFile = () => Promise.reject(refusal('UNSUPPORTED_FILE'));
    const graph = app.graph.spec();
    await app.files.drop(new File(['x'], 'notes.exe'));
    expect(errors(app)).toHaveLength(1);
    expect(app.graph.spec()).toEqual(graph);
  });
});

describe('weights through the platform', () => {
  it('exports the trained weights as a weights file; a cancelled export says nothing', async () => {
    const platform = memoryPlatform();
    const app = await newApp(platform);
    await app.train();
    await settle(app);
    await app.exporter.show();
    await app.exporter.choose('weights');
    platform.saveAnswers.push(null);
    await app.exporter.export();
    expect(platform.saves).toEqual([]);
    expect(infos(app)).toEqual([]);
    await app.exporter.export();
    expect(platform.saves[0]).toMatchObject({ kind: 'weights', name: 'Untitled.weights.json' });
    expect(JSON.parse(platform.saves[0]!.text)).toMatchObject({ format: 'backprop-studio/weights' });
    expect(infos(app)).toEqual(['Exported Untitled.weights.json.']);
  });
});

describe('after an engine restart', () => {
  const crash = {
    type: 'crashed' as const,
    message: 'out of memory',
    error: {
      code: 'ENGINE_CRASHED' as const,
      message: 'out of memory',
      key: 'host.reason.outOfMemory',
      params: {},
    },
  };

  it('Step waits until the data is back in the engine, then takes its step', async () => {
    const app = await newApp();
    await app.stepOnce();
    expect(app.training.status?.step).toBe(1);
    // The data reaches the new engine only after a while; a step asked for before must wait for it.
    const load = app.api.loadData.bind(app.api);
    const order: string[] = [];
    app.api.loadData = async (source) => {
      await new Promise((r) => setTimeout(r, 30));
      order.push('data back');
      return load(source);
    };
    for (let n = 1; n <= 3; n++) app.restarts.onEvent(crash);
    app.restarts.onEvent({ type: 'restarted', generation: 3 });
    expect(app.restarts.restoring).toBe(true);
    const stepping = app.stepOnce().then(() => order.push('step'));
    await stepping;
    expect(order).toEqual(['data back', 'step']);
    expect(app.restarts.restoring).toBe(false);
    expect(app.training.status?.step).toBe(1); // a new run: the old one was given up
    expect(errors(app)).toContain(
      'The engine stopped three times within a minute, so your run was not restored (it may be too large for this computer). The network, data and settings are unchanged: press Train to start a new run.',
    );
  });
});
