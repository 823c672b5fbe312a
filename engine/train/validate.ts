/** Checks hyper-parameters before anything is allocated; each message names the setting and its range. */
import { fail } from '../errors.ts';
import type { MessageParams } from '../i18n.ts';
import { MAX_PACE, OPTIMIZERS, TRAINING_LIMITS } from './config.ts';
import type { TrainingConfig } from './config.ts';

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
}

/** A pace in steps per second: above 0 and at most MAX_PACE (null, as fast as possible, is checked by the caller). */
export function validatePace(v: unknown): asserts v is number {
  check(typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_PACE, 'train.pace', {
    max: MAX_PACE.toLocaleString('en'),
    value: String(v),
  });
}
