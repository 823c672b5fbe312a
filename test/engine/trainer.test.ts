import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../engine/data/types.ts';
import { EngineError } from '../../engine/errors.ts';
import { formatError } from '../../engine/i18n.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import type { GraphNode, GraphSpec } from '../../engine/graph/types.ts';
import type { TrainingConfig } from '../../engine/train/config.ts';
import { createTrainer } from '../../engine/train/trainer.ts';

const xor: Dataset = {
  n: 4,
  nIn: 2,
  nOut: 1,
  x: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]),
  y: Float32Array.from([0, 1, 1, 0]),
};

const config = (over: Partial<TrainingConfig> = {}): TrainingConfig => ({
  optimizer: { name: 'adam', learningRate: 0.05 },
  batchSize: 4,
  epochs: 300,
  validationSplit: 0,
  shuffle: true,
  seed: 42,
  ...over,
});

const xorNet = buildMlp({ inputs: 2, hidden: [8], outputs: 1, activation: 'tanh', head: 'sigmoid' });

describe('trainer', () => {
  it('learns XOR from a fixed seed within 300 epochs', () => {
    const t = createTrainer({ graph: xorNet, train: xor, config: config(), task: 'classification' });
    const history = t.fit();
    const last = history.at(-1)!;
    expect(history).toHaveLength(300);
    expect(t.status).toBe('done');
    expect(last.accuracy).toBe(1);
    expect(last.loss).toBeLessThan(0.05);
    const p = t.predict(xor.x, 4);
    expect(Array.from(p, (v) => (v > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
  });

  it.each(['sgd', 'momentum', 'rmsprop', 'adam'] as const)('every optimiser lowers the loss (%s)', (name) => {
    const lr = name === 'sgd' || name === 'momentum' ? 0.5 : 0.02;
    const t = createTrainer({
      graph: xorNet,
      train: xor,
      config: config({ optimizer: { name, learningRate: lr, nesterov: name === 'momentum' }, epochs: 400 }),
      task: 'classification',
    });
    const h = t.fit();
    expect(h.at(-1)!.loss).toBeLessThan(h[0]!.loss * 0.5);
  });

  it('same seed gives bit-identical weights; another seed does not', () => {
    const run = (seed: number) => {
      const t = createTrainer({
        graph: buildMlp({ inputs: 2, hidden: [6, 6], outputs: 1, head: 'sigmoid' }),
        train: xor,
        config: config({ seed, epochs: 20, batchSize: 3 }),
        task: 'classification',
      });
      t.fit();
      return t.model.params;
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('reports per-step gradient norms of every dense layer and validation metrics per epoch', () => {
    const t = createTrainer({
      graph: buildMlp({ inputs: 2, hidden: [4], outputs: 1, head: 'sigmoid' }),
      train: xor,
      validation: xor,
      config: config({ batchSize: 3, epochs: 2 }),
      task: 'classification',
    });
    expect(t.layerIds).toEqual(['dense1', 'dense2']);
    const s1 = t.trainBatch();
    expect(s1.epochMetrics).toBeNull();
    expect(s1.gradNorms).toHaveLength(2);
    for (const g of s1.gradNorms) expect(g).toBeGreaterThan(0);
    // Hand-check: the last layer's norm is the norm of its gradient slice.
    const l = t.model.layers[1]!;
    let sq = 0;
    for (let i = l.offset; i < l.offset + l.length; i++) sq += t.model.grads[i]! ** 2;
    expect(s1.gradNorms[1]).toBeCloseTo(Math.sqrt(sq), 10);
    const s2 = t.trainBatch(); // 1 row left in the epoch
    expect(s2.epochMetrics).toMatchObject({ epoch: 1 });
    expect(s2.epochMetrics!.valLoss).toBeGreaterThan(0);
    expect(s2.epochMetrics!.valAccuracy).toBeGreaterThanOrEqual(0);
    expect(t.step).toBe(2);
  });

  it('regression: learns y = 3x − 2 with R² and MAE in target units', () => {
    const n = 64;
    const x = Float32Array.from({ length: n }, (_, i) => i / 32 - 1);
    const y = x.map((v) => (3 * v - 2 - -2) / 3); // standardised with mean −2, scale 3
    const t = createTrainer({
      graph: buildMlp({ inputs: 1, hidden: [], outputs: 1, head: 'linear' }),
      train: { n, nIn: 1, nOut: 1, x, y },
      validation: { n, nIn: 1, nOut: 1, x, y },
      config: config({ optimizer: { name: 'sgd', learningRate: 0.1 }, epochs: 200, batchSize: 16 }),
      task: 'regression',
      targetScale: 3,
      targetMean: -2,
    });
    const last = t.fit().at(-1)!;
    expect(last.valR2).toBeGreaterThan(0.9999);
    expect(last.valMae).toBeLessThan(1e-3);
  });

  it('a non-finite loss stops training with a clear message and keeps the last good weights', () => {
    const big: Dataset = {
      n: 4,
      nIn: 1,
      nOut: 1,
      x: Float32Array.from([1, 2, 3, 4]),
      y: Float32Array.from([1e37, -1e37, 1e37, -1e37]),
    };
    const t = createTrainer({
      graph: buildMlp({ inputs: 1, hidden: [], outputs: 1, head: 'linear' }),
      train: big,
      config: config({ optimizer: { name: 'sgd', learningRate: 1 }, epochs: 50, batchSize: 4 }),
      task: 'regression',
    });
    let err: unknown;
    try {
      t.fit();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('NON_FINITE');
    expect((err as EngineError).message).toMatch(
      /Training stopped at epoch \d+, step \d+: .* last good weights are kept/,
    );
    expect(t.status).toBe('failed');
    expect(t.model.params.every(Number.isFinite)).toBe(true);
    expect(() => t.trainBatch()).toThrow(/failed/);
  });

  it('refuses bad hyper-parameters before allocating', () => {
    const bad: Array<[Partial<TrainingConfig>, RegExp]> = [
      [{ optimizer: { name: 'adam', learningRate: -1 } }, /Learning rate/],
      [{ epochs: 1e12 }, /Epochs must be/],
      [{ batchSize: 0 }, /Batch size/],
      [{ validationSplit: 1 }, /Validation split/],
      [{ seed: 1.5 }, /Seed/],
    ];
    for (const [over, message] of bad)
      expect(() =>
        createTrainer({ graph: xorNet, train: xor, config: config(over), task: 'classification' }),
      ).toThrow(message);
  });

  it('dropout is identity at inference and random while training', () => {
    const graph: GraphSpec = {
      nodes: [
        { id: 'in', type: 'input', inputs: [], units: 2 },
        {
          id: 'h',
          type: 'dense',
          inputs: ['in'],
          units: 16,
          activation: 'relu',
          useBias: true,
          kernelInitializer: 'he_uniform',
        },
        { id: 'drop', type: 'dropout', inputs: ['h'], rate: 0.5 },
        {
          id: 'o',
          type: 'dense',
          inputs: ['drop'],
          units: 1,
          activation: 'sigmoid',
          useBias: true,
          kernelInitializer: 'glorot_uniform',
        },
        { id: 'out', type: 'output', inputs: ['o'], loss: 'binary_crossentropy' },
      ],
    };
    const t = createTrainer({ graph, train: xor, config: config({ epochs: 5 }), task: 'classification' });
    // The same network without the dropout block, holding the same weights, predicts the same numbers.
    const without: GraphSpec = {
      nodes: graph.nodes
        .filter((n) => n.id !== 'drop')
        .map((n): GraphNode => (n.type === 'dense' && n.id === 'o' ? { ...n, inputs: ['h'] } : n)),
    };
    const plain = createTrainer({ graph: without, train: xor, config: config(), task: 'classification' });
    const same = () => {
      plain.model.params.set(t.model.params);
      expect(t.predict(xor.x, 4)).toEqual(plain.predict(xor.x, 4));
    };
    same();
    t.trainBatch();
    const mask = t.model.byId.get('drop')!.mask!;
    const kept = Array.from(mask.subarray(0, 64)).filter((m) => m !== 0);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(54);
    expect(new Set(kept)).toEqual(new Set([2]));
    same();
  });

  it('the per-batch loop does not grow the heap (10,000 steps)', () => {
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const t = createTrainer({
      graph: buildMlp({ inputs: 2, hidden: [16, 16], outputs: 1, head: 'sigmoid' }),
      train: xor,
      config: config({ epochs: 1_000_000, batchSize: 4, optimizer: { name: 'adam', learningRate: 1e-3 } }),
      task: 'classification',
    });
    for (let i = 0; i < 1000; i++) t.trainBatch();
    t.history.length = 0;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 10_000; i++) t.trainBatch();
    t.history.length = 0; // per-epoch records are kept by design; here every step ends an epoch
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    expect(growth).toBeLessThan(1_000_000);
  });

  it('the per-batch loop of a 13-64-64-3 softmax network with Adam does not grow the heap (10,000 steps)', () => {
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const n = 256;
    const x = Float32Array.from({ length: n * 13 }, (_, i) => Math.sin(i * 0.37));
    const y = new Float32Array(n * 3);
    for (let r = 0; r < n; r++) y[r * 3 + (r % 3)] = 1;
    const t = createTrainer({
      graph: buildMlp({ inputs: 13, hidden: [64, 64], outputs: 3, activation: 'relu', head: 'softmax' }),
      train: { n, nIn: 13, nOut: 3, x, y },
      config: config({ epochs: 1_000_000, batchSize: 32, optimizer: { name: 'adam', learningRate: 1e-3 } }),
      task: 'classification',
    });
    for (let i = 0; i < 1000; i++) t.trainBatch();
    t.history.length = 0;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 10_000; i++) t.trainBatch();
    t.history.length = 0; // one record per epoch (8 steps) is kept by design
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    expect(growth).toBeLessThan(1_000_000);
  });
});

describe('snapshots', () => {
  it('a run restored from a mid-epoch snapshot continues bit-identically', () => {
    const make = () =>
      createTrainer({
        graph: buildMlp({ inputs: 2, hidden: [6], outputs: 1, activation: 'tanh', head: 'sigmoid' }),
        train: xor,
        config: config({ epochs: 30, batchSize: 3, optimizer: { name: 'adam', learningRate: 0.05 } }),
        task: 'classification',
      });
    const straight = make();
    straight.fit();
    const first = make();
    for (let i = 0; i < 17; i++) first.trainBatch();
    const snap = first.snapshot();
    const resumed = make();
    resumed.restore(snap);
    resumed.fit();
    expect(resumed.model.params).toEqual(straight.model.params);
    expect(resumed.history).toEqual(straight.history);
    expect(resumed.step).toBe(straight.step);
  });

  it('refuses a snapshot of another network, saying which part does not fit, in either language', () => {
    const make = (hidden: number) =>
      createTrainer({
        graph: buildMlp({ inputs: 2, hidden: [hidden], outputs: 1, activation: 'tanh', head: 'sigmoid' }),
        train: xor,
        config: config({ epochs: 2 }),
        task: 'classification',
      });
    const other = make(6);
    other.trainBatch();
    const trainer = make(4);
    const before = Float32Array.from(trainer.model.params);
    let error: EngineError | null = null;
    try {
      trainer.restore(other.snapshot());
    } catch (e) {
      error = e as EngineError;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect(error!.message).toBe('The checkpoint does not fit this run (its weights).');
    expect(formatError(error!.toInfo(), 'zh-CN')).toBe('该检查点与本次训练不匹配（权重）。');
    expect(Float32Array.from(trainer.model.params)).toEqual(before);
  });
});
