/**
 * A trained network as a TensorFlow.js layers model: `model.json` (format "layers-model", a functional
 * Keras `Model` whose layers are wired by `inbound_nodes`, so branches and merges load as drawn) and
 * its weights file, one shard of float32 little-endian values in the manifest's order.
 */
import { fail } from '../errors.ts';
import { layerOf } from '../layers/registry.ts';
import { uniqueNamer } from './unique-names.ts';
import type { KerasLayer, Tensor } from '../layers/kind.ts';
import { CREATED_BY } from './weights-file.ts';
import type { LoadedWeights } from './weights-file.ts';

/** Keras's names of a layer's weights where they are not our tensors' (a batch norm's γ, β, statistics). */
const KERAS_WEIGHT_NAMES: Record<string, Partial<Record<Tensor, string>>> = {
  BatchNormalization: {
    kernel: 'gamma',
    bias: 'beta',
    movingMean: 'moving_mean',
    movingVariance: 'moving_variance',
  },
};

/** The one weights file the manifest names; write it next to model.json. */
export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';

/** One weight of the manifest: `<layer>/kernel` or `<layer>/bias`. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** A layer as model.json stores it. */
interface StoredKerasLayer {
  class_name: string;
  config: Record<string, unknown>;
  name: string;
  inbound_nodes: [string, number, number, Record<string, never>][][];
}

/**
 * Exports loaded weights (`loadWeights`) as a TensorFlow.js layers model. `modelJson` is the text of
 * model.json; `weights` the bytes of `group1-shard1of1.bin`. Each node becomes the Keras layers its
 * kind writes (`LayerKind.tfjs`), named by the node's id (a dense node's weights are `<id>/kernel`,
 * kernel [nIn, units] as ours, and `<id>/bias`); the output node writes none: the model's output is
 * its input's value. Dropout layers are kept and, as ours, do nothing at inference.
 *
 * The model takes the features after preprocessing and gives what our model gives (class
 * probabilities, or the standardised regression value). The preprocessing (feature scaling, category
 * encodings, classes, the target's scale) is not part of a layers model: it is written to model.json's
 * `userDefinedMetadata.backpropStudio.preprocessing` (TF.js keeps it as `model.getUserDefinedMetadata()`),
 * with the file's metadata and graph beside it. Throws UNSUPPORTED_EXPORT naming a node whose settings TF.js
 * cannot express (ELU with α other than 1).
 */
export function exportTfjs(loaded: LoadedWeights): { modelJson: string; weights: Uint8Array } {
  const { compiled, parameters } = loaded;
  const unique = uniqueNamer(compiled.order.map((n) => n.id));
  // The Keras name of the layer that holds each node's value.
  const valueOf = new Map<string, string>();
  const layers: StoredKerasLayer[] = [];
  const specs: TfjsWeightSpec[] = [];
  const chunks: Float32Array[] = [];

  for (const node of compiled.order) {
    const width = compiled.width.get(node.id)!;
    const inputs = node.inputs.map((id) => valueOf.get(id)!);
    const written: readonly KerasLayer[] | null = layerOf(node.type).tfjs(node, {
      width,
      inputs: node.inputs.map((id) => compiled.width.get(id)!),
      shape: compiled.shape.get(node.id)!,
      inputShapes: node.inputs.map((id) => compiled.shape.get(id)!),
    });
    if (written === null)
      fail(
        'UNSUPPORTED_EXPORT',
        'file.tfjsUnsupported',
        { id: node.id, type: node.type },
        { nodeId: node.id },
      );
    if (written.length === 0) {
      valueOf.set(node.id, inputs[0]!);
      continue;
    }
    let from = inputs;
    written.forEach((l, i) => {
      const name = i === 0 ? node.id : unique(`${node.id}_${l.className.toLowerCase()}`);
      layers.push({
        class_name: l.className,
        config: { name, trainable: true, dtype: 'float32', ...l.config },
        name,
        inbound_nodes: from.length ? [from.map((src) => [src, 0, 0, {}])] : [],
      });
      const p = parameters.get(node.id);
      for (const w of l.weights ?? []) {
        const values = p?.[w] ?? null;
        if (!values) throw new Error(`No ${w} for "${node.id}"`);
        const stored = compiled.params.find((q) => q.nodeId === node.id)!;
        const shape = w === 'kernel' ? stored.stored : [values.length];
        specs.push({ name: `${name}/${KERAS_WEIGHT_NAMES[l.className]?.[w] ?? w}`, shape, dtype: 'float32' });
        chunks.push(values);
      }
      from = [name];
    });
    valueOf.set(node.id, from[0]!);
  }

  const modelTopology = {
    class_name: 'Model',
    config: {
      name: 'backprop_studio_model',
      layers,
      input_layers: [[valueOf.get(compiled.inputId)!, 0, 0]],
      output_layers: [[valueOf.get(compiled.outputId)!, 0, 0]],
    },
    keras_version: 'tfjs-layers',
    backend: 'tensor_flow.js',
  };
  const model = {
    format: 'layers-model',
    generatedBy: CREATED_BY,
    convertedBy: null,
    modelTopology,
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
    userDefinedMetadata: {
      backpropStudio: {
        preprocessing: loaded.preprocessing,
        metadata: loaded.metadata,
        // The graph as the weights file stores it: what a layers model cannot say (the output block
        // and its loss, initialisers and settings at their defaults) comes back on import.
        graph: { nodes: loaded.graph.nodes },
      },
    },
  };
  return { modelJson: `${JSON.stringify(model, null, 2)}\n`, weights: littleEndian(chunks) };
}

/** The values one after another as float32 little-endian bytes, whatever the platform's order. */
function littleEndian(chunks: readonly Float32Array[]): Uint8Array {
  const count = chunks.reduce((acc, c) => acc + c.length, 0);
  const bytes = new Uint8Array(count * 4);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const c of chunks) for (let i = 0; i < c.length; i++, at += 4) view.setFloat32(at, c[i]!, true);
  return bytes;
}
