/**
 * Early stopping and learning-rate schedules as the training panel sets them: kept in the project
 * through save and open, part of the run's identity (changing them makes the next Train a new run),
 * checked with the engine's rules (a refused value says why in the person's language and changes
 * nothing), and shown once trained (the best epoch, the epoch it stopped at, each epoch's rate).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  changeEarlyStopping,
  changeLrSchedule,
  earlyStoppingStart,
  monitorsFor,
  scheduleStart,
  typedNumber,
} from '../../renderer/src/lib/schedule-settings.ts';
import { errorText, i18n } from '../../renderer/src/lib/i18n.svelte.ts';
import { LR_SCHEDULES } from '../../engine/train/config.ts';
import { validateEarlyStopping, validateLrSchedule } from '../../engine/train/validate.ts';
import { memoryPlatform, newApp, settle, stubBrowser } from './app-helpers.ts';

beforeAll(stubBrowser);
afterAll(() => vi.unstubAllGlobals());
afterEach(() => i18n.set('en'));

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the settings', () => {
  it('offer the metrics the run reports, validation ones first when rows are held out', () => {
    expect(monitorsFor('classification', true)).toEqual(['val_loss', 'val_accuracy', 'loss', 'accuracy']);
    expect(monitorsFor('regression', false)).toEqual(['loss', 'mae', 'r2']);
    expect(earlyStoppingStart(true)).toEqual({
      monitor: 'val_loss',
      patience: 10,
      minDelta: 0,
      restoreBestWeights: true,
    });
    expect(earlyStoppingStart(false).monitor).toBe('loss');
    // Each schedule starts from values the engine takes; the plateau's are Keras's defaults.
    for (const type of LR_SCHEDULES)
      expect(() => validateLrSchedule(scheduleStart(type, true))).not.toThrow();
    expect(() => validateEarlyStopping(earlyStoppingStart(true))).not.toThrow();
    expect(scheduleStart('plateau', true)).toMatchObject({
      factor: 0.1,
      patience: 10,
      minDelta: 1e-4,
      cooldown: 0,
      minLr: 0,
    });
  });

  it("refuse a value out of range with the engine's message, in the person's language, keeping the last good one", () => {
    const es = earlyStoppingStart(true);
    expect(changeEarlyStopping(es, { patience: 3 })).toEqual({ ok: true, value: { ...es, patience: 3 } });
    const bad = changeEarlyStopping(es, { patience: 2.5 });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('BAD_HYPERPARAMETER');
    expect(errorText(bad.error)).toBe(
      'Patience must be a whole number of epochs from 0 to 1,000,000 (got 2.5).',
    );
    i18n.set('zh-CN');
    expect(errorText(bad.error)).toBe('耐心值必须是 0 到 1,000,000 之间的整数轮数（当前为 2.5）。');
    i18n.set('en');
    expect(es.patience).toBe(10); // the settings given are not touched

    const minDelta = changeEarlyStopping(es, { minDelta: -1 });
    expect(!minDelta.ok && errorText(minDelta.error)).toMatch(/min delta.*-1/);
    const empty = changeEarlyStopping(es, { patience: typedNumber('') });
    expect(!empty.ok && errorText(empty.error)).toMatch(/got NaN/);

    const step = scheduleStart('step', true);
    const zero = changeLrSchedule(step, { dropEvery: 0 });
    expect(!zero.ok && errorText(zero.error)).toMatch(/interval.*got 0/);
    const factor = changeLrSchedule(step, { factor: 1.5 });
    expect(!factor.ok && factor.error.key).toBe('train.decayFactor');
    const plateau = changeLrSchedule(scheduleStart('plateau', true), { factor: 1 });
    expect(!plateau.ok && plateau.error.key).toBe('train.plateauFactor');
    expect(changeLrSchedule(step, { dropEvery: 5 })).toEqual({ ok: true, value: { ...step, dropEvery: 5 } });
  });
});

describe('in the project', () => {
  it('are saved with the project and come back when it is opened', async () => {
    const platform = memoryPlatform();
    const app = await newApp(platform);
    app.training.earlyStopping = { ...earlyStoppingStart(true), patience: 4, minDelta: 0.001 };
    app.training.lrSchedule = { type: 'exponential', decaySteps: 50, decayRate: 0.5, staircase: true };
    expect(app.files.dirty).toBe(true);
    await app.files.save();
    const saved = JSON.parse(platform.saves[0]!.text) as {
      training: { earlyStopping: unknown; lrSchedule: unknown };
    };
    expect(saved.training.earlyStopping).toEqual({
      monitor: 'val_loss',
      patience: 4,
      minDelta: 0.001,
      restoreBestWeights: true,
    });
    expect(saved.training.lrSchedule).toEqual({
      type: 'exponential',
      decaySteps: 50,
      decayRate: 0.5,
      staircase: true,
    });

    const p2 = memoryPlatform();
    const other = await newApp(p2);
    expect(other.training.earlyStopping).toBeNull();
    p2.picks.push({ name: 'a.bps.json', bytes: bytes(platform.saves[0]!.text), token: 'a' });
    await other.files.open();
    expect(other.training.earlyStopping).toEqual(saved.training.earlyStopping);
    expect(other.training.lrSchedule).toEqual(saved.training.lrSchedule);
    expect(other.files.dirty).toBe(false);

    // Switched off, they leave the project.
    other.training.earlyStopping = null;
    other.training.lrSchedule = null;
    expect(other.files.dirty).toBe(true);
    await other.files.save();
    const off = JSON.parse(p2.saves.at(-1)!.text) as { training: Record<string, unknown> };
    expect(off.training).not.toHaveProperty('earlyStopping');
    expect(off.training).not.toHaveProperty('lrSchedule');
  });

  it('are part of the run: changed after training, the next Train makes a new run', async () => {
    const app = await newApp();
    await app.train();
    await settle(app);
    expect(app.training.isCurrent(app.runKey)).toBe(true);
    const token = app.training.runToken;

    app.training.earlyStopping = earlyStoppingStart(true);
    expect(app.training.isCurrent(app.runKey)).toBe(false);
    expect(app.training.madeFrom(app.runKey)).toBe(true); // its weights still fit the network
    app.training.earlyStopping = null;
    expect(app.training.isCurrent(app.runKey)).toBe(true);

    app.training.lrSchedule = scheduleStart('step', true);
    expect(app.training.isCurrent(app.runKey)).toBe(false);
    await app.train();
    await settle(app);
    expect(app.training.runToken).toBeGreaterThan(token);
    expect(app.training.runRequest?.training.lrSchedule).toEqual(scheduleStart('step', true));
    expect(app.training.isCurrent(app.runKey)).toBe(true);
  });
});

describe('once trained', () => {
  it('the status has the best and stopped epochs, and each epoch its learning rate', async () => {
    const app = await newApp();
    app.training.epochs = 200;
    app.training.learningRate = 0.5;
    app.training.optimizer = 'sgd';
    app.training.earlyStopping = { ...earlyStoppingStart(true), patience: 2 };
    app.training.lrSchedule = { type: 'step', dropEvery: 1, factor: 0.5 };
    await app.train();
    await settle(app);
    for (let i = 0; i < 1000 && app.training.status?.state === 'running'; i++)
      await new Promise((r) => setTimeout(r, 1));
    await app.training.refresh(true);
    const es = app.training.status!.earlyStopping!;
    expect(es.stoppedEpoch).toBeGreaterThan(0);
    expect(es.stoppedEpoch).toBeLessThan(200);
    expect(es.bestEpoch).toBeGreaterThan(0);
    expect(es.bestEpoch).toBeLessThanOrEqual(es.stoppedEpoch - 2);
    const epochs = app.training.epochView;
    expect(epochs.at(-1)!.epoch).toBe(es.stoppedEpoch);
    // Halved every epoch: epoch e (1-based) trains at 0.5 · 0.5^(e − 1).
    for (const e of epochs) expect(e.lr).toBeCloseTo(0.5 * 0.5 ** (e.epoch - 1), 12);
  });
});
