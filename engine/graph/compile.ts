/**
 * Checks a graph and infers what it needs: topological order (Kahn), the output width of every node,
 * the parameter shapes of every dense node. Every error names the node that is wrong.
 */
import { fail } from '../errors.ts';
import type { MessageParam, MessageParams } from '../i18n.ts';
import { isLayerType, layerOf } from '../layers/registry.ts';
import { LIMITS } from './limits.ts';
import type { GraphNode, GraphSpec, Shape } from './types.ts';

export { LIMITS };

export interface ParamShape {
  nodeId: string;
  /** The kernel as the products' matrix [rows, units]: dense [nIn, units], conv2d [kh·kw·in, filters]. */
  kernel: [number, number];
  /** The kernel as files store it, Keras layout (dense [nIn, units], conv2d [kh, kw, in, filters]). */
  stored: number[];
  bias: [number] | null;
  /**
   * Batchnorm: its moving mean and moving variance [units] each, kept after the bias in the flat
   * parameter array (updated by training forwards, never by the optimiser); else null.
   */
  moving: [number] | null;
  /** Rows of the products per row of the batch (conv2d: its output positions; dense: 1). */
  rowsPerSample: number;
}

export interface CompiledGraph {
  /** Nodes in topological order (inputs before consumers). */
  order: GraphNode[];
  /** Output width of each node: the values per row of its shape. */
  width: Map<string, number>;
  /** Output shape of each node per row: [n] flat, [h, w, c] an image. */
  shape: Map<string, Shape>;
  /** Consumers of each node, in topological order. */
  consumers: Map<string, string[]>;
  params: ParamShape[];
  paramCount: number;
  inputId: string;
  outputId: string;
  /** The node whose activation the loss fuses with (sigmoid/softmax for cross-entropy), or null. */
  fusedId: string | null;
}

export interface CompileOptions {
  /** Number of features; fills an input node with `units: 0`, and must match a non-zero one. */
  inputWidth?: number;
  /** Number of targets the data has; the output must match it. */
  outputWidth?: number;
}

const ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Checks a node's type, its number of inputs, and (through its kind) its settings. */
function checkNode(n: GraphNode): void {
  const id = n.id;
  const bad = (key: string, params: MessageParams = {}): never =>
    fail('BAD_NODE', 'graph.badNode', { id, problem: { key, params } }, { nodeId: id });
  if (!isLayerType(n.type)) bad('graph.node.unknownType', { type: String(n.type) });
  if (!Array.isArray(n.inputs)) bad('graph.node.inputsNotList');
  const kind = layerOf(n.type);
  const [lo, hi] = kind.arity;
  if (n.inputs.length < lo || n.inputs.length > hi) {
    const want: MessageParam =
      lo === hi
        ? { key: lo === 1 ? 'graph.exactlyOne' : 'graph.exactly', params: { n: lo } }
        : { key: 'graph.between', params: { lo, hi } };
    fail('ARITY', 'graph.arity', { id, type: n.type, want, got: n.inputs.length }, { nodeId: id });
  }
  if (new Set(n.inputs).size !== n.inputs.length)
    fail('ARITY', 'graph.sameInputTwice', { id }, { nodeId: id });
  kind.check(n, bad);
}

/** Activation applied by a node, if it applies one. */
const activationOf = (n: GraphNode) => layerOf(n.type).activation(n);

