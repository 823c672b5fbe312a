/**
 * A training run: mini-batches in seeded order, one gradient evaluation (forward, loss, backward) and one
 * optimiser step per batch, metrics per epoch. Steppable one batch at a time so a host can yield between
 * batches. A non-finite loss, gradient or weight stops the run and the last good weights are kept.
 * Optionally the learning rate follows a schedule (lr-schedule.ts) and the run stops early when a
 * metric stops improving (early-stopping.ts), both as Keras 3 defines them.
 */
import type { Task } from '../data/types.ts';
import type { Dataset } from '../data/types.ts';
import { engineError, fail } from '../errors.ts';
import type { EngineErrorInfo } from '../errors.ts';
import { compileGraph } from '../graph/compile.ts';
import type { CompiledGraph } from '../graph/compile.ts';
import type { GraphSpec } from '../graph/types.ts';
import { createModel } from '../model/model.ts';
import type { DType, Model } from '../model/model.ts';
import type { KernelChoice } from '../kernels/kernel-sets.ts';
import type { ThreadOptions } from '../kernels/wasm/pool.ts';
import { predictAll } from '../model/infer.ts';
import { forward, loadRows, seedLoss } from '../model/run.ts';
import { trainingPass } from '../model/training-pass.ts';
import type { RunContext } from '../model/state.ts';
import { createOptimizer } from '../optimizers.ts';
import type { Optimizer } from '../optimizers.ts';
import { createRng, shuffle } from '../rng.ts';
import type { MonitorName, TrainingConfig } from './config.ts';
import {
  earlyStoppingDefaults,
  earlyStoppingStep,
  initialEarlyStopping,
  monitoredValue,
} from './early-stopping.ts';
import type { EarlyStoppingState } from './early-stopping.ts';
import { initialPlateau, plateauDefaults, plateauStep, scheduledLr } from './lr-schedule.ts';
import type { PlateauState } from './lr-schedule.ts';
import { accumulate, copyAccumulator, createAccumulator, resetAccumulator, summarize } from './metrics.ts';
import type { MetricAccumulator, MetricValues } from './metrics.ts';
import { validateTrainingConfig } from './validate.ts';

export interface EpochMetrics extends MetricValues {
  epoch: number;
  valLoss?: number;
  valAccuracy?: number;
  valMae?: number;
  valR2?: number;
  /** The learning rate of the epoch's last step. */
  lr?: number;
}

/** A learning rate set by hand while training: from step `step` + 1 on (`epoch` epochs were complete). */
export interface LrChange {
  step: number;
  epoch: number;
  lr: number;
}

export interface StepInfo {
  /** Steps taken so far, this one included. */
  step: number;
  /** Epoch this step belongs to (1-based). */
  epoch: number;
  loss: number;
  /** Rows in this batch. */
  rows: number;
  /** L2 norm of each dense layer's gradient (same order as `trainer.layerIds`); a reused buffer. */
  gradNorms: Float64Array;
  /** Set on the last step of an epoch. */
  epochMetrics: EpochMetrics | null;
}

export interface TrainerOptions {
  graph: GraphSpec;
  train: Dataset;
  validation?: Dataset | null;
  config: TrainingConfig;
  task: Task;
  /** Regression: standardisation of the target, for MAE in target units. */
  targetScale?: number;
  targetMean?: number;
  dtype?: DType;
  /** Matmul kernels (default `auto`). */
  kernels?: KernelChoice;
  /** A helper thread for large products (see ModelOptions.threads; default none). */
  threads?: ThreadOptions | null;
}

export type TrainerStatus = 'ready' | 'done' | 'failed';

