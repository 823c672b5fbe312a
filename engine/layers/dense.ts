/**
 * Dense: z = x·W + b, a = f(z); kernel W is [nIn × units] (Keras layout).
 * Backward from the cached x, z, a:  dZ = dA ⊙ f'(z);  dW = xᵀ·dZ;  db = Σ_rows dZ;  dX += dZ·Wᵀ.
 */
import { DEFAULT_ALPHA } from '../graph/types.ts';
import type { DenseNode } from '../graph/types.ts';
import { bindActivation, bindDense } from '../kernels/kernels.ts';
import type { DenseProducts } from '../kernels/kernels.ts';
import type { NodeState, RunContext } from '../model/state.ts';

/** α of the node's activation (negative slope of leaky_relu, α of elu). */
export function alphaOf(node: { activation: string; alpha?: number }): number {
  if (node.alpha !== undefined) return node.alpha;
  return node.activation === 'elu' ? DEFAULT_ALPHA.elu : DEFAULT_ALPHA.leaky_relu;
}

/** The layer's products bound to its buffers and its current kernels. */
function productsOf(s: NodeState): DenseProducts {
  const x = s.inputs[0]!;
  return bindDense(s.kernels, {
    x: x.out,
    w: s.kernel!,
    bias: s.bias,
    z: s.z!,
    dZ: s.dZ!,
    dW: s.dKernel!,
    dBias: s.dBias,
    dX: x.node.type === 'input' ? null : x.dOut,
    nIn: x.width,
    nOut: s.width,
  });
}

/** Binds the layer's products and activation to its buffers (once, when the model is made). */
export function denseBind(s: NodeState): void {
  const node = s.node as DenseNode;
  s.products = productsOf(s);
  s.act = bindActivation(s.vectors, node.activation, alphaOf(node), {
    z: s.z!,
    a: s.out,
    dA: s.dOut,
    dZ: s.dZ!,
    width: s.width,
    softplus: s.softplus,
  });
}

/** The bound products, bound again if the model's kernels were swapped since (explain's counting kernels). */
function products(s: NodeState): DenseProducts {
  const p = s.products!;
  return p.kernels === s.kernels ? p : (s.products = productsOf(s));
}

export function denseForward(s: NodeState, ctx: RunContext): void {
  products(s).forward(ctx.B);
  s.act!.forward(ctx.B);
}

export function denseBackward(s: NodeState, ctx: RunContext): void {
  const n = ctx.B * s.width;
  const dZ = s.dZ!;
  if (s.fused) for (let i = 0; i < n; i++) dZ[i] = s.dOut[i]!;
  else s.act!.backward(ctx.B);
  products(s).backward(ctx.B);
}
