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
  'output',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** The features vector. `units` is the number of model inputs after preprocessing (0 = take it from the data). */
export interface InputNode {
  id: string;
  type: 'input';
  inputs: [];
  units: number;
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

export type GraphNode =
  InputNode | DenseNode | ActivationNode | AddNode | ConcatenateNode | DropoutNode | OutputNode;

export interface GraphSpec {
  nodes: GraphNode[];
}

/** Default negative slope of leaky_relu (Keras 3) and α of elu. */
export const DEFAULT_ALPHA: Record<'leaky_relu' | 'elu', number> = { leaky_relu: 0.2, elu: 1 };