/** Validates `graph` and infers widths and parameter shapes; throws an EngineError naming the node. */
export function compileGraph(graph: GraphSpec, opts: CompileOptions = {}): CompiledGraph {
  const nodes = graph?.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) fail('GRAPH_EMPTY', 'graph.empty');
  if (nodes.length > LIMITS.nodes) fail('TOO_LARGE', 'graph.tooManyNodes', { max: LIMITS.nodes });
  const byId = new Map<string, GraphNode>();
  for (const n of nodes) {
    if (typeof n?.id !== 'string' || !ID.test(n.id) || n.id.length > LIMITS.idLength)
      fail('BAD_NODE', 'graph.badId', { id: String(JSON.stringify(n?.id)) });
    if (byId.has(n.id)) fail('DUPLICATE_NODE_ID', 'graph.duplicateId', { id: n.id }, { nodeId: n.id });
    byId.set(n.id, n);
  }
  for (const n of nodes) checkNode(n);
  for (const n of nodes)
    for (const src of n.inputs)
      if (!byId.has(src)) fail('UNKNOWN_INPUT', 'graph.unknownInput', { id: n.id, src }, { nodeId: n.id });

  const inputs = nodes.filter((n) => n.type === 'input');
  const outputs = nodes.filter((n) => n.type === 'output');
  if (inputs.length === 0) fail('NO_INPUT', 'graph.noInput');
  if (inputs.length > 1)
    fail('MULTIPLE_INPUTS', 'graph.multipleInputs', { count: inputs.length }, { nodeId: inputs[1]!.id });
  if (outputs.length === 0) fail('NO_OUTPUT', 'graph.noOutput');
  if (outputs.length > 1)
    fail('MULTIPLE_OUTPUTS', 'graph.multipleOutputs', { count: outputs.length }, { nodeId: outputs[1]!.id });
  const input = inputs[0]!;
  const output = outputs[0]!;

  const consumers = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const indegree = new Map<string, number>();
  for (const n of nodes) {
    indegree.set(n.id, n.inputs.length);
    for (const src of n.inputs) consumers.get(src)!.push(n.id);
  }
  const order: GraphNode[] = [];
  const ready = nodes.filter((n) => n.inputs.length === 0).map((n) => n.id);
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(byId.get(id)!);
    for (const c of consumers.get(id)!) {
      const d = indegree.get(c)! - 1;
      indegree.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  if (order.length < nodes.length) {
    // Walk back through unresolved inputs: the first node seen twice lies on a cycle.
    const seen = new Set<string>();
    let id = nodes.find((n) => indegree.get(n.id)! > 0)!.id;
    while (!seen.has(id)) {
      seen.add(id);
      id = byId.get(id)!.inputs.find((src) => indegree.get(src)! > 0)!;
    }
    fail('CYCLE', 'graph.cycle', { id }, { nodeId: id });
  }
  for (const n of nodes) {
    if (n.type !== 'input' && n.inputs.length === 0)
      fail('UNCONNECTED_NODE', 'graph.noInputConnected', { id: n.id }, { nodeId: n.id });
  }
  // Every node must be reachable from the input and must reach the output.
  const fromInput = new Set<string>([input.id]);
  for (const n of order) if (n.inputs.some((s) => fromInput.has(s))) fromInput.add(n.id);
  const toOutput = new Set<string>([output.id]);
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    if (consumers.get(n.id)!.some((c) => toOutput.has(c))) toOutput.add(n.id);
  }
  for (const n of order) {
    if (!fromInput.has(n.id)) fail('UNCONNECTED_NODE', 'graph.notFromInput', { id: n.id }, { nodeId: n.id });
    if (!toOutput.has(n.id)) fail('UNCONNECTED_NODE', 'graph.notToOutput', { id: n.id }, { nodeId: n.id });
  }
  // Softmax only right before the output.
  for (const n of order) {
    if (
      activationOf(n) === 'softmax' &&
      !(consumers.get(n.id)!.length === 1 && consumers.get(n.id)![0] === output.id)
    )
      fail('SOFTMAX_NOT_AT_OUTPUT', 'graph.softmaxNotAtOutput', { id: n.id }, { nodeId: n.id });
  }

  const width = new Map<string, number>();
  const shape = new Map<string, Shape>();
  const params: ParamShape[] = [];
  let paramCount = 0;
  for (const n of order) {
    const kind = layerOf(n.type);
    const inputs = n.inputs.map((id) => shape.get(id)!);
    const out = kind.outputShape(n, { inputs, inputWidth: opts.inputWidth });
    const size = out.reduce((a, b) => a * b, 1);
    if (size > LIMITS.rowSize)
      fail('TOO_LARGE', 'graph.nodeTooLarge', { id: n.id, size, max: LIMITS.rowSize }, { nodeId: n.id });
    const p = kind.params(n, inputs, out);
    if (p) {
      const [nIn, units] = p.kernel;
      params.push({
        nodeId: n.id,
        kernel: [nIn, units],
        stored: p.stored ? [...p.stored] : [nIn, units],
        bias: p.bias ? [units] : null,
        moving: p.moving ? [units] : null,
        rowsPerSample: p.rowsPerSample ?? 1,
      });
      paramCount += nIn * units + (p.bias ? units : 0) + (p.moving ? 2 * units : 0);
      if (paramCount > LIMITS.params)
        fail(
          'TOO_LARGE',
          'graph.tooManyParams',
          { max: LIMITS.params.toLocaleString('en') },
          { nodeId: n.id },
        );
    }
    width.set(n.id, size);
    shape.set(n.id, out);
  }

  const feeder = byId.get(output.inputs[0])!;
  const act = activationOf(feeder);
  const ow = width.get(output.id)!;
  let fusedId: string | null = null;
  const mismatch = (key: string, params: MessageParams = {}): never =>
    fail(
      'LOSS_ACTIVATION_MISMATCH',
      'graph.lossMismatch',
      { id: output.id, problem: { key, params } },
      { nodeId: output.id },
    );
  switch (output.loss) {
    case 'categorical_crossentropy':
      if (act !== 'softmax') mismatch('graph.loss.categoricalNeedsSoftmax', { feeder: feeder.id });
      if (ow < 2) mismatch('graph.loss.categoricalNeedsTwoUnits');
      fusedId = feeder.id;
      break;
    case 'binary_crossentropy':
      if (act !== 'sigmoid') mismatch('graph.loss.binaryNeedsSigmoid', { feeder: feeder.id });
      fusedId = feeder.id;
      break;
    default:
      if (act === 'softmax') mismatch('graph.loss.softmaxWithRegression', { loss: output.loss });
  }
  if (opts.outputWidth !== undefined && opts.outputWidth !== ow)
    fail(
      'OUTPUT_WIDTH_MISMATCH',
      'graph.outputWidthMismatch',
      { id: output.id, units: ow, needed: opts.outputWidth },
      { nodeId: output.id },
    );

  return {
    order,
    width,
    shape,
    consumers,
    params,
    paramCount,
    inputId: input.id,
    outputId: output.id,
    fusedId,
  };
}
