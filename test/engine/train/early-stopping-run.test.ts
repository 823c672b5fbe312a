/**
 * The trainer with early stopping and learning-rate schedules on a real small data set: where it stops,
 * the weights it keeps, the rates it trains with, and snapshots that continue such a run exactly.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../../engine/data/builtin.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import { EngineError } from '../../../engine/errors.ts';
import { buildMlp } from '../../../engine/graph/builders.ts';
import { formatError } from '../../../engine/i18n.ts';
import type { TrainingConfig } from '../../../engine/train/config.ts';
import { earlyStoppingStep, initialEarlyStopping } from '../../../engine/train/early-stopping.ts';
import { initialPlateau, plateauStep } from '../../../engine/train/lr-schedule.ts';
import { createTrainer } from '../../../engine/train/trainer.ts';
import { validateTrainingConfig } from '../../../engine/train/validate.ts';

const data = prepareData(loadBuiltin('xor', { seed: 1, noise: 0.5, samples: 80 }), {
  validationSplit: 0.25,
  seed: 1,
});
const graph = buildMlp({ inputs: 2, hidden: [16], outputs: 2, activation: 'tanh', head: 'softmax' });

const settings = (over: Partial<TrainingConfig> = {}): TrainingConfig => ({
  optimizer: { name: 'adam', learningRate: 0.05 },
  batchSize: 16,
  epochs: 200,
  validationSplit: 0.25,
  shuffle: true,
  seed: 1,
  ...over,
});

const make = (over: Partial<TrainingConfig> = {}, validation = true) =>
  createTrainer({
    graph,
    train: data.train,
    validation: validation ? data.validation : null,
    config: settings(over),
    task: 'classification',
  });

/** The weights after `epochs` epochs of the same run without early stopping. */
function plainWeights(epochs: number): Float32Array | Float64Array {
  const t = make({ epochs });
  t.fit();
  return t.model.params.slice();
}

const stepsPerEpoch = Math.ceil(data.train.n / 16);

