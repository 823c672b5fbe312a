/**
 * The run loop's pace, on a clock of its own: the loop asks the host to wait, the test's clock jumps
 * ahead by exactly that much, so step counts at a pace are exact, not a guess about a machine's speed.
 */
import { describe, expect, it } from 'vitest';
import { buildMlp } from '../../../engine/graph/builders.ts';
import { createEngineService } from '../../../engine/session/service.ts';
import type { EngineService } from '../../../engine/session/service.ts';
import type { RunRequest } from '../../../engine/api.ts';
import type { Result } from '../../../engine/errors.ts';

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const request = (pace?: number, epochs = 1000): RunRequest => ({
  graph: buildMlp({ inputs: 0, hidden: [4], outputs: 2, activation: 'tanh', head: 'softmax' }),
  mapping: {},
  training: {
    optimizer: { name: 'adam', learningRate: 0.02 },
    batchSize: 20,
    epochs,
    validationSplit: 0.2,
    shuffle: true,
    seed: 3,
    ...(pace === undefined ? {} : { pace }),
  },
});

/**
 * A service on a virtual clock: each reading of it moves it on by 1 µs (so a slice of training
 * ends), each wait moves it by the time waited. `hold` keeps the next waits pending until released.
 */
function virtualService() {
  let clock = 0;
  let waits = 0;
  let held: (() => void)[] | null = null;
  let turns = 0;
  const service = createEngineService({
    now: () => (clock += 0.001),
    yieldToHost: () => new Promise((r) => setImmediate(r)),
    wait: (ms) => {
      waits++;
      if (held) return new Promise((r) => held!.push(() => r()));
      clock += ms;
      return new Promise((r) => setImmediate(r));
    },
  });
  return {
    service,
    get clock() {
      return clock;
    },
    get waits() {
      return waits;
    },
    hold() {
      held = [];
    },
    release() {
      const h = held ?? [];
      held = null;
      for (const f of h) f();
    },
    /** Lets the loop take `n` turns (each an await on the host). */
    async turns(n: number) {
      for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
      turns += n;
      return turns;
    },
  };
}

async function ready(s: EngineService, r: RunRequest) {
  ok(await s.loadData({ kind: 'builtin', name: 'xor', samples: 100, seed: 1 }));
  ok(await s.createRun(r));
}

/** Lets the loop run until the virtual clock passes `ms`. */
async function until(v: ReturnType<typeof virtualService>, ms: number) {
  while (v.clock < ms) await v.turns(1);
}

describe('training at a pace', () => {
  it('takes pace × seconds steps: 5 steps/s for 10 s of its clock is 50 steps (the first at once)', async () => {
    const v = virtualService();
    await ready(v.service, request(5));
    ok(await v.service.start());
    await until(v, 10_000 - 1);
    const { step, state } = ok(await v.service.pause());
    expect(state).toBe('paused');
    expect(step).toBe(50);
  });

  it('a new pace counts from when it is set; null is as fast as possible', async () => {
    const v = virtualService();
    await ready(v.service, request(1));
    ok(await v.service.start());
    await until(v, 2_500);
    expect(ok(await v.service.status()).step).toBe(3); // at 0, 1 and 2 s
    const from = v.clock;
    ok(await v.service.setPace(100));
    await until(v, from + 1_000 - 1);
    expect(ok(await v.service.status()).step).toBe(3 + 100);
    ok(await v.service.setPace(null));
    const waits = v.waits;
    await v.turns(50);
    expect(v.waits).toBe(waits); // no more waiting
    expect(ok(await v.service.status()).step).toBeGreaterThan(103);
  });

  it('pause and stop answer while the loop waits for its next step, and the step count holds', async () => {
    const v = virtualService();
    await ready(v.service, request(1));
    v.hold(); // the host's timer never fires by itself
    ok(await v.service.start());
    await v.turns(5);
    expect(ok(await v.service.status())).toMatchObject({ state: 'running', step: 1 });
    expect(ok(await v.service.pause())).toMatchObject({ state: 'paused', step: 1 });
    await v.turns(5);
    v.release();
    await v.turns(5);
    expect(ok(await v.service.status())).toMatchObject({ state: 'paused', step: 1 });
    v.hold();
    expect(ok(await v.service.resume())).toMatchObject({ state: 'running' });
    await v.turns(5);
    expect(ok(await v.service.stop())).toMatchObject({ state: 'stopped', step: 2 });
    v.release();
    await v.turns(5);
    expect(ok(await v.service.status())).toMatchObject({ state: 'stopped', step: 2 });
  });

  it('computes the same at any pace: the same weights after the same steps', async () => {
    const weightsAfter = async (pace: number | undefined) => {
      const v = virtualService();
      await ready(v.service, request(pace, 3));
      ok(await v.service.start());
      while (ok(await v.service.status()).state === 'running') await v.turns(1);
      expect(ok(await v.service.status())).toMatchObject({ state: 'done', epoch: 3, step: 12 });
      const w = JSON.parse(ok(await v.service.exportWeights())) as { parameters: unknown };
      return w.parameters;
    };
    expect(await weightsAfter(7)).toEqual(await weightsAfter(undefined));
  });

  it('refuses a pace that is not a number of steps per second; the checkpoint keeps the pace', async () => {
    const v = virtualService();
    await ready(v.service, request());
    for (const bad of [0, -1, Number.NaN, Infinity, 1e6, '5' as unknown as number]) {
      const r = await v.service.setPace(bad);
      expect(!r.ok && r.error).toMatchObject({ code: 'BAD_HYPERPARAMETER', key: 'train.pace' });
    }
    ok(await v.service.setPace(20));
    expect(ok(await v.service.checkpoint()).run.training.pace).toBe(20);
    ok(await v.service.setPace(null));
    expect(ok(await v.service.checkpoint()).run.training).not.toHaveProperty('pace');
    const r = await v.service.createRun(request(0));
    expect(r.ok).toBe(false);
  });

  it('is saved with the training settings of a project file and read back (absent: as fast as possible)', async () => {
    const v = virtualService();
    for (const pace of [5, undefined]) {
      const training = request(pace).training;
      const text = ok(await v.service.exportProject({ name: 'p', graph: request().graph, training }));
      const back = ok(await v.service.importProject(text)).training;
      expect(back).toEqual(training);
    }
    const file = JSON.parse(
      ok(await v.service.exportProject({ name: 'p', graph: request().graph, training: request(5).training })),
    ) as { training: { pace?: unknown } };
    file.training.pace = 0;
    expect((await v.service.importProject(JSON.stringify(file))).ok).toBe(false);
  });
});
