/** Checks hyper-parameters before anything is allocated; each message names the setting and its range. */
import { fail } from '../errors.ts';
import type { MessageParams } from '../i18n.ts';
import { LR_SCHEDULES, MAX_PACE, MONITOR_MODES, MONITORS, OPTIMIZERS, TRAINING_LIMITS } from './config.ts';
import type { EarlyStoppingConfig, LrSchedule, TrainingConfig } from './config.ts';

export { TRAINING_LIMITS } from './config.ts';

function check(ok: boolean, key: string, params: MessageParams = {}): void {
  if (!ok) fail('BAD_HYPERPARAMETER', key, params);
}

const inUnit = (v: unknown, open = true) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && (open ? v < 1 : v <= 1);

/** Throws BAD_HYPERPARAMETER naming the first setting that is out of range. */
export function validateTrainingConfig(c: TrainingConfig): void {
  const o = c?.optimizer;
  check(
    typeof o === 'object' && o !== null && (OPTIMIZERS as readonly string[]).includes(o.name),
    'train.optimizer',
    { names: [...OPTIMIZERS] },
  );
  const lr = o.learningRate;
  check(
    typeof lr === 'number' && Number.isFinite(lr) && lr > 0 && lr <= TRAINING_LIMITS.learningRate,
    'train.learningRate',
    { max: TRAINING_LIMITS.learningRate, value: String(lr) },
  );
  check(o.momentum === undefined || inUnit(o.momentum), 'train.momentum');
  check(o.nesterov === undefined || typeof o.nesterov === 'boolean', 'train.nesterov');
  check(o.rho === undefined || inUnit(o.rho), 'train.rho');
  check(o.beta1 === undefined || inUnit(o.beta1), 'train.beta1');
  check(o.beta2 === undefined || inUnit(o.beta2), 'train.beta2');
  check(
    o.epsilon === undefined || (Number.isFinite(o.epsilon) && o.epsilon > 0 && o.epsilon < 1),
    'train.epsilon',
  );
  check(
    Number.isInteger(c.batchSize) && c.batchSize >= 1 && c.batchSize <= TRAINING_LIMITS.batchSize,
    'train.batchSize',
    { max: TRAINING_LIMITS.batchSize, value: String(c.batchSize) },
  );
  check(Number.isInteger(c.epochs) && c.epochs >= 1 && c.epochs <= TRAINING_LIMITS.epochs, 'train.epochs', {
    max: TRAINING_LIMITS.epochs.toLocaleString('en'),
    value: String(c.epochs),
  });
  check(
    typeof c.validationSplit === 'number' &&
      c.validationSplit >= 0 &&
      c.validationSplit <= TRAINING_LIMITS.validationSplit,
    'train.validationSplit',
    { max: TRAINING_LIMITS.validationSplit, value: String(c.validationSplit) },
  );
  check(typeof c.shuffle === 'boolean', 'train.shuffle');
  check(Number.isSafeInteger(c.seed) && c.seed >= 0 && c.seed <= TRAINING_LIMITS.seed, 'train.seed', {
    value: String(c.seed),
  });
  if (c.pace !== undefined) validatePace(c.pace);
  check(c.l2 === undefined || (typeof c.l2 === 'number' && Number.isFinite(c.l2) && c.l2 >= 0), 'train.l2', {
    value: String(c.l2),
  });
  if (c.earlyStopping !== undefined) validateEarlyStopping(c.earlyStopping);
  if (c.lrSchedule !== undefined) validateLrSchedule(c.lrSchedule);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const wholeIn = (v: unknown, min: number, max: number) =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

function checkMonitor(monitor: unknown, mode: unknown): void {
  check(monitor === undefined || (MONITORS as readonly unknown[]).includes(monitor), 'train.monitor', {
    names: [...MONITORS],
    value: String(monitor),
  });
  check(mode === undefined || (MONITOR_MODES as readonly unknown[]).includes(mode), 'train.monitorMode', {
    names: [...MONITOR_MODES],
    value: String(mode),
  });
}

function checkPatience(v: unknown, key = 'train.patience'): void {
  check(wholeIn(v, 0, TRAINING_LIMITS.patience), key, {
    max: TRAINING_LIMITS.patience.toLocaleString('en'),
    value: String(v),
  });
}

/** Early stopping's settings (Keras EarlyStopping's ranges; `baseline` is not offered). */
export function validateEarlyStopping(e: EarlyStoppingConfig): void {
  check(typeof e === 'object' && e !== null, 'train.earlyStopping');
  checkMonitor(e.monitor, e.mode);
  checkPatience(e.patience);
  check(e.minDelta === undefined || (isNum(e.minDelta) && e.minDelta >= 0), 'train.minDelta', {
    value: String(e.minDelta),
  });
  check(
    e.restoreBestWeights === undefined || typeof e.restoreBestWeights === 'boolean',
    'train.restoreBestWeights',
  );
  if (e.startFromEpoch !== undefined) checkPatience(e.startFromEpoch, 'train.startFromEpoch');
}

/** A learning-rate schedule's type and every setting it has. */
export function validateLrSchedule(s: LrSchedule): void {
  const type = (s as { type?: unknown } | null)?.type;
  check(
    typeof s === 'object' && s !== null && (LR_SCHEDULES as readonly unknown[]).includes(type),
    'train.lrSchedule',
    { names: [...LR_SCHEDULES], value: String(type) },
  );
  const steps = (v: unknown, key: string, min = 1) =>
    check(wholeIn(v, min, TRAINING_LIMITS.scheduleSteps), key, {
      min,
      max: TRAINING_LIMITS.scheduleSteps.toLocaleString('en'),
      value: String(v),
    });
  const unitFactor = (v: unknown, key: string) =>
    check(isNum(v) && v > 0 && v <= 1, key, { value: String(v) });
  switch (s.type) {
    case 'step':
      steps(s.dropEvery, 'train.dropEvery');
      unitFactor(s.factor, 'train.decayFactor');
      return;
    case 'exponential':
      steps(s.decaySteps, 'train.decaySteps');
      unitFactor(s.decayRate, 'train.decayRate');
      check(s.staircase === undefined || typeof s.staircase === 'boolean', 'train.staircase');
      return;
    case 'cosine':
      steps(s.decaySteps, 'train.decaySteps');
      check(s.alpha === undefined || (isNum(s.alpha) && s.alpha >= 0 && s.alpha <= 1), 'train.alpha', {
        value: String(s.alpha),
      });
      if (s.warmupSteps !== undefined) steps(s.warmupSteps, 'train.warmupSteps', 0);
      check(
        s.warmupTarget === undefined ||
          (isNum(s.warmupTarget) && s.warmupTarget > 0 && s.warmupTarget <= TRAINING_LIMITS.learningRate),
        'train.warmupTarget',
        { max: TRAINING_LIMITS.learningRate, value: String(s.warmupTarget) },
      );
      check(s.warmupTarget === undefined || (s.warmupSteps ?? 0) > 0, 'train.warmupTargetNeedsSteps');
      return;
    case 'plateau':
      checkMonitor(s.monitor, s.mode);
      check(
        s.factor === undefined || (isNum(s.factor) && s.factor > 0 && s.factor < 1),
        'train.plateauFactor',
        {
          value: String(s.factor),
        },
      );
      if (s.patience !== undefined) checkPatience(s.patience);
      check(s.minDelta === undefined || (isNum(s.minDelta) && s.minDelta >= 0), 'train.minDelta', {
        value: String(s.minDelta),
      });
      if (s.cooldown !== undefined) checkPatience(s.cooldown, 'train.cooldown');
      check(
        s.minLr === undefined || (isNum(s.minLr) && s.minLr >= 0 && s.minLr <= TRAINING_LIMITS.learningRate),
        'train.minLr',
        { max: TRAINING_LIMITS.learningRate, value: String(s.minLr) },
      );
      return;
  }
}

/** A pace in steps per second: above 0 and at most MAX_PACE (null, as fast as possible, is checked by the caller). */
export function validatePace(v: unknown): asserts v is number {
  check(typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_PACE, 'train.pace', {
    max: MAX_PACE.toLocaleString('en'),
    value: String(v),
  });
}
