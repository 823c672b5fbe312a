/**
 * What a layer kind must say about itself. One module per kind (engine/layers/<kind>.ts) fills this in;
 * the registry (registry.ts) maps each node type to its module, and everything that handles nodes (the
 * compiler, the model, the two walks, the explainer, the file schemas, the editor) asks the registry.
 */
import type * as z from 'zod';
import type { ChainStep, BackwardEvent, ForwardEvent } from '../explain/trace-types.ts';
import type { Activation, GraphNode, Shape } from '../graph/types.ts';
import type { MatmulKernels, Pass, StepRecorder } from '../kernels/kernel-sets.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import type { NodeState, RunContext } from '../model/state.ts';
import type { MessageParams } from '../i18n.ts';
import type { Rng } from '../rng.ts';

/** A node's settings: the node without id, type and inputs. */
export type Settings<N extends GraphNode> = Omit<N, 'id' | 'type' | 'inputs'>;

/** How the editor shows one setting (its inspector field) and where its words are in the catalogue. */
export type SettingField = {
  key: string;
  /** Catalogue key of the field's name. */
  labelKey: string;
  /** Shown only when this holds for the node's settings (α only for leaky ReLU and ELU). */
  shownIf?: (settings: Record<string, unknown>) => boolean;
} & (
  | { control: 'int'; min: number; max: number }
  | {
      control: 'number';
      min?: number;
      max?: number;
      step: number;
      /**
       * An optional setting: the value in force while it is absent. A number (a penalty's 0): the
       * editor shows and keeps it, and the node leaves it out when it has that value. A function (α's
       * default for the activation): the editor shows it while the setting is absent, keeps whatever
       * is set.
       */
      whenAbsent?: number | ((settings: Record<string, unknown>) => number);
    }
  | {
      control: 'choice';
      values: readonly string[];
      /** catalogue prefix of the values' names */ optionKey: string;
    }
  | { control: 'flag' }
);

/** The schemas of the fields every node has. */
export interface NodeBase {
  id: z.ZodType<string>;
  inputs: z.ZodType<string[]>;
}

/** Fails with BAD_NODE naming the node; `key` is the problem's catalogue key. */
export type BadSetting = (key: string, params?: MessageParams) => never;

/** What the compiler gives a kind to work out its output shape. */
export interface ShapeContext {
  /** Input shapes, in `node.inputs` order. */
  inputs: readonly Shape[];
  /** Features of the data, when known (the input node takes its width from them). */
  inputWidth?: number;
}

/** A parameterised kind's tensors: kernel as the matrix the products use, and as files store it. */
export interface ParamSpec {
  /** The kernel as a [rows, units] matrix (dense: [nIn, units]; conv2d: [kh·kw·in, filters]). */
  kernel: [number, number];
  bias: boolean;
  /** The kernel's shape in Keras layout (its values in the same order); absent: `kernel`. */
  stored?: number[];
  /** Rows of the matrix products per row of the batch (conv2d: output positions); absent: 1. */
  rowsPerSample?: number;
  /** Batchnorm: a moving mean and a moving variance [units] each, state the optimiser leaves alone. */
  moving?: boolean;
}

/** A parameterised node's tensors: kernel and bias, and a batchnorm's moving statistics. */
export type Tensor = 'kernel' | 'bias' | 'movingMean' | 'movingVariance';

/** Buffers the model gives a node beyond its output (each [maxBatch × width]). */
export interface CacheSpec {
  /** The stored gradient ∂L/∂out (false: nothing needs this node's gradient, as for the data). */
  gradient: boolean;
  /** Pre-activation z (forward cache). */
  z: boolean;
  /** ∂L/∂z scratch of an activation's backward. */
  dZ: boolean;
  /** A mask drawn while training (forward cache). */
  mask: boolean;
  /** No buffers of its own: the node is its single input's value (the output). */
  sharesInput: boolean;
  /**
   * Floats per row of a scratch buffer pair (`cols`, `dCols`) its products run on (conv2d's unrolled
   * windows), from the node and its input's and its own shape; absent: none.
   */
  scratch?: (node: GraphNode, input: Shape, shape: Shape) => number;
}

