/**
 * A compiled graph with its buffers: one flat parameter array and one flat gradient array (each dense
 * layer's kernel and bias are views into them), and per node a forward cache and a stored gradient.
 * Everything is allocated here, once, for up to `maxBatch` rows; training steps allocate nothing.
 * With WebAssembly kernels every buffer is a view into the kernels' memory, so they read it in place.
 */
import { fail } from '../errors.ts';
import type { CompiledGraph } from '../graph/compile.ts';
import type { GraphNode } from '../graph/types.ts';
import { layerOf } from '../layers/registry.ts';
import { tsKernels, tsVectors } from '../kernels/kernel-sets.ts';
import type { KernelChoice, KernelName, MatmulKernels, VectorKernels } from '../kernels/kernel-sets.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import { DEFAULT_MIN_MULTIPLY_ADDS } from '../kernels/wasm/pool.ts';
import type { KernelPool, ThreadOptions } from '../kernels/wasm/pool.ts';
import { bestWasmKernels, createWasmKernels, scratchFor, tapeCallsFor } from '../kernels/wasm/runtime.ts';
import type { TapeSpace } from '../kernels/wasm/runtime.ts';
import { tapeBytes } from '../kernels/wasm/tape.ts';
import { createRng } from '../rng.ts';
import type { Rng } from '../rng.ts';
import type { NodeState } from './state.ts';

export type DType = 'float32' | 'float64';

/** A parameterised layer (dense, conv2d): views of its weights and gradients, and its penalties. */
export interface ParamLayer {
  nodeId: string;
  state: NodeState;
  /** The kernel as the products' matrix [rows, units] (dense [nIn, units], conv2d [kh·kw·in, filters]). */
  shape: [number, number];
  kernel: FloatArray;
  bias: FloatArray | null;
  dKernel: FloatArray;
  dBias: FloatArray | null;
  /** Batchnorm: moving mean then moving variance, after the bias (outside `length`); else null. */
  moving: FloatArray | null;
  l1: number;
  l2: number;
  /** Range of this layer's trainable weights in the flat arrays: [offset, offset + length). */
  offset: number;
  length: number;
}

export interface Model {
  compiled: CompiledGraph;
  dtype: DType;
  maxBatch: number;
  /** Node states in topological order. */
  states: NodeState[];
  byId: Map<string, NodeState>;
  input: NodeState;
  output: NodeState;
  /** The node the loss fuses with (cross-entropy), or null. */
  fused: NodeState | null;
  /** What the loss reads: the fused node's logits (its pre-activation), else the output itself. */
  logits: FloatArray;
  params: FloatArray;
  grads: FloatArray;
  layers: ParamLayer[];
  /** Generator for dropout masks. */
  rng: Rng;
  /** The matmul kernels every dense layer of this model runs with. */
  kernels: MatmulKernels;
  /** Reductions over the model's buffers (gradient norms, finiteness checks). */
  vectors: VectorKernels;
  /** The helper thread that shares large products, or null when the model runs on one thread. */
  pool: KernelPool | null;
  /** Ends the helper thread, if any (the model keeps working, on one thread). Safe to call twice. */
  dispose(): void;
}

export interface ModelOptions {
  dtype?: DType;
  /** Largest batch the buffers hold. */
  maxBatch: number;
  /** Seed for the initial weights and dropout (ignored for weights when `rng` is given). */
  seed?: number;
  rng?: Rng;
  /** Matmul kernels (default `auto`: WebAssembly SIMD where the runtime has it; float64 always `ts`). */
  kernels?: KernelChoice;
  /**
   * A helper thread for large products (WebAssembly kernels on a shared memory; bit-identical results).
   * Default none: only the host knows whether it can start a thread, and passes it down.
   * Only models whose largest product reaches the pool's threshold at `maxBatch` start a helper.
   */
  threads?: ThreadOptions | null;
}

/**
 * Most bytes a model's buffers may take (float32, with the kernels' scratch): what a WebAssembly
 * memory can surely hold. A network's widths are capped when it compiles; its batch size and image
 * sizes multiply them, so this is checked when the model is made for a batch size.
 */
const MAX_MODEL_BYTES = 2 ** 31;

/** Rounds a buffer length up to whole 16-byte vectors. */
const vec = (n: number) => (n + 3) & ~3;

/**
 * Floats all buffers of the model take (each rounded to whole vectors), the kernels' scratch, and room
 * for a recording of a training pass (a few kernel calls per node, one sum of squares per layer).
 */
