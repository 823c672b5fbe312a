/**
 * Chain-rule steps written out with their numbers, per neuron, marking which factors the forward
 * cache supplied and which stored gradients are reused. Neurons are numbered from 1 in the text. The
 * text is notation only, no words: the app shows it as is in every language (its prose is in the
 * app's catalogue).
 */
import type { Activation, LossName } from '../graph/types.ts';
import { fac, facFor, num, sum, term } from './notation.ts';
import type { ChainStep } from './trace-types.ts';

/** Writes Σ terms: all of them, or the first `max` − 1, "…" and the last (whose index says how many). */
function sumText(terms: string[], max = 6): string {
  if (terms.length <= max) return terms.join(' + ');
  return `${terms.slice(0, max - 1).join(' + ')} + … + ${terms[terms.length - 1]!}`;
}

/** ∂L/∂z_j = ∂L/∂a_j · f'(z_j), f' written from the cached a_j or z_j. */
export function activationStep(
  f: Activation,
  alpha: number,
  j: number,
  dA: number,
  z: number,
  a: number,
  fPrime: number,
  dZ: number,
): ChainStep {
  const n = j + 1;
  const zj = `z_${n}`;
  const aj = `a_${n}`;
  let rule: string;
  let withNumbers: string;
  let cached: string[];
  switch (f) {
    case 'sigmoid':
      rule = `${aj}(1 − ${aj})`;
      {
        // Enough digits that a·(1 − a) computed from the text is the factor used (a near 0 or 1).
        const shown = facFor(a, (x) => x * (1 - x));
        withNumbers = `${shown}·(1 − ${shown}) = ${fac(dA)} · ${num(fPrime)}`;
      }
      cached = [aj];
      break;
    case 'tanh':
      rule = `(1 − ${aj}²)`;
      // Enough digits that 1 − a² computed from the text is the factor used (a near ±1 or 0).
      withNumbers = `(1 − ${facFor(a, (x) => 1 - x * x)}²) = ${fac(dA)} · ${num(fPrime)}`;
      cached = [aj];
      break;
    case 'relu':
      rule = `[${zj} > 0]`;
      withNumbers = `${num(fPrime)} (${zj} = ${num(z)})`;
      cached = [zj];
      break;
    case 'leaky_relu':
      rule = `(${zj} > 0 ? 1 : α)`;
      withNumbers = `${num(fPrime)} (${zj} = ${num(z)}, α = ${num(alpha)})`;
      cached = [zj];
      break;
    case 'elu':
      rule = `(${zj} > 0 ? 1 : ${aj} + α)`;
      withNumbers = z > 0 ? `1 (${zj} = ${num(z)})` : `(${sum([term(a), term(alpha)])})`;
      cached = z > 0 ? [zj] : [zj, aj];
      break;
    case 'softplus':
      rule = `σ(${zj})`;
      withNumbers = `σ(${num(z)})`;
      cached = [zj];
      break;
    default:
      rule = '1';
      withNumbers = '1';
      cached = [];
  }
  return {
    text: `∂L/∂${zj} = ∂L/∂${aj} · ${rule} = ${fac(dA)} · ${withNumbers} = ${num(dZ)}`,
    value: dZ,
    cached,
    reused: [`∂L/∂${aj}`],
  };
}

/** The loss's own gradient for unit j of one row. */
export function lossStep(
  loss: LossName,
  j: number,
  p: number,
  y: number,
  ySum: number,
  scale: number,
  g: number,
): ChainStep {
  const n = j + 1;
  const pj = `p_${n}`;
  const yj = `y_${n}`;
  const scaleText = num(scale);
  let text: string;
  switch (loss) {
    case 'mse':
      text = `∂L/∂${pj} = 2(${pj} − ${yj})/${scaleText} = 2·(${num(p)} − ${fac(y)})/${scaleText} = ${num(g)}`;
      break;
    case 'mae':
      text = `∂L/∂${pj} = sign(${pj} − ${yj})/${scaleText} = sign(${num(p)} − ${fac(y)})/${scaleText} = ${num(g)}`;
      break;
    case 'binary_crossentropy':
      text = `∂L/∂z_${n} = (${pj} − ${yj})/${scaleText} = (${num(p)} − ${fac(y)})/${scaleText} = ${num(g)}`;
      break;
    case 'categorical_crossentropy':
      text =
        ySum === 1
          ? `∂L/∂z_${n} = (${pj} − ${yj})/${scaleText} = (${num(p)} − ${fac(y)})/${scaleText} = ${num(g)}`
          : `∂L/∂z_${n} = (${pj}·Σy − ${yj})/${scaleText} = (${num(p)}·${fac(ySum)} − ${fac(y)})/${scaleText} = ${num(g)}`;
      break;
  }
  return { text, value: g, cached: [pj], reused: [] };
}

/** ∂L/∂x_i (this node's term) = Σ_j W_ij · ∂L/∂z_j: every ∂L/∂z_j is the stored one, reused. */
export function inputStep(i: number, w: number[], dZ: number[], value: number): ChainStep {
  const n = i + 1;
  const symbolic = sumText(
    dZ.map((_, j) => `W_${n},${j + 1}·∂L/∂z_${j + 1}`),
    4,
  );
  const numbers = sumText(dZ.map((d, j) => `${fac(w[j]!)}·${fac(d)}`));
  return {
    text: `∂L/∂x_${n} = Σ_j W_${n},j·∂L/∂z_j = ${symbolic} = ${numbers} = ${num(value)}`,
    value,
    cached: [],
    reused: dZ.map((_, j) => `∂L/∂z_${j + 1}`),
  };
}

/** ∂L/∂x_i = m_i · ∂L/∂a_i for dropout, with the cached mask. */
export function maskStep(i: number, m: number, dA: number, value: number): ChainStep {
  const n = i + 1;
  return {
    text: `∂L/∂x_${n} = m_${n} · ∂L/∂a_${n} = ${fac(m)} · ${fac(dA)} = ${num(value)}`,
    value,
    cached: [`m_${n}`],
    reused: [`∂L/∂a_${n}`],
  };
}

/** ∂L/∂a_i = Σ over consumers of their terms (each consumer added its term once), "t (← consumer)". */
export function sumStep(i: number, consumers: string[], terms: number[], value: number): ChainStep {
  const n = i + 1;
  const parts = terms.map((t, k) => ({ ...term(t), text: `${num(Math.abs(t))} (← ${consumers[k]})` }));
  return {
    text: `∂L/∂a_${n} = ${sum(parts)} = ${num(value)}`,
    value,
    cached: [],
    reused: consumers.map((c) => `∂L/∂(${c})`),
  };
}
