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
}

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
} as const;

/** The fastest pace one can ask for, in steps per second (faster is "as fast as possible"). */
export const MAX_PACE = 10_000;

export const DEFAULT_TRAINING: TrainingConfig = {
  optimizer: { name: 'adam', learningRate: 0.01 },
  batchSize: 32,
  epochs: 100,
  validationSplit: 0.2,
  shuffle: true,
  seed: 1,
};
