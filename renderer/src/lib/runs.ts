/**
 * What the runs table says about a training run: its per-epoch history as columns, its final and best
 * metrics, and a short text of what changed against another run (settings, data and network).
 */
import type { RunHistory, RunMetrics, RunRecord } from '../../../engine/api.ts';
import type { GraphNode } from '../../../engine/graph/types.ts';
import type { MonitorName, TrainingConfig } from '../../../engine/train/config.ts';
import { DEFAULT_MONITORS, MONITOR_FIELD } from '../../../engine/train/early-stopping.ts';
import type { EpochMetrics } from '../../../engine/train/trainer.ts';
import { t } from './i18n.svelte.ts';

export type Column = Exclude<keyof RunHistory, 'epoch'>;
const COLUMNS: readonly Column[] = [
  'loss',
  'valLoss',
  'accuracy',
  'valAccuracy',
  'mae',
  'valMae',
  'r2',
  'valR2',
  'lr',
];
/** The history column of each metric early stopping can monitor. */
export const MONITOR_COLUMN: Readonly<Record<MonitorName, Column>> = MONITOR_FIELD;

const finiteOrNull = (v: number | undefined): number | null =>
  v !== undefined && Number.isFinite(v) ? v : null;

/** Epoch records as columns (a series only when some epoch has it; not finite: null). */
export function historyColumns(epochs: readonly EpochMetrics[]): RunHistory {
  const h: RunHistory = { epoch: epochs.map((e) => e.epoch), loss: [] };
  for (const key of COLUMNS)
    if (key === 'loss' || epochs.some((e) => e[key] !== undefined))
      h[key] = epochs.map((e) => finiteOrNull(e[key]));
  return h;
}

/** The metrics of the last epoch kept. */
export function finalMetrics(h: RunHistory): RunMetrics | undefined {
  const i = h.epoch.length - 1;
  if (i < 0) return undefined;
  const m: RunMetrics = { epoch: h.epoch[i]! };
  for (const key of COLUMNS) if (key !== 'lr' && h[key]) m[key] = h[key][i] ?? null;
  return m;
}

const lowerIsBetter = (m: MonitorName) => m.endsWith('loss') || m.endsWith('mae');

/**
 * The best value of the metric the run is judged by, and its epoch: early stopping's monitor (and
 * mode) when the run had early stopping, else the first validation metric it has.
 */
export function bestMetric(
  h: RunHistory,
  training: TrainingConfig,
): { metric: MonitorName; value: number; epoch: number } | undefined {
  const es = training.earlyStopping;
  const has = (m: MonitorName) => (h[MONITOR_COLUMN[m]] ?? []).some((v) => v !== null);
  const metric = es ? (es.monitor ?? 'val_loss') : DEFAULT_MONITORS.find(has);
  if (!metric || !has(metric)) return undefined;
  const min = es?.mode === 'min' || (es?.mode !== 'max' && lowerIsBetter(metric));
  const s = h[MONITOR_COLUMN[metric]]!;
  let best: { metric: MonitorName; value: number; epoch: number } | undefined;
  s.forEach((v, i) => {
    if (v === null) return;
    if (!best || (min ? v < best.value : v > best.value)) best = { metric, value: v, epoch: h.epoch[i]! };
  });
  return best;
}

/** A metric's name as the table shows it. */
export function metricLabel(m: MonitorName): string {
  switch (m) {
    case 'loss':
      return t('runs.metric.loss');
    case 'val_loss':
      return t('runs.metric.valLoss');
    case 'accuracy':
      return t('runs.metric.accuracy');
    case 'val_accuracy':
      return t('runs.metric.valAccuracy');
    case 'mae':
      return t('runs.metric.mae');
    case 'val_mae':
      return t('runs.metric.valMae');
    case 'r2':
      return t('runs.metric.r2');
    case 'val_r2':
      return t('runs.metric.valR2');
  }
}

const num = (v: number | undefined | null) => (v === undefined || v === null ? '–' : String(v));
const change = (from: unknown, to: unknown) => ({ from: String(from ?? '–'), to: String(to ?? '–') });

