/**
 * A TensorFlow.js layers model (model.json and its weights) as our network: a functional `Model` or a
 * `Sequential` model of the layers we have (InputLayer, Dense, Activation, LeakyReLU, Add, Concatenate,
 * Dropout) becomes a graph and its dense parameters, with the preprocessing our export keeps in
 * `userDefinedMetadata.backpropStudio` or, for any other model, identity features and a target read from
 * the last layer. Everything is checked before anything is allocated for it: the JSON within the file
 * caps, the layer count, every weight's shape and the weights' total against FILE_LIMITS, and the bytes
 * against the manifest.
 */
import type { Preprocessing } from '../data/types.ts';
import { fail } from '../errors.ts';
import type { Activation, GraphNode, GraphSpec, Initializer, LossName } from '../graph/types.ts';
import { readJson } from './json-read.ts';
import { FILE_LIMITS } from './limits.ts';
import type { LayerValues } from './model-codec.ts';
import { exportTfjs } from './tfjs-export.ts';
import { CREATED_BY, exportWeights, loadWeights, serializeWeights } from './weights-file.ts';
import type { LoadedWeights, WeightsFile, WeightsMetadata } from './weights-file.ts';
import { uniqueNamer } from './unique-names.ts';

/** The layer classes an import takes. */
export const TFJS_IMPORT_LAYERS = [
  'InputLayer',
  'Dense',
  'Activation',
  'LeakyReLU',
  'Add',
  'Concatenate',
  'Dropout',
] as const;

/** Keras activation names and ours. */
const ACTIVATIONS: Record<string, Activation> = {
  linear: 'linear',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  elu: 'elu',
  softplus: 'softplus',
  softmax: 'softmax',
};

const INITIALIZERS: Record<string, Initializer> = {
  GlorotUniform: 'glorot_uniform',
  GlorotNormal: 'glorot_normal',
  HeUniform: 'he_uniform',
  HeNormal: 'he_normal',
  Zeros: 'zeros',
};

/** TF.js's LeakyReLU default slope (Keras 2's). */
const KERAS_LEAKY_ALPHA = 0.3;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const notModel = (_why: string): never => fail('BAD_FORMAT', 'file.tfjsNotModel');

interface Layer {
  name: string;
  className: string;
  config: Json;
  inbound: string[];
}

/** One weight of the manifest, with where its values start in the weights' bytes. */
interface WeightSpec {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** The file names of the weights files model.json names, in order (each a plain name beside it). */
export function tfjsWeightPaths(modelJson: string): string[] {
  return manifestGroups(readModel(modelJson)).flatMap((g) => g.paths);
}

function readModel(modelJson: string): Json {
  const json = readJson(modelJson, 'TensorFlow.js model');
  if (!isObject(json)) notModel('not a JSON object');
  const model = json as Json;
  if (model.format !== undefined && model.format !== 'layers-model')
    fail('BAD_FORMAT', 'file.tfjsFormat', { format: String(model.format) });
  if (!isObject(model.modelTopology)) notModel('no modelTopology');
  return model;
}

function manifestGroups(model: Json): { paths: string[]; weights: unknown[] }[] {
  const manifest = model.weightsManifest ?? [];
  if (!Array.isArray(manifest)) notModel('weightsManifest is not a list');
  let paths = 0;
  return (manifest as unknown[]).map((g) => {
    if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights))
      notModel('a weightsManifest entry has no paths or weights');
    const group = g as { paths: unknown[]; weights: unknown[] };
    // One file per weight at most: a manifest naming more is refused before any is looked for.
    paths += group.paths.length;
    if (paths > FILE_LIMITS.nodes * 2)
      fail('TOO_LARGE', 'file.tfjsTooManyWeights', { max: FILE_LIMITS.parameters.toLocaleString('en') });
    for (const p of group.paths)
      if (typeof p !== 'string' || !/^[^/\\]+$/.test(p) || p === '.' || p === '..' || p.length > 255)
        fail('BAD_FILE', 'file.tfjsWeightsPath', { path: String(p).slice(0, 100) });
    return { paths: group.paths as string[], weights: group.weights };
  });
}

