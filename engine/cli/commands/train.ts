/** `train`: data + network (project, weights file to continue, or --layers) → trained weights file. */
import { EngineError } from '../../errors.ts';
import { basename, dirname, join } from 'node:path';
import { EXPORT_FORMAT_IDS, exportStem } from '../../formats/exports.ts';
import type { ExportFormatId } from '../../formats/exports.ts';
import { loadWeights, serializeWeights } from '../../formats/weights-file.ts';
import type { WeightsFile } from '../../formats/weights-file.ts';
import { DEFAULT_LEARNING_RATES, MONITORS, OPTIMIZERS, TRAINING_LIMITS } from '../../train/config.ts';
import type { EarlyStoppingConfig, LrSchedule, TrainingConfig } from '../../train/config.ts';
import { validateTrainingConfig } from '../../train/validate.ts';
import type { EpochMetrics } from '../../train/trainer.ts';
import { setupRun } from '../../train/run-setup.ts';
import { choice, intOption, numOption, parse } from '../args.ts';
import type { Io } from '../io-types.ts';
import { translator } from '../i18n.ts';
import type { Translate } from '../i18n.ts';
import { checkWritable, UsageError, writeAtomic } from '../io.ts';
import {
  checkDestination,
  exportDestination,
  exportFiles,
  exportFormatOption,
  writeExport,
} from '../export-files.ts';
import type { ExportDestination } from '../export-files.ts';
import { formatError } from '../../i18n.ts';
import { createProgress } from '../progress.ts';
import { networkHelp, NETWORK_OPTIONS, resolveNetwork, trainedWeightsFile } from './network.ts';
import { DATA_OPTIONS, dataMapping, namingFiles, readData, skippedFiles } from './data-options.ts';

/** An epoch's metrics by their Keras log names, as the --json summary gives them (null: none). */
function jsonMetrics(
  m: EpochMetrics | undefined,
  task: 'classification' | 'regression',
): Record<string, number | null> {
  const out: Record<string, number | null> = { loss: m?.loss ?? null, val_loss: m?.valLoss ?? null };
  if (task === 'classification') {
    out.accuracy = m?.accuracy ?? null;
    out.val_accuracy = m?.valAccuracy ?? null;
  } else {
    out.mae = m?.mae ?? null;
    out.val_mae = m?.valMae ?? null;
    out.r2 = m?.r2 ?? null;
    out.val_r2 = m?.valR2 ?? null;
  }
  return out;
}

/** `train --help`. */
export const trainHelp = (t: Translate) =>
  t('help.train', { network: networkHelp(t, true), formats: EXPORT_FORMAT_IDS.join(' | ') });

const OPTIONS = {
  ...NETWORK_OPTIONS,
  ...DATA_OPTIONS,
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  'validation-split': { type: 'string' },
  'no-shuffle': { type: 'boolean' },
  'early-stopping': { type: 'string' },
  monitor: { type: 'string' },
  'min-delta': { type: 'string' },
  'no-restore-best': { type: 'boolean' },
  'lr-schedule': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  export: { type: 'string' },
  'export-out': { type: 'string' },
} as const;

/** The folder an export goes to when --export-out is not given: `<W>-<format>` beside W.json. */
export const defaultExportOut = (out: string, format: ExportFormatId) =>
  join(dirname(out), `${exportStem(basename(out))}-${format}`);

/** A number in an --lr-schedule part (range checks are the engine's, naming the setting). */
function schedulePart(part: string | undefined, spec: string, whole = false): number {
  const ok = part !== undefined && (whole ? /^\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/).test(part);
  if (!ok) throw new UsageError('args.lrSchedule', { value: spec });
  return Number(part);
}

/**
 * `--lr-schedule`: step:EVERY:FACTOR | exponential:STEPS:RATE[:staircase] | cosine:STEPS[:ALPHA[:WARMUP]]
 * | plateau[:PATIENCE[:FACTOR]] | none (null: no schedule, even if the project has one).
 */