/** Short texts of what differs in the training settings, from `a` to `b`. */
function trainingDiff(a: TrainingConfig, b: TrainingConfig): string[] {
  const out: string[] = [];
  if (a.optimizer.name !== b.optimizer.name)
    out.push(t('runs.diff.optimizer', change(a.optimizer.name, b.optimizer.name)));
  if (a.optimizer.learningRate !== b.optimizer.learningRate)
    out.push(t('runs.diff.lr', change(a.optimizer.learningRate, b.optimizer.learningRate)));
  if (a.batchSize !== b.batchSize) out.push(t('runs.diff.batch', change(a.batchSize, b.batchSize)));
  if (a.epochs !== b.epochs) out.push(t('runs.diff.epochs', change(a.epochs, b.epochs)));
  if (a.validationSplit !== b.validationSplit)
    out.push(t('runs.diff.validation', change(a.validationSplit, b.validationSplit)));
  if (a.seed !== b.seed) out.push(t('runs.diff.seed', change(a.seed, b.seed)));
  if ((a.l2 ?? 0) !== (b.l2 ?? 0)) out.push(t('runs.diff.l2', change(num(a.l2 ?? 0), num(b.l2 ?? 0))));
  if (a.shuffle !== b.shuffle) out.push(t('runs.diff.shuffle', change(a.shuffle, b.shuffle)));
  const extra = (c: TrainingConfig) => c as { earlyStopping?: unknown; lrSchedule?: { type: string } };
  const esA = JSON.stringify(extra(a).earlyStopping ?? null);
  const esB = JSON.stringify(extra(b).earlyStopping ?? null);
  if (esA !== esB)
    out.push(
      extra(b).earlyStopping === undefined
        ? t('runs.diff.earlyStoppingOff')
        : extra(a).earlyStopping === undefined
          ? t('runs.diff.earlyStoppingOn')
          : t('runs.diff.earlyStopping'),
    );
  const sa = extra(a).lrSchedule;
  const sb = extra(b).lrSchedule;
  if (JSON.stringify(sa ?? null) !== JSON.stringify(sb ?? null))
    out.push(
      t(
        'runs.diff.schedule',
        change(sa?.type ?? t('runs.diff.constant'), sb?.type ?? t('runs.diff.constant')),
      ),
    );
  return out;
}

/** Short texts of what differs in the network, node by node (by id). */
function graphDiff(a: readonly GraphNode[], b: readonly GraphNode[]): string[] {
  const out: string[] = [];
  const before = new Map(a.map((n) => [n.id, n]));
  const after = new Map(b.map((n) => [n.id, n]));
  for (const n of b) {
    const o = before.get(n.id);
    if (!o) {
      out.push(t('runs.diff.added', { id: n.id }));
      continue;
    }
    if (o.type !== n.type) {
      out.push(t('runs.diff.changed', { id: n.id }));
      continue;
    }
    let told = false;
    const say = (text: string) => {
      out.push(text);
      told = true;
    };
    if ('units' in o && 'units' in n && o.units !== n.units && n.type !== 'input')
      say(t('runs.diff.units', { id: n.id, ...change(o.units, n.units) }));
    if ('activation' in o && 'activation' in n && o.activation !== n.activation)
      say(t('runs.diff.activation', { id: n.id, ...change(o.activation, n.activation) }));
    if ('rate' in o && 'rate' in n && o.rate !== n.rate)
      say(t('runs.diff.rate', { id: n.id, ...change(o.rate, n.rate) }));
    if ('loss' in o && 'loss' in n && o.loss !== n.loss)
      say(t('runs.diff.loss', { id: n.id, ...change(o.loss, n.loss) }));
    if (!told && JSON.stringify(o) !== JSON.stringify(n)) out.push(t('runs.diff.changed', { id: n.id }));
  }
  for (const n of a) if (!after.has(n.id)) out.push(t('runs.diff.removed', { id: n.id }));
  return out;
}

/** Short texts of what differs in the data source and mapping. */
function dataDiff(a: RunRecord['data'], b: RunRecord['data']): string[] {
  if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) return [];
  const sa = a?.source;
  const sb = b?.source;
  const out: string[] = [];
  if (sa?.name !== sb?.name) out.push(t('runs.diff.data', change(sa?.name, sb?.name)));
  else if (sa?.kind === 'builtin' && sb?.kind === 'builtin') {
    if (sa.samples !== sb.samples) out.push(t('runs.diff.samples', change(sa.samples, sb.samples)));
    if (sa.noise !== sb.noise) out.push(t('runs.diff.noise', change(sa.noise, sb.noise)));
    if (sa.seed !== sb.seed) out.push(t('runs.diff.dataSeed', change(sa.seed, sb.seed)));
  }
  if (a?.target !== b?.target) out.push(t('runs.diff.target', change(a?.target, b?.target)));
  if (out.length === 0) out.push(t('runs.diff.mapping'));
  return out;
}

/** What changed from run `a` to run `b`: settings, data, network (empty: the same run again). */
export function runDiff(
  a: Pick<RunRecord, 'training' | 'graph' | 'data'>,
  b: Pick<RunRecord, 'training' | 'graph' | 'data'>,
): string[] {
  // The pace changes how fast a run goes, not what it computes.
  const { pace: _a, ...ta } = a.training;
  const { pace: _b, ...tb } = b.training;
  return [
    ...trainingDiff(ta as TrainingConfig, tb as TrainingConfig),
    ...dataDiff(a.data, b.data),
    ...graphDiff(a.graph.nodes as GraphNode[], b.graph.nodes as GraphNode[]),
  ];
}
