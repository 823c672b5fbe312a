/**
 * The network as plain data: a directed acyclic graph of layer nodes. This is what the editor draws,
 * what project and weights files store and what `compile` checks.
 */

/** Element-wise activations; `softmax` is allowed only right before an output with categorical cross-entropy. */
export const ACTIVATIONS = [
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'leaky_relu',
  'elu',
  'softplus',
  'softmax',
] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const INITIALIZERS = ['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'zeros'] as const;
export type Initializer = (typeof INITIALIZERS)[number];

export const LOSSES = ['mse', 'mae', 'binary_crossentropy', 'categorical_crossentropy'] as const;
export type LossName = (typeof LOSSES)[number];

export const NODE_TYPES = [
  'input',
  'dense',
  'activation',
  'add',
  'concatenate',
  'dropout',
  'conv2d',
  'maxpool2d',
  'avgpool2d',
  'globalavgpool2d',
  'flatten',
  'reshape',
  'batchnorm',
  'output',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/**
 * A tensor's shape per row (the batch axis left out): [n] for a flat vector, [height, width, channels]
 * for an image, channels last as in Keras. A row holds the product of its dimensions, row-major.
 */
export type Shape = readonly number[];

/** The features vector. `units` is the number of model inputs after preprocessing (0 = take it from the data). */
export interface InputNode {
  id: string;
  type: 'input';
  inputs: [];
  units: number;
  /** The features as an image [height, width, channels] (channels last); absent: a flat vector. */
  shape?: [number, number, number];
}

/** y = act(x · kernel + bias), kernel in Keras layout [nIn, units]. */
export interface DenseNode {
  id: string;
  type: 'dense';
  inputs: [string];
  units: number;
  activation: Activation;
  /** Negative slope of leaky_relu, or α of elu. */
  alpha?: number;
  useBias: boolean;
  kernelInitializer: Initializer;
  /** Keras-style penalties on the kernel: l1·Σ|w| + l2·Σw². */
  l1?: number;
  l2?: number;
}

export interface ActivationNode {
  id: string;
  type: 'activation';
  inputs: [string];
  activation: Activation;
  alpha?: number;
}

export interface AddNode {
  id: string;
  type: 'add';
  inputs: string[];
}

export interface ConcatenateNode {
  id: string;
  type: 'concatenate';
  inputs: string[];
}

/** Inverted dropout: zeroes a fraction `rate` while training and scales the rest by 1/(1−rate); identity at inference. */
export interface DropoutNode {
  id: string;
  type: 'dropout';
  inputs: [string];
  rate: number;
}

/** The prediction; its width is its input's width. */
export interface OutputNode {
  id: string;
  type: 'output';
  inputs: [string];
  loss: LossName;
}

/** How a window meets the border: `valid` keeps whole windows only, `same` pads as TensorFlow does. */
export const PADDINGS = ['valid', 'same'] as const;
export type Padding = (typeof PADDINGS)[number];

/**
 * 2-D convolution over [h, w, in] (channels last): z = conv(x, kernel) + bias, a = act(z); kernel in
 * Keras layout [kh, kw, in, filters].
 */
export interface Conv2dNode {
  id: string;
  type: 'conv2d';
  inputs: [string];
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: Padding;
  activation: Activation;
  alpha?: number;
  useBias: boolean;
  kernelInitializer: Initializer;
  l1?: number;
  l2?: number;
}

/** Max or average over windows of `poolSize` of each channel; `strides` absent: the pool size. */
export interface Pool2dNode<T extends 'maxpool2d' | 'avgpool2d'> {
  id: string;
  type: T;
  inputs: [string];
  poolSize: [number, number];
  strides?: [number, number];
  padding: Padding;
}
export type MaxPool2dNode = Pool2dNode<'maxpool2d'>;
export type AvgPool2dNode = Pool2dNode<'avgpool2d'>;

/** The mean of each channel over all positions: [h, w, c] → [c]. */
export interface GlobalAvgPool2dNode {
  id: string;
  type: 'globalavgpool2d';
  inputs: [string];
}

/** Any shape → [size], in row-major (channels-last) order, as Keras's Flatten. */
export interface FlattenNode {
  id: string;
  type: 'flatten';
  inputs: [string];
}

/**
 * The same values under another shape, as Keras's Reshape: `targetShape` per row, one entry of which
 * may be −1 (what the others leave).
 */
export interface ReshapeNode {
  id: string;
  type: 'reshape';
  inputs: [string];
  targetShape: number[];
}

/**
 * Batch normalisation over the last axis (features of a flat row, channels of an image), as Keras's
 * BatchNormalization: batch statistics while training, moving averages at inference. `momentum` and
 * `epsilon` default to Keras's 0.99 and 1e-3; the learnt scale and offset are always on.
 */
export interface BatchNormNode {
  id: string;
  type: 'batchnorm';
  inputs: [string];
  momentum?: number;
  epsilon?: number;
  center?: true;
  scale?: true;
}

export type GraphNode =
  | InputNode
  | DenseNode
  | ActivationNode
  | AddNode
  | ConcatenateNode
  | DropoutNode
  | Conv2dNode
  | MaxPool2dNode
  | AvgPool2dNode
  | GlobalAvgPool2dNode
  | FlattenNode
  | ReshapeNode
  | BatchNormNode
  | OutputNode;

export interface GraphSpec {
  nodes: GraphNode[];
}

/** Default negative slope of leaky_relu (Keras 3) and α of elu. */
export const DEFAULT_ALPHA: Record<'leaky_relu' | 'elu', number> = { leaky_relu: 0.2, elu: 1 };
