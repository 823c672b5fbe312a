/** Numbers for people: a few significant digits, the locale's separators, compact rates. */
import { powerOfTen } from '../../../engine/explain/notation.ts';

export { powerOfTen };

const formatters = new Map<string, Intl.NumberFormat>();

/** One Intl.NumberFormat per locale and style, kept: fmt runs for every number on screen. */
function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(id);
  if (!f) formatters.set(id, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** `v` to `digits` significant digits with `locale`'s separators (default: the runtime's locale). */
export function fmt(v: number | null | undefined, digits = 4, locale?: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  // Intl keeps at most 3 decimals by default, which would cut 0.0015 to 0.002.
  return numberFormat(locale, { maximumFractionDigits: 20 }).format(Number(v.toPrecision(digits)));
}

/** A whole number with the locale's grouping (counts of rows, parameters, multiply-adds). */
export function integer(v: number, locale?: string): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(v);
}

/** Samples per second: 950, 12.3k, 1.05M (with the locale's decimal separator). */
export function rate(v: number, locale?: string): string {
  if (!Number.isFinite(v)) return fmt(v);
  const fixed = (x: number, d: number) =>
    numberFormat(locale, { minimumFractionDigits: d, maximumFractionDigits: d, useGrouping: false }).format(
      x,
    );
  // Thresholds where the rounded text reaches the next unit (999,950 → 1.00M, not 1000.0k).
  if (v >= 999_950) return `${fixed(v / 1e6, 2)}M`;
  if (v >= 999.5) return `${fixed(v / 1e3, 1)}k`;
  return fixed(v, 0);
}

/** `v` with exactly `digits` decimals (a value that keeps its width as it changes: 0.970, 1.000). */
export function fixed(v: number | null | undefined, digits: number, locale?: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/**
 * A chart's tick label. On a log axis, only powers of ten are labelled, all as 10ⁿ (the ticks between
 * them get gridlines, no text); on a linear axis, up to 3 significant digits, and large values compact
 * in the locale's way (12K, 1.2M; 1.2万 in Chinese).
 */
export function axisTick(v: number, log: boolean, locale?: string): string {
  if (!Number.isFinite(v)) return '';
  if (log) {
    if (v <= 0) return '';
    const e = Math.round(Math.log10(v));
    return Math.abs(v / 10 ** e - 1) < 1e-6 ? powerOfTen(e) : '';
  }
  if (Math.abs(v) >= 1e3)
    return numberFormat(locale, { notation: 'compact', maximumSignificantDigits: 3 }).format(v);
  return fmt(v, 3, locale);
}
