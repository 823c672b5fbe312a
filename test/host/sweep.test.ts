/**
 * Sweeps across the process boundary: the engine's own worker host starts sweep workers (worker
 * threads) beside it; every run is checked against the run the engine trains alone with the same
 * settings, and stopping keeps exactly the finished runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineApi, SweepRequest, SweepStatus } from '../../engine/api.ts';
import type { EngineClient } from '../../engine/host/client.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import { ok, startClient, until, xorRun } from './helpers.ts';

let current: EngineClient | null = null;
afterEach(async () => {
  if (current) await current.api.stopSweep().catch(() => undefined);
  current?.close();
  current = null;
});

function setup() {
  const s = startClient({ longCalls: ['startSweep'] });
  current = s.client;
  return s;
}

/** Waits (a liveness guard, not a measure of speed) until the sweep's state is not 'running'. */
async function finished(api: EngineApi): Promise<SweepStatus> {
  let s: SweepStatus | null = null;
  await until(async () => {
    s = ok(await api.sweepStatus());
    return s.state !== 'running';
  }, 120_000);
  return s!;
}

const request = (over: Partial<SweepRequest> & Pick<SweepRequest, 'settings'>): SweepRequest => ({
  ...xorRun({ epochs: 6 }),
  ...over,
});

describe('sweeps in the engine host', () => {
  it('trains every combination in workers; each run equals the run trained alone with its settings', async () => {
    const { api } = setup();
    ok(await api.loadData({ kind: 'builtin', name: 'xor', seed: 1 }));
    expect(ok(await api.sweepStatus())).toMatchObject({ id: 0, state: 'idle', runs: [] });
    const started = ok(
      await api.startSweep(
        request({
          settings: [
            { name: 'lr', values: [0.01, 0.05] },
            { name: 'seed', values: [1, 2] },
          ],
        }),
      ),
    );
    expect(started).toMatchObject({
      id: 1,
      state: 'running',
      task: 'classification',
      metric: 'val_accuracy',
    });
    // The first setting varies slowest.
    expect(started.runs.map((r) => r.values)).toEqual([
      [0.01, 1],
      [0.01, 2],
      [0.05, 1],
      [0.05, 2],
    ]);
    expect(started.runs.every((r) => r.epochs === 6 && !r.large)).toBe(true);
    expect(started.lanes).toBeGreaterThanOrEqual(1);

    const end = await finished(api);
    expect(end.state).toBe('done');
    expect(end.remainingMs).toBeNull();
    for (const r of end.runs) {
      expect(r).toMatchObject({ state: 'done', epoch: 6, failure: null });
      expect(r.last?.epoch).toBe(6);
      expect(r.best!.epoch).toBeGreaterThanOrEqual(1);
    }

    const third = ok(await api.sweepRun(3));
    expect(third.training.optimizer.learningRate).toBe(0.05);
    expect(third.training.seed).toBe(1);
    expect(third.history.map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(third.weightsEpoch).toBe(6);
    expect(third.paramCount).toBe(2 * 8 + 8 + 8 * 2 + 2);
    // The best epoch the status gave is the best of the run's history.
    const vals = third.history.map((m) => m.valAccuracy!);
    expect(end.runs[2]!.best!.value).toBe(Math.max(...vals));

    // The same settings trained by the engine itself: the same losses and the same weights, bit for bit.
    ok(await api.createRun(xorRun({ epochs: 6, seed: 1, optimizer: { name: 'adam', learningRate: 0.05 } })));
    ok(await api.start());
    await until(async () => ok(await api.status()).state === 'done', 120_000);
    const alone = JSON.parse(ok(await api.exportWeights())) as { parameters: unknown };
    const swept = JSON.parse(third.weights) as { parameters: unknown };
    expect(swept.parameters).toEqual(alone.parameters);
    const history = ok(await api.history(100));
    expect(third.history.map((m) => m.loss)).toEqual(history.epochs.map((m) => m.loss));
  });

  it('stops: the finished runs stay, the others are marked stopped and nothing trains on', async () => {
    const { api } = setup();
    ok(await api.loadData({ kind: 'builtin', name: 'xor', seed: 1 }));
    const lrs = [0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008];
    // The first run is short; the others long enough to be under way or queued when it ends.
    ok(
      await api.startSweep(
        request({ training: { ...xorRun().training, epochs: 400 }, settings: [{ name: 'lr', values: lrs }] }),
      ),
    );
    await until(async () => ok(await api.sweepStatus()).runs.some((r) => r.epoch >= 1), 120_000);
    await until(async () => ok(await api.sweepStatus()).runs.some((r) => r.state === 'done'), 300_000);
    const stopped = ok(await api.stopSweep());
    expect(stopped.state).toBe('stopped');
    expect(stopped.remainingMs).toBeNull();
    const done = stopped.runs.filter((r) => r.state === 'done');
    const rest = stopped.runs.filter((r) => r.state !== 'done');
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(rest.length).toBeGreaterThanOrEqual(1);
    expect(rest.every((r) => r.state === 'stopped')).toBe(true);
    for (const r of done) expect(ok(await api.sweepRun(r.index)).history).toHaveLength(400);
    const refused = await api.sweepRun(rest[0]!.index);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('BAD_REQUEST');
    // Nothing moves after the stop.
    const later = ok(await api.sweepStatus());
    expect(later.runs.map((r) => [r.state, r.epoch])).toEqual(stopped.runs.map((r) => [r.state, r.epoch]));
    // Training is allowed again.
    ok(await api.createRun(xorRun({ epochs: 100_000 })));
    expect(ok(await api.start()).state).toBe('running');
  });

  it('plans large runs one at a time (each then shares its products with a second core), small ones side by side', async () => {
    const { api } = setup();
    ok(await api.loadData({ kind: 'builtin', name: 'xor', seed: 1, samples: 2000 }));
    const wide = buildMlp({
      inputs: 0,
      hidden: [1024, 1024],
      outputs: 2,
      activation: 'tanh',
      head: 'softmax',
    });
    // 1024 × 1024 weights × 16 rows = 2²⁴ multiply-adds: large; 4 units wide: small.
    const s = ok(
      await api.startSweep({
        ...xorRun({ epochs: 50 }, wide),
        settings: [{ name: 'width', values: [4, 1024] }],
      }),
    );
    expect(s.runs.map((r) => r.large)).toEqual([false, true]);
    const stopped = ok(await api.stopSweep());
    expect(stopped.runs.every((r) => r.state === 'stopped' || r.state === 'done')).toBe(true);
  });

  it('refuses a sweep it cannot make, naming the setting, before any run starts', async () => {
    const { api } = setup();
    const noData = await api.startSweep(request({ settings: [{ name: 'lr', values: [0.1] }] }));
    expect(!noData.ok && noData.error.code).toBe('NO_DATA_LOADED');
    ok(await api.loadData({ kind: 'builtin', name: 'xor', seed: 1 }));
    const refusal = async (settings: SweepRequest['settings']) => {
      const r = await api.startSweep(request({ settings }));
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error.message;
    };
    expect(await refusal([{ name: 'lr', values: [0.1, 0] }])).toBe(
      'Learning rate: 0 is out of range (above 0, at most 10).',
    );
    expect(await refusal([{ name: 'batch', values: [16, 16] }])).toBe('Batch size: 16 appears twice.');
    expect(await refusal([{ name: 'width', values: [2.5] }])).toMatch(/^Layer width: 2.5 is out of range/);
    expect(
      await refusal([
        { name: 'lr', values: [0.1] },
        { name: 'lr', values: [0.2] },
      ]),
    ).toBe('Learning rate is swept twice; sweep two different settings.');
    const many = Array.from({ length: 17 }, (_, i) => i + 1);
    expect(
      await refusal([
        { name: 'batch', values: many },
        { name: 'seed', values: many },
      ]),
    ).toBe('The sweep has 289 runs; a sweep makes at most 256.');
    // The output layer named: the run's network is checked against the data before anything trains.
    expect(await refusal([{ name: 'width', node: 'dense2', values: [4] }])).toBe(
      'Output "output" has 4 unit(s) but the data needs 2.',
    );
    expect(await refusal([{ name: 'width', node: 'nope', values: [4] }])).toBe(
      'There is no dense layer "nope" whose width a sweep can change.',
    );
    expect(await refusal([{ name: 'dropout', values: [0.1] }])).toBe(
      'The network has no dropout block whose rate a sweep can change.',
    );
    const noHidden = buildMlp({ inputs: 0, hidden: [], outputs: 2, activation: 'tanh', head: 'softmax' });
    const r = await api.startSweep({ ...xorRun({}, noHidden), settings: [{ name: 'width', values: [4] }] });
    expect(!r.ok && r.error.message).toBe(
      'The network has no hidden dense layer whose width a sweep can change.',
    );
    expect(ok(await api.sweepStatus()).state).toBe('idle');
  });

  it('a sweep and the engine’s own training never run at once', async () => {
    const { api } = setup();
    ok(await api.loadData({ kind: 'builtin', name: 'xor', seed: 1 }));
    ok(await api.createRun(xorRun({ epochs: 100_000 })));
    ok(await api.start());
    const whileTraining = await api.startSweep(request({ settings: [{ name: 'lr', values: [0.1] }] }));
    expect(!whileTraining.ok && whileTraining.error.code).toBe('BAD_STATE');
    ok(await api.pause());
    ok(
      await api.startSweep(
        request({
          training: { ...xorRun().training, epochs: 100_000 },
          settings: [{ name: 'lr', values: [0.1] }],
        }),
      ),
    );
    const train = await api.resume();
    expect(!train.ok && train.error.message).toBe(
      'A sweep is running; stop it or wait for it to end before training.',
    );
    const again = await api.startSweep(request({ settings: [{ name: 'lr', values: [0.1] }] }));
    expect(!again.ok && again.error.message).toBe('A sweep is running; stop it before starting another.');
    ok(await api.stopSweep());
    expect(ok(await api.resume()).state).toBe('running');
  });

  it('a run that diverges is failed with its reason; the sweep still ends and keeps it', async () => {
    const { api } = setup();
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i * 1e36}`);
    ok(await api.loadData({ kind: 'csv-text', name: 'huge.csv', text: ['x,y', ...rows].join('\n') }));
    const graph = buildMlp({ inputs: 0, hidden: [], outputs: 1, activation: 'relu', head: 'linear' });
    ok(
      await api.startSweep({
        graph,
        mapping: { normalize: 'none' },
        training: { ...xorRun().training, epochs: 5 },
        settings: [{ name: 'lr', values: [0.001, 1] }],
      }),
    );
    const end = await finished(api);
    expect(end.state).toBe('done');
    expect(end.runs[1]!.state).toBe('failed');
    expect(end.runs[1]!.failure).toMatch(/^Training stopped at epoch 1, step 1/);
    const failed = ok(await api.sweepRun(2));
    expect(failed.failure).toBe(end.runs[1]!.failure);
    expect(JSON.parse(failed.weights)).toHaveProperty('parameters');
  });
});