/** The manifest's weights with their offsets; sizes are checked against FILE_LIMITS before any sum. */
function weightSpecs(model: Json): WeightSpec[] {
  const specs: WeightSpec[] = [];
  let offset = 0;
  for (const group of manifestGroups(model))
    for (const w of group.weights) {
      const name = isObject(w) && typeof w.name === 'string' ? w.name.slice(0, 200) : '?';
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape))
        fail('BAD_FILE', 'file.tfjsWeightSpec', { weight: name });
      const spec = w as { name: string; shape: unknown[]; dtype?: unknown; quantization?: unknown };
      if ((spec.dtype ?? 'float32') !== 'float32' || spec.quantization !== undefined)
        fail('BAD_FILE', 'file.tfjsWeightType', {
          weight: name,
          dtype: spec.quantization !== undefined ? 'quantised' : String(spec.dtype),
        });
      if (spec.shape.length > 4 || !spec.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
        fail('BAD_FILE', 'file.tfjsWeightSpec', { weight: name });
      let size = 1;
      for (const d of spec.shape as number[]) {
        size *= d;
        if (size > FILE_LIMITS.parameters) break;
      }
      if (size > FILE_LIMITS.parameters - offset / 4 || specs.length >= FILE_LIMITS.nodes * 2)
        fail('TOO_LARGE', 'file.tfjsTooManyWeights', { max: FILE_LIMITS.parameters.toLocaleString('en') });
      specs.push({ name: spec.name, shape: spec.shape as number[], offset, size });
      offset += size * 4;
    }
  return specs;
}

/** The topology's layers, one input and one output, each layer's inputs defined before it. */
function readLayers(model: Json): { name: string; layers: Layer[]; output: string } {
  let topology = model.modelTopology as Json;
  if (isObject(topology.model_config)) topology = topology.model_config;
  const className = topology.class_name;
  const config = topology.config;
  let layers: Layer[];
  let output: string;
  const rawLayers = (list: unknown): Json[] => {
    if (!Array.isArray(list)) notModel('the model has no list of layers');
    const all = list as unknown[];
    if (all.length + 1 > FILE_LIMITS.nodes)
      fail('TOO_LARGE', 'file.tfjsTooManyLayers', { count: all.length, max: FILE_LIMITS.nodes - 1 });
    return all.map((l) => {
      if (!isObject(l) || typeof l.class_name !== 'string' || !isObject(l.config))
        notModel('a layer has no class_name or config');
      return l as Json;
    });
  };
  const layerName = (l: Json, i: number) =>
    String(typeof l.name === 'string' ? l.name : ((l.config as Json).name ?? `layer_${i + 1}`)).slice(0, 200);

  if (className === 'Sequential') {
    const list = rawLayers(Array.isArray(config) ? config : isObject(config) ? config.layers : undefined);
    layers = [];
    list.forEach((l, i) => {
      const c = l.config as Json;
      const name = layerName(l, i);
      if (i === 0 && l.class_name !== 'InputLayer') {
        const shape =
          c.batch_input_shape ??
          c.batchInputShape ??
          (Array.isArray(c.input_shape) ? [null, ...(c.input_shape as unknown[])] : undefined);
        layers.push({
          name: `${name}_input`,
          className: 'InputLayer',
          config: { batch_input_shape: shape },
          inbound: [],
        });
      }
      const prev = layers.at(-1);
      layers.push({ name, className: l.class_name as string, config: c, inbound: prev ? [prev.name] : [] });
    });
    output = layers.at(-1)?.name ?? notModel('the model has no layers');
  } else if (className === 'Model' || className === 'Functional') {
    if (!isObject(config)) notModel('the model has no config');
    const c = config as Json;
    const ends = (v: unknown) => (Array.isArray(v) ? v : []) as unknown[];
    const inputs = ends(c.input_layers);
    const outputs = ends(c.output_layers);
    if (inputs.length !== 1 || outputs.length !== 1)
      fail('BAD_FILE', 'file.tfjsInputsOutputs', { inputs: inputs.length, outputs: outputs.length });
    const out = outputs[0];
    output = String(Array.isArray(out) ? out[0] : out).slice(0, 200);
    layers = rawLayers(c.layers).map((l, i) => {
      const name = layerName(l, i);
      const nodes = Array.isArray(l.inbound_nodes) ? (l.inbound_nodes as unknown[]) : [];
      if (nodes.length > 1) fail('BAD_FILE', 'file.tfjsInbound', { name });
      const calls = nodes.length ? nodes[0] : [];
      if (!Array.isArray(calls)) fail('BAD_FILE', 'file.tfjsInbound', { name });
      const inbound = (calls as unknown[]).map((call) => {
        if (!Array.isArray(call) || typeof call[0] !== 'string' || call[1] !== 0 || call[2] !== 0)
          fail('BAD_FILE', 'file.tfjsInbound', { name });
        return call[0] as string;
      });
      return { name, className: l.class_name as string, config: l.config as Json, inbound };
    });
  } else {
    fail('BAD_FILE', 'file.tfjsModelClass', { className: String(className).slice(0, 100) });
  }
  const name = isObject(config) && typeof config.name === 'string' ? config.name : 'model';
  return { name, layers, output };
}

