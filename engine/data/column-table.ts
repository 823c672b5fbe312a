/**
 * A table kept by column in typed arrays, as the CSV reader fills it record by record: memory follows
 * the numbers, not the text. A column holds numbers (float32 while every value so far is exactly a
 * float32, else float64; NaN where a cell is missing or text, the few text cells kept aside) until
 * text cells are as many as numbers, then codes into a dictionary of distinct texts (8, 16 or 32 bits
 * as the dictionary grows). Number cells of a column that turns to text are named canonically
 * (`1.50` → "1.5"), as numeric class labels are.
 */
import { isMissing, numberLabel, parseNumber } from './cells.ts';

/** A column of numbers; NaN is missing or text (`textRows`, ascending, with `texts`). */
export interface NumberCells {
  kind: 'numbers';
  values: Float32Array | Float64Array;
  textRows: number[];
  texts: string[];
}

/** A column of text codes: 0 missing, k ≥ 1 `dict[k − 1]`. */
export interface TextCells {
  kind: 'texts';
  codes: Uint8Array | Uint16Array | Uint32Array;
  dict: string[];
}

/** One stored column with its counts (cells that are numbers, missing cells). */
export type StoredColumn = (NumberCells | TextCells) & { numbers: number; missing: number };

/** What the CSV reader builds: header names, row count, one stored column each, the first rows as read. */
export interface ColumnTable {
  columns: string[];
  length: number;
  cells: StoredColumn[];
  /** Spreadsheet row of each data row, only when blank rows make it differ from i + 2. */
  rowNumbers?: Uint32Array;
  /** The first rows as read (for a preview). */
  head: string[][];
}

function grown<T extends Float32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array>(
  a: T,
  n: number,
): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** Builds one column; `capacity` is a guess at the row count (grown by a quarter when passed). */
export class ColumnBuilder {
  private n = 0;
  private cap: number;
  private numbers = 0;
  private missing = 0;
  private values: Float32Array | Float64Array | null;
  private textRows: number[] = [];
  private texts: string[] = [];
  private codes: Uint8Array | Uint16Array | Uint32Array | null = null;
  private dict: string[] = [];
  private index = new Map<string, number>();

  constructor(capacity: number) {
    this.cap = Math.max(16, capacity);
    this.values = new Float32Array(this.cap);
  }

  add(cell: string): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    if (isMissing(cell)) {
      this.missing++;
      if (this.values) this.values[i] = NaN;
      else this.codes![i] = 0;
      return;
    }
    const v = parseNumber(cell);
    const isNumber = !Number.isNaN(v);
    if (isNumber) this.numbers++;
    if (this.values) {
      if (isNumber) {
        if (this.values instanceof Float32Array && Math.fround(v) !== v) {
          const wide = new Float64Array(this.cap);
          wide.set(this.values);
          this.values = wide;
        }
        this.values[i] = v;
        return;
      }
      this.values[i] = NaN;
      this.textRows.push(i);
      this.texts.push(cell.trim());
      // As many text cells as numbers: the column is text (or will be if this goes on).
      if (this.texts.length >= this.numbers) this.toTexts();
      return;
    }
    this.codes![i] = this.code(isNumber ? numberLabel(v) : cell.trim());
  }

  private code(text: string): number {
    let k = this.index.get(text);
    if (k === undefined) {
      this.dict.push(text);
      k = this.dict.length;
      this.index.set(text, k);
      const codes = this.codes!;
      const max = codes instanceof Uint8Array ? 0xff : codes instanceof Uint16Array ? 0xffff : Infinity;
      if (k > max) this.codes = (k > 0xffff ? Uint32Array : Uint16Array).from(codes);
    }
    return k;
  }

  /** Numbers so far become text codes (canonical names), the text cells their own text. */
  private toTexts(): void {
    const values = this.values!;
    this.values = null;
    this.codes = new Uint8Array(this.cap);
    let t = 0;
    for (let i = 0; i < this.n - 1; i++) {
      const v = values[i]!;
      if (!Number.isNaN(v)) this.codes[i] = this.code(numberLabel(v));
      else if (this.textRows[t] === i) this.codes[i] = this.code(this.texts[t++]!);
      else this.codes[i] = 0;
    }
    this.codes[this.n - 1] = this.code(this.texts[t]!);
    this.textRows = [];
    this.texts = [];
  }

  /** Makes room for `rows` in all (when the file's size says how many to expect). */
  reserve(rows: number): void {
    if (rows <= this.cap) return;
    this.cap = rows;
    if (this.values) this.values = grown(this.values, this.cap);
    if (this.codes) this.codes = grown(this.codes, this.cap);
  }

  private grow(): void {
    this.cap = Math.ceil(this.cap * 1.25) + 16;
    if (this.values) this.values = grown(this.values, this.cap);
    if (this.codes) this.codes = grown(this.codes, this.cap);
  }

  /** The column, trimmed to its length (a view: no copy). */
  finish(): StoredColumn {
    const counts = { numbers: this.numbers, missing: this.missing };
    if (this.values)
      return {
        kind: 'numbers',
        values: this.values.subarray(0, this.n),
        textRows: this.textRows,
        texts: this.texts,
        ...counts,
      };
    this.index.clear();
    return { kind: 'texts', codes: this.codes!.subarray(0, this.n), dict: this.dict, ...counts };
  }
}
