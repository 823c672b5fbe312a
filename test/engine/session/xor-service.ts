/** A service with the noisy XOR data loaded and a small tanh network's run made, for session tests. */
import { buildMlp } from '../../../engine/graph/builders.ts';
import { createEngineService } from '../../../engine/session/service.ts';
import type { EngineService } from '../../../engine/session/service.ts';
import type { RunRequest } from '../../../engine/api.ts';
import type { Result } from '../../../engine/errors.ts';
import type { TrainingConfig } from '../../../engine/train/config.ts';

export function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

export const request = (over: Partial<TrainingConfig>): RunRequest => ({
  graph: buildMlp({ inputs: 0, hidden: [8], outputs: 2, activation: 'tanh', head: 'softmax' }),
  mapping: {},
  training: {
    optimizer: { name: 'adam', learningRate: 0.05 },
    batchSize: 20,
    epochs: 400,
    validationSplit: 0.2,
    shuffle: true,
    seed: 3,
    ...over,
  },
});

export async function service(r: RunRequest): Promise<EngineService> {
  const s = createEngineService({ yieldToHost: () => new Promise((done) => setImmediate(done)) });
  ok(await s.loadData({ kind: 'builtin', name: 'xor', samples: 100, noise: 0.5, seed: 1 }));
  ok(await s.createRun(r));
  return s;
}
