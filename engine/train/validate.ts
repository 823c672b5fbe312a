/** Checks hyper-parameters before anything is allocated; each message names the setting and its range. */
import { fail } from '../errors.ts';
import { OPTIMIZERS } from './config.ts';
import type { TrainingConfig } from './config.ts';

export const TRAINING_LIMITS = { batchSize: 65536, epochs: 1_000_000, learningRate: 10 } as const;

function check(ok: boolean, message: string): void {
  if (!ok) fail('BAD_HYPERPARAMETER', message);
}

const inUnit = (v: unknown, open = true) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && (open ? v < 1 : v <= 1);

/** Throws BAD_HYPERPARAMETER naming the first setting that is out of range. */
export function validateTrainingConfig(c: TrainingConfig): void {
  const o = c?.optimizer;
  check(
    typeof o === 'object' && o !== null && (OPTIMIZERS as readonly string[]).includes(o.name),
    `Optimizer must be one of ${OPTIMIZERS.join(', ')}.`,
  );
  const lr = o.learningRate;
  check(
    typeof lr === 'number' && Number.isFinite(lr) && lr > 0 && lr <= TRAINING_LIMITS.learningRate,
    `Learning rate must be a number above 0 and at most ${TRAINING_LIMITS.learningRate} (got ${String(lr)}).`,
  );
  check(o.momentum === undefined || inUnit(o.momentum), 'Momentum must be in [0, 1).');
  check(o.nesterov === undefined || typeof o.nesterov === 'boolean', 'Nesterov must be true or false.');
  check(o.rho === undefined || inUnit(o.rho), 'Rho must be in [0, 1).');
  check(o.beta1 === undefined || inUnit(o.beta1), 'Beta 1 must be in [0, 1).');
  check(o.beta2 === undefined || inUnit(o.beta2), 'Beta 2 must be in [0, 1).');
  check(
    o.epsilon === undefined || (Number.isFinite(o.epsilon) && o.epsilon > 0 && o.epsilon < 1),
    'Epsilon must be in (0, 1).',
  );
  check(
    Number.isInteger(c.batchSize) && c.batchSize >= 1 && c.batchSize <= TRAINING_LIMITS.batchSize,
    `Batch size must be a whole number from 1 to ${TRAINING_LIMITS.batchSize} (got ${String(c.batchSize)}).`,
  );
  check(
    Number.isInteger(c.epochs) && c.epochs >= 1 && c.epochs <= TRAINING_LIMITS.epochs,
    `Epochs must be a whole number from 1 to ${TRAINING_LIMITS.epochs.toLocaleString('en')} (got ${String(c.epochs)}).`,
  );
  check(inUnit(c.validationSplit), `Validation split must be in [0, 1) (got ${String(c.validationSplit)}).`);
  check(typeof c.shuffle === 'boolean', 'Shuffle must be true or false.');
  check(
    Number.isSafeInteger(c.seed) && c.seed >= 0 && c.seed <= 0xffffffff,
    `Seed must be a whole number from 0 to 4294967295 (got ${String(c.seed)}).`,
  );
}
