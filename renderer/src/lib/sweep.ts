/**
 * What the sweep form and results say: a setting's values read from a list or a log-spaced range,
 * the number of runs, the name of each run, a sweep's rows (from the engine's status, or from the runs
 * the project kept) and the chart's series of the metric against the swept setting.
 */
import type {
  RunRecord,
  SweepRunState,
  SweepSetting,
  SweepSettingName,
  SweepStatus,
} from '../../../engine/api.ts';
import { renderMessage } from '../../../engine/i18n.ts';
import { inRange, logSpaced, MAX_RUNS, SETTING_RULES } from '../../../engine/sweep/plan.ts';
import type { MonitorName } from '../../../engine/train/config.ts';
import { i18n, t } from './i18n.svelte.ts';
import type { Series } from './series.ts';

export { MAX_RUNS, SWEEP_SETTINGS } from '../../../engine/sweep/plan.ts';

/** Why a setting's values cannot be swept (shown beside the field as it is typed). */
export type ValueProblem =
  | { kind: 'empty' }
  | { kind: 'notNumber'; text: string }
  | { kind: 'range'; value: number }
  | { kind: 'duplicate'; value: number }
  | { kind: 'count' }
  | { kind: 'ends' };

export type Values = { ok: true; values: number[] } | { ok: false; problem: ValueProblem };

/** The values a setting may take, each once. */
function checked(name: SweepSettingName, values: number[]): Values {
  const rule = SETTING_RULES[name];
  const seen = new Set<number>();
  for (const value of values) {
    if (!inRange(rule, value)) return { ok: false, problem: { kind: 'range', value } };
    if (seen.has(value)) return { ok: false, problem: { kind: 'duplicate', value } };
    seen.add(value);
  }
  return { ok: true, values };
}

/** Values typed as a list: numbers separated by commas, semicolons or spaces ("0.001, 0.01, 0.1"). */
export function parseList(name: SweepSettingName, text: string): Values {
  const parts = text
    .split(/[\s,;，；]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) return { ok: false, problem: { kind: 'empty' } };
  const values: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v)) return { ok: false, problem: { kind: 'notNumber', text: p } };
    values.push(v);
  }
  if (values.length > MAX_RUNS) return { ok: false, problem: { kind: 'count' } };
  return checked(name, values);
}

/** `count` values evenly spaced in log from `from` to `to` (whole numbers for batch, width and seed). */
export function rangeValues(name: SweepSettingName, from: number, to: number, count: number): Values {
  if (!Number.isInteger(count) || count < 2 || count > MAX_RUNS)
    return { ok: false, problem: { kind: 'count' } };
  if (!(from > 0) || !(to > 0) || !Number.isFinite(from) || !Number.isFinite(to) || from === to)
    return { ok: false, problem: { kind: 'ends' } };
  return checked(name, logSpaced(from, to, count, SETTING_RULES[name].integer));
}

/** Runs in a sweep of these settings: the product of their value counts. */
export function runCount(settings: readonly { values: readonly number[] }[]): number {
  return settings.reduce((n, s) => n * s.values.length, 1);
}

/** A setting's name as the form and table show it. */
export function settingLabel(name: SweepSettingName): string {
  switch (name) {
    case 'lr':
      return t('sweep.setting.lr');
    case 'batch':
      return t('sweep.setting.batch');
    case 'width':
      return t('sweep.setting.width');
    case 'l2':
      return t('sweep.setting.l2');
    case 'dropout':
      return t('sweep.setting.dropout');
    case 'seed':
      return t('sweep.setting.seed');
  }
}

/** A setting's short name, for run names ("lr 0.01"). */
export function settingShort(name: SweepSettingName): string {
  switch (name) {
    case 'lr':
      return t('sweep.short.lr');
    case 'batch':
      return t('sweep.short.batch');
    case 'width':
      return t('sweep.short.width');
    case 'l2':
      return t('sweep.short.l2');
    case 'dropout':
      return t('sweep.short.dropout');
    case 'seed':
      return t('sweep.short.seed');
  }
}