export interface Trainer {
  readonly compiled: CompiledGraph;
  readonly model: Model;
  readonly optimizer: Optimizer;
  readonly config: TrainingConfig;
  readonly layerIds: string[];
  /** Completed epochs. */
  epoch: number;
  step: number;
  history: EpochMetrics[];
  status: TrainerStatus;
  error: EngineErrorInfo | null;
  /** Runs one mini-batch; throws if the run is done or failed. The record returned is reused by the next step. */
  trainBatch(): StepInfo;
  /** Runs batches up to the end of the current epoch. */
  runEpoch(): EpochMetrics;
  /** Runs the remaining epochs; `onEpoch` sees each epoch's metrics. */
  fit(onEpoch?: (m: EpochMetrics) => void): EpochMetrics[];
  evaluate(data: Dataset): MetricValues;
  /** Model outputs for n rows of x [n × nIn] (inference: dropout off). */
  predict(x: ArrayLike<number>, n: number): Float32Array;
  /** Everything needed to continue this run exactly: weights, optimiser state, position, generator. */
  snapshot(): TrainerSnapshot;
  /** Continues from a snapshot of a run with the same graph, data and settings. */
  restore(s: TrainerSnapshot): void;
  /** Ends the model's helper thread, if it has one (the trainer keeps working, on one thread). */
  dispose(): void;
  /**
   * The base learning rate: the optimiser's, or with a schedule the rate the schedule multiplies (for
   * `plateau`, the current rate).
   */
  readonly learningRate: number;
  /** Sets the base learning rate from the next step on, and records the change in `lrChanges`. */
  setLearningRate(lr: number): void;
  /** Learning rates set by hand while training, in order. */
  lrChanges: LrChange[];
  /** Early stopping's state (null without early stopping): best epoch and value, wait, stopped epoch. */
  readonly earlyStopping: Readonly<EarlyStoppingState> | null;
  /** The record of the best epoch so far under early stopping (null without one). */
  bestEpochMetrics(): EpochMetrics | null;
  /** Whether the weights are the best epoch's, put back at the end of the run (restoreBestWeights). */
  readonly restoredBest: boolean;
  /**
   * Takes a saved run's epochs (a reopened project, its weights already loaded): counts them and
   * replays early stopping's and the plateau's decisions over them, so the run continues (or is over)
   * as it would have. Only the last epoch's weights are at hand: they are kept as the best if it was
   * the best epoch.
   */
  resumeHistory(epochs: EpochMetrics[]): void;
}

export interface TrainerSnapshot {
  params: Float32Array | Float64Array;
  slots: (Float32Array | Float64Array)[];
  iterations: number;
  epoch: number;
  step: number;
  cursor: number;
  order: Uint32Array;
  rng: number[];
  history: EpochMetrics[];
  status: TrainerStatus;
  /** The epoch's running metrics so far. */
  running: MetricAccumulator;
  /** The base learning rate and the hand changes (absent in snapshots from before schedules). */
  baseLr?: number;
  lrChanges?: LrChange[];
  plateau?: PlateauState | null;
  /** Early stopping: its state, the best epoch's weights (if kept) and whether they were put back. */
  earlyStopping?: EarlyStoppingState | null;
  bestParams?: Float32Array | Float64Array | null;
  restoredBest?: boolean;
}

/** The metric names an epoch of this run reports, by their Keras log names. */
function reportedMetrics(task: Task, validation: boolean): MonitorName[] {
  const names: MonitorName[] = task === 'classification' ? ['loss', 'accuracy'] : ['loss', 'mae', 'r2'];
  return validation ? [...names, ...names.map((n) => `val_${n}` as MonitorName)] : names;
}

