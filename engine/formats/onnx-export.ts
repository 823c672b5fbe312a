/**
 * A trained network as an ONNX model (IR version 7, opset 13): one graph that takes raw feature rows
 * and gives what the app predicts. The preprocessing is part of the graph (missing values filled,
 * then standardised); each node writes its own operators (`LayerKind.onnx`); a regression's value is
 * brought back to the target's units. The bytes are ONNX's protocol-buffers schema (onnx/proto.ts).
 */
import type { Preprocessing } from '../data/types.ts';
import { inputWidth } from '../data/types.ts';
import { layerOf } from '../layers/registry.ts';
import type { OnnxAttribute } from '../layers/kind.ts';
import { encodeOnnx } from './onnx/proto.ts';
import type { OnnxMessage } from './onnx/proto.ts';
import { CREATED_BY } from './weights-file.ts';
import type { LoadedWeights } from './weights-file.ts';
import { uniqueNamer } from './unique-names.ts';

/** ONNX IR version 7 (ONNX 1.7): read by every ONNX Runtime 1.x and by ONNX's checker. */
export const ONNX_IR_VERSION = 7;
/** The default-domain operator set the graph's operators are written against. */
export const ONNX_OPSET = 13;
/** The graph's input: raw features [N, F]. */
export const ONNX_INPUT = 'features';
/** The graph's output: class probabilities [N, K], or the regression value [N, 1] in the target's units. */
export const ONNX_OUTPUT = { classification: 'probabilities', regression: 'value' } as const;
/** Keys of the model's `metadata_props`, each a JSON text. */
export const ONNX_METADATA = {
  /** One entry per column of the input: `{ feature, kind }`, plus `category` for a one-hot column. */
  inputColumns: 'backprop_studio.input_columns',
  /** The output: its name, the task, the target and what each of its columns is. */
  output: 'backprop_studio.output',
  /** The weights file's preprocessing record (features with means, scales, fills and categories; the target). */
  preprocessing: 'backprop_studio.preprocessing',
  /** The weights file's metadata (`createdBy`, `createdAt`, how training ended when known). */
  metadata: 'backprop_studio.metadata',
} as const;

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTRIBUTE_FLOAT = 1; // AttributeProto.AttributeType.FLOAT
const ATTRIBUTE_INT = 2; // AttributeProto.AttributeType.INT
const ATTRIBUTE_INTS = 7; // AttributeProto.AttributeType.INTS
const INT64 = 7; // TensorProto.DataType.INT64

/** One column of the input as the metadata describes it. */
export type OnnxInputColumn =
  { feature: string; kind: 'numeric' } | { feature: string; kind: 'categorical'; category: string };

/** The columns of the `features` input, in order: a numeric feature's one, a categorical feature's one-hot ones. */
export function onnxInputColumns(p: Preprocessing): OnnxInputColumn[] {
  return p.features.flatMap((f): OnnxInputColumn[] =>
    f.kind === 'numeric'
      ? [{ feature: f.name, kind: 'numeric' }]
      : f.categories.map((category) => ({ feature: f.name, kind: 'categorical', category })),
  );
}

/**
 * The per-column constants of the preprocessing nodes: mean and scale (0 and 1 at one-hot columns),
 * and the value a missing (NaN) cell takes: a numeric fill, a categorical fill's one-hot, NaN where the
 * feature has no fill. `fills` is false when no feature has one (the graph then has no fill nodes).
 */
export function onnxPreprocessing(p: Preprocessing): {
  mean: Float32Array;
  scale: Float32Array;
  fill: Float32Array;
  fills: boolean;
} {
  const width = inputWidth(p);
  const mean = new Float32Array(width);
  const scale = new Float32Array(width).fill(1);
  const fill = new Float32Array(width).fill(NaN);
  let at = 0;
  for (const f of p.features) {
    if (f.kind === 'numeric') {
      mean[at] = f.mean;
      scale[at] = f.scale;
      if (f.fill !== null) fill[at] = f.fill;
      at++;
    } else {
      if (f.fill !== null)
        for (let c = 0; c < f.categories.length; c++) fill[at + c] = f.categories[c] === f.fill ? 1 : 0;
      at += f.categories.length;
    }
  }
  return { mean, scale, fill, fills: p.features.some((f) => f.fill !== null) };
}