describe('early stopping in a run', () => {
  const earlyStopping = { monitor: 'val_loss', patience: 5 } as const;

  it('stops at the epoch the Keras rule gives over its own history, and keeps the best epoch’s weights bit for bit', () => {
    const t = make({ earlyStopping });
    t.fit();
    expect(t.status).toBe('done');
    const es = t.earlyStopping!;
    expect(es.stoppedEpoch).toBeGreaterThan(0);
    expect(es.stoppedEpoch).toBeLessThan(200);
    expect(t.history).toHaveLength(es.stoppedEpoch);
    // Replaying the rule over the recorded values stops at the same epoch, with the same best.
    const replay = initialEarlyStopping();
    let stop = 0;
    for (const m of t.history)
      if (earlyStoppingStep(earlyStopping, replay, m.epoch, m.valLoss).stop) stop ||= m.epoch;
    expect(stop).toBe(es.stoppedEpoch);
    expect(replay.bestEpoch).toBe(es.bestEpoch);
    // The best is the lowest val_loss, and the last `patience` epochs are none of them lower.
    const losses = t.history.map((h) => h.valLoss!);
    expect(es.best).toBe(Math.min(...losses));
    expect(es.stoppedEpoch - es.bestEpoch).toBe(5);
    expect(t.bestEpochMetrics()).toEqual(t.history[es.bestEpoch - 1]);
    expect(t.restoredBest).toBe(true);
    expect(t.model.params).toEqual(plainWeights(es.bestEpoch));
    // The epochs it ran are those of a run without early stopping, value for value.
    const plain = make({ epochs: es.stoppedEpoch });
    plain.fit();
    expect(t.history).toEqual(plain.history);
  });

  it('restoreBestWeights false keeps the last epoch’s weights', () => {
    const t = make({ earlyStopping: { ...earlyStopping, restoreBestWeights: false } });
    t.fit();
    expect(t.restoredBest).toBe(false);
    expect(t.model.params).toEqual(plainWeights(t.earlyStopping!.stoppedEpoch));
  });

  it('a run that reaches its epochs still ends on the best weights (Keras 3 restores in on_train_end)', () => {
    const t = make({
      epochs: 12,
      earlyStopping: { monitor: 'val_accuracy', patience: 100, startFromEpoch: 3 },
    });
    t.fit();
    const es = t.earlyStopping!;
    expect(es.stoppedEpoch).toBe(0);
    expect(t.history).toHaveLength(12);
    expect(es.bestEpoch).toBeGreaterThan(3);
    const accs = t.history.slice(3).map((h) => h.valAccuracy!);
    // max mode: the first epoch with the highest value.
    expect(es.bestEpoch).toBe(4 + accs.indexOf(Math.max(...accs)));
    expect(t.model.params).toEqual(plainWeights(es.bestEpoch));
  });

  it('a snapshot taken mid-run, after the best weights were kept, continues bit-identically', () => {
    const straight = make({ earlyStopping });
    straight.fit();
    const first = make({ earlyStopping });
    const at = (straight.earlyStopping!.bestEpoch + 1) * stepsPerEpoch + 2;
    for (let i = 0; i < at; i++) first.trainBatch();
    const snap = first.snapshot();
    expect(snap.bestParams).toBeInstanceOf(Float32Array);
    const resumed = make({ earlyStopping });
    resumed.restore(structuredClone(snap));
    resumed.fit();
    expect(resumed.model.params).toEqual(straight.model.params);
    expect(resumed.history).toEqual(straight.history);
    expect(resumed.earlyStopping).toEqual(straight.earlyStopping);
    expect(resumed.restoredBest).toBe(true);
    // A snapshot of the finished run restores its best weights and state.
    const again = make({ earlyStopping });
    again.restore(straight.snapshot());
    expect(again.status).toBe('done');
    expect(again.model.params).toEqual(straight.model.params);
    expect(again.earlyStopping).toEqual(straight.earlyStopping);
  });

  it('a reopened run’s epochs replay early stopping: part-way it continues, past the stop it is over', () => {
    const straight = make({ earlyStopping });
    straight.fit();
    const { stoppedEpoch, bestEpoch, best } = straight.earlyStopping!;
    const partWay = make({ earlyStopping });
    partWay.resumeHistory(straight.history.slice(0, stoppedEpoch - 1));
    expect(partWay.status).toBe('ready');
    expect(partWay.epoch).toBe(stoppedEpoch - 1);
    expect(partWay.earlyStopping).toEqual({ best, bestEpoch, wait: 4, stoppedEpoch: 0 });
    const over = make({ earlyStopping });
    over.resumeHistory(straight.history);
    expect(over.status).toBe('done');
    expect(over.earlyStopping).toEqual(straight.earlyStopping);
    expect(over.restoredBest).toBe(true);
    // Without early stopping, only the epoch count decides.
    const plain = make({ epochs: 3 });
    plain.resumeHistory(straight.history.slice(0, 3));
    expect(plain.status).toBe('done');
  });

  it('refuses a metric the run does not report, in both languages', () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as EngineError;
      }
      throw new Error('not refused');
    };
    const e = refused(() => make({ earlyStopping: { monitor: 'val_loss', patience: 2 } }, false));
    expect(e).toBeInstanceOf(EngineError);
    expect(e.message).toBe('This run has no val_loss to watch; it reports loss, accuracy.');
    expect(formatError(e.toInfo(), 'zh-CN')).toContain('val_loss');
    expect(refused(() => make({ lrSchedule: { type: 'plateau', monitor: 'val_mae' } })).message).toBe(
      'This run has no val_mae to watch; it reports loss, accuracy, val_loss, val_accuracy.',
    );
  });
});

