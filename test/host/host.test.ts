import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsCursor } from '../../engine/api.ts';
import type { EngineClient, EngineEvent } from '../../engine/host/client.ts';
import { formatError } from '../../engine/i18n.ts';
import { ok, sleep, startClient, until, xorRun } from './helpers.ts';

let current: EngineClient | null = null;
afterEach(() => {
  current?.close();
  current = null;
});

function setup(opts: Parameters<typeof startClient>[0] = {}) {
  const s = startClient(opts);
  current = s.client;
  return s;
}

describe('engine host over a worker thread (Comlink)', () => {
  it('trains XOR to convergence across the boundary, streaming metrics', async () => {
    const { api } = setup();
    expect(ok(await api.hello())).toMatchObject({ apiVersion: 1 });
    const data = ok(await api.loadData({ kind: 'builtin', name: 'xor', seed: 1 }));
    expect(data).toMatchObject({ rows: 500, task: 'classification', planar: true });
    const run = ok(await api.createRun(xorRun()));
    expect(run).toMatchObject({
      trainRows: 400,
      validationRows: 100,
      inputs: 2,
      outputs: 2,
      layerIds: ['dense1', 'dense2'],
    });
    ok(await api.start());
    let cursor: MetricsCursor | null = null;
    let steps = 0;
    const epochs: number[] = [];
    await until(async () => {
      const d = ok(await api.poll(cursor));
      expect(d.gap).toBe(false);
      expect(d.firstStep).toBe(steps + 1);
      expect(d.gradNorms.length).toBe(d.loss.length * 2);
      steps += d.loss.length;
      epochs.push(...d.epochs.map((e) => e.epoch));
      cursor = d.cursor;
      return d.status.state === 'done';
    });
    const status = ok(await api.status());
    expect(status).toMatchObject({ state: 'done', epoch: 60, step: 60 * 25 });
    expect(steps).toBe(60 * 25);
    expect(epochs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const history = ok(await api.history(100));
    expect(history.epochs.at(-1)!.valAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(history.loss.length).toBeLessThanOrEqual(100);
    const preds = ok(
      await api.predict({
        columns: ['x1', 'x2'],
        rows: [
          ['3', '3'],
          ['-3', '3'],
        ],
      }),
    );
    expect(preds.map((p) => ('label' in p ? p.label : null))).toEqual(['1', '0']);
    const grid = ok(await api.predictGrid({ resolution: 16 }));
    expect(grid.values).toHaveLength(16 * 16 * 2);
  });

  // How fast Pause answers is measured by `npm run bench:ui` (docs/performance.md), not asserted here:
  // a wall-clock limit fails on a busy machine although nothing is wrong.
  it('pause, resume and stop take effect at once: the step count holds from their answer on', async () => {
    const { api } = setup();
    ok(await api.loadData({ kind: 'builtin', name: 'spirals', samples: 2000 }));
    ok(await api.createRun(xorRun({ epochs: 100_000, batchSize: 8 }, undefined)));
    ok(await api.start());
    await until(async () => ok(await api.status()).step > 20);
    const paused = ok(await api.pause());
    expect(paused.state).toBe('paused');
    await sleep(120);
    expect(ok(await api.status()).step).toBe(paused.step);
    ok(await api.resume());
    await until(async () => ok(await api.status()).step > paused.step + 50);
    const stopped = ok(await api.stop());
    await sleep(120);
    const after = ok(await api.status());
    expect(after.state).toBe('stopped');
    expect(after.step).toBe(stopped.step);
    // The loop yields between slices of training: calls are answered while it runs, each seeing it on.
    ok(await api.start());
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = ok(await api.status());
      expect(s.state).toBe('running');
      seen.push(s.step);
    }
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await until(async () => ok(await api.status()).step > seen.at(-1)!);
  });

  it('trains at a watchable pace on the host timers; pause answers while it waits for the next step', async () => {
    const { api } = setup();
    ok(await api.loadData({ kind: 'builtin', name: 'xor' }));
    ok(await api.createRun(xorRun({ epochs: 1000, pace: 2 })));
    ok(await api.start());
    await until(async () => ok(await api.status()).step >= 1);
    // At 2 steps a second the loop spends nearly all its time waiting on a timer.
    const paused = ok(await api.pause());
    expect(paused.state).toBe('paused');
    await sleep(1200);
    expect(ok(await api.status()).step).toBe(paused.step);
    expect(ok(await api.checkpoint()).run.training.pace).toBe(2);
    ok(await api.setPace(null));
    ok(await api.resume());
    await until(async () => ok(await api.status()).step > paused.step + 100);
    ok(await api.stop());
  });

  it('step runs one batch; learning rate changes while running; reset restores the seed’s weights', async () => {
    const { api } = setup();
    ok(await api.loadData({ kind: 'builtin', name: 'xor' }));
    ok(await api.createRun(xorRun({ epochs: 5 })));
    const first = ok(await api.exportWeights());
    expect(ok(await api.step())).toMatchObject({ state: 'paused', step: 1 });
    expect(ok(await api.step()).step).toBe(2);
    expect(ok(await api.setLearningRate(0.001)).learningRate).toBe(0.001);
    ok(await api.reset());
    expect(ok(await api.status())).toMatchObject({ state: 'ready', step: 0, learningRate: 0.02 });
    const again = ok(await api.exportWeights());
    const strip = (s: string) => JSON.stringify({ ...JSON.parse(s), metadata: null });
    expect(strip(again)).toBe(strip(first));
  });

  it('keeps the metrics stream bounded over a long run', async () => {
    const { api } = setup();
    ok(await api.loadData({ kind: 'builtin', name: 'xor', samples: 40 }));
    ok(await api.createRun(xorRun({ epochs: 1_000_000, batchSize: 1, validationSplit: 0 })));
    ok(await api.start());
    await until(async () => ok(await api.status()).step > 60_000, 60_000, 50);
    ok(await api.pause());
    const { step } = ok(await api.status());
    // A slow reader gets the newest steps and learns it missed some.
    const d = ok(await api.poll({ step: 10, epoch: 0, run: 1 }, 500));
    expect(d.gap).toBe(true);
    expect(d.loss.length).toBe(500);
    expect(d.firstStep).toBe(step - 499);
    // The overview covers every step at a coarser stride within its fixed capacity.
    const h = ok(await api.history(4096));
    expect(h.loss.length).toBeLessThanOrEqual(4096);
    expect(h.stride).toBeGreaterThanOrEqual(16);
    expect(h.steps.at(-1)).toBe(step);
    expect(h.loss.every(Number.isFinite)).toBe(true);
  });
});

describe('supervision', () => {
  it('a worker killed mid-call: the pending call is rejected, the host restarts, the next call works', async () => {
    const { client, api, events } = setup({ faults: true });
    ok(await api.loadData({ kind: 'builtin', name: 'xor' }));
    const faulty = api as unknown as { fault(kind: string): Promise<unknown> };
    const pending = faulty.fault('crash');
    await expect(pending).rejects.toMatchObject({ name: 'EngineUnavailableError', code: 'ENGINE_CRASHED' });
    await expect(pending).rejects.toThrow(/stopped unexpectedly and was restarted/);
    expect(events.map((e) => e.type)).toEqual(['crashed', 'restarted']);
    expect(client.generation).toBe(1);
    expect(ok(await api.hello()).apiVersion).toBe(1);
    // The new host starts empty; restoreRun() replays the data (no run had been made).
    expect((await api.createRun(xorRun())).ok).toBe(false);
    const r = await client.restoreRun();
    expect(r?.ok).toBe(true);
    expect(ok(await api.createRun(xorRun())).trainRows).toBe(400);
  });

  it('a worker that runs out of memory is restarted and says so', async () => {
    const { api, events } = setup({ faults: true, maxHeapMb: 64 });
    const faulty = api as unknown as { fault(kind: string): Promise<unknown> };
    await expect(faulty.fault('oom')).rejects.toMatchObject({ code: 'ENGINE_CRASHED' });
    expect(events[0]).toMatchObject({ type: 'crashed' });
    // The reason is a message of its own, worded in each language.
    const error = (events[0] as Exclude<EngineEvent, { type: 'restarted' }>).error;
    expect(error.params.reason).toMatchObject({
      key: expect.stringMatching(/^host\.reason\.(outOfMemory|exitCode)$/),
    });
    expect(formatError(error, 'en')).toMatch(/memory|exit code/i);
    expect(formatError(error, 'zh-CN')).toMatch(/^引擎意外停止，已重新启动（(内存不足|退出码 \d+)）。$/);
    expect(ok(await api.hello()).apiVersion).toBe(1);
  });

  it('a long synchronous call (a run on millions of rows) is given time: not taken for a hang, answered', async () => {
    const { api, events } = setup({
      faults: true,
      heartbeatMs: 50,
      hangTimeoutMs: 300,
      longCalls: ['fault'],
      longCallTimeoutMs: 30_000,
    });
    ok(await api.hello());
    const faulty = api as unknown as { fault(kind: string, ms: number): Promise<unknown> };
    await faulty.fault('busy', 1500);
    expect(events).toEqual([]);
    expect(ok(await api.hello()).apiVersion).toBe(1);
  });

  it('a host that hangs inside a long call is still found out, after the long call’s allowance', async () => {
    const { api, events } = setup({
      faults: true,
      heartbeatMs: 50,
      hangTimeoutMs: 300,
      longCalls: ['fault'],
      longCallTimeoutMs: 1000,
    });
    ok(await api.hello());
    const faulty = api as unknown as { fault(kind: string): Promise<unknown> };
    await expect(faulty.fault('hang')).rejects.toMatchObject({ code: 'ENGINE_HUNG' });
    expect(events[0]).toMatchObject({ type: 'hung' });
  });

  it('a hung worker (endless loop) is detected by the heartbeat, pending calls rejected, run restored from its checkpoint', async () => {
    const { client, api, events } = setup({ faults: true, heartbeatMs: 100, hangTimeoutMs: 500 });
    ok(await api.loadData({ kind: 'builtin', name: 'xor' }));
    ok(await api.createRun(xorRun({ epochs: 1000 })));
    for (let i = 0; i < 30; i++) ok(await api.step());
    await client.checkpointNow();
    expect(client.lastCheckpoint?.snapshot.step).toBe(30);
    const faulty = api as unknown as { fault(kind: string): Promise<unknown> };
    const hang = faulty.fault('hang');
    const other = api.status();
    await expect(hang).rejects.toMatchObject({ code: 'ENGINE_HUNG' });
    await expect(other).rejects.toMatchObject({ code: 'ENGINE_HUNG' });
    expect(events[0]).toMatchObject({ type: 'hung' });
    const restored = await client.restoreRun();
    expect(restored?.ok && restored.value).toMatchObject({ step: 30, state: 'paused' });
    const h = ok(await api.history(100));
    expect(h.steps.at(-1)).toBe(30);
    expect(ok(await api.step()).step).toBe(31);
  });
});

describe('requests are validated before anything is allocated', () => {
  it.each([
    [
      'negative learning rate',
      { optimizer: { name: 'adam', learningRate: -0.1 } },
      /Learning rate must be a number above 0/,
    ],
    ['epochs 1e12', { epochs: 1e12 }, /Epochs must be a whole number from 1 to 1,000,000/],
    ['batch size 0', { batchSize: 0 }, /Batch size must be/],
  ])('%s', async (_name, training, message) => {
    const { api } = setup();
    ok(await api.loadData({ kind: 'builtin', name: 'xor' }));
    const r = await api.createRun(xorRun(training as never));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_HYPERPARAMETER');
      expect(r.error.message).toMatch(message);
    }
    expect(ok(await api.hello()).apiVersion).toBe(1);
  });

  it('units 1e9, unknown fields, objects nested 100,000 deep, a learning rate of NaN', async () => {
    const { api } = setup();
    ok(await api.loadData({ kind: 'builtin', name: 'xor' }));
    const huge = xorRun();
    (huge.graph.nodes[1] as { units: number }).units = 1e9;
    const r1 = await api.createRun(huge);
    expect(!r1.ok && r1.error).toMatchObject({ code: 'BAD_NODE', nodeId: 'dense1' });
    expect(!r1.ok && r1.error.message).toMatch(
      /Block "dense1": units must be a whole number from 1 to 16384/,
    );
    const r2 = await api.createRun({ ...xorRun(), extra: 1 } as never);
    expect(!r2.ok && r2.error.message).toMatch(/extra is not a known field/);
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const r3 = await api
      .createRun(deep as never)
      .catch((e: Error) => ({ ok: false as const, error: { message: e.message, code: 'SENDER' } }));
    expect(r3.ok).toBe(false);
    expect(!r3.ok && r3.error.message).toMatch(/nested more than 32 levels|call stack/);
    const r4 = await api.setLearningRate(Number.NaN);
    expect(!r4.ok && r4.error.code).toBe('BAD_HYPERPARAMETER');
    const r5 = await api.poll({ step: -1, epoch: 0, run: 0 });
    expect(r5.ok).toBe(false);
    const r6 = await api.loadData({ kind: 'builtin', name: 'nope' });
    expect(!r6.ok && r6.error.code).toBe('UNKNOWN_DATASET');
    const r7 = await api.loadData({ kind: 'csv-text', name: 'bad.csv', text: 'a,b\n1,2\n3\n' });
    expect(!r7.ok && r7.error.message).toMatch(/Line 3/);
    expect(ok(await api.hello()).apiVersion).toBe(1);
  });
});
