/**
 * `sweep`: one network trained over a grid of one or two settings (learning rate, batch size, hidden
 * width, L2, dropout, seed), each run as `train` makes it, into a folder of weights files and a
 * summary.csv written as runs finish. Small runs go side by side in worker threads; large ones one
 * after another, each with the engine's second core for its largest products.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { prepareTable } from '../../data/prepare.ts';
import type { DataTable, PreparedData, Task } from '../../data/types.ts';
import { compileGraph } from '../../graph/compile.ts';
import { TRAINING_LIMITS } from '../../train/config.ts';
import type { TrainingConfig } from '../../train/config.ts';
import type { EpochMetrics } from '../../train/trainer.ts';
import { adaptTargets } from '../../train/run-setup.ts';
import { validateTrainingConfig } from '../../train/validate.ts';
import { intOption, parse } from '../args.ts';
import type { Io } from '../io-types.ts';
import { translator } from '../i18n.ts';
import type { Translate } from '../i18n.ts';
import { checkWritable, UsageError, writeAtomic } from '../io.ts';
import { describeEpoch } from '../progress.ts';
import { isLargeRun } from '../../sweep/plan.ts';
import { MAX_RUNS, parseGrid, runFileName, runGraph, runTraining, settingLabel } from '../sweep/grid.ts';
import type { GridPoint, Setting } from '../sweep/grid.ts';
import { RunError, startWorker } from '../sweep/pool.ts';
import type { SweepWorker } from '../sweep/pool.ts';
import type { RunJob, RunResult } from '../../sweep/run-one.ts';
import { DATA_OPTIONS, dataMapping, namingFiles, readData, skippedFiles } from './data-options.ts';
import { networkHelp, NETWORK_OPTIONS, resolveNetwork } from './network.ts';

/** `sweep --help`. */
export const sweepHelp = (t: Translate) => t('help.sweep', { network: networkHelp(t, false), max: MAX_RUNS });

