/**
 * What the layer kinds share to write their PyTorch pieces (LayerKind.pytorch): numbers as Python
 * literals and activations as PyTorch calls, as engine/activations.ts defines them.
 */
import type { Activation } from '../graph/types.ts';
import { alphaOf } from './parts.ts';

/**
 * A finite number as a Python float literal that reads back as the same float64 (JavaScript's
 * shortest round-trip digits, which Python parses to the same value): 0.1 → "0.1", 2 → "2.0",
 * 1e-7 → "1e-7".
 */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`Not a finite number: ${v}`);
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/**
 * The node's activation applied to `z` as PyTorch writes it, or null for linear. Leaky ReLU's and
 * ELU's α are the node's (or the defaults, 0.2 and 1); softplus is log(1 + eˣ) (PyTorch returns x
 * itself above 20, where the difference is below float32's resolution); softmax acts on each row.
 */
export function torchActivation(node: {
  activation: Activation;
  alpha?: number;
}): ((z: string) => string) | null {
  switch (node.activation) {
    case 'linear':
      return null;
    case 'sigmoid':
      return (z) => `torch.sigmoid(${z})`;
    case 'tanh':
      return (z) => `torch.tanh(${z})`;
    case 'relu':
      return (z) => `torch.relu(${z})`;
    case 'leaky_relu': {
      const alpha = pyFloat(alphaOf(node));
      return (z) => `F.leaky_relu(${z}, negative_slope=${alpha})`;
    }
    case 'elu': {
      const alpha = pyFloat(alphaOf(node));
      return (z) => `F.elu(${z}, alpha=${alpha})`;
    }
    case 'softplus':
      return (z) => `F.softplus(${z})`;
    case 'softmax':
      return (z) => `torch.softmax(${z}, dim=1)`;
  }
}