/** A value problem in the current language (the range as the engine words it). */
export function problemText(name: SweepSettingName, p: ValueProblem): string {
  switch (p.kind) {
    case 'empty':
      return t('sweep.problem.empty');
    case 'notNumber':
      return t('sweep.problem.notNumber', { text: p.text });
    case 'range':
      return t('sweep.problem.range', {
        value: String(p.value),
        range: renderMessage(i18n.locale, `sweeps.range.${name}`),
      });
    case 'duplicate':
      return t('sweep.problem.duplicate', { value: String(p.value) });
    case 'count':
      return t('sweep.problem.count', { max: MAX_RUNS });
    case 'ends':
      return t('sweep.problem.ends');
  }
}

/** A run's name: the sweep's, then each swept setting and its value ("Sweep 2 · lr 0.01 · batch 16"). */
export function sweepRunName(
  sweepName: string,
  settings: readonly { name: SweepSettingName }[],
  values: readonly number[],
): string {
  return [sweepName, ...settings.map((s, i) => `${settingShort(s.name)} ${String(values[i])}`)].join(' · ');
}

/** One run of a sweep as its table shows it. */
export interface SweepRow {
  /** 1-based, in grid order. */
  index: number;
  values: number[];
  state: SweepRunState;
  epoch: number;
  epochs: number;
  best: { epoch: number; value: number } | null;
  seconds: number;
  failure: string | null;
  /** The project's record of the run, when it was kept. */
  runId: string | null;
}

/** A sweep as its results show it: from the engine while it has the sweep, else from the kept runs. */
export interface SweepView {
  id: string;
  name: string;
  settings: Pick<SweepSetting, 'name' | 'node'>[];
  metric: MonitorName;
  rows: SweepRow[];
}

/** The rows of a sweep the engine has (each linked to its kept run, by index). */
export function rowsFromStatus(s: SweepStatus, kept: ReadonlyMap<number, string>): SweepRow[] {
  return s.runs.map((r) => ({
    index: r.index,
    values: [...r.values],
    state: r.state,
    epoch: r.epoch,
    epochs: r.epochs,
    best: r.best,
    seconds: r.seconds,
    failure: r.failure,
    runId: kept.get(r.index) ?? null,
  }));
}

/** The sweeps the project's runs came from, oldest first, each rebuilt from its kept runs. */
export function sweepsFromRuns(list: readonly RunRecord[]): SweepView[] {
  const byId = new Map<string, SweepView>();
  for (const r of list) {
    const s = r.sweep;
    if (!s) continue;
    let v = byId.get(s.id);
    if (!v) {
      v = {
        id: s.id,
        name: s.name,
        settings: s.settings,
        metric: r.best?.metric ?? 'val_accuracy',
        rows: [],
      };
      byId.set(s.id, v);
    }
    const state: SweepRunState =
      r.state === 'done' || r.state === 'failed' || r.state === 'running' ? r.state : 'stopped';
    v.rows.push({
      index: v.rows.length + 1,
      values: [...s.values],
      state,
      epoch: r.history.epoch.at(-1) ?? 0,
      epochs: r.training.epochs,
      best: r.best ? { epoch: r.best.epoch, value: r.best.value } : null,
      seconds: r.durationMs / 1000,
      failure: null,
      runId: r.id,
    });
  }
  return [...byId.values()];
}

/** Whether a larger value of the metric is better (accuracy, R²), or a smaller one (loss, error). */
export const higherIsBetter = (m: MonitorName): boolean => !(m.endsWith('loss') || m.endsWith('mae'));

/** The finished run with the best metric (null: none has finished with one yet). */
export function bestRow(rows: readonly SweepRow[], metric: MonitorName): SweepRow | null {
  const up = higherIsBetter(metric);
  let best: SweepRow | null = null;
  for (const r of rows)
    if (
      r.best &&
      (r.state === 'done' || r.state === 'failed') &&
      (!best || (up ? r.best.value > best.best!.value : r.best.value < best.best!.value))
    )
      best = r;
  return best;
}

