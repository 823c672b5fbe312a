/**
 * The Keras-style summary of a trained network: the layers of its TensorFlow.js export (the same
 * Keras layers, names and wiring), in the order Keras lists them, with their shapes, parameter counts
 * and inbound layers, and the text `model.summary()` prints for the exported model.
 */
import type { Padding } from '../graph/types.ts';
import { axis } from '../layers/spatial.ts';
import { exportTfjs } from './tfjs-export.ts';
import type { TfjsWeightSpec } from './tfjs-export.ts';
import type { LoadedWeights } from './weights-file.ts';

/** A tensor shape as Keras keeps it: `null` for the batch dimension. */
export type KerasShape = (number | null)[];

/** One Keras layer of the summary. */
export interface KerasSummaryRow {
  /** The layer's name in the export (a node's id, or `<id>_leakyrelu` for a layer a node adds). */
  name: string;
  /**
   * The Keras class: InputLayer, Dense, Activation, LeakyReLU, Add, Concatenate, Dropout, Conv2D,
   * MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Flatten, Reshape.
   */
  className: string;
  /** The shapes of the layer's inputs (an InputLayer: its own). */
  inputShapes: KerasShape[];
  outputShape: KerasShape;
  /** Weights of the layer (kernel and bias). */
  params: number;
  /** The layers it receives, as Keras writes them: `name[node][tensor]`. */
  connectedTo: string[];
}

export interface KerasSummary {
  /** The model's name in the export. */
  name: string;
  /**
   * A chain of layers, one input each (Keras then prints no "Receives inputs" column and uses the
   * narrower default width).
   */
  sequential: boolean;
  rows: KerasSummaryRow[];
  totals: { total: number; trainable: number; nonTrainable: number };
}