export function lrScheduleOption(
  v: unknown,
  monitor?: EarlyStoppingConfig['monitor'],
): LrSchedule | null | undefined {
  if (v === undefined) return undefined;
  const spec = String(v).trim();
  const [type, ...p] = spec.split(':');
  const bad = () => new UsageError('args.lrSchedule', { value: spec });
  switch (type) {
    case 'none':
      if (p.length) throw bad();
      return null;
    case 'step':
      if (p.length !== 2) throw bad();
      return { type, dropEvery: schedulePart(p[0], spec, true), factor: schedulePart(p[1], spec) };
    case 'exponential':
      if (p.length < 2 || p.length > 3 || (p.length === 3 && p[2] !== 'staircase')) throw bad();
      return {
        type,
        decaySteps: schedulePart(p[0], spec, true),
        decayRate: schedulePart(p[1], spec),
        ...(p.length === 3 ? { staircase: true } : {}),
      };
    case 'cosine':
      if (p.length < 1 || p.length > 3) throw bad();
      return {
        type,
        decaySteps: schedulePart(p[0], spec, true),
        ...(p.length > 1 ? { alpha: schedulePart(p[1], spec) } : {}),
        ...(p.length > 2 ? { warmupSteps: schedulePart(p[2], spec, true) } : {}),
      };
    case 'plateau':
      if (p.length > 2) throw bad();
      return {
        type,
        ...(monitor ? { monitor } : {}),
        ...(p.length > 0 ? { patience: schedulePart(p[0], spec, true) } : {}),
        ...(p.length > 1 ? { factor: schedulePart(p[1], spec) } : {}),
      };
    default:
      throw bad();
  }
}

/**
 * Early stopping from --early-stopping (patience, or `none`), --monitor, --min-delta and
 * --no-restore-best over the project's own (null: none).
 */
function earlyStoppingOption(
  v: Record<string, string | boolean | undefined>,
  base: EarlyStoppingConfig | undefined,
): EarlyStoppingConfig | null {
  const given = v['early-stopping'];
  if (given === 'none') {
    if (v['min-delta'] !== undefined || v['no-restore-best'])
      throw new UsageError('usage.needsEarlyStopping', {
        name: v['no-restore-best'] ? 'no-restore-best' : 'min-delta',
      });
    return null;
  }
  const patience = intOption('early-stopping', given, 0, TRAINING_LIMITS.patience);
  const from = patience !== undefined ? { ...base, patience } : base;
  if (!from) {
    for (const name of ['min-delta', 'no-restore-best'] as const)
      if (v[name] !== undefined) throw new UsageError('usage.needsEarlyStopping', { name });
    return null;
  }
  const monitor = choice('monitor', v.monitor, MONITORS);
  const minDelta = numOption('min-delta', v['min-delta'], 0, Number.MAX_VALUE);
  return {
    ...from,
    ...(monitor ? { monitor } : {}),
    ...(minDelta !== undefined ? { minDelta } : {}),
    ...(v['no-restore-best'] ? { restoreBestWeights: false } : {}),
  };
}