const OPTIONS = {
  project: NETWORK_OPTIONS.project,
  layers: NETWORK_OPTIONS.layers,
  activation: NETWORK_OPTIONS.activation,
  ...DATA_OPTIONS,
  set: { type: 'string', multiple: true },
  epochs: { type: 'string' },
  jobs: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export { LARGE_RUN_MULTIPLY_ADDS } from '../../sweep/plan.ts';

/** The summary's file name in the sweep's folder. */
export const SUMMARY_FILE = 'summary.csv';

/** Exit code of a sweep stopped by SIGINT (128 + 2), as shells report it. */
const STOPPED_BY: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

interface PlannedRun {
  point: GridPoint;
  file: string;
  job: RunJob;
  large: boolean;
}

interface SummaryRow {
  point: GridPoint;
  file: string;
  result: RunResult;
}

const num = (v: number | undefined, digits = 6) =>
  v === undefined || !Number.isFinite(v) ? '' : String(Number(v.toPrecision(digits)));

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The metric a run is judged by: accuracy for classification, R² for regression (higher is better). */
const metricOf = (task: Task) => (task === 'classification' ? 'accuracy' : 'r2');

function metricValue(m: EpochMetrics, task: Task, validation: boolean): number | undefined {
  if (task === 'classification') return validation ? m.valAccuracy : m.accuracy;
  return validation ? m.valR2 : m.r2;
}

/** Columns and one row of cells per finished run, in run order. */
function summaryTable(settings: readonly Setting[], task: Task, rows: readonly SummaryRow[]) {
  const metric = metricOf(task);
  const header = [
    'run',
    ...settings.map(settingLabel),
    'status',
    'epochs',
    'loss',
    'val_loss',
    metric,
    `val_${metric}`,
    `best_val_${metric}`,
    'best_epoch',
    'weights_epoch',
    'seconds',
    'weights',
  ];
  const cells = [...rows]
    .sort((a, b) => a.point.index - b.point.index)
    .map(({ point, file, result }) => {
      const h = result.history;
      const last = h.at(-1);
      let best: EpochMetrics | undefined;
      for (const m of h) {
        const v = metricValue(m, task, true);
        if (
          v !== undefined &&
          Number.isFinite(v) &&
          (best === undefined || v > metricValue(best, task, true)!)
        )
          best = m;
      }
      return [
        String(point.index),
        ...point.values.map(String),
        result.failure === null ? 'ok' : 'failed',
        String(h.length),
        num(last?.loss),
        num(last?.valLoss),
        num(last && metricValue(last, task, false)),
        num(last && metricValue(last, task, true)),
        num(best && metricValue(best, task, true)),
        best ? String(best.epoch) : '',
        String(result.weightsEpoch),
        result.seconds.toFixed(3),
        file,
      ];
    });
  return { header, cells };
}

const toCsv = (t: { header: string[]; cells: string[][] }) =>
  [t.header, ...t.cells].map((r) => r.map(csvField).join(',')).join('\n') + '\n';

function toAligned(t: { header: string[]; cells: string[][] }): string {
  const widths = t.header.map((h, j) => Math.max(h.length, ...t.cells.map((r) => r[j]!.length)));
  return (
    [t.header, ...t.cells]
      .map((r) =>
        r
          .map((c, j) => c.padEnd(widths[j]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function toJson(t: { header: string[]; cells: string[][] }, stopped: boolean, total: number): string {
  const runs = t.cells.map((r) =>
    Object.fromEntries(
      t.header.map((h, j) => {
        const c = r[j]!;
        const text = h === 'status' || h === 'weights';
        return [h, text ? c : c === '' ? null : Number(c)];
      }),
    ),
  );
  return `${JSON.stringify({ runs, total, stopped })}\n`;
}

/** About how long: "40 s", "3 min 20 s". */
function duration(t: Translate, seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  return s < 60 ? t('sweep.seconds', { s }) : t('sweep.minutes', { m: Math.floor(s / 60), s: s % 60 });
}

/** Makes the folder (and its parents); refuses a file, or a folder that already holds a sweep's results. */
function prepareFolder(out: string): void {
  if (existsSync(out) && !statSync(out).isDirectory())
    throw new UsageError('sweep.outNotFolder', { path: out });
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new UsageError('io.cannotWrite', { path: out, code: (e as NodeJS.ErrnoException).code ?? 'error' });
  }
  const earlier = readdirSync(out).find((n) => n === SUMMARY_FILE || /^run-.*\.weights\.json$/.test(n));
  if (earlier !== undefined) throw new UsageError('sweep.outHasSweep', { path: out, file: earlier });
  checkWritable(join(out, SUMMARY_FILE));
}

export async function sweepCommand(argv: string[], io: Io): Promise<number> {
  const t = translator(io.lang);
  const { values: v } = parse('sweep', argv, OPTIONS);
  const out = v.out as string | undefined;
  if (!out) throw new UsageError('sweep.outRequired');
  const { settings, points } = parseGrid((v.set as unknown as string[] | undefined) ?? []);
  const epochs = intOption('epochs', v.epochs, 1, TRAINING_LIMITS.epochs);
  const jobsAsked = intOption('jobs', v.jobs, 1, 256);
  const net = resolveNetwork(v, false);
  const mapping = dataMapping(v, net);
  const base: TrainingConfig = { ...net.training, ...(epochs !== undefined ? { epochs } : {}) };
  prepareFolder(out);

  // Every run's data, network and settings are made and checked before the first one starts: one that
  // cannot run stops the sweep here, naming the file and the setting.
  const spec = (v.data as string | undefined) ?? net.dataSpec ?? '';
  const tables = new Map<number, { spec: string; table: DataTable }>();
  const prepared = new Map<string, PreparedData>();
  const planned: PlannedRun[] = points.map((point) => {
    const training = runTraining(base, settings, point);
    validateTrainingConfig(training);
    // A built-in dataset not fixed by the project is drawn from the run's seed, as `train` draws it.
    const dataKey = spec.startsWith('builtin:') ? (net.dataSeed ?? training.seed) : 0;
    let data = tables.get(dataKey);
    if (!data) tables.set(dataKey, (data = readData(v, net, training.seed, skippedFiles(io))));
    const prepKey = `${dataKey}:${training.seed}`;
    let prep = prepared.get(prepKey);
    if (!prep) {
      prep = namingFiles(net, data.spec, () =>
        prepareTable(data.table, {
          ...mapping,
          validationSplit: training.validationSplit,
          seed: training.seed,
          shuffle: training.shuffle,
        }),
      );
      prepared.set(prepKey, prep);
    }
    const p = prep;
    const graph = runGraph(net.graph(p.preprocessing), settings, point);
    const compiled = namingFiles(net, data.spec, () => {
      const { train } = adaptTargets(graph, p);
      return compileGraph(graph, { inputWidth: train.nIn, outputWidth: train.nOut });
    });
    const rows = Math.min(training.batchSize, p.train.n);
    return {
      point,
      file: runFileName(settings, point, points.length),
      large: isLargeRun(
        compiled.params.map((q) => q.kernel),
        rows,
      ),
      job: {
        index: point.index,
        table: data.table,
        mapping,
        graph,
        training,
        twoCores: false,
        lang: io.lang ?? 'en',
      },
    };
  });
  const twoCores = io.threads !== undefined && io.threads !== null;
  for (const r of planned) r.job.twoCores = r.large && twoCores;
  const small = planned.filter((r) => !r.large);
  const large = planned.filter((r) => r.large);
  const jobs = Math.max(1, Math.min(jobsAsked ?? availableParallelism(), small.length));
  const first = prepared.values().next().value!;
  const task = first.preprocessing.target.task;

  io.stderr.write(
    `${t('sweep.start', {
      runs: planned.length,
      settings: settings.map(settingLabel).join(' × '),
      rows: first.train.n,
      validation: first.validation.n,
      epochs: base.epochs,
      out,
    })}\n`,
  );
  if (small.length > 0) io.stderr.write(`${t('sweep.planSmall', { n: small.length, jobs })}\n`);
  if (large.length > 0)
    io.stderr.write(
      `${t('sweep.planLarge', { n: large.length, cores: { key: twoCores ? 'sweep.twoCores' : 'sweep.oneCore' } })}\n`,
    );

  const finished: SummaryRow[] = [];
  const summaryPath = join(out, SUMMARY_FILE);
  const started = performance.now();
  const workers = new Set<SweepWorker>();
  let stoppedBy: string | null = null;
  let fault: RunError | null = null;

  const onFinished = (run: PlannedRun, result: RunResult) => {
    // The weights file first, then the summary that names it: each is written whole (temporary file,
    // rename), so a sweep stopped at any moment leaves finished runs and a summary of exactly those.
    writeAtomic(join(out, run.file), result.weights);
    finished.push({ point: run.point, file: run.file, result });
    writeAtomic(summaryPath, toCsv(summaryTable(settings, task, finished)));
    const done = finished.length;
    const elapsed = (performance.now() - started) / 1000;
    const left = planned.length - done;
    const point = settings.map((s, i) => `${settingLabel(s)} ${run.point.values[i]}`).join(', ');
    const last = result.history.at(-1);
    const line =
      result.failure === null
        ? t('sweep.runDone', {
            done,
            total: planned.length,
            k: run.point.index,
            point,
            metrics: last ? describeEpoch(last, t) : '',
            seconds: result.seconds.toFixed(1),
          })
        : t('sweep.runFailed', {
            done,
            total: planned.length,
            k: run.point.index,
            point,
            problem: result.failure,
          });
    const eta = left > 0 ? t('sweep.eta', { time: duration(t, (elapsed / done) * left) }) : '';
    io.stderr.write(`${line}${eta}\n`);
  };

  /** Runs `queue` on `n` workers, each taking the next run when it is free. */
  const drain = async (queue: PlannedRun[], n: number) => {
    let next = 0;
    const lane = async () => {
      const w = startWorker();
      workers.add(w);
      try {
        while (stoppedBy === null && fault === null && next < queue.length) {
          const run = queue[next++]!;
          const result = await w.run(run.job);
          if (result === null || stoppedBy !== null) return;
          onFinished(run, result);
        }
      } catch (e) {
        if (!(e instanceof RunError)) throw e;
        fault ??= e;
        for (const other of workers) other.terminate();
      } finally {
        w.terminate();
        workers.delete(w);
      }
    };
    await Promise.all(Array.from({ length: Math.min(n, queue.length) }, lane));
  };

  const onSignal = (signal: NodeJS.Signals) => {
    stoppedBy ??= signal;
    for (const w of workers) w.terminate();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await drain(small, jobs);
    await drain(large, 1);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const w of workers) w.terminate();
  }
  if (fault) {
    const e: RunError = fault;
    if (e.bug) throw new Error(e.message);
    throw new UsageError('sweep.runError', { problem: e.message });
  }

  const table = summaryTable(settings, task, finished);
  if (finished.length === 0) writeAtomic(summaryPath, toCsv(table));
  if (stoppedBy !== null)
    io.stderr.write(
      `${t('sweep.stopped', { done: finished.length, total: planned.length, summary: summaryPath })}\n`,
    );
  else io.stderr.write(`${t('sweep.wrote', { n: finished.length, summary: summaryPath })}\n`);
  io.stdout.write(v.json ? toJson(table, stoppedBy !== null, planned.length) : toAligned(table));
  return stoppedBy !== null ? (STOPPED_BY[stoppedBy] ?? 130) : 0;
}
