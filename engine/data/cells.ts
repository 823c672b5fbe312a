/**
 * What one CSV cell means: missing, a number, or text. A cell is a number only when it is a plain
 * decimal (optional sign, digits with at most one point, optional exponent) that parses to a finite
 * float64; everything else (`12abc`, `0x1F`, `1,5`, `1e400`, `Infinity`) is text, never silently a number.
 */

/**
 * Cells that mean "no value", compared after trimming and ignoring case: the empty cell, `NA`, `N/A`,
 * `NaN`, `null`, `?` and `-`. (`None` is not one of them: it is a plausible category.)
 */
export const MISSING_MARKERS: readonly string[] = ['', 'na', 'n/a', 'nan', 'null', '?', '-'];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** True when the cell is one of the MISSING_MARKERS. */
export function isMissing(cell: string): boolean {
  const t = cell.trim();
  if (t.length > 4) return false;
  return MISSING_MARKERS.includes(t.toLowerCase());
}

/** The cell's value as a finite number, or NaN when it is not a strict decimal number. */
export function parseNumber(cell: string): number {
  const t = cell.trim();
  if (!NUMBER.test(t)) return NaN;
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

/** A numeric label's canonical name: `1.0`, `+1` and `1e0` all name the class "1". */
export function numberLabel(v: number): string {
  return Object.is(v, -0) ? '0' : String(v);
}

/** Sorts text by UTF-16 code units (locale-independent, so every machine agrees). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