/** What the output holds, for the metadata and the output's doc string. */
function outputDescription(loaded: LoadedWeights, width: number) {
  const t = loaded.preprocessing.target;
  if (t.task === 'regression')
    return {
      name: ONNX_OUTPUT.regression,
      task: t.task,
      target: t.name,
      columns: [t.name],
      doc: `The predicted "${t.name}", in its own units (the network's output × ${t.scale} + ${t.mean}).`,
    };
  const columns = width === 1 ? [t.classes[1]!] : t.classes;
  return {
    name: ONNX_OUTPUT.classification,
    task: t.task,
    target: t.name,
    classes: t.classes,
    columns,
    doc:
      width === 1
        ? `The probability that "${t.name}" is "${t.classes[1]}" (sigmoid; "${t.classes[0]}" otherwise, as the app labels p > 0.5).`
        : `The probability of each class of "${t.name}" (softmax), in the order ${JSON.stringify(t.classes)}.`,
  };
}

/** Float32 values as an initializer: little-endian raw data, whatever the platform's order. */
function tensor(name: string, dims: readonly number[], values: ArrayLike<number>): OnnxMessage {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return { name, dims, data_type: FLOAT, raw_data: bytes };
}

/** A float32 [N, width] value of the graph's interface, N left symbolic. */
function rows(name: string, width: number, doc: string): OnnxMessage {
  return {
    name,
    doc_string: doc,
    type: { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: 'N' }, { dim_value: width }] } } },
  };
}

/** An ONNX NodeProto as the exporter builds it (its output renamed once the node's last is known). */
interface NodeProto {
  name: string;
  op_type: string;
  input: readonly string[];
  output: string[];
  attribute: OnnxMessage[];
}

function attribute(name: string, a: OnnxAttribute): OnnxMessage {
  if ('ints' in a) return { name, type: ATTRIBUTE_INTS, ints: [...a.ints] };
  return 'float' in a ? { name, type: ATTRIBUTE_FLOAT, f: a.float } : { name, type: ATTRIBUTE_INT, i: a.int };
}

/**
 * Exports loaded weights (`loadWeights`) as the bytes of an ONNX model (`.onnx`).
 *
 * The graph's input `features` is float32 [N, F], one row per example, its columns as
 * `onnxInputColumns` lists them: a numeric feature's raw value (NaN when missing), a categorical
 * feature's one-hot columns in its categories' order (NaN in all of them when missing). When a feature
 * has a fill, IsNaN and Where put each feature's fill in place of NaN; then Sub (the means) and Div (the
 * scales; 0 and 1 at one-hot columns) give what the network takes. Each node is written as its kind's
 * operators (`LayerKind.onnx`), named by its id (`<id>/Gemm`, initializers `<id>/kernel` [nIn, units]
 * and `<id>/bias`, the node's value `<id>`); dropout is the identity, as at inference.
 *
 * The output is `probabilities` for a classifier (one per class, softmax; or, with one output, the
 * second class's, sigmoid), or `value` for a regression, in the target's units (× scale + mean). The
 * model's `metadata_props` hold JSON texts under the keys of `ONNX_METADATA`.
 */
