/**
 * The app's runs honour early stopping and schedules: a run stepped by the service stops early and its
 * weights file notes the best epoch; a learning rate set by hand is the schedule's base, and a run
 * restored from its checkpoint (an engine restart) continues exactly, best weights and rate included.
 */
import { describe, expect, it } from 'vitest';

import type { EngineService } from '../../../engine/session/service.ts';
import { ok, request, service } from './xor-service.ts';

/** Steps one batch at a time, `n` times or until the run is over. */
async function steps(s: EngineService, n: number) {
  for (let i = 0; i < n && ok(await s.status()).state !== 'done'; i++) ok(await s.step());
  return ok(await s.status());
}

const weights = async (s: EngineService) => {
  const file = JSON.parse(ok(await s.exportWeights('w')));
  return { parameters: file.parameters, training: file.metadata.training };
};

describe('early stopping and schedules in the app’s runs', () => {
  const earlyStopping = { monitor: 'val_loss', patience: 3 } as const;

  it('a run stops early, its epochs carry their learning rate, its weights file names the best epoch', async () => {
    const s = await service(request({ earlyStopping }));
    const status = await steps(s, 400 * 4);
    expect(status.state).toBe('done');
    expect(status.epoch).toBeLessThan(400);
    const poll = ok(await s.poll(null, 0));
    expect(poll.epochs.every((e) => e.lr === 0.05)).toBe(true);
    const { training } = await weights(s);
    expect(training.epochs).toBe(status.epoch);
    expect(training.bestEpoch).toBe(status.epoch - 3);
    expect(status.earlyStopping).toEqual({
      bestEpoch: status.epoch - 3,
      best: poll.epochs[status.epoch - 4]!.valLoss,
      stoppedEpoch: status.epoch,
      restoredBest: true,
    });
    expect(status.lrChanges).toBeUndefined();
    expect(status.baseLearningRate).toBeUndefined();
    expect(training.valLoss).toBe(poll.epochs[training.bestEpoch - 1]!.valLoss);
  });

  it('a hand-set rate and the best weights survive a checkpoint: the restored run continues exactly', async () => {
    const r = request({
      earlyStopping: { patience: 10 },
      lrSchedule: { type: 'exponential', decaySteps: 8, decayRate: 0.5 },
    });
    const a = await service(r);
    await steps(a, 9);
    const set = ok(await a.setLearningRate(0.1));
    expect(set.lrChanges).toEqual([{ step: 9, epoch: 2, lr: 0.1 }]);
    expect(set.baseLearningRate).toBe(0.1);
    expect(set.learningRate).toBe(0.1 * Math.pow(0.5, 9 / 8)); // the next step's rate
    expect(set.earlyStopping).toMatchObject({
      bestEpoch: expect.any(Number),
      stoppedEpoch: 0,
      restoredBest: false,
    });
    await steps(a, 11);
    expect(ok(await a.status()).state).toBe('paused');
    const cp = ok(await a.checkpoint());
    const b = await service(cp.run);
    ok(await b.restore(structuredClone(cp)));
    const [sa, sb] = [await steps(a, 4000), await steps(b, 4000)];
    expect(sa.state).toBe('done');
    expect(sb).toMatchObject({
      state: 'done',
      epoch: sa.epoch,
      step: sa.step,
      learningRate: sa.learningRate,
    });
    expect(await weights(b)).toEqual(await weights(a));
    const [ea, eb] = [ok(await a.poll(null, 0)).epochs, ok(await b.poll(null, 0)).epochs];
    expect(eb).toEqual(ea);
    // The epoch after the change trains with 0.1 · 0.5^(step / 8) at its last step (step 4e − 1).
    expect(ea[5]!.lr).toBe(0.1 * Math.pow(0.5, 23 / 8));
    expect(ea[1]!.lr).toBe(0.05 * Math.pow(0.5, 7 / 8));
  });
});
