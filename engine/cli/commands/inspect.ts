/** `inspect`: what is in a CSV, project or weights file, or a clear error saying why it can't be read. */
import { describeTable } from '../../data/describe.ts';
import { inputWidth } from '../../data/types.ts';
import type { Preprocessing } from '../../data/types.ts';
import { parseCsv } from '../../data/csv.ts';
import { prepareData } from '../../data/prepare.ts';
import { parseProject } from '../../formats/project-file.ts';
import { loadWeights } from '../../formats/weights-file.ts';
import { compileGraph } from '../../graph/compile.ts';
import type { CompiledGraph } from '../../graph/compile.ts';
import type { GraphNode } from '../../graph/types.ts';
import { EngineError } from '../../errors.ts';
import { parse } from '../args.ts';
import type { Io } from '../io-types.ts';
import { inFile, readBytes, UsageError } from '../io.ts';

export const INSPECT_HELP = `Usage: backprop-studio inspect FILE [--json]

Summarises FILE: for a CSV its rows, columns, inferred types, missing values and classes; for a project
or weights file its layers, shapes and parameter counts. --json prints the summary as JSON.
`;

const fmt = (v: number | undefined) => (v === undefined ? '' : Number(v.toPrecision(5)).toString());

function settings(n: GraphNode): string {
  switch (n.type) {
    case 'input':
      return '';
    case 'dense':
      return `${n.activation}${n.useBias ? '' : ', no bias'}${n.l1 ? `, l1 ${n.l1}` : ''}${n.l2 ? `, l2 ${n.l2}` : ''}`;
    case 'activation':
      return n.activation;
    case 'dropout':
      return `rate ${n.rate}`;
    case 'output':
      return n.loss;
    default:
      return '';
  }
}

function layerTable(c: CompiledGraph): string[] {
  const perNode = new Map(c.params.map((p) => [p.nodeId, p]));
  const lines = c.order.map((n) => {
    const p = perNode.get(n.id);
    const shapes = p ? `kernel [${p.kernel.join(', ')}]${p.bias ? `, bias [${p.bias[0]}]` : ''}` : '';
    const count = p ? p.kernel[0] * p.kernel[1] + (p.bias ? p.bias[0] : 0) : 0;
    const from = n.inputs.length ? ` ← ${n.inputs.join(', ')}` : '';
    return `  ${n.id.padEnd(12)} ${n.type.padEnd(12)} width ${String(c.width.get(n.id)).padEnd(6)} ${String(count).padStart(9)}  ${settings(n)}${shapes ? `; ${shapes}` : ''}${from}`;
  });
  return [
    `  ${'node'.padEnd(12)} ${'type'.padEnd(12)} ${'output'.padEnd(12)} ${'params'.padStart(9)}`,
    ...lines,
    `  total parameters: ${c.paramCount}`,
  ];
}

function preprocessingLines(p: Preprocessing): string[] {
  const t = p.target;
  return [
    `Inputs: ${p.features.length} columns → ${inputWidth(p)} model inputs (normalize: ${p.normalize}, missing: ${p.missing})`,
    ...p.features.map((f) =>
      f.kind === 'numeric'
        ? `  ${f.name}: number, mean ${fmt(f.mean)}, scale ${fmt(f.scale)}`
        : `  ${f.name}: category, one-hot over ${f.categories.length}: ${f.categories.join(', ')}`,
    ),
    t.task === 'classification'
      ? `Target: ${t.name} (classification, ${t.classes.length} classes: ${t.classes.join(', ')})`
      : `Target: ${t.name} (regression, mean ${fmt(t.mean)}, scale ${fmt(t.scale)})`,
  ];
}

