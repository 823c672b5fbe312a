import { afterEach, describe, expect, it } from 'vitest';
import type { EngineApi, RunRequest } from '../../../engine/api.ts';
import { buildMlp } from '../../../engine/graph/builders.ts';
import { createEngineService } from '../../../engine/session/service.ts';
import type { Result } from '../../../engine/errors.ts';
import { ok, startClient } from '../../host/helpers.ts';

const service = () => createEngineService({ yieldToHost: () => new Promise((r) => setImmediate(r)) });

function runRequest(hidden = [4], head: 'softmax' | 'sigmoid' = 'softmax'): RunRequest {
  return {
    graph: buildMlp({ inputs: 0, hidden, outputs: head === 'softmax' ? 2 : 1, activation: 'tanh', head }),
    mapping: {},
    training: {
      optimizer: { name: 'adam', learningRate: 0.02 },
      batchSize: 16,
      epochs: 5,
      validationSplit: 0.2,
      shuffle: true,
      seed: 3,
    },
  };
}

async function xorService(request = runRequest()): Promise<EngineApi> {
  const api = service();
  ok(await api.loadData({ kind: 'builtin', name: 'xor', seed: 1 }));
  ok(await api.createRun(request));
  return api;
}

const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);

describe('explain methods of the engine service', () => {
  it('explainStep traces the run’s model on training samples, with names, and leaves the run alone', async () => {
    const api = await xorService();
    const before = ok(await api.checkpoint()).snapshot.params.slice();
    const t = ok(await api.explainStep({ samples: [0, 5], learningRate: 0.1 }));
    expect(t.rows).toBe(2);
    expect(t.inputNames).toEqual(['x1', 'x2']);
    expect(t.outputNames).toEqual(['0', '1']);
    expect(t.loss).toMatchObject({ wrt: 'logits', loss: 'categorical_crossentropy' });
    expect(t.update.learningRate).toBe(0.1);
    expect(ok(await api.checkpoint()).snapshot.params).toEqual(before);
    // Default learning rate: the run's.
    expect(ok(await api.explainStep({})).update.learningRate).toBe(0.02);
  });

  it('explainStep on raw rows with their target; a single sigmoid unit takes the positive class', async () => {
    const api = await xorService(runRequest([3], 'sigmoid'));
    const t = ok(
      await api.explainStep({
        rows: {
          columns: ['x1', 'x2', 'label'],
          rows: [
            ['1', '-1', '1'],
            ['2', '2', '0'],
          ],
        },
      }),
    );
    expect(t.outputNames).toEqual(['1']);
    expect(t.loss.y).toEqual([[1], [0]]);
    expect(t.loss.wrt).toBe('logits');
  });

  it('compareGradients, costCurve and gradientCheck', async () => {
    const api = await xorService();
    const c = ok(await api.compareGradients());
    expect(c.rows).toBe(1);
    for (const d of c.differences) expect(d.maxRelDiff).toBeLessThan(1e-4);
    expect(c.naive.multiplyAdds).toBeGreaterThan(c.backprop.multiplyAdds);
    const curve = ok(await api.costCurve({ depths: [2, 3], widths: [3] }));
    expect(curve.map((p) => p.depth)).toEqual([2, 3]);
    const g = ok(await api.gradientCheck({ rows: 2 }));
    expect(g).toMatchObject({ ok: true, rows: 2 });
    expect(g.layers.map((l) => l.nodeId)).toEqual(['dense1', 'dense2']);
  });

  it('answers bad requests with errors, never exceptions', async () => {
    const none = service();
    expect(code(await none.explainStep({}))).toBe('NO_RUN');
    expect(code(await none.costCurve({ depths: [2] }))).toBe('ok');
    const api = await xorService();
    expect(code(await api.explainStep({ samples: [0], rows: { columns: [], rows: [[]] } }))).toBe(
      'BAD_REQUEST',
    );
    expect(code(await api.explainStep({ samples: [100_000] }))).toBe('BAD_REQUEST');
    expect(code(await api.explainStep({ samples: [0, 1, 2, 3, 4, 5, 6, 7, 8] }))).toBe('BAD_REQUEST');
    expect(code(await api.explainStep({ learningRate: -1 }))).toBe('BAD_HYPERPARAMETER');
    expect(code(await api.explainStep({ extra: 1 } as never))).toBe('BAD_REQUEST');
    expect(code(await api.explainStep({ rows: { columns: ['x1', 'x2'], rows: [['1', '2']] } }))).toBe(
      'MISSING_COLUMN',
    );
    expect(code(await api.costCurve({ depths: [0] }))).toBe('BAD_REQUEST');
    expect(code(await api.costCurve({ activation: 'softmax' }))).toBe('BAD_REQUEST');
    expect(code(await api.gradientCheck({ maxPerLayer: 0 }))).toBe('BAD_REQUEST');
    const big = await xorService(runRequest([40, 40]));
    expect(await big.explainStep({})).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    expect(code(await big.compareGradients())).toBe('ok');
  });
});

describe('across the worker boundary', () => {
  let close: (() => void) | null = null;
  afterEach(() => close?.());

  it('the explain methods answer through the engine host', async () => {
    const { client, api } = startClient();
    close = () => client.close();
    ok(await api.loadData({ kind: 'builtin', name: 'xor', seed: 1 }));
    ok(await api.createRun(runRequest()));
    const t = ok(await api.explainStep({ samples: [0] }));
    expect(t.backward.map((e) => e.nodeId)).toEqual(['dense2', 'dense1', 'input']);
    const c = ok(await api.compareGradients({ samples: [1] }));
    expect(c.backprop.gradient).toBeInstanceOf(Float64Array);
    expect(ok(await api.gradientCheck()).ok).toBe(true);
  });
});
