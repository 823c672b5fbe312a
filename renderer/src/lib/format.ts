/** Numbers for people: a few significant digits, thousands separators, compact rates. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  // toLocaleString keeps at most 3 decimals by default, which would cut 0.0015 to 0.002.
  return Number(v.toPrecision(digits)).toLocaleString(undefined, { maximumFractionDigits: 20 });
}

export function rate(v: number): string {
  if (!Number.isFinite(v)) return fmt(v);
  // Thresholds where the rounded text reaches the next unit (999,950 → 1.00M, not 1000.0k).
  if (v >= 999_950) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 999.5) return `${(v / 1e3).toFixed(1)}k`;
  return v.toFixed(0);
}