export function trainCommand(argv: string[], io: Io): number {
  const t = translator(io.lang);
  const { values: v } = parse('train', argv, OPTIONS);
  const out = v.out as string | undefined;
  if (!out) throw new UsageError('usage.trainOutRequired');
  // Where the weights go is checked before anything is read or trained.
  checkWritable(out);
  const exportFormat = v.export === undefined ? undefined : exportFormatOption('export', v.export);
  const exportOut = v['export-out'] as string | undefined;
  if (exportOut !== undefined && exportFormat === undefined)
    throw new UsageError('usage.exportOutNeedsExport');
  const net = resolveNetwork(v);
  const base: TrainingConfig = net.training;
  const optimizerName = choice('optimizer', v.optimizer, OPTIMIZERS) ?? base.optimizer.name;
  const lrDefault =
    optimizerName === base.optimizer.name
      ? base.optimizer.learningRate
      : DEFAULT_LEARNING_RATES[optimizerName];
  const config: TrainingConfig = {
    optimizer: {
      ...(optimizerName === base.optimizer.name ? base.optimizer : {}),
      name: optimizerName,
      learningRate: numOption('lr', v.lr, 1e-12, TRAINING_LIMITS.learningRate) ?? lrDefault,
    },
    batchSize: intOption('batch-size', v['batch-size'], 1, TRAINING_LIMITS.batchSize) ?? base.batchSize,
    epochs: intOption('epochs', v.epochs, 1, TRAINING_LIMITS.epochs) ?? base.epochs,
    validationSplit:
      numOption('validation-split', v['validation-split'], 0, TRAINING_LIMITS.validationSplit) ??
      base.validationSplit,
    shuffle: v['no-shuffle'] ? false : base.shuffle,
    seed: intOption('seed', v.seed, 0, TRAINING_LIMITS.seed) ?? base.seed,
  };
  // Early stopping and the schedule: the project's, changed or replaced by the options.
  const baseSchedule = base.lrSchedule;
  const earlyStopping = earlyStoppingOption(v, base.earlyStopping);
  const monitor = choice('monitor', v.monitor, MONITORS);
  const schedule = lrScheduleOption(v['lr-schedule'], monitor);
  const lrSchedule =
    schedule === undefined
      ? baseSchedule && baseSchedule.type === 'plateau' && monitor
        ? { ...baseSchedule, monitor }
        : baseSchedule
      : schedule;
  if (monitor && !earlyStopping && lrSchedule?.type !== 'plateau')
    throw new UsageError('usage.monitorUnused');
  if (earlyStopping) config.earlyStopping = earlyStopping;
  if (lrSchedule) config.lrSchedule = lrSchedule;
  // Every setting is checked before anything is read or trained.
  validateTrainingConfig(config);
  const data = readData(v, net, config.seed, skippedFiles(io));
  const mapping = dataMapping(v, net);
  // The graph is compiled here, before training: a network no weights file can hold is refused now.
  const { trainer, graph, prepared, train, validation } = namingFiles(net, data.spec, () =>
    setupRun({
      table: data.table,
      mapping,
      graph: net.graph,
      training: config,
      init: net.init,
      threads: io.threads ?? null,
    }),
  );
  const weightsFile = (): WeightsFile => trainedWeightsFile(trainer, graph, prepared.preprocessing);
  // The export is made once from the initial weights, so that a network the format cannot express
  // or a destination that cannot be written is refused before training.
  const exportPlan = (
    file: WeightsFile,
  ): { files: ReturnType<typeof exportFiles>; dest: ExportDestination } => {
    const format = exportFormat!;
    const files = exportFiles(
      format,
      loadWeights(serializeWeights(file)),
      {
        stem: exportStem(basename(out)),
        training: config,
      },
      net.file,
    );
    return { files, dest: exportDestination(format, files, exportOut ?? defaultExportOut(out, format)) };
  };
  const readFiles = [out, ...(net.file ? [net.file] : []), ...(typeof v.data === 'string' ? [v.data] : [])];
  if (exportFormat) checkDestination(exportPlan(weightsFile()).dest, readFiles, false);
  const target = prepared.preprocessing.target;
  const counts = {
    rows: train.n,
    validation: validation.n,
    inputs: train.nIn,
    params: trainer.compiled.paramCount,
    epochs: config.epochs,
  };
  io.stderr.write(`${t('train.start', counts)}\n`);
  const progress = createProgress(io.stderr, io.isTTY, io.columns, t);
  const started = performance.now();
  let failure: EngineError | null = null;
  try {
    trainer.fit((m) => progress.epoch(m, config.epochs));
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    failure = e;
  }
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  trainer.dispose();
  const last: EpochMetrics | undefined = trainer.history.at(-1);

  const file = weightsFile();
  writeAtomic(out, serializeWeights(file));
  const exported = () => {
    if (!exportFormat) return '';
    const { files, dest } = exportPlan(file);
    const written = writeExport(dest, files, readFiles);
    return `${t('train.exported', { format: exportFormat, files: written.join(', ') })}\n`;
  };
  if (failure) {
    io.stderr.write(`${formatError(failure, io.lang ?? 'en')}\n${t('train.wroteLastGood', { out })}\n`);
    io.stderr.write(exported());
    return 2;
  }
  const es = trainer.earlyStopping;
  const best = trainer.bestEpochMetrics();
  const watched = config.earlyStopping?.monitor ?? 'val_loss';
  if (es?.stoppedEpoch)
    io.stderr.write(
      `${t('train.stoppedEarly', { epoch: es.stoppedEpoch, monitor: watched, patience: config.earlyStopping!.patience })}\n`,
    );
  if (best && trainer.restoredBest)
    io.stderr.write(
      `${t('train.bestRestored', { epoch: best.epoch, monitor: watched, value: String(Number(es!.best!.toPrecision(6))) })}\n`,
    );
  io.stderr.write(`${t('train.wrote', { out })}\n`);
  io.stderr.write(exported());
  if (v.json) {
    const samplesPerSecond = seconds > 0 ? (trainer.epoch * train.n) / seconds : null;
    const summary: Record<string, number | boolean | null | Record<string, number | null>> = {
      epochs: trainer.epoch,
      ...jsonMetrics(last, target.task),
    };
    // The learning rate of the last step; early stopping's best epoch (its metrics) and where it stopped.
    summary.lr = last?.lr ?? null;
    summary.best_epoch = best?.epoch ?? null;
    summary.best = best ? jsonMetrics(best, target.task) : null;
    summary.stopped_early = es?.stoppedEpoch ? es.stoppedEpoch : null;
    summary.restored_best = trainer.restoredBest;
    summary.samples_per_second = samplesPerSecond === null ? null : Math.round(samplesPerSecond);
    summary.seconds = Number(seconds.toFixed(3));
    io.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  return 0;
}
