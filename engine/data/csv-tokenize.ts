/**
 * CSV records from text that arrives in pieces. RFC 4180 quoting (a field that starts with `"` runs to
 * the matching `"`, `""` inside is one quote, delimiters and line breaks inside are kept), and every
 * line ending a record as Python's csv module and spreadsheets read them: `\r\n`, `\n` or a lone `\r`,
 * mixed freely in one file. Records are numbered from 1 as a spreadsheet shows them, blank ones too.
 */
import { fail } from '../errors.ts';

/** Candidates for the delimiter, in order of preference on a tie. */
export const DELIMITERS = [',', ';', '\t', '|'];

/** Receives each record (the array is reused: copy what must outlive the call) and its row number. */
export type RecordSink = (fields: string[], row: number) => void;

function parseError(row: number, reason: string): never {
  return fail('CSV_PARSE', 'csv.parse', { row, reason: { key: reason } }, { row });
}

/** Splits text into records; `push` pieces in order, then `end()`. Throws CSV_PARSE naming the row. */
export class CsvTokenizer {
  private carry = '';
  private row = 0;
  private readonly fields: string[] = [];
  private readonly d: number;

  constructor(
    delimiter: string,
    private readonly sink: RecordSink,
  ) {
    this.d = delimiter.charCodeAt(0);
  }

  /** Rows seen so far (complete records, blank ones included). */
  get rows(): number {
    return this.row;
  }

  push(text: string): void {
    this.run(this.carry.length ? this.carry + text : text, false);
  }

  end(): void {
    this.run(this.carry, true);
    this.carry = '';
  }

  private run(s: string, final: boolean): void {
    const n = s.length;
    let start = 0;
    while (start < n) {
      const end = this.record(s, start, final);
      if (end < 0) break;
      this.sink(this.fields, ++this.row);
      start = end;
    }
    this.carry = start < n ? s.slice(start) : '';
  }

  /** Reads one record at `start` into `fields`; returns where the next begins, or -1 if it is incomplete. */
  private record(s: string, start: number, final: boolean): number {
    const n = s.length;
    const d = this.d;
    const fields = this.fields;
    fields.length = 0;
    let i = start;
    for (;;) {
      if (s.charCodeAt(i) === 34) {
        // A quoted field: up to the quote that is not doubled.
        let value = '';
        let j = i + 1;
        for (;;) {
          const k = s.indexOf('"', j);
          if (k < 0) {
            if (final) parseError(this.row + 1, 'csv.problem.missingQuotes');
            return -1;
          }
          if (k + 1 === n && !final) return -1; // `""` may straddle the pieces
          if (s.charCodeAt(k + 1) === 34) {
            value += s.slice(j, k + 1);
            j = k + 2;
            continue;
          }
          value += s.slice(j, k);
          i = k + 1;
          break;
        }
        // Spaces may follow the closing quote; then the delimiter or the end of the record.
        for (let c = s.charCodeAt(i); c === 32 || (c === 9 && d !== 9); c = s.charCodeAt(++i));
        fields.push(value);
        if (i >= n) return final ? n : -1;
        const c = s.charCodeAt(i);
        if (c === d) {
          i++;
          continue;
        }
        if (c === 10) return i + 1;
        if (c === 13) {
          if (i + 1 === n && !final) return -1;
          return s.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
        }
        parseError(this.row + 1, 'csv.problem.invalidQuotes');
      }
      let j = i;
      let c = 0;
      for (; j < n; j++) {
        c = s.charCodeAt(j);
        if (c === d || c === 10 || c === 13) break;
      }
      if (j >= n) {
        if (!final) return -1;
        fields.push(s.slice(i, n));
        return n;
      }
      fields.push(s.slice(i, j));
      if (c === d) {
        i = j + 1;
        continue;
      }
      if (c === 10) return j + 1;
      if (j + 1 === n && !final) return -1; // `\r` may be the first half of `\r\n`
      return s.charCodeAt(j + 1) === 10 ? j + 2 : j + 1;
    }
  }
}

/** True for a record that a spreadsheet would show as an empty row (every field blank). */
export function blankRecord(fields: readonly string[]): boolean {
  for (const f of fields) if (f.length > 0 && f.trim() !== '') return false;
  return true;
}

/**
 * The delimiter of a file from its first records: the candidate that splits the first ten non-blank
 * records into the same number of fields (more than one), the most even and then the widest; `,` when
 * none does. `whole`: the head is the whole file (its last record counts even without a line end).
 */
export function guessDelimiter(head: string, whole = false): string {
  let best = ',';
  let bestDelta = Infinity;
  let bestAvg = 0;
  for (const delimiter of DELIMITERS) {
    const counts: number[] = [];
    const t = new CsvTokenizer(delimiter, (fields) => {
      if (counts.length < 10 && !blankRecord(fields)) counts.push(fields.length);
    });
    try {
      t.push(head);
      if (whole) t.end();
    } catch {
      continue; // quotes that do not close in the head: not this delimiter's fault, nor a verdict
    }
    if (counts.length === 0) continue;
    const avg = counts.reduce((a, b) => a + b, 0) / counts.length;
    let delta = 0;
    for (let k = 1; k < counts.length; k++) delta += Math.abs(counts[k]! - counts[k - 1]!);
    if (avg <= 1.99) continue;
    if (delta < bestDelta || (delta === bestDelta && avg > bestAvg)) {
      best = delimiter;
      bestDelta = delta;
      bestAvg = avg;
    }
  }
  return best;
}
