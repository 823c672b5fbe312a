/**
 * A run keeps its best epoch's weights as it trains (the epoch the runs table names): they are the
 * weights the run had at that epoch, asking for them leaves the run's own weights as they were, and
 * with early stopping the best epoch is early stopping's.
 */
import { describe, expect, it } from 'vitest';

import type { EngineService } from '../../../engine/session/service.ts';
import { ok, request, service } from './xor-service.ts';

/** One batch at a time until the run is over; the weights file's parameters after each epoch. */
async function train(s: EngineService): Promise<unknown[]> {
  const byEpoch: unknown[] = [];
  for (let i = 0; i < 10_000; i++) {
    const st = ok(await s.step());
    if (st.epoch > byEpoch.length) byEpoch.push(JSON.parse(ok(await s.exportWeights())).parameters);
    if (st.state === 'done') break;
  }
  return byEpoch;
}

describe('the best epoch’s weights of a run', () => {
  it('are the weights at the epoch with the best validation accuracy (the first of equals)', async () => {
    const s = await service(request({ epochs: 40 }));
    expect(ok(await s.bestWeights())).toBeNull();
    const byEpoch = await train(s);
    const epochs = ok(await s.history(1000)).epochs;
    const accuracies = epochs.map((e) => e.valAccuracy!);
    const bestEpoch = accuracies.indexOf(Math.max(...accuracies)) + 1;
    expect(bestEpoch).toBeLessThan(40); // the test means something only if the best is not the last
    const finalBefore = JSON.parse(ok(await s.exportWeights())).parameters;
    const best = ok(await s.bestWeights('best'))!;
    expect(best.epoch).toBe(bestEpoch);
    const file = JSON.parse(best.weights);
    expect(file.parameters).toEqual(byEpoch[bestEpoch - 1]);
    expect(file.metadata).toMatchObject({ name: 'best', training: { epochs: bestEpoch } });
    expect(file.metadata.training.valAccuracy).toBe(accuracies[bestEpoch - 1]);
    // The run's own weights are untouched.
    expect(JSON.parse(ok(await s.exportWeights())).parameters).toEqual(finalBefore);
    expect(finalBefore).toEqual(byEpoch[39]);
  });

  it('with early stopping, the best epoch is early stopping’s and its weights the ones it put back', async () => {
    const s = await service(request({ earlyStopping: { monitor: 'val_loss', patience: 3 } }));
    await train(s);
    const status = ok(await s.status());
    const best = ok(await s.bestWeights())!;
    expect(best.epoch).toBe(status.earlyStopping!.bestEpoch);
    expect(JSON.parse(best.weights).parameters).toEqual(JSON.parse(ok(await s.exportWeights())).parameters);
  });
});
