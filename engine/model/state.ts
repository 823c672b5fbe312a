/** The runtime record of one graph node: its cached forward values and its stored upstream gradient. */
import type { GraphNode, Shape } from '../graph/types.ts';
import type { ActivationOps, DenseProducts, MatmulKernels, VectorKernels } from '../kernels/kernel-sets.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import type { Rng } from '../rng.ts';

export interface NodeState {
  node: GraphNode;
  /** Its kind's forward and backward (engine/layers/<kind>.ts), looked up once when the model is made. */
  forward: (s: NodeState, ctx: RunContext) => void;
  backward: (s: NodeState, ctx: RunContext) => void;
  /** Output width: the values per row of `shape`. */
  width: number;
  /** Output shape per row: [n] flat, [h, w, c] an image (channels last). */
  shape: Shape;
  /** States of the nodes this one reads, in `node.inputs` order. */
  inputs: NodeState[];
  /** Forward cache: this node's output a, [B × width]. */
  out: FloatArray;
  /**
   * ∂L/∂out, [B × width], filled once per step by summing over consumers. For the node whose
   * activation the loss fuses with (sigmoid or softmax before cross-entropy) it holds ∂L/∂z instead.
   * Empty for the data, whose gradient nobody needs.
   */
  dOut: FloatArray;
  /** Dense and conv2d: pre-activation z = x·W + b (forward cache) and ∂L/∂z (backward scratch). */
  z: FloatArray | null;
  dZ: FloatArray | null;
  /**
   * Dropout: the kept-and-scaled mask of the last training forward. Max pooling: the index, within
   * the input row, of each output's (first) maximum.
   */
  mask: FloatArray | null;
  /**
   * Conv2d only: its input's windows unrolled into rows (forward cache, [B·oh·ow × kh·kw·in]) and
   * their gradient (backward scratch), in the kernels' memory.
   */
  cols: FloatArray | null;
  dCols: FloatArray | null;
  /** Dense and conv2d: views into the model's flat parameter and gradient arrays (Keras layout). */
  kernel: FloatArray | null;
  bias: FloatArray | null;
  dKernel: FloatArray | null;
  dBias: FloatArray | null;
  /**
   * Batchnorm: its moving mean then its moving variance ([units] each), a view into the model's flat
   * parameter array after its bias (their gradients stay zero, so no optimiser moves them).
   */
  moving: FloatArray | null;
  /** True when the loss hands this node ∂L/∂z directly (fused sigmoid/softmax + cross-entropy). */
  fused: boolean;
  /** The model's matmul kernels (they may only read buffers in their own memory). */
  kernels: MatmulKernels;
  /** The model's element-wise kernels (relu). */
  vectors: VectorKernels;
  /** Dense and conv2d: its products bound to its buffers and `kernels` (bound again if `kernels` is swapped). */
  products: DenseProducts | null;
  /** Dense and activation nodes: f and f′ bound to the node's buffers and `vectors`. */
  act: ActivationOps | null;
  /**
   * A sigmoid the loss fuses with (binary cross-entropy) only: ln(1 + e^{−|z|}) per element, the loss's
   * term, written by the forward pass from the e^{−|z|} it computes the sigmoid with.
   */
  softplus: Float64Array | null;
}

/** What a forward or backward kernel may use besides the node itself. */
export interface RunContext {
  /** Rows in this batch (≤ the model's maxBatch). */
  B: number;
  training: boolean;
  rng: Rng;
}
