/**
 * How the explainer writes numbers, one notation everywhere (the chain-rule texts here, the app's step
 * text, diagram labels and method table): a few significant digits, "−" (U+2212) for minus, and
 * 1.2×10⁻⁵ for the very small and the very large. In sums a negative term is subtracted ("a − 0.03"),
 * in products a negative factor is bracketed ("0.5·(−0.36)").
 */

export const MINUS = '−';

const SUPERSCRIPT: Record<string, string> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '-': '⁻',
};

/** 10 to an integer power with superscript digits: 10⁻⁶, 10⁰, 10³. */
export function powerOfTen(exponent: number): string {
  return `10${String(exponent).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c]!)}`;
}

/** |v| to `digits` significant digits, without a sign. */
function magnitude(a: number, digits: number): string {
  if (a >= 1e-3 && a < 1e6) {
    const s = String(Number(a.toPrecision(digits)));
    if (!s.includes('e')) return s;
  }
  const [m, e] = a.toExponential(digits - 1).split('e') as [string, string];
  return `${String(Number(m))}×${powerOfTen(Number(e))}`;
}

/** A number to `digits` significant digits (default 4): "0.1234", "−2.5", "1.2×10⁻⁵", "∞". */
export function num(v: number, digits = 4): string {
  if (Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : `${MINUS}∞`;
  if (v === 0) return '0';
  const s = magnitude(Math.abs(v), digits);
  return v < 0 ? `${MINUS}${s}` : s;
}

/** A number as a factor of a product: a negative one in brackets, "(−0.36)". */
export function fac(v: number, digits = 4): string {
  return v < 0 ? `(${num(v, digits)})` : num(v, digits);
}

/** A term of a sum: its text, and whether it is subtracted (its text then carries no minus sign). */
export interface Term {
  text: string;
  negative: boolean;
}

/** A number as a term of a sum: "− 0.03" after another term, "−0.03" first. */
export const term = (v: number, digits = 4): Term => ({ text: num(Math.abs(v), digits), negative: v < 0 });

/** Terms joined with " + " and " − " (a first negative term keeps its sign: "−0.5 + 0.25"). */
export function sum(terms: readonly Term[]): string {
  return terms
    .map((t, k) =>
      k === 0 ? (t.negative ? `${MINUS}${t.text}` : t.text) : `${t.negative ? ` ${MINUS} ` : ' + '}${t.text}`,
    )
    .join('');
}

/**
 * A cached value written with enough digits that an expression computed from what is shown reads true:
 * with `f` = 1 − a², a = 0.99996 is not shown as "1" (which would make 1 − 1² look like 0). Starts at
 * `digits` and adds digits until f(shown) is within 0.5 % of f(v), at most 15.
 */
export function numFor(v: number, f: (x: number) => number, digits = 4): string {
  const target = f(v);
  for (let d = digits; d < 15; d++) {
    const shown = Number(Math.abs(v).toPrecision(d)) * Math.sign(v);
    if (Math.abs(f(shown) - target) <= 0.005 * Math.abs(target)) return num(v, d);
  }
  return num(v, 15);
}

/** A possibly negative value, bracketed when negative, with the digits numFor picks. */
export function facFor(v: number, f: (x: number) => number, digits = 4): string {
  const s = numFor(v, f, digits);
  return v < 0 ? `(${s})` : s;
}