export function exportOnnx(loaded: LoadedWeights): Uint8Array {
  const { compiled, parameters, preprocessing } = loaded;
  const task = preprocessing.target.task;
  const outputName = ONNX_OUTPUT[task];
  const unique = uniqueNamer([ONNX_INPUT, outputName]);
  const nodes: NodeProto[] = [];
  const initializers: OnnxMessage[] = [];
  /** Appends an operator named `<prefix>/<opType>`, its output value named the same. */
  const write = (
    prefix: string,
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, OnnxAttribute>> = {},
    output = unique(`${prefix}/${opType}`),
  ) => {
    nodes.push({
      name: output,
      op_type: opType,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([k, a]) => attribute(k, a)),
    });
    return output;
  };
  const constant = (name: string, values: ArrayLike<number>, dims = [values.length]) => {
    const unused = unique(name);
    initializers.push(tensor(unused, dims, values));
    return unused;
  };

  // Each node's value is named by its id (the names of the graph's input and output aside).
  const names = new Map(compiled.order.map((n) => [n.id, unique(n.id)]));

  // Preprocessing: raw features → what the input node stands for.
  const pre = onnxPreprocessing(preprocessing);
  let features = ONNX_INPUT;
  if (pre.fills) {
    const missing = write('preprocessing', 'IsNaN', [features]);
    features = write('preprocessing', 'Where', [missing, constant('preprocessing/fill', pre.fill), features]);
  }
  features = write('preprocessing', 'Sub', [features, constant('preprocessing/mean', pre.mean)]);
  features = write('preprocessing', 'Div', [features, constant('preprocessing/scale', pre.scale)]);

  const valueOf = new Map<string, string>();
  for (const node of compiled.order) {
    const first = nodes.length;
    const value = layerOf(node.type).onnx(node, {
      inputs: node.id === compiled.inputId ? [features] : node.inputs.map((id) => valueOf.get(id)!),
      width: compiled.width.get(node.id)!,
      inputWidths: node.inputs.map((id) => compiled.width.get(id)!),
      shape: compiled.shape.get(node.id)!,
      inputShapes: node.inputs.map((id) => compiled.shape.get(id)!),
      op: (opType, inputs, attributes) => write(node.id, opType, inputs, attributes),
      param: (which, layout) => {
        const p = parameters.get(node.id);
        const values = p?.[which] ?? null;
        if (!values) throw new Error(`No ${which} for "${node.id}"`);
        if (layout) {
          const written = layout(values);
          return constant(`${node.id}/${which}`, written.values, written.dims);
        }
        const stored = compiled.params.find((q) => q.nodeId === node.id)!;
        const dims = which === 'kernel' ? stored.stored : [values.length];
        return constant(`${node.id}/${which}`, values, dims);
      },
      int64s: (name, values) => {
        const unused = unique(`${node.id}/${name}`);
        initializers.push({ name: unused, dims: [values.length], data_type: INT64, int64_data: [...values] });
        return unused;
      },
    });
    // The node's last operator writes its value: under the node's id.
    const last = nodes.length > first ? nodes[nodes.length - 1]! : null;
    if (last?.output[0] === value) {
      last.output[0] = names.get(node.id)!;
      valueOf.set(node.id, names.get(node.id)!);
    } else valueOf.set(node.id, value);
  }

  const network = valueOf.get(compiled.outputId)!;
  const width = compiled.width.get(compiled.outputId)!;
  const target = preprocessing.target;
  if (target.task === 'regression') {
    const scaled = write('postprocessing', 'Mul', [
      network,
      constant('postprocessing/scale', [target.scale]),
    ]);
    write('postprocessing', 'Add', [scaled, constant('postprocessing/mean', [target.mean])], {}, outputName);
  } else write('postprocessing', 'Identity', [network], {}, outputName);

  const columns = onnxInputColumns(preprocessing);
  const output = outputDescription(loaded, width);
  const { doc, ...described } = output;
  const metadata: Record<string, unknown> = {
    [ONNX_METADATA.inputColumns]: columns,
    [ONNX_METADATA.output]: described,
    [ONNX_METADATA.preprocessing]: preprocessing,
    [ONNX_METADATA.metadata]: loaded.metadata,
  };
  const inputDoc =
    `Raw feature rows, float32 [N, ${columns.length}], columns as "${ONNX_METADATA.inputColumns}" lists them: ` +
    'a numeric feature as its value, a categorical feature as its one-hot columns in its categories’ order; ' +
    'a missing value is NaN (in every column of a categorical feature) and takes the feature’s fill ' +
    '(without one the output is NaN). The standardisation is part of the graph.';
  return encodeOnnx('ModelProto', {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'Backprop Studio',
    producer_version: CREATED_BY.replace(/^Backprop Studio /, ''),
    doc_string:
      `A network trained in Backprop Studio. Input "${ONNX_INPUT}": raw feature rows; output "${outputName}": ` +
      `${doc} The metadata keys ${Object.values(ONNX_METADATA).join(', ')} hold JSON.`,
    graph: {
      name: 'backprop_studio_model',
      node: nodes,
      initializer: initializers,
      input: [rows(ONNX_INPUT, columns.length, inputDoc)],
      output: [rows(outputName, width, doc)],
    },
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value: JSON.stringify(value) })),
  });
}