/** A shape as Python Keras prints it: `(None, 8)`. */
export function kerasShape(shape: KerasShape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

interface StoredLayer {
  class_name: string;
  name: string;
  config: {
    batch_input_shape?: KerasShape;
    units?: number;
    filters?: number;
    kernel_size?: [number, number];
    pool_size?: [number, number];
    strides?: [number, number];
    padding?: Padding;
    target_shape?: number[];
  };
  inbound_nodes: [string, number, number, unknown][][];
}

interface StoredModel {
  modelTopology: {
    config: { name: string; layers: StoredLayer[]; output_layers: [string, number, number][] };
  };
  weightsManifest: { weights: TfjsWeightSpec[] }[];
}

/** The layers that slide a window over an image. */
const WINDOWED = new Set(['Conv2D', 'MaxPooling2D', 'AveragePooling2D']);

/** The output shape of a windowed layer on an image [null, h, w, c]: TensorFlow's window arithmetic. */
function windowed(l: StoredLayer, input: KerasShape): KerasShape {
  const c = l.config;
  const size = (c.kernel_size ?? c.pool_size)!;
  const strides = c.strides ?? size;
  const rows = axis(input[1]!, size[0], strides[0], c.padding!).out;
  const cols = axis(input[2]!, size[1], strides[1], c.padding!).out;
  return [null, rows, cols, c.filters ?? input[3]!];
}

/**
 * The summary of the network's Keras model. The layers are those `exportTfjs` writes; they are listed
 * as Keras lists a functional model's layers: by decreasing depth (the longest path to the output),
 * layers of equal depth in the order a walk back from the output first reaches them. Throws what
 * `exportTfjs` throws (UNSUPPORTED_EXPORT naming a node TF.js cannot express).
 */
export function kerasSummary(loaded: LoadedWeights): KerasSummary {
  const model = JSON.parse(exportTfjs(loaded).modelJson) as StoredModel;
  const { layers, output_layers: outputs, name: modelName } = model.modelTopology.config;
  const byName = new Map(layers.map((l) => [l.name, l]));
  const inbound = (l: StoredLayer) => (l.inbound_nodes[0] ?? []).map((c) => c[0]);

  const params = new Map<string, number>();
  // A batch norm's moving statistics count among its parameters, as non-trainable ones.
  let nonTrainable = 0;
  for (const w of model.weightsManifest.flatMap((m) => m.weights)) {
    const layer = w.name.slice(0, w.name.lastIndexOf('/'));
    const size = w.shape.reduce((a, b) => a * b, 1);
    params.set(layer, (params.get(layer) ?? 0) + size);
    if (/\/moving_(mean|variance)$/.test(w.name)) nonTrainable += size;
  }

  // Shapes, in the export's (topological) order.
  const shapes = new Map<string, KerasShape>();
  for (const l of layers) {
    const ins = inbound(l).map((n) => shapes.get(n)!);
    let shape: KerasShape;
    if (l.class_name === 'InputLayer') shape = [...l.config.batch_input_shape!];
    else if (l.class_name === 'Dense') shape = [null, l.config.units!];
    else if (l.class_name === 'Concatenate')
      shape = [null, ins.reduce((acc, s) => acc + (s[s.length - 1] ?? 0), 0)];
    else if (WINDOWED.has(l.class_name)) shape = windowed(l, ins[0]!);
    else if (l.class_name === 'Flatten') shape = [null, ins[0]!.slice(1).reduce<number>((a, b) => a * b!, 1)];
    else if (l.class_name === 'GlobalAveragePooling2D') shape = [null, ins[0]![3]!];
    else if (l.class_name === 'Reshape') shape = [null, ...l.config.target_shape!];
    else shape = [...ins[0]!];
    shapes.set(l.name, shape);
  }

  // Keras's order: a walk back from the output numbers the layers as it first reaches them and lists
  // them finished-first; depths then follow from the output back.
  const index = new Map<string, number>();
  const finished: string[] = [];
  const walk = (name: string) => {
    if (index.has(name)) return;
    index.set(name, index.size);
    for (const src of inbound(byName.get(name)!)) walk(src);
    finished.push(name);
  };
  for (const [name] of outputs) walk(name);
  const depth = new Map<string, number>();
  for (const name of finished.slice().reverse()) {
    const d = depth.get(name) ?? 0;
    depth.set(name, d);
    for (const src of inbound(byName.get(name)!)) depth.set(src, Math.max(d + 1, depth.get(src) ?? 0));
  }
  const ordered = [...depth.keys()].sort(
    (a, b) => depth.get(b)! - depth.get(a)! || index.get(a)! - index.get(b)!,
  );

  const perDepth = new Map<number, number>();
  for (const d of depth.values()) perDepth.set(d, (perDepth.get(d) ?? 0) + 1);
  const sequential =
    [...perDepth.values()].every((n) => n === 1) && ordered.every((n) => inbound(byName.get(n)!).length <= 1);

  const rows = ordered.map((name): KerasSummaryRow => {
    const l = byName.get(name)!;
    const from = inbound(l);
    return {
      name,
      className: l.class_name,
      inputShapes: l.class_name === 'InputLayer' ? [shapes.get(name)!] : from.map((n) => shapes.get(n)!),
      outputShape: shapes.get(name)!,
      params: params.get(name) ?? 0,
      connectedTo: from.map((n) => `${n}[0][0]`),
    };
  });
  const total = rows.reduce((acc, r) => acc + r.params, 0);
  return {
    name: modelName,
    sequential,
    rows,
    totals: { total, trainable: total - nonTrainable, nonTrainable },
  };
}

/** One row of fields cut and padded to the columns ending at `positions`, as Keras prints it. */
function printRow(fields: readonly string[], positions: readonly number[]): string {
  let line = '';
  fields.forEach((field, i) => {
    if (i > 0) line = `${line.slice(0, -1)} `;
    line = (line + field).slice(0, positions[i]);
    line += ' '.repeat(positions[i]! - line.length);
  });
  return line;
}

/**
 * The text `model.summary(width)` prints for the exported model in TensorFlow.js (lines joined by
 * "\n"): a header, one block per layer, the totals. `width` is the line length (default 90 for a
 * chain of layers, 115 with the "Receives inputs" column of a branching model).
 */
export function formatKerasSummary(summary: KerasSummary, width?: number): string {
  const seq = summary.sequential;
  const lineLength = width && width > 0 ? width : seq ? 90 : 115;
  const positions = (seq ? [0.32, 0.61, 0.89, 1] : [0.24, 0.48, 0.7, 0.8, 1]).map((p) =>
    Math.floor(lineLength * p),
  );
  const header = ['Layer (type)', 'Input Shape', 'Output shape', 'Param #'];
  if (!seq) header.push('Receives inputs');
  const lines = ['_'.repeat(lineLength), printRow(header, positions), '='.repeat(lineLength)];
  summary.rows.forEach((r, i) => {
    const fields = [
      `${r.name} (${r.className})`,
      JSON.stringify(r.inputShapes),
      JSON.stringify(r.outputShape),
      String(r.params),
    ];
    if (seq) lines.push(printRow(fields, positions));
    else {
      lines.push(printRow([...fields, r.connectedTo[0] ?? ''], positions));
      for (const c of r.connectedTo.slice(1)) lines.push(printRow(['', '', '', '', c], positions));
    }
    lines.push((i === summary.rows.length - 1 ? '=' : '_').repeat(lineLength));
  });
  const { total, trainable, nonTrainable } = summary.totals;
  lines.push(
    `Total params: ${total}`,
    `Trainable params: ${trainable}`,
    `Non-trainable params: ${nonTrainable}`,
    '_'.repeat(lineLength),
  );
  return lines.join('\n');
}
