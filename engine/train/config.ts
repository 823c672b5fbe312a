/** Hyper-parameters of a training run, as plain data (project files keep them). Defaults follow Keras. */

export const OPTIMIZERS = ['sgd', 'momentum', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface OptimizerConfig {
  name: OptimizerName;
  learningRate: number;
  /** momentum: the velocity's decay (Keras SGD `momentum`, default 0.9). */
  momentum?: number;
  /** momentum: Nesterov's look-ahead form. */
  nesterov?: boolean;
  /** rmsprop: decay of the squared-gradient average (default 0.9). */
  rho?: number;
  /** adam: first and second moment decays (defaults 0.9 and 0.999). */
  beta1?: number;
  beta2?: number;
  /** rmsprop, adam: added to the denominator (Keras default 1e-7). */
  epsilon?: number;
}

export interface TrainingConfig {
  optimizer: OptimizerConfig;
  batchSize: number;
  epochs: number;
  /** Fraction of rows held out for validation, in [0, 1). */
  validationSplit: number;
  shuffle: boolean;
  seed: number;
  /**
   * Steps per second, a pace to watch the model learn at; absent: as fast as possible. It changes how
   * fast the run goes, never what it computes.
   */
  pace?: number;
  /** Keras-style L2 penalty (l2·Σw²) on the kernel of every dense layer that has no penalty of its own. */
  l2?: number;
  /** Stops the run when a metric stops improving (Keras EarlyStopping); absent: every epoch runs. */
  earlyStopping?: EarlyStoppingConfig;
  /**
   * How the learning rate changes while training; absent: `optimizer.learningRate` throughout. The
   * optimiser's `learningRate` is the schedule's base (see engine/train/lr-schedule.ts).
   */
  lrSchedule?: LrSchedule;
}

/**
 * The metrics an epoch reports, by their Keras log names (`val_` ones need validation rows; accuracy
 * is for classification, mae and r2 for regression).
 */
export const MONITORS = [
  'val_loss',
  'loss',
  'val_accuracy',
  'accuracy',
  'val_mae',
  'mae',
  'val_r2',
  'r2',
] as const;
export type MonitorName = (typeof MONITORS)[number];
/** Whether a lower (`min`) or higher (`max`) value is better; `auto` picks from the metric's name. */
export const MONITOR_MODES = ['auto', 'min', 'max'] as const;
export type MonitorMode = (typeof MONITOR_MODES)[number];

/**
 * Keras 3 `EarlyStopping` (keras/src/callbacks/early_stopping.py): after each epoch the monitored value
 * is compared with the best so far; `patience` epochs in a row without an improvement of more than
 * `minDelta` end the run. See engine/train/early-stopping.ts for the exact rule.
 */
export interface EarlyStoppingConfig {
  /** Default `val_loss` (Keras's default). */
  monitor?: MonitorName;
  /** Epochs without improvement before stopping (Keras `patience`). */
  patience: number;
  /** Smallest change that counts as an improvement (Keras `min_delta`, default 0). */
  minDelta?: number;
  /** Default `auto`: min for loss and mae, max for accuracy and r2. */
  mode?: MonitorMode;
  /**
   * At the end of the run, put back the weights of the epoch with the best value (Keras
   * `restore_best_weights`; Keras defaults to false, this app to true).
   */
  restoreBestWeights?: boolean;
  /** Epochs to train before the metric is watched at all (Keras `start_from_epoch`, default 0). */
  startFromEpoch?: number;
}

export const LR_SCHEDULES = ['step', 'exponential', 'cosine', 'plateau'] as const;
export type LrScheduleType = (typeof LR_SCHEDULES)[number];

/** Learning-rate schedules; `step` and `plateau` change it between epochs, the others every step. */
export type LrSchedule =
  | {
      /** base · factor^⌊e / dropEvery⌋ for the 0-based epoch e (a per-epoch step decay). */
      type: 'step';
      dropEvery: number;
      factor: number;
    }
  | {
      /** Keras ExponentialDecay: base · decayRate^(s / decaySteps) at step s (⌊s / decaySteps⌋ with staircase). */
      type: 'exponential';
      decaySteps: number;
      decayRate: number;
      staircase?: boolean;
    }
  | {
      /**
       * Keras 3 CosineDecay, with its linear warm-up over `warmupSteps` steps when those are above 0:
       * from the base to `warmupTarget` if that is given (Keras's form), else from 0 to the base.
       */
      type: 'cosine';
      decaySteps: number;
      alpha?: number;
      warmupSteps?: number;
      warmupTarget?: number;
    }
  | {
      /** Keras ReduceLROnPlateau, checked after each epoch. */
      type: 'plateau';
      monitor?: MonitorName;
      mode?: MonitorMode;
      /** Default 0.1, in (0, 1). */
      factor?: number;
      /** Default 10. */
      patience?: number;
      /** Default 1e-4. */
      minDelta?: number;
      /** Default 0. */
      cooldown?: number;
      /** Default 0. */
      minLr?: number;
    };

/**
 * The one table of training-setting limits: the engine's checks, the project file's schema, the CLI's
 * options and the app's fields all read it.
 */
export const TRAINING_LIMITS = {
  batchSize: 65536,
  epochs: 1_000_000,
  learningRate: 10,
  /** The largest fraction of rows held out for validation. */
  validationSplit: 0.9,
  seed: 0xffffffff,
  /** Early stopping's patience and start, a plateau's patience and cooldown, in epochs. */
  patience: 1_000_000,
  /** A schedule's decay or warm-up length, in steps (or epochs for step decay). */
  scheduleSteps: 1_000_000_000,
} as const;

/** The fastest pace one can ask for, in steps per second (faster is "as fast as possible"). */
export const MAX_PACE = 10_000;

/**
 * Each optimiser's learning rate when none is given: Keras 3's defaults (`SGD` 0.01, with or without
 * momentum; `RMSprop` and `Adam` 0.001). The CLI and the app both take a switched-to optimiser's rate
 * from here. Keras's Adam rate keeps a small table (a few hundred rows) from over-fitting within the
 * default epochs, where 0.01 did; docs/training.md has the measurements.
 */
export const DEFAULT_LEARNING_RATES: Readonly<Record<OptimizerName, number>> = {
  sgd: 0.01,
  momentum: 0.01,
  rmsprop: 0.001,
  adam: 0.001,
};

export const DEFAULT_TRAINING: TrainingConfig = {
  optimizer: { name: 'adam', learningRate: DEFAULT_LEARNING_RATES.adam },
  batchSize: 32,
  epochs: 100,
  validationSplit: 0.2,
  shuffle: true,
  seed: 1,
};
