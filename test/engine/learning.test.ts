import { describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../engine/data/builtin.ts';
import { prepareData } from '../../engine/data/prepare.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import type { Activation } from '../../engine/graph/types.ts';
import { createTrainer } from '../../engine/train/trainer.ts';

/** Trains an MLP on a built-in dataset from fixed seeds; returns the epoch that first reached `goal`. */
function learn(
  name: string,
  hidden: number[],
  activation: Activation,
  epochs: number,
  lr: number,
  goal: number,
) {
  const raw = loadBuiltin(name, { seed: 1, noise: 0 });
  const data = prepareData(raw, { validationSplit: 0.2, seed: 1 });
  const t = createTrainer({
    graph: buildMlp({
      inputs: data.train.nIn,
      hidden,
      outputs: data.train.nOut,
      activation,
      head: 'softmax',
    }),
    train: data.train,
    validation: data.validation,
    config: {
      optimizer: { name: 'adam', learningRate: lr },
      batchSize: 16,
      epochs,
      validationSplit: 0.2,
      shuffle: true,
      seed: 1,
    },
    task: 'classification',
  });
  let reached: number | null = null;
  t.fit((m) => {
    if (reached === null && (m.valAccuracy ?? 0) >= goal) reached = m.epoch;
  });
  return { reached, last: t.history.at(-1)! };
}

describe('learns the classic problems from a fixed seed', () => {
  it('XOR (built-in, 500 points) reaches 0.95 validation accuracy within 100 epochs', () => {
    const r = learn('xor', [8], 'tanh', 100, 0.02, 0.95);
    expect(r.reached).not.toBeNull();
    expect(r.last.valAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('circle reaches 0.97 within 100 epochs', () => {
    const r = learn('circle', [8], 'relu', 100, 0.02, 0.97);
    expect(r.reached).not.toBeNull();
    expect(r.last.valAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('two spirals reach 0.95 within 400 epochs', () => {
    const r = learn('spirals', [16, 16], 'tanh', 400, 0.01, 0.95);
    expect(r.reached).not.toBeNull();
    expect(r.last.valAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('iris: validation accuracy ≥ 0.93', () => {
    const r = learn('iris', [8], 'relu', 200, 0.01, 0.93);
    expect(r.last.valAccuracy).toBeGreaterThanOrEqual(0.93);
  });
});

describe('regression built-ins', () => {
  it.each([
    ['plane', 0.99, [] as number[]],
    ['gaussians', 0.8, [16, 16]],
  ])('%s reaches validation R² ≥ %s', (name, goal, hidden) => {
    const data = prepareData(loadBuiltin(name, { seed: 2, noise: 0 }), { validationSplit: 0.2, seed: 2 });
    const target = data.preprocessing.target;
    if (target.task !== 'regression') throw new Error('expected a regression target');
    const t = createTrainer({
      graph: buildMlp({ inputs: data.train.nIn, hidden, outputs: 1, activation: 'tanh', head: 'linear' }),
      train: data.train,
      validation: data.validation,
      config: {
        optimizer: { name: 'adam', learningRate: 0.01 },
        batchSize: 32,
        epochs: 150,
        validationSplit: 0.2,
        shuffle: true,
        seed: 2,
      },
      task: 'regression',
      targetScale: target.scale,
      targetMean: target.mean,
    });
    const last = t.fit().at(-1)!;
    expect(last.valR2).toBeGreaterThanOrEqual(goal);
    expect(last.valMae).toBeGreaterThan(0);
  });
});