/** Our activation for a Keras one, or an error naming the layer. */
function activationOf(layer: Layer): Activation {
  const raw = layer.config.activation ?? 'linear';
  const act = typeof raw === 'string' ? ACTIVATIONS[raw] : undefined;
  if (act === undefined || !Object.hasOwn(ACTIVATIONS, raw as string))
    fail('BAD_FILE', 'file.tfjsActivation', {
      name: layer.name,
      activation: String(raw).slice(0, 100),
      supported: Object.keys(ACTIVATIONS).join(', '),
    });
  return act;
}

/** The node id for a layer name: the name when it is a valid id, else a cleaned and unique one. */
function idMaker(): (name: string) => string {
  const unique = uniqueNamer();
  return (name) => {
    let id = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, FILE_LIMITS.idLength - 4);
    if (!/^[A-Za-z_]/.test(id)) id = `_${id}`;
    if (id === '__proto__') id = '_proto_';
    return unique(id);
  };
}

/** The graph the layers make, the dense layers' weights, and the output layer's activation and width. */
function buildGraph(
  layers: Layer[],
  outputLayer: string,
  specs: WeightSpec[],
  bytes: Uint8Array,
): {
  graph: GraphSpec;
  parameters: Map<string, LayerValues>;
  head: Activation;
  width: number;
  outputId: string;
} {
  const idOf = new Map<string, string>();
  const widthOf = new Map<string, number>();
  const actOf = new Map<string, Activation>();
  const nodes: GraphNode[] = [];
  const parameters = new Map<string, LayerValues>();
  const weights = new Map(specs.map((s) => [s.name, s]));
  const used = new Set<string>();
  const makeId = idMaker();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (layer: Layer, which: 'kernel' | 'bias', shape: number[]): Float32Array => {
    const spec = weights.get(`${layer.name}/${which}`);
    if (!spec) return fail('BAD_FILE', 'file.tfjsWeightMissing', { name: layer.name, weight: which });
    used.add(spec.name);
    if (spec.shape.length !== shape.length || spec.shape.some((d, i) => d !== shape[i]))
      fail('BAD_FILE', 'file.tfjsWeightShape', {
        name: layer.name,
        weight: which,
        shape: spec.shape.join(', '),
        expected: shape.join(', '),
      });
    const values = new Float32Array(spec.size);
    for (let i = 0; i < spec.size; i++) values[i] = view.getFloat32(spec.offset + i * 4, true);
    return values;
  };

  let inputs = 0;
  for (const layer of layers) {
    const c = layer.config;
    if (idOf.has(layer.name)) fail('BAD_FILE', 'file.tfjsInbound', { name: layer.name });
    for (const src of layer.inbound)
      if (!idOf.has(src)) fail('BAD_FILE', 'file.tfjsInbound', { name: layer.name });
    const from = layer.inbound.map((src) => idOf.get(src)!);
    const inWidths = layer.inbound.map((src) => widthOf.get(src)!);
    const id = makeId(layer.name);
    const one = () => {
      if (from.length !== 1) fail('BAD_FILE', 'file.tfjsInbound', { name: layer.name });
      return [from[0]!] as [string];
    };
    let width = inWidths[0] ?? 0;
    let act: Activation = actOf.get(layer.inbound[0] ?? '') ?? 'linear';
    switch (layer.className) {
      case 'InputLayer': {
        const shape = c.batch_input_shape ?? c.batchInputShape;
        const n = Array.isArray(shape) && shape.length === 2 && shape[0] === null ? shape[1] : undefined;
        if (!Number.isSafeInteger(n) || (n as number) < 1 || (n as number) > FILE_LIMITS.units)
          fail('BAD_FILE', 'file.tfjsShape', {
            name: layer.name,
            shape: JSON.stringify(shape ?? null).slice(0, 100),
          });
        if (++inputs > 1) fail('BAD_FILE', 'file.tfjsInputsOutputs', { inputs, outputs: 1 });
        width = n as number;
        nodes.push({ id, type: 'input', inputs: [], units: width });
        break;
      }
      case 'Dense': {
        const units = c.units;
        if (!Number.isSafeInteger(units) || (units as number) < 1 || (units as number) > FILE_LIMITS.units)
          fail('BAD_FILE', 'file.tfjsShape', { name: layer.name, shape: String(units).slice(0, 100) });
        act = activationOf(layer);
        width = units as number;
        const useBias = c.use_bias !== false;
        const init = isObject(c.kernel_initializer)
          ? INITIALIZERS[String(c.kernel_initializer.class_name)]
          : undefined;
        const reg =
          isObject(c.kernel_regularizer) && isObject(c.kernel_regularizer.config)
            ? c.kernel_regularizer.config
            : {};
        const penalty = (v: unknown) =>
          typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
        const l1 = penalty(reg.l1);
        const l2 = penalty(reg.l2);
        nodes.push({
          id,
          type: 'dense',
          inputs: one(),
          units: width,
          activation: act,
          useBias,
          kernelInitializer: init ?? 'glorot_uniform',
          ...(l1 !== undefined ? { l1 } : {}),
          ...(l2 !== undefined ? { l2 } : {}),
        });
        const kernel = read(layer, 'kernel', [inWidths[0]!, width]);
        parameters.set(id, { kernel, bias: useBias ? read(layer, 'bias', [width]) : null });
        break;
      }
      case 'Activation':
        act = activationOf(layer);
        nodes.push({ id, type: 'activation', inputs: one(), activation: act });
        break;
      case 'LeakyReLU': {
        const alpha = c.alpha ?? c.negative_slope ?? KERAS_LEAKY_ALPHA;
        act = 'leaky_relu';
        nodes.push({ id, type: 'activation', inputs: one(), activation: act, alpha: alpha as number });
        break;
      }
      case 'Dropout':
        nodes.push({ id, type: 'dropout', inputs: one(), rate: c.rate as number });
        break;
      case 'Add':
        act = 'linear';
        nodes.push({ id, type: 'add', inputs: from });
        break;
      case 'Concatenate': {
        const axis = c.axis ?? -1;
        if (axis !== -1 && axis !== 1)
          fail('BAD_FILE', 'file.tfjsAxis', { name: layer.name, axis: String(axis).slice(0, 20) });
        act = 'linear';
        width = inWidths.reduce((a, b) => a + b, 0);
        nodes.push({ id, type: 'concatenate', inputs: from });
        break;
      }
      default:
        fail('BAD_FILE', 'file.tfjsLayerClass', {
          name: layer.name,
          className: layer.className.slice(0, 100),
          supported: TFJS_IMPORT_LAYERS.join(', '),
        });
    }
    idOf.set(layer.name, id);
    widthOf.set(layer.name, width);
    actOf.set(layer.name, act);
  }
  for (const s of specs)
    if (!used.has(s.name)) fail('BAD_FILE', 'file.tfjsWeightUnknown', { weight: s.name.slice(0, 200) });
  if (!idOf.has(outputLayer)) notModel(`the output layer "${outputLayer}" is not among its layers`);
  return {
    graph: { nodes },
    parameters,
    head: actOf.get(outputLayer)!,
    width: widthOf.get(outputLayer)!,
    outputId: idOf.get(outputLayer)!,
  };
}