describe('learning-rate schedules in a run', () => {
  it('without a schedule every epoch records the base rate, and the weights are those of before', () => {
    const t = make({ epochs: 3 });
    t.fit();
    expect(t.history.map((h) => h.lr)).toEqual([0.05, 0.05, 0.05]);
  });

  it.each(['sgd', 'momentum', 'rmsprop', 'adam'] as const)(
    'a schedule that never changes the rate trains bit-identically to none, one that does differs (%s)',
    (name) => {
      const optimizer = { name, learningRate: 0.05 };
      const plain = make({ epochs: 4, optimizer });
      plain.fit();
      const flat = make({ epochs: 4, optimizer, lrSchedule: { type: 'step', dropEvery: 1, factor: 1 } });
      flat.fit();
      expect(flat.model.params).toEqual(plain.model.params);
      expect(flat.history).toEqual(plain.history);
      const halving = make({ epochs: 4, optimizer, lrSchedule: { type: 'step', dropEvery: 1, factor: 0.5 } });
      halving.fit();
      expect(halving.model.params).not.toEqual(plain.model.params);
      expect(halving.optimizer.config.learningRate).toBe(0.05 / 8);
    },
  );

  it('exponential decay: each epoch records the rate of its last step, base · rate^(step / decaySteps)', () => {
    const t = make({ epochs: 4, lrSchedule: { type: 'exponential', decaySteps: 10, decayRate: 0.5 } });
    t.fit();
    t.history.forEach((h) => {
      const step = h.epoch * stepsPerEpoch - 1; // steps taken before the epoch's last one
      expect(h.lr).toBe(0.05 * Math.pow(0.5, step / 10));
    });
    expect(t.optimizer.config.learningRate).toBe(t.history.at(-1)!.lr);
  });

  it('step decay changes the rate between epochs', () => {
    const t = make({ epochs: 5, lrSchedule: { type: 'step', dropEvery: 2, factor: 0.5 } });
    t.fit();
    expect(t.history.map((h) => h.lr)).toEqual([0.05, 0.05, 0.025, 0.025, 0.0125]);
  });

  it('plateau: the rates follow ReduceLROnPlateau over the run’s own losses', () => {
    const schedule = { type: 'plateau', monitor: 'val_loss', patience: 1, factor: 0.5, minDelta: 0 } as const;
    const t = make({ epochs: 30, lrSchedule: schedule });
    t.fit();
    const st = initialPlateau(0.05);
    const expected: number[] = [];
    for (const h of t.history) {
      expected.push(st.lr);
      plateauStep(schedule, st, h.valLoss);
    }
    expect(t.history.map((h) => h.lr)).toEqual(expected);
    expect(new Set(expected).size).toBeGreaterThan(1);
  });

  it('a rate set by hand becomes the base the schedule multiplies, is recorded, and survives a snapshot', () => {
    const lrSchedule = { type: 'exponential', decaySteps: 4, decayRate: 0.5, staircase: true } as const;
    const run = (snapAt: number | null) => {
      const t = make({ epochs: 6, lrSchedule });
      for (let i = 0; i < 2 * stepsPerEpoch + 1; i++) t.trainBatch();
      t.setLearningRate(0.2);
      if (snapAt !== null) {
        for (let i = 0; i < snapAt; i++) t.trainBatch();
        const other = make({ epochs: 6, lrSchedule });
        other.restore(structuredClone(t.snapshot()));
        other.fit();
        return other;
      }
      t.fit();
      return t;
    };
    const t = run(null);
    expect(t.lrChanges).toEqual([{ step: 2 * stepsPerEpoch + 1, epoch: 2, lr: 0.2 }]);
    expect(t.learningRate).toBe(0.2);
    expect(t.history[1]!.lr).toBe(0.05 * Math.pow(0.5, Math.floor((2 * stepsPerEpoch - 1) / 4)));
    expect(t.history[5]!.lr).toBe(0.2 * Math.pow(0.5, Math.floor((6 * stepsPerEpoch - 1) / 4)));
    const resumed = run(3);
    expect(resumed.model.params).toEqual(t.model.params);
    expect(resumed.history).toEqual(t.history);
    expect(resumed.lrChanges).toEqual(t.lrChanges);
  });
});

describe('settings checks', () => {
  const message = (c: Partial<TrainingConfig>, lang: 'en' | 'zh-CN' = 'en') => {
    try {
      validateTrainingConfig(settings(c));
    } catch (e) {
      return formatError((e as EngineError).toInfo(), lang);
    }
    return null;
  };
  it('names the setting and its range', () => {
    expect(message({ earlyStopping: { patience: -1 } })).toBe(
      'Patience must be a whole number of epochs from 0 to 1,000,000 (got -1).',
    );
    expect(message({ earlyStopping: { patience: 2, monitor: 'f1' as never } })).toContain('val_loss');
    expect(message({ earlyStopping: { patience: 2, minDelta: -0.1 } })).toContain('(got -0.1)');
    expect(message({ lrSchedule: { type: 'exponential', decaySteps: 0, decayRate: 0.5 } })).toBe(
      'The decay steps must be a whole number from 1 to 1,000,000,000 (got 0).',
    );
    expect(message({ lrSchedule: { type: 'exponential', decaySteps: 10, decayRate: 1.5 } })).toContain('1.5');
    expect(message({ lrSchedule: { type: 'cosine', decaySteps: 10, alpha: 2 } })).toContain('alpha');
    expect(message({ lrSchedule: { type: 'plateau', factor: 1 } })).toContain('below 1');
    expect(message({ lrSchedule: { type: 'warm' } as never })).toContain(
      'step, exponential, cosine, plateau',
    );
    expect(message({ lrSchedule: { type: 'plateau', cooldown: 1.5 } }, 'zh-CN')).toContain('冷却期');
    expect(
      message({ earlyStopping: { patience: 3 }, lrSchedule: { type: 'cosine', decaySteps: 5 } }),
    ).toBeNull();
  });
});