/** The tangents of the forward-mode explainer: a node's, or null where no live tangent reaches. */
export type TangentOf = (s: NodeState) => Float64Array | null;

/** The fields every backward event has; the kind adds its own. */
export type BackwardBase = Pick<BackwardEvent, 'nodeId' | 'dA' | 'sum' | 'sumSteps'>;

/**
 * One Keras layer of a TensorFlow.js layers model, before the exporter names and wires it: its class
 * name and config (snake_case, as model.json stores it, without `name`), and for a parameterised kind
 * which of the node's parameters it holds, in the order TF.js lists its weights.
 */
export interface KerasLayer {
  className: string;
  config: Record<string, unknown>;
  weights?: readonly Tensor[];
}

/** What the TF.js writer gives a kind: its node's output width and its inputs' widths, and their shapes. */
export interface TfjsContext {
  width: number;
  inputs: readonly number[];
  shape: Shape;
  inputShapes: readonly Shape[];
}

/** What the PyTorch writer gives a kind: the node's Python name, its inputs' variables and the widths. */
export interface TorchContext {
  /** The node's attribute on the nn.Module and its variable in `forward` (a Python identifier). */
  name: string;
  /** Its inputs' variables in `forward`, in `node.inputs` order. */
  inputs: readonly string[];
  /** Its output width and its inputs' widths, and their shapes. */
  width: number;
  inputWidths: readonly number[];
  shape: Shape;
  inputShapes: readonly Shape[];
}

/** One node's piece of a PyTorch nn.Module (engine/formats/pytorch-export.ts names and wires it). */
export interface TorchPiece {
  /** The module `__init__` creates as `self.<name>` (`nn.Linear(4, 8)`, `nn.Dropout(p=0.2)`), if any. */
  module?: string;
  /**
   * The node's parameters that module holds, loaded as its `weight` (our kernel [nIn, units],
   * transposed to nn.Linear's [units, nIn]) and its `bias`, and a batch norm's `running_mean` and
   * `running_var`.
   */
  weights?: readonly Tensor[];
  /**
   * The node's value before its activation as a Python expression of its inputs' variables
   * (`self.hidden(x)`, `a + b`); null when the node is its single input's value (the output), or the
   * model's input (`forward`'s argument).
   */
  value: string | null;
  /** Its activation applied to an expression (`torch.tanh(z)`); absent or null for none. */
  activation?: ((z: string) => string) | null;
}

/**
 * An attribute of an ONNX node: a float (LeakyRelu's `alpha`), an integer (Softmax's `axis`) or a
 * list of integers (Conv's `strides`).
 */
export type OnnxAttribute = { float: number } | { int: number } | { ints: readonly number[] };

/**
 * What the ONNX writer gives a kind (engine/formats/onnx-export.ts names and wires what it writes):
 * the values its node reads, the widths, and how to write ONNX nodes (default domain, opset 13).
 */
export interface OnnxContext {
  /**
   * The names of its inputs' values, in `node.inputs` order; for the input node, the one value it
   * stands for: the graph's features after the preprocessing nodes.
   */
  inputs: readonly string[];
  /** Its output width and its inputs' widths, and their shapes. */
  width: number;
  inputWidths: readonly number[];
  shape: Shape;
  inputShapes: readonly Shape[];
  /** Appends an ONNX node of operator `opType` reading the values `inputs`; returns its output's name. */
  op(opType: string, inputs: readonly string[], attributes?: Readonly<Record<string, OnnxAttribute>>): string;
  /**
   * The name of one of the node's parameters, written as an initializer: kernel [nIn, units] (its
   * stored shape), bias [units]; or as `layout` rearranges it (a conv kernel as ONNX's [out, in, kh, kw]).
   */
  param(
    which: Tensor,
    layout?: (values: ArrayLike<number>) => { dims: number[]; values: ArrayLike<number> },
  ): string;
  /** An int64 constant (a Reshape's shape) written as an initializer; returns its name. */
  int64s(name: string, values: readonly number[]): string;
}