/** The loss our network trains with for what its last layer gives. */
function lossFor(pre: Preprocessing, head: Activation): LossName {
  if (pre.target.task === 'regression') return 'mse';
  return head === 'softmax' ? 'categorical_crossentropy' : 'binary_crossentropy';
}

/** Identity features and the target the last layer implies, for a model without our metadata. */
function inferPreprocessing(nIn: number, head: Activation, width: number, last: string): Preprocessing {
  const features = Array.from({ length: nIn }, (_, i) => ({
    name: `x${i}`,
    kind: 'numeric' as const,
    mean: 0,
    scale: 1,
    fill: null,
  }));
  let target: Preprocessing['target'];
  if (head === 'softmax' && width >= 2)
    target = {
      name: 'y',
      task: 'classification',
      classes: Array.from({ length: width }, (_, i) => String(i)),
    };
  else if (head === 'sigmoid' && width === 1)
    target = { name: 'y', task: 'classification', classes: ['0', '1'] };
  else if (head === 'linear' && width === 1) target = { name: 'y', task: 'regression', mean: 0, scale: 1 };
  else return fail('BAD_FILE', 'file.tfjsTarget', { name: last, activation: head, units: width });
  return { features, target, missing: 'drop', normalize: 'none' };
}

/**
 * Imports a TensorFlow.js layers model as a weights file: `modelJson` is model.json's text, `weights`
 * the bytes of the weights files it names, one after another in the manifest's order (metadata
 * `createdBy`/`createdAt` are the import's).
 *
 * Our own export comes back as the weights file it was made from: its preprocessing, metadata and
 * graph are in `userDefinedMetadata.backpropStudio`, and that graph is taken when it exports to this
 * very topology. Any other model gets identity features `x0…` and a target read from its last layer
 * (softmax: classes "0"…; sigmoid with one unit: classes "0", "1"; linear with one unit: regression).
 * Throws EngineError naming the layer for what cannot be imported.
 */
