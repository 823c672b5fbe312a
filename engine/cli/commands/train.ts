/** `train`: data + network (project, weights file to continue, or --layers) → trained weights file. */
import { EngineError } from '../../errors.ts';
import { exportWeights, serializeWeights } from '../../formats/weights-file.ts';
import { OPTIMIZERS } from '../../train/config.ts';
import type { TrainingConfig } from '../../train/config.ts';
import type { EpochMetrics } from '../../train/trainer.ts';
import { setupRun } from '../../train/setup.ts';
import { choice, intOption, numOption, parse } from '../args.ts';
import { readTable } from '../data-source.ts';
import type { Io } from '../io-types.ts';
import { translator } from '../i18n.ts';
import type { Translate } from '../i18n.ts';
import { UsageError, writeAtomic } from '../io.ts';
import { formatError } from '../../i18n.ts';
import { createProgress } from '../progress.ts';
import { networkHelp, NETWORK_OPTIONS, resolveNetwork, weightsMetadata } from './network.ts';

/** `train --help`. */
export const trainHelp = (t: Translate) => t('help.train', { network: networkHelp(t, true) });

const OPTIONS = {
  ...NETWORK_OPTIONS,
  data: { type: 'string' },
  target: { type: 'string' },
  task: { type: 'string' },
  missing: { type: 'string' },
  normalize: { type: 'string' },
  samples: { type: 'string' },
  noise: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  'validation-split': { type: 'string' },
  'no-shuffle': { type: 'boolean' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export function trainCommand(argv: string[], io: Io): number {
  const t = translator(io.lang);
  const { values: v } = parse('train', argv, OPTIONS);
  const out = v.out as string | undefined;
  if (!out) throw new UsageError('usage.trainOutRequired');
  const net = resolveNetwork(v);
  const base: TrainingConfig = net.training;
  const optimizerName = choice('optimizer', v.optimizer, OPTIMIZERS) ?? base.optimizer.name;
  const lrDefault =
    optimizerName === base.optimizer.name
      ? base.optimizer.learningRate
      : optimizerName === 'sgd' || optimizerName === 'momentum'
        ? 0.1
        : 0.01;
  const config: TrainingConfig = {
    optimizer: {
      ...(optimizerName === base.optimizer.name ? base.optimizer : {}),
      name: optimizerName,
      learningRate: numOption('lr', v.lr, 1e-12, 10) ?? lrDefault,
    },
    batchSize: intOption('batch-size', v['batch-size'], 1, 65536) ?? base.batchSize,
    epochs: intOption('epochs', v.epochs, 1, 1_000_000) ?? base.epochs,
    validationSplit: numOption('validation-split', v['validation-split'], 0, 0.9) ?? base.validationSplit,
    shuffle: v['no-shuffle'] ? false : base.shuffle,
    seed: intOption('seed', v.seed, 0, 0xffffffff) ?? base.seed,
  };
  const dataSpec = (v.data as string | undefined) ?? net.dataSpec;
  if (!dataSpec) throw new UsageError('usage.dataRequired');
  const fromProject = v.data === undefined;
  const table = readTable(dataSpec, {
    samples: intOption('samples', v.samples, 10, 1_000_000) ?? (fromProject ? net.dataSamples : undefined),
    noise: numOption('noise', v.noise, 0, 0.5) ?? (fromProject ? net.dataNoise : undefined),
    seed: net.dataSeed ?? config.seed,
  });

  const { trainer, graph, prepared, train, validation } = setupRun({
    table,
    mapping: {
      ...net.mapping,
      ...(v.target !== undefined ? { target: v.target as string } : {}),
      ...(v.task !== undefined
        ? { task: choice('task', v.task, ['classification', 'regression'] as const)! }
        : {}),
      ...(v.missing !== undefined
        ? { missing: choice('missing', v.missing, ['drop', 'impute'] as const)! }
        : {}),
      ...(v.normalize !== undefined
        ? { normalize: choice('normalize', v.normalize, ['standard', 'none'] as const)! }
        : {}),
    },
    graph: net.graph,
    training: config,
    init: net.init,
  });
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

  const file = exportWeights({
    graph,
    parameters: new Map(trainer.model.layers.map((l) => [l.nodeId, { kernel: l.kernel, bias: l.bias }])),
    preprocessing: prepared.preprocessing,
    metadata: weightsMetadata(trainer.history),
  });
  writeAtomic(out, serializeWeights(file));
  if (failure) {
    io.stderr.write(`${formatError(failure, io.lang ?? 'en')}\n${t('train.wroteLastGood', { out })}\n`);
    return 2;
  }
  io.stderr.write(`${t('train.wrote', { out })}\n`);
  if (v.json) {
    const samplesPerSecond = seconds > 0 ? (trainer.epoch * train.n) / seconds : null;
    const summary: Record<string, number | null> = {
      epochs: trainer.epoch,
      loss: last?.loss ?? null,
      val_loss: last?.valLoss ?? null,
    };
    if (target.task === 'classification') {
      summary.accuracy = last?.accuracy ?? null;
      summary.val_accuracy = last?.valAccuracy ?? null;
    } else {
      summary.mae = last?.mae ?? null;
      summary.val_mae = last?.valMae ?? null;
      summary.r2 = last?.r2 ?? null;
      summary.val_r2 = last?.valR2 ?? null;
    }
    summary.samples_per_second = samplesPerSecond === null ? null : Math.round(samplesPerSecond);
    summary.seconds = Number(seconds.toFixed(3));
    io.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  return 0;
}
