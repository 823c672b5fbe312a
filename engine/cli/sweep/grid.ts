/**
 * The grid of a sweep: `--set NAME=VALUES` read into settings, their product into runs, and each run's
 * training settings and network. VALUES is a list `a,b,c`, a log-spaced range `log:FROM:TO:COUNT`, or
 * (whole-number settings) a linear range `range:FROM:TO:STEP`; `width` and `dropout` may name one node
 * first (`width=dense1:8,16`).
 */
import type { GraphNode, GraphSpec } from '../../graph/types.ts';
import { TRAINING_LIMITS } from '../../train/config.ts';
import type { TrainingConfig } from '../../train/config.ts';
import { UsageError } from '../io.ts';

export const SETTINGS = ['lr', 'batch', 'width', 'l2', 'dropout', 'seed'] as const;
export type SettingName = (typeof SETTINGS)[number];

/** At most this many `--set` options. */
export const MAX_SETTINGS = 2;
/** At most this many runs in one sweep (the product of the settings' value counts). */
export const MAX_RUNS = 256;

interface SettingRule {
  integer: boolean;
  min: number;
  max: number;
  /** `min` itself is not allowed (a learning rate above 0). */
  openMin?: boolean;
  /** `max` itself is not allowed (a dropout rate below 1). */
  openMax?: boolean;
  /** The node type an id may name. */
  node?: 'dense' | 'dropout';
}

const RULES: Record<SettingName, SettingRule> = {
  lr: { integer: false, min: 0, openMin: true, max: TRAINING_LIMITS.learningRate },
  batch: { integer: true, min: 1, max: TRAINING_LIMITS.batchSize },
  width: { integer: true, min: 1, max: 16384, node: 'dense' },
  l2: { integer: false, min: 0, max: 10 },
  dropout: { integer: false, min: 0, max: 1, openMax: true, node: 'dropout' },
  seed: { integer: true, min: 0, max: TRAINING_LIMITS.seed },
};

export interface Setting {
  name: SettingName;
  /** The node `width` or `dropout` applies to; absent: every hidden dense layer, every dropout node. */
  node?: string;
  values: number[];
}

/** One point of the grid: a value for each setting, in the order of the --set options. */
export interface GridPoint {
  /** 1-based, in grid order (the first setting varies slowest). */
  index: number;
  values: number[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const WHOLE = /^[+-]?\d+$/;

/** Rounds away the last bits of floating-point noise, so log:1e-4:1e-1:4 gives 0.001 and 0.01. */
const clean = (v: number) => Number(v.toPrecision(12));

function inRange(rule: SettingRule, v: number): boolean {
  if (!Number.isFinite(v)) return false;
  if (rule.integer && !Number.isSafeInteger(v)) return false;
  if (rule.openMin ? v <= rule.min : v < rule.min) return false;
  return rule.openMax ? v < rule.max : v <= rule.max;
}

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
    values = Array.from({ length: count }, (_, i) =>
      i === count - 1 ? to : clean(from * Math.pow(to / from, i / (count - 1))),
    );
    if (rule.integer) values = values.map(Math.round);
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
  let points: number[][] = [[]];
  for (const s of settings) points = points.flatMap((p) => s.values.map((v) => [...p, v]));
  return { settings, points: points.map((values, i) => ({ index: i + 1, values })) };
}

/** The column (and display) name of a setting: `width`, or `width(dense1)` for one node. */
export const settingLabel = (s: Setting) => (s.node === undefined ? s.name : `${s.name}(${s.node})`);

/** The weights file of a run: `run-03-lr0.01-batch16.weights.json` (the run number padded to the total's width). */
export function runFileName(settings: readonly Setting[], point: GridPoint, total: number): string {
  const k = String(point.index).padStart(String(total).length, '0');
  const parts = settings.map((s, i) => `${s.name}${String(point.values[i])}`);
  return `run-${[k, ...parts].join('-')}.weights.json`;
}

/** The training settings of a run: the base with the swept lr, batch, l2 and seed. */
export function runTraining(
  base: TrainingConfig,
  settings: readonly Setting[],
  point: GridPoint,
): TrainingConfig {
  let c: TrainingConfig = { ...base, optimizer: { ...base.optimizer } };
  settings.forEach((s, i) => {
    const v = point.values[i]!;
    if (s.name === 'lr') c = { ...c, optimizer: { ...c.optimizer, learningRate: v } };
    else if (s.name === 'batch') c = { ...c, batchSize: v };
    else if (s.name === 'seed') c = { ...c, seed: v };
    else if (s.name === 'l2') c = { ...c, l2: v };
  });
  return c;
}

/** The run's seed (it picks a built-in dataset's rows when the project does not fix them). */
export const runSeed = (base: TrainingConfig, settings: readonly Setting[], point: GridPoint) =>
  runTraining(base, settings, point).seed;

/**
 * The dense nodes whose width is the output's: those the output reads through activation, dropout,
 * add and concatenate blocks. Every other dense node is a hidden layer.
 */
export function outputLayers(graph: GraphSpec): Set<string> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const found = new Set<string>();
  const seen = new Set<string>();
  const stack = graph.nodes.filter((n) => n.type === 'output').flatMap((n) => n.inputs);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const n = byId.get(id);
    if (!n) continue;
    if (n.type === 'dense') found.add(id);
    else if (n.type !== 'input') stack.push(...n.inputs);
  }
  return found;
}

/** The nodes a width or dropout setting changes; refuses an id that names no such node. */
export function targetNodes(graph: GraphSpec, s: Setting): GraphNode[] {
  const type = RULES[s.name].node;
  if (!type) return [];
  if (s.node !== undefined) {
    const n = graph.nodes.find((g) => g.id === s.node);
    if (!n || n.type !== type)
      throw new UsageError(type === 'dense' ? 'sweep.notDense' : 'sweep.notDropout', { id: s.node });
    return [n];
  }
  const out = outputLayers(graph);
  const nodes = graph.nodes.filter((n) => n.type === type && !(type === 'dense' && out.has(n.id)));
  if (nodes.length === 0) throw new UsageError(type === 'dense' ? 'sweep.noHidden' : 'sweep.noDropout');
  return nodes;
}

/** The run's network: the graph with the swept widths and dropout rates. */
export function runGraph(graph: GraphSpec, settings: readonly Setting[], point: GridPoint): GraphSpec {
  const changes = new Map<string, Partial<GraphNode>>();
  settings.forEach((s, i) => {
    const v = point.values[i]!;
    for (const n of targetNodes(graph, s)) changes.set(n.id, s.name === 'width' ? { units: v } : { rate: v });
  });
  if (changes.size === 0) return graph;
  return {
    nodes: graph.nodes.map((n) => (changes.has(n.id) ? ({ ...n, ...changes.get(n.id) } as GraphNode) : n)),
  };
}