function footprint(
  compiled: CompiledGraph,
  maxBatch: number,
): { floats: number; scratch: number; tape: TapeSpace } {
  let floats = 2 * vec(compiled.paramCount);
  for (const node of compiled.order) {
    const c = layerOf(node.type).cache;
    if (c.sharesInput) continue;
    const size = vec(maxBatch * compiled.width.get(node.id)!);
    const copies = 1 + Number(c.gradient) + Number(c.z) + Number(c.dZ) + Number(c.mask);
    floats += copies * size + 2 * vec(maxBatch * scratchPerRow(compiled, node));
  }
  let scratch = 0;
  let calls = 4 * compiled.order.length;
  for (const p of compiled.params) {
    const rows = maxBatch * p.rowsPerSample;
    scratch = Math.max(scratch, scratchFor(rows, p.kernel[0], p.kernel[1]));
    calls += 2 * tapeCallsFor(rows, p.kernel[0], p.kernel[1]) + 1;
  }
  const sums = compiled.params.length;
  return { floats, scratch, tape: { bytes: tapeBytes(calls, sums), sums } };
}

/** Floats per row of a node's scratch pair (conv2d's unrolled windows), 0 for most kinds. */
function scratchPerRow(compiled: CompiledGraph, node: GraphNode): number {
  const scratch = layerOf(node.type).cache.scratch;
  if (!scratch) return 0;
  return scratch(node, compiled.shape.get(node.inputs[0]!)!, compiled.shape.get(node.id)!);
}

/** Multiply-adds of the model's largest product at `maxBatch` rows. */
function largestProduct(compiled: CompiledGraph, maxBatch: number): number {
  let most = 0;
  for (const p of compiled.params)
    most = Math.max(most, maxBatch * p.rowsPerSample * p.kernel[0] * p.kernel[1]);
  return most;
}

function kernelName(dtype: DType, choice: KernelChoice): KernelName {
  if (dtype === 'float64') return 'ts';
  return choice === 'auto' ? (bestWasmKernels() ?? 'ts') : choice;
}

/** Allocates buffers and initialises the weights (biases start at zero, as in Keras). */
export function createModel(compiled: CompiledGraph, opts: ModelOptions): Model {
  const dtype = opts.dtype ?? 'float32';
  const Arr = dtype === 'float64' ? Float64Array : Float32Array;
  const maxBatch = Math.max(1, Math.floor(opts.maxBatch));
  const room = footprint(compiled, maxBatch);
  const bytes = 4 * (room.floats + room.scratch) + room.tape.bytes;
  if (bytes > MAX_MODEL_BYTES)
    fail('TOO_LARGE', 'graph.buffersTooLarge', {
      batch: maxBatch,
      size: (bytes / 2 ** 30).toFixed(1),
      max: MAX_MODEL_BYTES / 2 ** 30,
    });
  const rng = opts.rng ?? createRng(opts.seed ?? 0);
  const name = kernelName(dtype, opts.kernels ?? 'auto');
  let kernels = tsKernels;
  let vectors = tsVectors;
  let alloc = (n: number): FloatArray => new Arr(n);
  let pool: ReturnType<typeof createWasmKernels>['pool'] = null;
  if (name !== 'ts') {
    const { floats, scratch, tape } = room;
    const asked = opts.threads ?? null;
    const threads =
      asked && largestProduct(compiled, maxBatch) >= (asked.minMultiplyAdds ?? DEFAULT_MIN_MULTIPLY_ADDS)
        ? asked
        : null;
    const set = createWasmKernels(name, floats, scratch, threads, tape);
    kernels = set.kernels;
    vectors = set.vectors;
    pool = set.pool;
    let used = 0;
    alloc = (n) => {
      const view = set.heap.subarray(used, used + n);
      used += vec(n);
      return view;
    };
  }
  const params = alloc(compiled.paramCount);
  const grads = alloc(compiled.paramCount);
  const states: NodeState[] = [];
  const byId = new Map<string, NodeState>();
  for (const node of compiled.order) {
    const kind = layerOf(node.type);
    const c = kind.cache;
    const width = compiled.width.get(node.id)!;
    const size = maxBatch * width;
    if (c.sharesInput) {
      // The output is its input's value: share the buffers, so the loss writes straight into them.
      const feeder = byId.get(node.inputs[0]!)!;
      const s: NodeState = {
        ...feeder,
        node,
        forward: kind.forward,
        backward: kind.backward,
        inputs: [feeder],
        fused: false,
        z: null,
        dZ: null,
        mask: null,
        cols: null,
        dCols: null,
      };
      s.kernel = s.bias = s.dKernel = s.dBias = s.moving = null;
      s.products = s.act = s.softplus = null;
      states.push(s);
      byId.set(node.id, s);
      continue;
    }
    const fused = node.id === compiled.fusedId;
    const scratch = maxBatch * scratchPerRow(compiled, node);
    const s: NodeState = {
      node,
      forward: kind.forward,
      backward: kind.backward,
      width,
      shape: compiled.shape.get(node.id)!,
      inputs: node.inputs.map((id) => byId.get(id)!),
      out: alloc(size),
      dOut: alloc(c.gradient ? size : 0),
      z: c.z ? alloc(size) : null,
      dZ: c.dZ ? alloc(size) : null,
      mask: c.mask ? alloc(size) : null,
      cols: scratch > 0 ? alloc(scratch) : null,
      dCols: scratch > 0 ? alloc(scratch) : null,
      kernel: null,
      bias: null,
      dKernel: null,
      dBias: null,
      moving: null,
      fused,
      kernels,
      vectors,
      products: null,
      act: null,
      softplus: fused && kind.activation(node) === 'sigmoid' ? new Float64Array(size) : null,
    };
    states.push(s);
    byId.set(node.id, s);
  }
  const layers: ParamLayer[] = [];
  let offset = 0;
  for (const p of compiled.params) {
    const s = byId.get(p.nodeId)!;
    const kind = layerOf(s.node.type);
    const { l1, l2 } = kind.penalties(s.node);
    const [nIn, units] = p.kernel;
    const kLen = nIn * units;
    const bLen = p.bias ? units : 0;
    s.kernel = params.subarray(offset, offset + kLen);
    s.dKernel = grads.subarray(offset, offset + kLen);
    s.bias = p.bias ? params.subarray(offset + kLen, offset + kLen + bLen) : null;
    s.dBias = p.bias ? grads.subarray(offset + kLen, offset + kLen + bLen) : null;
    const mLen = p.moving ? 2 * units : 0;
    s.moving = p.moving ? params.subarray(offset + kLen + bLen, offset + kLen + bLen + mLen) : null;
    // Keras starts the moving variance at ones (the mean at zeros).
    s.moving?.fill(1, units);
    kind.initParams(s.node, s.kernel, nIn, units, rng);
    layers.push({
      nodeId: p.nodeId,
      state: s,
      shape: [nIn, units],
      kernel: s.kernel,
      bias: s.bias,
      dKernel: s.dKernel,
      dBias: s.dBias,
      moving: s.moving,
      l1,
      l2,
      offset,
      length: kLen + bLen,
    });
    offset += kLen + bLen + mLen;
  }
  for (const s of states) layerOf(s.node.type).bind(s);
  const output = byId.get(compiled.outputId)!;
  const fused = compiled.fusedId ? byId.get(compiled.fusedId)! : null;
  const model: Model = {
    compiled,
    dtype,
    maxBatch,
    states,
    byId,
    input: byId.get(compiled.inputId)!,
    output,
    fused,
    logits: fused ? layerOf(fused.node.type).logits(fused) : output.out,
    params,
    grads,
    layers,
    rng,
    kernels,
    vectors,
    pool,
    dispose() {
      pool?.dispose();
    },
  };
  // A model dropped without dispose() still ends its helper, when it is collected.
  pool?.bindTo(model);
  return model;
}

