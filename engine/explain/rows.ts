/** Typed-array buffers laid out as the explainer's events show them: per row, per neuron, per input. */
import type { NodeState } from '../model/state.ts';

/** [B × w] row-major → one array per row. */
export function perRow(a: ArrayLike<number>, B: number, w: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < B; r++) {
    const row = new Array<number>(w);
    for (let j = 0; j < w; j++) row[j] = a[r * w + j]!;
    out.push(row);
  }
  return out;
}

/** Kernel [nIn × units] (Keras layout) → [unit][input]: the weights into each neuron. */
export function perNeuron(k: ArrayLike<number>, nIn: number, units: number): number[][] {
  return Array.from({ length: units }, (_, j) => Array.from({ length: nIn }, (_, i) => k[i * units + j]!));
}

/** Per row and unit, f(r, j). */
export const grid = <T>(B: number, w: number, f: (r: number, j: number) => T): T[][] =>
  Array.from({ length: B }, (_, r) => Array.from({ length: w }, (_, j) => f(r, j)));

/** Where each input of a concatenate node starts in its output. */
export function offsets(s: NodeState): number[] {
  const out: number[] = [];
  let o = 0;
  for (const x of s.inputs) {
    out.push(o);
    o += x.width;
  }
  return out;
}
