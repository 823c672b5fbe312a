/**
 * The record of one training step, for a UI to play event by event: forward in topological order,
 * the loss, backward in reverse topological order, the update. Plain data: numbers in plain arrays,
 * `PerRow` values indexed [row][unit], matrices per neuron [unit][input] (the weights into neuron j).
 * Arrays count from 0; texts number neurons from 1, as formulas do (z_1 is unit 0).
 */
import type { Activation, LossName, NodeType } from '../graph/types.ts';

/** One number per unit for each row of the batch: [row][unit]. */
export type PerRow = number[][];

export interface TraceNode {
  id: string;
  type: NodeType;
  width: number;
  inputs: string[];
  consumers: string[];
  /** Dense and activation nodes; null for the others. */
  activation: Activation | null;
  /** This node's activation is fused with the loss (sigmoid/softmax before cross-entropy). */
  fused: boolean;
}

/**
 * One chain-rule step for one neuron and row, with its numbers, e.g.
 * "∂L/∂z_2 = ∂L/∂a_2 · (1 − a_2²) = 0.31 · (1 − 0.76²) = 0.1309".
 */
export interface ChainStep {
  text: string;
  value: number;
  /** Factors read from the forward cache (a_j, z_j, x_i, p_j, m_j), as written in `text`. */
  cached: string[];
  /** Stored upstream gradients the step reads: each was computed once, before, and is reused here. */
  reused: string[];
}

export type ForwardEvent =
  | { kind: 'input'; nodeId: string; a: PerRow }
  | {
      kind: 'dense';
      nodeId: string;
      inputId: string;
      activation: Activation;
      alpha: number;
      /** The inputs x_i (the input node's cached output). */
      x: PerRow;
      /** w[j][i] = W_ij, the weights into neuron j (column j of the Keras kernel). */
      w: number[][];
      b: number[] | null;
      /** z_j = Σ_i x_i·W_ij + b_j, cached for backward. */
      z: PerRow;
      /** a_j = f(z_j), cached for backward (and what consumers read). */
      a: PerRow;
      fused: boolean;
    }
  | {
      kind: 'activation';
      nodeId: string;
      inputId: string;
      activation: Activation;
      alpha: number;
      /** Its input's cached output (the pre-activation). */
      z: PerRow;
      a: PerRow;
      fused: boolean;
    }
  | { kind: 'add'; nodeId: string; inputIds: string[]; a: PerRow }
  | { kind: 'concatenate'; nodeId: string; inputIds: string[]; offsets: number[]; a: PerRow }
  | {
      kind: 'dropout';
      nodeId: string;
      inputId: string;
      rate: number;
      /** The kept-and-scaled mask drawn for this step (0 or 1/(1−rate)), cached for backward. */
      mask: PerRow;
      a: PerRow;
    }
  | { kind: 'output'; nodeId: string; inputId: string; p: PerRow }
  | {
      kind: ImageKind;
      nodeId: string;
      inputId: string;
      /** Its output's shape per row ([h, w, c], or [n] for flatten and global pooling). */
      shape: number[];
      /** Its output, each row flat in channels-last order. */
      a: PerRow;
    };

/**
 * The kinds that work on images or reshape, and batchnorm; the explainer shows their values, not yet
 * their steps.
 */
export type ImageKind =
  'conv2d' | 'maxpool2d' | 'avgpool2d' | 'globalavgpool2d' | 'flatten' | 'reshape' | 'batchnorm';

export interface LossEvent {
  nodeId: string;
  loss: LossName;
  y: PerRow;
  p: PerRow;
  /** The data loss as Keras defines it (mean over rows and outputs). */
  value: number;
  /** L1/L2 penalties on the kernels (0 without). */
  penalty: number;
  /** value + penalty: what training minimises. */
  total: number;
  /**
   * 'output': ∂L/∂p, seeded into the stored gradient of the node feeding the output.
   * 'logits': fused sigmoid/softmax + cross-entropy hand ∂L/∂z of that node straight over
   * (p − y, scaled), which is simpler and stays finite where ∂L/∂p would not.
   */
  wrt: 'output' | 'logits';
  /** The node whose stored gradient the loss seeds. */
  seedNodeId: string;
  gradient: PerRow;
  /** The gradient's formula, e.g. "∂L/∂p_j = 2(p_j − y_j)/(B·K)". */
  rule: string;
  steps: ChainStep[][];
}

interface BackwardBase {
  nodeId: string;
  /**
   * ∂L/∂a, the node's stored upstream gradient: complete once every consumer has added its term.
   * null for the input (data needs no gradient) and for fused nodes (they receive ∂L/∂z instead).
   */
  dA: PerRow | null;
  /** For a node feeding several consumers: each consumer's term; dA is their sum. Else null. */
  sum: { consumerId: string; term: PerRow }[] | null;
  /** With `sum`: the sum per neuron, with its numbers. */
  sumSteps: ChainStep[][] | null;
}

export type BackwardEvent =
  | (BackwardBase & { kind: 'input' })
  | (BackwardBase & {
      kind: 'dense';
      inputId: string;
      fused: boolean;
      /** f'(z_j), from the cached a_j or z_j; null when fused. */
      fPrime: PerRow | null;
      /** ∂L/∂z_j = ∂L/∂a_j · f'(z_j) (from the loss when fused). */
      dZ: PerRow;
      dZSteps: ChainStep[][];
      /** dW[j][i] = ∂L/∂W_ij = Σ_rows x_i · ∂L/∂z_j (+ the penalty term): one number per connection. */
      dW: number[][];
      /** The penalty part of dW (l1·sign(W) + 2·l2·W), or null without penalties. */
      dWPenalty: number[][] | null;
      /** ∂L/∂b_j = Σ_rows ∂L/∂z_j. */
      dB: number[] | null;
      /** This node's term of ∂L/∂x_i = Σ_j W_ij · ∂L/∂z_j; null when x is the data. */
      dX: PerRow | null;
      dXSteps: ChainStep[][] | null;
    })
  | (BackwardBase & {
      kind: 'activation';
      inputId: string;
      fused: boolean;
      fPrime: PerRow | null;
      /** ∂L/∂z: this node's term of its input's gradient; null when its input is the data. */
      dZ: PerRow | null;
      dZSteps: ChainStep[][] | null;
    })
  | (BackwardBase & { kind: 'add'; inputIds: string[] })
  | (BackwardBase & { kind: 'concatenate'; inputIds: string[]; offsets: number[] })
  | (BackwardBase & { kind: 'dropout'; inputId: string; dX: PerRow | null; dXSteps: ChainStep[][] | null })
  /** dX: this node's term of its input's gradient; null when its input is the data. */
  | (BackwardBase & { kind: ImageKind; inputId: string; dX: PerRow | null });

export interface LayerUpdate {
  nodeId: string;
  /** [unit][input], like the forward event's w. */
  w: { before: number[][]; gradient: number[][]; after: number[][] };
  b: { before: number[]; gradient: number[]; after: number[] } | null;
}

export interface UpdateEvent {
  rule: 'sgd';
  learningRate: number;
  layers: LayerUpdate[];
  /** Loss (with penalties) on the same rows and dropout masks, before and after the step. */
  lossBefore: number;
  lossAfter: number;
}

export interface StepTrace {
  rows: number;
  /** Seed of the dropout masks drawn for this step. */
  seed: number;
  nodes: TraceNode[];
  forward: ForwardEvent[];
  loss: LossEvent;
  backward: BackwardEvent[];
  update: UpdateEvent;
  /** Names of the inputs and outputs, when the caller knows them (a run's features and classes). */
  inputNames?: string[];
  outputNames?: string[];
}
