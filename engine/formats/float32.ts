/**
 * Float32 values as JSON numbers: each written with the fewest digits that read back to the same
 * float32 (Math.fround(parse(text)) === value), so files stay short and round trips are exact.
 */

/** The shortest decimal number whose float32 rounding is `v` (a float32 value). */
export function shortestFloat32(v: number): number {
  if (v === 0) return 0;
  if (Number.isInteger(v) && Math.abs(v) <= 16_777_216) return v;

  let lo = 1;
  let hi = 9; // nine significant digits always identify a float32
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(v.toPrecision(mid))) === v) hi = mid;
    else lo = mid + 1;
  }
  return Number(v.toPrecision(lo));
}

/**
 * Rounds `values` to float32 and shortens them for JSON; calls `bad(index, value)` (which throws) on the
 * first value that is not finite as a float32 (NaN, ±Infinity, or beyond ±3.4e38).
 */
export function encodeFloat32(
  values: ArrayLike<number>,
  bad: (index: number, value: number) => never,
): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const f = Math.fround(values[i]!);
    if (!Number.isFinite(f)) bad(i, values[i]!);
    out[i] = shortestFloat32(f);
  }
  return out;
}