function inspectJson(path: string, text: string): { lines: string[]; json: unknown } {
  let format: unknown;
  try {
    format = (JSON.parse(text) as { format?: unknown })?.format;
  } catch {
    format = undefined; // the loaders below report where the JSON is broken
  }
  if (format === 'backprop-studio/project') {
    const p = inFile(path, () => parseProject(text));
    // An input of width 0 takes its width from the data; count as if there were one feature.
    const open = p.graph.nodes.some((n) => n.type === 'input' && n.units === 0);
    const c = inFile(path, () => compileGraph(p.graph, open ? { inputWidth: 1 } : {}));
    const src = p.data?.source;
    const lines = [
      `${path}: Backprop Studio project "${p.name}" (version ${p.version})`,
      src
        ? `Data: ${src.kind === 'builtin' ? `built-in ${src.name} (${src.samples} samples, noise ${src.noise})` : `CSV ${src.name}`}${p.data?.target ? `, target ${p.data.target}` : ''}`
        : 'Data: none chosen',
      `Training: ${p.training.optimizer.name}, learning rate ${p.training.optimizer.learningRate}, batch ${p.training.batchSize}, ${p.training.epochs} epochs, validation ${p.training.validationSplit}, seed ${p.training.seed}`,
      open ? 'Layers (the input width comes from the data; counts shown for one input feature):' : 'Layers:',
      ...layerTable(c),
      p.weights ? 'Trained weights: included' : 'Trained weights: none',
      ...(p.history ? [`History: ${p.history.loss.length} epochs`] : []),
    ];
    return {
      lines,
      json: {
        kind: 'project',
        name: p.name,
        parameters: c.paramCount,
        layers: c.order.length,
        hasWeights: Boolean(p.weights),
      },
    };
  }
  const w = inFile(path, () => loadWeights(text));
  const t = w.metadata.training;
  const lines = [
    `${path}: Backprop Studio weights (${w.metadata.createdBy}, ${w.metadata.createdAt})`,
    ...(t
      ? [
          `Trained: ${t.epochs} epochs${t.loss !== undefined ? `, loss ${fmt(t.loss)}` : ''}${t.valLoss !== undefined ? `, val_loss ${fmt(t.valLoss)}` : ''}`,
        ]
      : []),
    'Layers:',
    ...layerTable(w.compiled),
    ...preprocessingLines(w.preprocessing),
  ];
  return {
    lines,
    json: {
      kind: 'weights',
      parameters: w.compiled.paramCount,
      layers: w.compiled.order.length,
      preprocessing: w.preprocessing,
    },
  };
}

function inspectCsv(path: string, bytes: Uint8Array): { lines: string[]; json: unknown } {
  const raw = inFile(path, () => parseCsv(bytes));
  const cols = describeTable(raw);
  const lines = [`${path}: CSV, ${raw.rows.length} rows, ${raw.columns.length} columns`];
  for (const c of cols) {
    const missing = c.missing ? `, ${c.missing} missing` : '';
    const bad = c.invalid
      ? `, ${c.invalid.count} not numbers (first: row ${c.invalid.row}, "${c.invalid.value}")`
      : '';
    if (c.type === 'numeric')
      lines.push(
        `  ${c.name}: number, ${c.distinct} distinct, min ${fmt(c.min)}, max ${fmt(c.max)}, mean ${fmt(c.mean)}${missing}${bad}`,
      );
    else
      lines.push(
        `  ${c.name}: text, ${c.distinct} distinct${missing}; ${(c.top ?? []).map((t) => `${t.value} ×${t.count}`).join(', ')}${c.distinct > (c.top?.length ?? 0) ? ', …' : ''}`,
      );
  }
  let task: string;
  try {
    const p = prepareData(raw, { validationSplit: 0, seed: 1 }).preprocessing;
    const t = p.target;
    task =
      t.task === 'classification'
        ? `Target (last column) ${t.name}: classification, ${t.classes.length} classes (${t.classes.join(', ')})`
        : `Target (last column) ${t.name}: regression`;
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    task = `Not ready for training with the defaults: ${e.message}`;
  }
  lines.push(task);
  return { lines, json: { kind: 'csv', rows: raw.rows.length, columns: cols } };
}

export function inspectCommand(argv: string[], io: Io): number {
  const { values, positionals } = parse('inspect', argv, { json: { type: 'boolean' } }, 1);
  const path = positionals[0];
  if (!path) throw new UsageError('give a file to inspect: backprop-studio inspect FILE');
  const bytes = readBytes(path);
  let start = 0;
  while (
    start < bytes.length &&
    (bytes[start] === 0x20 || bytes[start] === 0x0a || bytes[start] === 0x0d || bytes[start] === 0x09)
  )
    start++;
  const looksJson = path.toLowerCase().endsWith('.json') || bytes[start] === 0x7b;
  let r: { lines: string[]; json: unknown };
  if (looksJson) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new UsageError(`${path}: the file is not UTF-8 text`);
    }
    r = inspectJson(path, text);
  } else r = inspectCsv(path, bytes);
  io.stdout.write(values.json ? `${JSON.stringify(r.json)}\n` : `${r.lines.join('\n')}\n`);
  return 0;
}