/** Compiles the graph against the data, allocates everything and initialises the weights from the seed. */
export function createTrainer(o: TrainerOptions): Trainer {
  validateTrainingConfig(o.config);
  const { train, config } = o;
  if (train.n === 0) fail('NO_DATA', 'run.noRows');
  const schedule = config.lrSchedule;
  const es = config.earlyStopping ? earlyStoppingDefaults(config.earlyStopping) : null;
  const plateauCfg = schedule?.type === 'plateau' ? plateauDefaults(schedule) : null;
  // A watched metric this run does not report is refused before anything is allocated.
  const reported = reportedMetrics(o.task, (o.validation?.n ?? 0) > 0);
  for (const m of [es?.monitor, plateauCfg?.monitor])
    if (m !== undefined && !reported.includes(m))
      fail('BAD_HYPERPARAMETER', 'train.monitorAbsent', { monitor: m, names: reported });
  const compiled = compileGraph(o.graph, { inputWidth: train.nIn, outputWidth: train.nOut });
  const rng = createRng(config.seed);
  const maxBatch = Math.min(config.batchSize, Math.max(train.n, o.validation?.n ?? 0));
  const model = createModel(compiled, {
    maxBatch,
    rng,
    dtype: o.dtype ?? 'float32',
    kernels: o.kernels ?? 'auto',
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
  });
  const optimizer = createOptimizer(config.optimizer, model.params.length, model.params, model.vectors);
  const K = train.nOut;
  const yBatch = new Float32Array(maxBatch * K);
  const order = new Uint32Array(train.n);
  for (let i = 0; i < train.n; i++) order[i] = i;
  const pass = trainingPass(model);
  // The weights before a step, for optimisers that cannot check their update before writing it.
  let backup: typeof model.params | null = null;
  const sums = new Float64Array(model.layers.length);
  const gradNorms = new Float64Array(model.layers.length);
  const acc = createAccumulator(o.task, K);
  const valAcc = createAccumulator(o.task, K);
  const ctx: RunContext = { B: 0, training: true, rng };
  const scale = o.targetScale ?? 1;
  const mean = o.targetMean ?? 0;
  let cursor = 0;
  const info: StepInfo = { step: 0, epoch: 0, loss: 0, rows: 0, gradNorms, epochMetrics: null };
  let baseLr = config.optimizer.learningRate;
  let plateau: PlateauState | null = plateauCfg ? initialPlateau(baseLr) : null;
  let early: EarlyStoppingState | null = es ? initialEarlyStopping() : null;
  let bestParams: typeof model.params | null = null;
  let restoredBest = false;

  /** The learning rate of the next step (the base without a schedule). */
  function currentLr(): number {
    if (!schedule) return baseLr;
    if (schedule.type === 'plateau') return plateau!.lr;
    return scheduledLr(schedule, baseLr, t.step, t.epoch);
  }

  /** After an epoch: the plateau's and early stopping's decisions; the best weights back at the end. */
  function afterEpoch(m: EpochMetrics): void {
    if (plateauCfg && plateau) plateauStep(plateauCfg, plateau, monitoredValue(m, plateauCfg.monitor));
    if (es && early) {
      const d = earlyStoppingStep(es, early, m.epoch, monitoredValue(m, es.monitor));
      if (d.improved && es.restoreBestWeights) (bestParams ??= model.params.slice()).set(model.params);
      if (d.stop) t.status = 'done';
    }
    if (t.epoch >= config.epochs) t.status = 'done';
    // Keras 3 puts the best weights back when training ends, whether or not it stopped early.
    if (t.status === 'done' && es?.restoreBestWeights && bestParams) {
      model.params.set(bestParams);
      restoredBest = true;
    }
  }

  function loadTargets(y: Float32Array, index: Uint32Array | null, start: number, B: number): void {
    for (let r = 0; r < B; r++) {
      const row = index ? index[start + r]! : start + r;
      for (let j = 0; j < K; j++) yBatch[r * K + j] = y[row * K + j]!;
    }
  }

  /** Where the step being taken is, for messages (built only when one is needed). */
  /** Ends the run; `restore` puts back the weights from before this step's update. */
  function stop(key: string, params: Record<string, string | number>, restore = false): never {
    t.status = 'failed';
    if (restore && backup) model.params.set(backup);
    const err = engineError('NON_FINITE', key, { epoch: t.epoch + 1, step: t.step + 1, ...params });
    t.error = err.toInfo();
    throw err;
  }

  function evaluateInto(m: MetricAccumulator, data: Dataset): MetricValues {
    resetAccumulator(m);
    ctx.training = false;
    for (let start = 0; start < data.n; start += maxBatch) {
      const B = Math.min(maxBatch, data.n - start);
      ctx.B = B;
      loadRows(model, data.x, null, start, B);
      loadTargets(data.y, null, start, B);
      const p = forward(model, ctx);
      const loss = seedLoss(model, yBatch, B, false);
      accumulate(m, p, yBatch, B, loss, scale, mean);
    }
    ctx.training = true;
    return summarize(m);
  }

  const t: Trainer = {
    compiled,
    model,
    optimizer,
    config,
    layerIds: model.layers.map((l) => l.nodeId),
    epoch: 0,
    step: 0,
    history: [],
    status: 'ready',
    error: null,
    trainBatch(): StepInfo {
      if (t.status !== 'ready') fail('BAD_HYPERPARAMETER', 'run.notReady', { status: t.status });
      if (cursor === 0) {
        if (config.shuffle) shuffle(rng, order);
        resetAccumulator(acc);
      }
      if (schedule) optimizer.setLearningRate(currentLr());
      const B = Math.min(maxBatch, train.n - cursor);
      ctx.B = B;
      ctx.training = true;
      loadRows(model, train.x, order, cursor, B);
      loadTargets(train.y, order, cursor, B);
      const loss = pass.run(yBatch, ctx, sums);
      if (!Number.isFinite(loss)) stop('run.lossNotFinite', { loss: String(loss) });
      for (let i = 0; i < sums.length; i++) {
        const s = sums[i]!;
        gradNorms[i] = Math.sqrt(s);
        if (!Number.isFinite(s)) stop('run.gradientNotFinite', { nodeId: model.layers[i]!.nodeId });
      }
      accumulate(acc, model.output.out, yBatch, B, loss, scale, mean);
      const applied = optimizer.stepIfFinite(model.params, model.grads);
      if (applied === false) stop('run.weightNotFinite', {});
      if (applied === null) {
        backup ??= model.params.slice();
        backup.set(model.params);
        optimizer.step(model.params, model.grads);
        if (!model.vectors.allFinite(model.params)) stop('run.weightNotFinite', {}, true);
      }
      t.step++;
      cursor += B;
      let epochMetrics: EpochMetrics | null = null;
      if (cursor >= train.n) {
        cursor = 0;
        t.epoch++;
        epochMetrics = { epoch: t.epoch, ...summarize(acc) };
        if (o.validation && o.validation.n > 0) {
          const v = evaluateInto(valAcc, o.validation);
          epochMetrics.valLoss = v.loss;
          if (v.accuracy !== undefined) epochMetrics.valAccuracy = v.accuracy;
          if (v.mae !== undefined) epochMetrics.valMae = v.mae;
          if (v.r2 !== undefined) epochMetrics.valR2 = v.r2;
        }
        epochMetrics.lr = optimizer.config.learningRate;
        t.history.push(epochMetrics);
        afterEpoch(epochMetrics);
      }
      info.step = t.step;
      info.epoch = epochMetrics ? t.epoch : t.epoch + 1;
      info.loss = loss;
      info.rows = B;
      info.epochMetrics = epochMetrics;
      return info;
    },
    runEpoch(): EpochMetrics {
      for (;;) {
        const s = t.trainBatch();
        if (s.epochMetrics) return s.epochMetrics;
      }
    },
    fit(onEpoch) {
      while (t.status === 'ready') {
        const m = t.runEpoch();
        onEpoch?.(m);
      }
      return t.history;
    },
    evaluate(data) {
      return evaluateInto(createAccumulator(o.task, K), data);
    },
    predict(x, n) {
      return predictAll(model, x, n);
    },
    snapshot() {
      return {
        params: model.params.slice(),
        slots: optimizer.slots.map((a) => a.slice()),
        iterations: optimizer.iterations,
        epoch: t.epoch,
        step: t.step,
        cursor,
        order: order.slice(),
        rng: rng.state(),
        history: t.history.map((h) => ({ ...h })),
        status: t.status === 'failed' ? 'ready' : t.status,
        running: copyAccumulator(acc),
        baseLr,
        lrChanges: t.lrChanges.map((c) => ({ ...c })),
        plateau: plateau ? { ...plateau } : null,
        earlyStopping: early ? { ...early } : null,
        bestParams: bestParams ? bestParams.slice() : null,
        restoredBest,
      };
    },
    restore(snap) {
      const same = (a: { length: number }, b: { length: number }, part: string) => {
        if (a.length !== b.length)
          fail('BAD_HYPERPARAMETER', 'run.checkpointMismatch', { what: { key: part } });
      };
      same(snap.params, model.params, 'run.checkpointPart.weights');
      same(snap.order, order, 'run.checkpointPart.rows');
      same(snap.slots, optimizer.slots, 'run.checkpointPart.optimizer');
      snap.slots.forEach((s, i) => same(s, optimizer.slots[i]!, 'run.checkpointPart.optimizer'));
      model.params.set(snap.params);
      snap.slots.forEach((s, i) => optimizer.slots[i]!.set(s));
      optimizer.iterations = snap.iterations;
      t.epoch = snap.epoch;
      t.step = snap.step;
      cursor = snap.cursor;
      order.set(snap.order);
      rng.setState(snap.rng);
      t.history = snap.history.map((h) => ({ ...h }));
      t.status = snap.status;
      t.error = null;
      Object.assign(acc, copyAccumulator(snap.running));
      if (snap.bestParams) same(snap.bestParams, model.params, 'run.checkpointPart.weights');
      baseLr = snap.baseLr ?? config.optimizer.learningRate;
      t.lrChanges = (snap.lrChanges ?? []).map((c) => ({ ...c }));
      plateau = plateauCfg ? (snap.plateau ? { ...snap.plateau } : initialPlateau(baseLr)) : null;
      early = es ? (snap.earlyStopping ? { ...snap.earlyStopping } : initialEarlyStopping()) : null;
      bestParams = snap.bestParams && es?.restoreBestWeights ? snap.bestParams.slice() : null;
      restoredBest = snap.restoredBest ?? false;
      if (snap.baseLr !== undefined || schedule) optimizer.setLearningRate(currentLr());
    },
    dispose() {
      model.dispose();
    },
    get learningRate() {
      return baseLr;
    },
    setLearningRate(lr) {
      baseLr = lr;
      if (plateau) plateau.lr = lr;
      t.lrChanges.push({ step: t.step, epoch: t.epoch, lr });
      optimizer.setLearningRate(currentLr());
    },
    lrChanges: [],
    get earlyStopping() {
      return early;
    },
    bestEpochMetrics() {
      return early && early.bestEpoch > 0 ? (t.history[early.bestEpoch - 1] ?? null) : null;
    },
    get restoredBest() {
      return restoredBest;
    },
    resumeHistory(epochs) {
      t.history = epochs.map((e) => ({ ...e }));
      t.epoch = epochs.length;
      if (plateauCfg) {
        plateau = initialPlateau(baseLr);
        for (const m of epochs) plateauStep(plateauCfg, plateau, monitoredValue(m, plateauCfg.monitor));
        optimizer.setLearningRate(currentLr());
      }
      if (es) {
        early = initialEarlyStopping();
        for (const m of epochs)
          if (earlyStoppingStep(es, early, m.epoch, monitoredValue(m, es.monitor)).stop) break;
        bestParams = es.restoreBestWeights && early.bestEpoch === t.epoch ? model.params.slice() : null;
        if (early.stoppedEpoch) t.status = 'done';
      }
      if (t.epoch >= config.epochs) t.status = 'done';
      // A saved run that was over had its best weights put back before it was saved.
      restoredBest = t.status === 'done' && !!es?.restoreBestWeights && (early?.bestEpoch ?? 0) > 0;
    },
  };
  return t;
}