/** Whether the chart's x axis is logarithmic: a learning rate or L2 whose values span more than 10×. */
export function logAxis(name: SweepSettingName, values: readonly number[]): boolean {
  if (name !== 'lr' && name !== 'l2') return false;
  const pos = values.filter((v) => v > 0);
  return pos.length === values.length && pos.length > 1 && Math.max(...pos) / Math.min(...pos) > 10;
}

/** The chart's colours, one per value of the second setting. */
export const SWEEP_COLORS = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2', '#edc948'];

/**
 * The metric against the first setting: one line for a one-setting sweep, one per value of the second
 * setting otherwise. Only finished runs (done or failed, with a best epoch) are points.
 */
export function sweepSeries(view: Pick<SweepView, 'settings' | 'rows'>, label: string): Series[] {
  const finished = view.rows.filter((r) => (r.state === 'done' || r.state === 'failed') && r.best);
  const point = (r: SweepRow) => ({ x: r.values[0]!, y: r.best!.value });
  const byX = (a: { x: number }, b: { x: number }) => a.x - b.x;
  const second = view.settings[1];
  if (!second) return [{ label, color: SWEEP_COLORS[0]!, points: finished.map(point).sort(byX) }];
  const seconds = [...new Set(view.rows.map((r) => r.values[1]!))].sort((a, b) => a - b);
  return seconds.map((v, i) => ({
    label: `${settingShort(second.name)} ${String(v)}`,
    color: SWEEP_COLORS[i % SWEEP_COLORS.length]!,
    points: finished
      .filter((r) => r.values[1] === v)
      .map(point)
      .sort(byX),
  }));
}

/** Epochs done of all the runs' epochs (a run that ended counts all its epochs). */
export function sweepProgress(rows: readonly SweepRow[]): { done: number; total: number } {
  let done = 0;
  let total = 0;
  for (const r of rows) {
    total += r.epochs;
    done += r.state === 'queued' || r.state === 'running' ? r.epoch : r.epochs;
  }
  return { done, total };
}

/** A setting as the form holds it while it is typed. */
export interface SettingDraft {
  name: SweepSettingName;
  /** The one block a width or dropout rate changes ('': every hidden dense layer, every dropout block). */
  node: string;
  mode: 'list' | 'range';
  list: string;
  from: string;
  to: string;
  count: string;
}

const DEFAULTS: Record<SweepSettingName, { list: string; from: number; to: number; count: number }> = {
  lr: { list: '0.001, 0.01, 0.1', from: 0.0001, to: 0.1, count: 4 },
  batch: { list: '8, 16, 32', from: 4, to: 64, count: 5 },
  width: { list: '4, 8, 16', from: 2, to: 32, count: 5 },
  l2: { list: '0, 0.0001, 0.001', from: 0.00001, to: 0.01, count: 4 },
  dropout: { list: '0, 0.2, 0.5', from: 0.05, to: 0.5, count: 3 },
  seed: { list: '1, 2, 3', from: 1, to: 100, count: 3 },
};

/** A fresh draft for a setting, with values worth trying. */
export function defaultDraft(name: SweepSettingName, mode: SettingDraft['mode'] = 'list'): SettingDraft {
  const d = DEFAULTS[name];
  return {
    name,
    node: '',
    mode,
    list: d.list,
    from: String(d.from),
    to: String(d.to),
    count: String(d.count),
  };
}

/** The values a draft stands for, or why it stands for none. */
export function draftValues(d: SettingDraft): Values {
  if (d.mode === 'list') return parseList(d.name, d.list);
  const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
  return rangeValues(d.name, num(d.from), num(d.to), num(d.count));
}

/** A draft as the engine's setting (its node only for width and dropout, when one is picked). */
export function draftSetting(d: SettingDraft, values: number[]): SweepSetting {
  const node = (d.name === 'width' || d.name === 'dropout') && d.node !== '' ? { node: d.node } : {};
  return { name: d.name, ...node, values };
}