export function importTfjsFile(modelJson: string, weights: Uint8Array): WeightsFile {
  const model = readModel(modelJson);
  const specs = weightSpecs(model);
  const needed = specs.reduce((acc, s) => acc + s.size * 4, 0);
  if (weights.byteLength !== needed)
    fail('BAD_FILE', 'file.tfjsWeightsSize', { bytes: weights.byteLength, expected: needed });
  const { layers, output } = readLayers(model);
  const built = buildGraph(layers, output, specs, weights);
  const ours = isObject(model.userDefinedMetadata) ? model.userDefinedMetadata.backpropStudio : undefined;
  const kept = isObject(ours) ? ours : {};
  const nIn = (built.graph.nodes.find((n) => n.type === 'input') as { units: number }).units;
  const preprocessing =
    (kept.preprocessing as Preprocessing | undefined) ??
    inferPreprocessing(nIn, built.head, built.width, output);
  const outId = idMaker();
  for (const n of built.graph.nodes) outId(n.id);
  const derived: GraphSpec = {
    nodes: [
      ...built.graph.nodes,
      {
        id: outId('output'),
        type: 'output',
        inputs: [built.outputId],
        loss: lossFor(preprocessing, built.head),
      },
    ],
  };
  const metadata: Partial<WeightsMetadata> = {
    ...(isObject(kept.metadata) ? (kept.metadata as Partial<WeightsMetadata>) : {}),
    createdBy: CREATED_BY,
    createdAt: new Date().toISOString(),
  };
  const make = (graph: GraphSpec) =>
    exportWeights({ graph, parameters: built.parameters, preprocessing, metadata });
  const stored =
    isObject(kept.graph) && Array.isArray(kept.graph.nodes) ? (kept.graph as unknown as GraphSpec) : null;
  if (stored) {
    // Our own export: its graph, when it describes exactly this model.
    try {
      const candidate = make(stored);
      const topology = (text: string) => JSON.stringify((JSON.parse(text) as Json).modelTopology);
      const again = exportTfjs(loadWeights(serializeWeights(candidate))).modelJson;
      if (topology(again) === JSON.stringify(model.modelTopology)) return candidate;
    } catch {
      // not ours after all, or edited since: the model as it is
    }
  }
  return make(derived);
}

/** `importTfjsFile`, loaded as `loadWeights` loads a weights file. */
export function importTfjs(modelJson: string, weights: Uint8Array): LoadedWeights {
  return loadWeights(serializeWeights(importTfjsFile(modelJson, weights)));
}
