/**
 * The grid of a sweep: `--set NAME=VALUES` read into settings, their product into runs, and each run's
 * training settings and network. VALUES is a list `a,b,c`, a log-spaced range `log:FROM:TO:COUNT`, or
 * (whole-number settings) a linear range `range:FROM:TO:STEP`; `width` and `dropout` may name one node
 * first (`width=dense1:8,16`).
 */
import type { GraphNode, GraphSpec } from '../../graph/types.ts';
import type { TrainingConfig } from '../../train/config.ts';
import {
  gridPoints,
  inRange,
  logSpaced,
  MAX_RUNS,
  MAX_SETTINGS,
  runGraph as planRunGraph,
  runTraining,
  SETTING_RULES as RULES,
  SWEEP_SETTINGS as SETTINGS,
  SweepPlanError,
  targetNodes as planTargetNodes,
} from '../../sweep/plan.ts';
import type {
  GridPoint,
  SweepSetting as Setting,
  SweepSettingName as SettingName,
} from '../../sweep/plan.ts';
import { UsageError } from '../io.ts';

export { MAX_RUNS, MAX_SETTINGS, outputLayers, runTraining } from '../../sweep/plan.ts';
export type {
  GridPoint,
  SweepSetting as Setting,
  SweepSettingName as SettingName,
} from '../../sweep/plan.ts';
export { SETTINGS };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const WHOLE = /^[+-]?\d+$/;

function numbers(name: SettingName, spec: string, parts: string[], whole: boolean): number[] {
  return parts.map((p) => {
    const s = p.trim();
    if (!(whole ? WHOLE : NUMBER).test(s)) throw new UsageError('sweep.notNumber', { name, value: s, spec });
    return Number(s);
  });
}

/** The values of one VALUES spec, checked against the setting's range (the count is checked first). */
function valuesOf(name: SettingName, spec: string): number[] {
  const rule = RULES[name];
  let values: number[];
  if (spec.startsWith('log:')) {
    const parts = spec.slice(4).split(':');
    if (parts.length !== 3) throw new UsageError('sweep.logForm', { name, spec });
    const [from, to] = numbers(name, spec, parts.slice(0, 2), false) as [number, number];
    const [count] = numbers(name, spec, parts.slice(2), true) as [number];
    if (!(from > 0 && to > from && count >= 2)) throw new UsageError('sweep.logForm', { name, spec });
    if (count > MAX_RUNS) throw new UsageError('sweep.tooManyRuns', { runs: count, max: MAX_RUNS });
    values = logSpaced(from, to, count, rule.integer);
  } else if (spec.startsWith('range:')) {
    if (!rule.integer) throw new UsageError('sweep.rangeWhole', { name, spec });
    const parts = spec.slice(6).split(':');
    if (parts.length !== 3) throw new UsageError('sweep.rangeForm', { name, spec });
    const [from, to, step] = numbers(name, spec, parts, true) as [number, number, number];
    if (!(to >= from && step >= 1)) throw new UsageError('sweep.rangeForm', { name, spec });
    const count = Math.floor((to - from) / step) + 1;
    if (count > MAX_RUNS) throw new UsageError('sweep.tooManyRuns', { runs: count, max: MAX_RUNS });
    values = Array.from({ length: count }, (_, i) => from + i * step);
  } else {
    const parts = spec.split(',');
    if (parts.every((p) => p.trim() === '')) throw new UsageError('sweep.empty', { name });
    values = numbers(name, spec, parts, rule.integer);
  }
  for (const v of values)
    if (!inRange(rule, v))
      throw new UsageError('sweep.outOfRange', {
        name,
        value: String(v),
        range: { key: `sweep.range.${name}` },
      });
  const seen = new Set<number>();
  for (const v of values) {
    if (seen.has(v)) throw new UsageError('sweep.duplicate', { name, value: String(v) });
    seen.add(v);
  }
  return values;
}

/** One `--set NAME=VALUES` (or `NAME=NODE:VALUES` for width and dropout). */
export function parseSetting(arg: string): Setting {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new UsageError('sweep.setForm', { value: arg });
  const name = arg.slice(0, eq).trim();
  if (!(SETTINGS as readonly string[]).includes(name))
    throw new UsageError('sweep.unknownSetting', { name, settings: [...SETTINGS] });
  const setting = name as SettingName;
  let spec = arg.slice(eq + 1).trim();
  let node: string | undefined;
  const colon = spec.indexOf(':');
  if (colon >= 0 && !spec.startsWith('log:') && !spec.startsWith('range:')) {
    if (!RULES[setting].node) throw new UsageError('sweep.noNodeFor', { name: setting });
    node = spec.slice(0, colon).trim();
    spec = spec.slice(colon + 1).trim();
    if (node === '') throw new UsageError('sweep.setForm', { value: arg });
  }
  const values = valuesOf(setting, spec);
  return node === undefined ? { name: setting, values } : { name: setting, node, values };
}

/** The --set options (one or two, each setting once) and the product of their values. */
export function parseGrid(args: readonly string[]): { settings: Setting[]; points: GridPoint[] } {
  if (args.length === 0) throw new UsageError('sweep.setRequired', { settings: [...SETTINGS] });
  if (args.length > MAX_SETTINGS)
    throw new UsageError('sweep.tooManySets', { max: MAX_SETTINGS, n: args.length });
  const settings = args.map(parseSetting);
  if (settings.length === 2 && settings[0]!.name === settings[1]!.name)
    throw new UsageError('sweep.sameSetting', { name: settings[0]!.name });
  const runs = settings.reduce((n, s) => n * s.values.length, 1);
  if (runs > MAX_RUNS) throw new UsageError('sweep.tooManyRuns', { runs, max: MAX_RUNS });
  return { settings, points: gridPoints(settings) };
}

/** The column (and display) name of a setting: `width`, or `width(dense1)` for one node. */
export const settingLabel = (s: Setting) => (s.node === undefined ? s.name : `${s.name}(${s.node})`);

/** The weights file of a run: `run-03-lr0.01-batch16.weights.json` (the run number padded to the total's width). */
export function runFileName(settings: readonly Setting[], point: GridPoint, total: number): string {
  const k = String(point.index).padStart(String(total).length, '0');
  const parts = settings.map((s, i) => `${s.name}${String(point.values[i])}`);
  return `run-${[k, ...parts].join('-')}.weights.json`;
}

/** The run's seed (it picks a built-in dataset's rows when the project does not fix them). */
export const runSeed = (base: TrainingConfig, settings: readonly Setting[], point: GridPoint) =>
  runTraining(base, settings, point).seed;

/** A refusal of the plan as the CLI says it (`sweep.notDense`, …). */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SweepPlanError) throw new UsageError(`sweep.${e.key}`, e.params);
    throw e;
  }
}

/** The nodes a width or dropout setting changes; refuses an id that names no such node. */
export const targetNodes = (graph: GraphSpec, s: Setting): GraphNode[] =>
  usage(() => planTargetNodes(graph, s));

/** The run's network: the graph with the swept widths and dropout rates. */
export const runGraph = (graph: GraphSpec, settings: readonly Setting[], point: GridPoint): GraphSpec =>
  usage(() => planRunGraph(graph, settings, point));