/** A batchnorm layer's moving statistics ([units] each). */
export interface MovingStats {
  movingMean: ArrayLike<number>;
  movingVariance: ArrayLike<number>;
}

/** One layer's weights: kernel and bias, and a batchnorm's moving statistics. */
export interface LayerTensors {
  kernel: FloatArray;
  bias: FloatArray | null;
  movingMean?: FloatArray;
  movingVariance?: FloatArray;
}

/** The model's weights by parameterised node id (Keras layout; the model's own arrays, not copies). */
export function layerWeights(model: Model): Map<string, LayerTensors> {
  return new Map(
    model.layers.map((l) => {
      const tensors: LayerTensors = { kernel: l.kernel, bias: l.bias };
      if (l.moving) {
        const units = l.moving.length / 2;
        tensors.movingMean = l.moving.subarray(0, units);
        tensors.movingVariance = l.moving.subarray(units);
      }
      return [l.nodeId, tensors];
    }),
  );
}

/**
 * Copies weights in (Keras layout) for the named parameterised layer; sizes must already match. A
 * batchnorm layer takes its moving statistics from `stats` (without them it keeps its own).
 */
export function setLayerWeights(
  model: Model,
  nodeId: string,
  kernel: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  stats?: Partial<MovingStats>,
): void {
  const layer = model.layers.find((l) => l.nodeId === nodeId);
  if (!layer) throw new Error(`No layer with parameters "${nodeId}"`);
  if (kernel.length !== layer.kernel.length) throw new Error(`Kernel of "${nodeId}" has the wrong size`);
  layer.kernel.set(kernel);
  if (layer.bias) {
    if (!bias || bias.length !== layer.bias.length) throw new Error(`Bias of "${nodeId}" has the wrong size`);
    layer.bias.set(bias);
  }
  const moving = layer.moving;
  if (moving && stats?.movingMean && stats.movingVariance) {
    const units = moving.length / 2;
    if (stats.movingMean.length !== units || stats.movingVariance.length !== units)
      throw new Error(`Moving statistics of "${nodeId}" have the wrong size`);
    moving.set(stats.movingMean);
    moving.set(stats.movingVariance, units);
  }
}