export interface LayerKind<N extends GraphNode = GraphNode> {
  type: N['type'];
  /** Inputs it takes: [min, max]. */
  arity: readonly [number, number];
  /** Catalogue keys (app catalogue) of the block's name and of one sentence on what it does. */
  labelKey: string;
  hintKey: string;
  /** A new block's settings. */
  defaults: Settings<N>;
  /** The settings the editor shows, in order. */
  fields: readonly SettingField[];
  /**
   * The node as files store it, strict: `id` and `inputs` as the file schema gives them (for
   * single-input kinds exactly one input, or in a draft none yet; a list for merges), then its settings.
   */
  schema(base: NodeBase): z.ZodType<N>;
  /** Checks the node's settings (the compiler calls it before anything else). */
  check(node: N, bad: BadSetting): void;
  /** Output shape from its inputs' shapes; fails (naming the node and the shapes) on a shape error. */
  outputShape(node: N, ctx: ShapeContext): Shape;
  /** Kernel and bias of a parameterised kind from its input shapes and its own, else null. */
  params(node: N, inputs: readonly Shape[], shape: Shape): ParamSpec | null;
  /** Fills the kernel with its initialiser (the bias stays zero, as in Keras). */
  initParams(node: N, kernel: FloatArray, fanIn: number, fanOut: number, rng: Rng): void;
  /** Keras-style kernel penalties l1·Σ|w| + l2·Σw². */
  penalties(node: N): { l1: number; l2: number };
  /** The activation it applies (the loss may fuse with sigmoid or softmax), or null. */
  activation(node: N): Activation | null;
  cache: CacheSpec;
  /** Binds kernels to the node's buffers, once, when the model is made. */
  bind(s: NodeState): void;
  /** Fills the node's output (and its cache) from its inputs' outputs, for ctx.B rows. */
  forward(s: NodeState, ctx: RunContext): void;
  /** From its complete dOut: its parameter gradients, and adds its terms into its inputs' dOut. */
  backward(s: NodeState, ctx: RunContext): void;
  /**
   * Appends to `r` what `forward` or `backward` would do for B rows, as kernel calls (and JavaScript
   * steps for the rest); false when it cannot (engine/model/training-pass.ts). Null for a kind whose
   * passes are JavaScript anyway: a recorded pass runs them as JavaScript steps.
   */
  record: ((s: NodeState, pass: Pass, B: number, r: StepRecorder) => boolean) | null;
  /** What the loss reads when it fuses with this node's activation: the pre-activation. */
  logits(s: NodeState): FloatArray;
  /** Explainer, forward mode: the node's tangent `t` from its inputs' (a product of the Jacobian). */
  tangent(s: NodeState, B: number, tangentOf: TangentOf, t: Float64Array, kernels: MatmulKernels): void;
  /** Explainer, forward mode, parameterised kinds: the tangent of the output in parameter p alone. */
  seedTangent(s: NodeState, p: number, B: number, t: Float64Array): void;
  /** Explainer: what this node (u) added into the stored gradient of its input s, into t [B × s.width]. */
  term(u: NodeState, s: NodeState, B: number, t: Float64Array): void;
  /** Explainer: the forward event of the traced step. */
  forwardEvent(s: NodeState, B: number): ForwardEvent;
  /**
   * The node as Keras layers of a TensorFlow.js layers model, applied in order (the first reads the
   * node's inputs, the last is the node's value); [] for a node that is its single input's value (the
   * output); null when its settings cannot be expressed (the exporter then fails naming the node).
   */
  tfjs(node: N, ctx: TfjsContext): readonly KerasLayer[] | null;
  /**
   * The node as ONNX nodes, written in order with `ctx.op` from its inputs' values; returns the name
   * of the value that is the node's output (its input's, writing nothing, for the output node). Every
   * setting can be expressed.
   */
  onnx(node: N, ctx: OnnxContext): string;
  /**
   * The node's piece of a PyTorch nn.Module: the module `__init__` creates, the weights it loads, and
   * its value in `forward` from its inputs' variables (every setting can be expressed).
   */
  pytorch(node: N, ctx: TorchContext): TorchPiece;
  /** Explainer: the backward event (not asked of the output, which the loss event stands for). */
  backwardEvent(s: NodeState, B: number, base: BackwardBase, lossSteps: ChainStep[][]): BackwardEvent;
}
