/**
 * Dense: z = x·W + b, a = f(z); kernel W is [nIn × units] (Keras layout).
 * Backward from the cached x, z, a:  dZ = dA ⊙ f'(z);  dW = xᵀ·dZ;  db = Σ_rows dZ;  dX += dZ·Wᵀ.
 */
import { activate, activateBackward } from '../activations.ts';
import { DEFAULT_ALPHA } from '../graph/types.ts';
import type { DenseNode } from '../graph/types.ts';
import { sumRows } from '../kernels/matmul.ts';
import type { NodeState, RunContext } from '../model/state.ts';

/** α of the node's activation (negative slope of leaky_relu, α of elu). */
export function alphaOf(node: { activation: string; alpha?: number }): number {
  if (node.alpha !== undefined) return node.alpha;
  return node.activation === 'elu' ? DEFAULT_ALPHA.elu : DEFAULT_ALPHA.leaky_relu;
}

export function denseForward(s: NodeState, ctx: RunContext): void {
  const node = s.node as DenseNode;
  const x = s.inputs[0]!;
  s.kernels.matmul(x.out, s.kernel!, s.z!, ctx.B, x.width, s.width, s.bias);
  if (node.activation === 'relu') s.vectors.relu(s.z!, s.out, ctx.B * s.width);
  else activate(node.activation, alphaOf(node), s.z!, s.out, ctx.B * s.width, s.width);
}

export function denseBackward(s: NodeState, ctx: RunContext): void {
  const node = s.node as DenseNode;
  const x = s.inputs[0]!;
  const n = ctx.B * s.width;
  const dZ = s.dZ!;
  if (s.fused) for (let i = 0; i < n; i++) dZ[i] = s.dOut[i]!;
  else if (node.activation === 'relu') s.vectors.reluBackward(s.z!, s.dOut, dZ, n);
  else activateBackward(node.activation, alphaOf(node), s.z!, s.out, s.dOut, dZ, n, s.width);
  s.kernels.matmulTransA(x.out, dZ, s.dKernel!, ctx.B, x.width, s.width);
  if (s.dBias) sumRows(dZ, s.dBias, ctx.B, s.width);
  if (x.node.type !== 'input') s.kernels.matmulTransBAcc(dZ, s.kernel!, x.dOut, ctx.B, s.width, x.width);
}
