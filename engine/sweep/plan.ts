/**
 * What a sweep changes in each run: the settings it may sweep with their ranges, the grid of their
 * values, and each run's training settings and network. Shared by the CLI's `sweep` and the app's
 * sweeps; each says a refusal its own way (a SweepPlanError carries the catalogue key's last part).
 */
import type { GraphNode, GraphSpec } from '../graph/types.ts';
import { TRAINING_LIMITS } from '../train/config.ts';
import type { TrainingConfig } from '../train/config.ts';

export const SWEEP_SETTINGS = ['lr', 'batch', 'width', 'l2', 'dropout', 'seed'] as const;
export type SweepSettingName = (typeof SWEEP_SETTINGS)[number];

/** One swept setting: its values, and for `width` and `dropout` optionally the one node it changes. */
export interface SweepSetting {
  name: SweepSettingName;
  /** The node `width` or `dropout` applies to; absent: every hidden dense layer, every dropout node. */
  node?: string;
  values: number[];
}

/** One point of the grid: a value for each setting, in the settings' order. */
export interface GridPoint {
  /** 1-based, in grid order (the first setting varies slowest). */
  index: number;
  values: number[];
}

/** At most this many settings in one sweep. */
export const MAX_SETTINGS = 2;
/** At most this many runs in one sweep (the product of the settings' value counts). */
export const MAX_RUNS = 256;

export interface SettingRule {
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

export const SETTING_RULES: Readonly<Record<SweepSettingName, SettingRule>> = {
  lr: { integer: false, min: 0, openMin: true, max: TRAINING_LIMITS.learningRate },
  batch: { integer: true, min: 1, max: TRAINING_LIMITS.batchSize },
  width: { integer: true, min: 1, max: 16384, node: 'dense' },
  l2: { integer: false, min: 0, max: 10 },
  dropout: { integer: false, min: 0, max: 1, openMax: true, node: 'dropout' },
  seed: { integer: true, min: 0, max: TRAINING_LIMITS.seed },
};

/** A sweep that cannot be made: `key` is the last part of the catalogue key (`notDense`, …). */
export class SweepPlanError extends Error {
  override name = 'SweepPlanError';
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number | string[]> = {},
  ) {
    super(key);
  }
}

/** Whether `v` is a value the setting may take. */
export function inRange(rule: SettingRule, v: number): boolean {
  if (!Number.isFinite(v)) return false;
  if (rule.integer && !Number.isSafeInteger(v)) return false;
  if (rule.openMin ? v <= rule.min : v < rule.min) return false;
  return rule.openMax ? v < rule.max : v <= rule.max;
}

/** Rounds away the last bits of floating-point noise, so 1e-4 … 1e-1 in 4 gives 0.001 and 0.01. */
const clean = (v: number) => Number(v.toPrecision(12));

/** `count` values from `from` to `to`, evenly spaced in log (rounded for whole-number settings). */
export function logSpaced(from: number, to: number, count: number, integer = false): number[] {
  const values = Array.from({ length: count }, (_, i) =>
    i === count - 1 ? to : clean(from * Math.pow(to / from, i / (count - 1))),
  );
  return integer ? values.map(Math.round) : values;
}

/** The product of the settings' values, in order (the first setting varies slowest). */
export function gridPoints(settings: readonly SweepSetting[]): GridPoint[] {
  let points: number[][] = [[]];
  for (const s of settings) points = points.flatMap((p) => s.values.map((v) => [...p, v]));
  return points.map((values, i) => ({ index: i + 1, values }));
}

/** The training settings of a run: the base with the swept lr, batch, l2 and seed. */
export function runTraining(
  base: TrainingConfig,
  settings: readonly SweepSetting[],
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
export function targetNodes(graph: GraphSpec, s: SweepSetting): GraphNode[] {
  const type = SETTING_RULES[s.name].node;
  if (!type) return [];
  if (s.node !== undefined) {
    const n = graph.nodes.find((g) => g.id === s.node);
    if (!n || n.type !== type)
      throw new SweepPlanError(type === 'dense' ? 'notDense' : 'notDropout', { id: s.node });
    return [n];
  }
  const out = outputLayers(graph);
  const nodes = graph.nodes.filter((n) => n.type === type && !(type === 'dense' && out.has(n.id)));
  if (nodes.length === 0) throw new SweepPlanError(type === 'dense' ? 'noHidden' : 'noDropout');
  return nodes;
}

/** The run's network: the graph with the swept widths and dropout rates. */
export function runGraph(graph: GraphSpec, settings: readonly SweepSetting[], point: GridPoint): GraphSpec {
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

/**
 * A run is large when its biggest product, the largest layer's weights times the batch's rows, has at
 * least 2²⁰ multiply-adds: from that size the engine's kernel pool splits a product between two cores
 * (engine/kernels/wasm/pool.ts). A smaller run would leave the second core idle, so two of them side
 * by side use the machine better.
 */
export const LARGE_RUN_MULTIPLY_ADDS = 1 << 20;

/** Whether a run with these layer kernels ([in, out] each) and batch rows is large. */
export function isLargeRun(kernels: readonly (readonly number[])[], rows: number): boolean {
  const biggest = Math.max(0, ...kernels.map((k) => (k[0] ?? 0) * (k[1] ?? 0)));
  return biggest * rows >= LARGE_RUN_MULTIPLY_ADDS;
}
