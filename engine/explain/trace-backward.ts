/**
 * The backward half of a traced step: per node, its stored gradient ∂L/∂a (from the engine's dOut),
 * ∂L/∂z (dZ), ∂L/∂W and ∂L/∂b (dKernel, dBias), and what it passed to its inputs, with each neuron's
 * chain-rule step. The engine keeps a node's gradient summed over its consumers; the terms are split
 * out here (termFrom) so the sum can be shown.
 */
import type { Model } from '../model/model.ts';
import type { NodeState } from '../model/state.ts';
import { alphaOf } from '../layers/dense.ts';
import { activationStep, inputStep, maskStep, sumStep } from './chain-text.ts';
import { offsets, perNeuron, perRow } from './common.ts';
import { derivative } from './derivative.ts';
import type { BackwardEvent, ChainStep } from './trace-types.ts';

/** What consumer `u` added into the stored gradient of its input `s` (the engine keeps only the sum). */
export function termFrom(u: NodeState, s: NodeState, B: number): Float64Array {
  const w = s.width;
  const t = new Float64Array(B * w);
  const node = u.node;
  switch (node.type) {
    case 'dense': {
      const dZ = u.dZ!;
      const W = u.kernel!;
      const units = u.width;
      for (let r = 0; r < B; r++)
        for (let i = 0; i < w; i++) {
          let v = 0;
          for (let j = 0; j < units; j++) v += dZ[r * units + j]! * W[i * units + j]!;
          t[r * w + i] = v;
        }
      return t;
    }
    case 'activation':
      t.set((u.fused ? u.dOut : u.dZ!).subarray(0, B * w));
      return t;
    case 'dropout':
      for (let i = 0; i < B * w; i++) t[i] = u.mask![i]! * u.dOut[i]!;
      return t;
    case 'concatenate': {
      let offset = 0;
      for (const x of u.inputs) {
        if (x === s) break;
        offset += x.width;
      }
      for (let r = 0; r < B; r++)
        for (let i = 0; i < w; i++) t[r * w + i] = u.dOut[r * u.width + offset + i]!;
      return t;
    }
    default: // add passes its gradient on unchanged; the output's feeder holds the loss's seed
      t.set(u.dOut.subarray(0, B * w));
      return t;
  }
}

/** Per row and unit, f(r, j). */
const grid = <T>(B: number, w: number, f: (r: number, j: number) => T): T[][] =>
  Array.from({ length: B }, (_, r) => Array.from({ length: w }, (_, j) => f(r, j)));

/** The backward event of node `s` (not the output), read from the model after computeGradients. */
export function backwardEvent(m: Model, s: NodeState, B: number, lossSteps: ChainStep[][]): BackwardEvent {
  const node = s.node;
  const w = s.width;
  const isData = (x: NodeState) => x.node.type === 'input';
  const consumerIds = m.compiled.consumers.get(node.id)!;
  let sum: BackwardEvent['sum'] = null;
  let sumSteps: ChainStep[][] | null = null;
  if (consumerIds.length > 1 && !isData(s)) {
    const terms = consumerIds.map((id) => termFrom(m.byId.get(id)!, s, B));
    sum = consumerIds.map((id, k) => ({ consumerId: id, term: perRow(terms[k]!, B, w) }));
    sumSteps = grid(B, w, (r, i) =>
      sumStep(
        i,
        consumerIds,
        terms.map((t) => t[r * w + i]!),
        s.dOut[r * w + i]!,
      ),
    );
  }
  const base = { nodeId: node.id, dA: isData(s) || s.fused ? null : perRow(s.dOut, B, w), sum, sumSteps };
  switch (node.type) {
    case 'output':
      throw new Error('unreachable: the loss event stands for the output');
    case 'input':
      // The data needs no gradient: the backward pass stops at the layers that read it.
      return { ...base, kind: 'input' };
    case 'dense': {
      const x = s.inputs[0]!;
      const nIn = x.width;
      const alpha = alphaOf(node);
      const fPrime = s.fused
        ? null
        : grid(B, w, (r, j) => derivative(node.activation, alpha, s.z![r * w + j]!, s.out[r * w + j]!));
      const dZSteps = s.fused
        ? lossSteps
        : grid(B, w, (r, j) => {
            const q = r * w + j;
            return activationStep(
              node.activation,
              alpha,
              j,
              s.dOut[q]!,
              s.z![q]!,
              s.out[q]!,
              fPrime![r]![j]!,
              s.dZ![q]!,
            );
          });
      const layer = m.layers.find((l) => l.nodeId === node.id)!;
      const penalized = layer.l1 !== 0 || layer.l2 !== 0;
      const k = s.kernel!;
      const dX = isData(x) ? null : termFrom(s, x, B);
      return {
        ...base,
        kind: 'dense',
        inputId: x.node.id,
        fused: s.fused,
        fPrime,
        dZ: perRow(s.dZ!, B, w),
        dZSteps,
        dW: perNeuron(s.dKernel!, nIn, w),
        dWPenalty: penalized
          ? grid(w, nIn, (j, i) => {
              const v = k[i * w + j]!;
              return layer.l1 * Math.sign(v) + 2 * layer.l2 * v;
            })
          : null,
        dB: s.dBias ? Array.from(s.dBias) : null,
        dX: dX ? perRow(dX, B, nIn) : null,
        dXSteps: dX
          ? grid(B, nIn, (r, i) =>
              inputStep(
                i,
                Array.from({ length: w }, (_, j) => k[i * w + j]!),
                Array.from(s.dZ!.subarray(r * w, r * w + w)),
                dX[r * nIn + i]!,
              ),
            )
          : null,
      };
    }
    case 'activation': {
      const x = s.inputs[0]!;
      const alpha = alphaOf(node);
      const fPrime = s.fused
        ? null
        : grid(B, w, (r, j) => derivative(node.activation, alpha, x.out[r * w + j]!, s.out[r * w + j]!));
      const dZ = isData(x) ? null : termFrom(s, x, B);
      return {
        ...base,
        kind: 'activation',
        inputId: x.node.id,
        fused: s.fused,
        fPrime,
        dZ: dZ ? perRow(dZ, B, w) : null,
        dZSteps: !dZ
          ? null
          : s.fused
            ? lossSteps
            : grid(B, w, (r, j) => {
                const q = r * w + j;
                return activationStep(
                  node.activation,
                  alpha,
                  j,
                  s.dOut[q]!,
                  x.out[q]!,
                  s.out[q]!,
                  fPrime![r]![j]!,
                  dZ[q]!,
                );
              }),
      };
    }
    case 'add':
      // Slope 1 in every input: each receives ∂L/∂a unchanged.
      return { ...base, kind: 'add', inputIds: [...node.inputs] };
    case 'concatenate':
      // Each input receives its own slice of ∂L/∂a.
      return { ...base, kind: 'concatenate', inputIds: [...node.inputs], offsets: offsets(s) };
    case 'dropout': {
      const x = s.inputs[0]!;
      const dX = isData(x) ? null : termFrom(s, x, B);
      return {
        ...base,
        kind: 'dropout',
        inputId: x.node.id,
        dX: dX ? perRow(dX, B, w) : null,
        dXSteps: dX
          ? grid(B, w, (r, i) => maskStep(i, s.mask![r * w + i]!, s.dOut[r * w + i]!, dX[r * w + i]!))
          : null,
      };
    }
  }
}
