/**
 * One parameter limit: a network that compiles (and so trains, in the app or the CLI) is one a weights
 * file can hold, and the app's engine refuses a larger one when the run is set up, before training.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING } from '../../../engine/train/config.ts';
import { FILE_LIMITS } from '../../../engine/formats/limits.ts';
import { LIMITS } from '../../../engine/graph/compile.ts';
import { buildMlp } from '../../../engine/graph/builders.ts';
import { createEngineService } from '../../../engine/session/service.ts';

const service = () => createEngineService({ yieldToHost: () => new Promise((r) => setImmediate(r)) });

describe('one parameter limit', () => {
  it('the graph compiler and the file formats share it', () => {
    expect(LIMITS.params).toBe(FILE_LIMITS.parameters);
    expect(FILE_LIMITS.parameters).toBe(16_777_216);
  });

  it('the engine service refuses a network too large to save when the run is set up', async () => {
    const api = service();
    expect((await api.loadData({ kind: 'builtin', name: 'xor', samples: 40 })).ok).toBe(true);
    const graph = buildMlp({
      inputs: 0,
      hidden: [4096, 4096],
      outputs: 2,
      activation: 'relu',
      head: 'softmax',
    });
    const r = await api.createRun({ graph, mapping: {}, training: { ...DEFAULT_TRAINING, epochs: 1 } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('TOO_LARGE');
    expect(!r.ok && r.error.message).toMatch(/more than 16,777,216 parameters/);
    expect((await api.status()).ok && (await api.status())).toMatchObject({ value: { state: 'idle' } });
  });
});
