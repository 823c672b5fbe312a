/**
 * CSV text or bytes to a table. Our tokenizer (csv-tokenize.ts: RFC 4180 quotes, `\r\n`, `\n` and
 * `\r` line ends mixed as Python's csv reads them; delimiter guessed among `,` `;` tab `|`) feeds either
 * rows of strings (`parseCsv`, for small tables) or typed columns (`createCsvReader`, for files of any
 * size: read in chunks, memory about the size of the numbers). Both enforce a rectangular table with a
 * clean header. Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row
 * is row 2, a record spanning lines inside quotes is one row, and blank lines count as (skipped) rows.
 * The header is the first non-blank row.
 */
import { fail } from '../errors.ts';
import type { MessageRef } from '../i18n.ts';
import { ColumnBuilder } from './column-table.ts';
import type { ColumnTable } from './column-table.ts';
import { blankRecord, CsvTokenizer, guessDelimiter } from './csv-tokenize.ts';
import { assertText, CsvByteDecoder } from './decode.ts';
import type { RawTable, RowTable } from './types.ts';

/** papaparse's error codes, each a `csv.problem.*` message (its own messages are English only). */
const PROBLEMS: Record<string, string> = {
  MissingQuotes: 'csv.problem.missingQuotes',
  InvalidQuotes: 'csv.problem.invalidQuotes',
  UndetectableDelimiter: 'csv.problem.undetectableDelimiter',
  TooFewFields: 'csv.problem.tooFewFields',
  TooManyFields: 'csv.problem.tooManyFields',
};

/** What went wrong in a papaparse error, as a message: field counts from the records themselves. */
export function csvProblem(
  error: { type: string; code: string; row?: number | undefined },
  records: string[][],
): MessageRef {
  const key = Object.hasOwn(PROBLEMS, error.code) ? PROBLEMS[error.code] : undefined;
  if (key === undefined) return { key: 'csv.problem.unknown', params: { code: error.code } };
  if (error.type !== 'FieldMismatch') return { key };
  const header = records.find((r) => !blankRecord(r));
  return {
    key,
    params: { actual: records[error.row ?? 0]?.length ?? 0, expected: header?.length ?? 0 },
  };
}

/** Header names, trimmed; refuses empty and duplicate names (CSV_HEADER). */
function checkHeader(header: string[], row: number): string[] {
  const names = header.map((h) => h.trim());
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') fail('CSV_HEADER', 'csv.unnamedColumn', { n: i + 1 }, { row });
    if (seen.has(name)) {
      fail('CSV_HEADER', 'csv.duplicateColumn', { column: name }, { row, column: name });
    }
    seen.add(name);
  });
  return names;
}

/**
 * Drops trailing columns that have neither a name nor any value: the empty columns some spreadsheet
 * exports append (`a,b,,`). A nameless column with data is still a CSV_HEADER error.
 */
function dropEmptyTrailing(header: string[], records: string[][]): number {
  let width = header.length;
  while (
    width > 1 &&
    header[width - 1]!.trim() === '' &&
    records.every((r) => (r[width - 1] ?? '').trim() === '')
  ) {
    width--;
  }
  return width;
}

function ragged(fields: number, expected: number, row: number): never {
  return fail(
    'CSV_RAGGED',
    fields === 1 ? 'csv.raggedOne' : 'csv.ragged',
    { row, fields, expected },
    { row },
  );
}

/** Characters of text the delimiter is guessed from (and the binary check sees before tokenizing). */
const HEAD = 65536;

/** Options of a chunked CSV read. */
export interface CsvReaderOptions {
  /** The file's size in bytes, if known: columns are sized for it once the first rows are read. */
  sizeHint?: number;
}

/** A CSV read in chunks into typed columns: `push` the bytes (or text) in order, then `finish`. */
export interface CsvReader {
  push(chunk: Uint8Array): void;
  pushText(text: string): void;
  /** Bytes (or characters) taken so far. */
  readonly taken: number;
  /** Throws CSV_EMPTY, CSV_HEADER (or what `push` would) when the table is not usable. */
  finish(): ColumnTable;
}

/**
 * Reads CSV into typed columns, chunk by chunk: memory is the columns' numbers (and one chunk of
 * text), never the whole text. Throws CSV_BINARY, CSV_ENCODING, CSV_PARSE, CSV_EMPTY, CSV_HEADER or
 * CSV_RAGGED, each naming the row where it can.
 */
export function createCsvReader(o: CsvReaderOptions = {}): CsvReader {
  const decoder = new CsvByteDecoder();
  let head = '';
  let tokenizer: CsvTokenizer | null = null;
  let taken = 0;
  let header: string[] | null = null;
  let headerRow = 0;
  let builders: (ColumnBuilder | null)[] = [];
  let nonBlank: boolean[] = [];
  let length = 0;
  let rowNumbers: Uint32Array | null = null;
  let reserved = false;
  const preview: string[][] = [];

  const onRecord = (fields: string[], row: number) => {
    if (blankRecord(fields)) return;
    if (header === null) {
      header = fields.slice();
      headerRow = row;
      nonBlank = header.map(() => false);
      builders = header.map((name) => (name.trim() === '' ? null : new ColumnBuilder(1024)));
      return;
    }
    if (fields.length !== header.length) ragged(fields.length, header.length, row);
    for (let j = 0; j < fields.length; j++) {
      const b = builders[j];
      if (b) b.add(fields[j]!);
      else if (!nonBlank[j] && fields[j]!.trim() !== '') nonBlank[j] = true;
    }
    if (preview.length < 20) preview.push(fields.slice());
    if (rowNumbers === null && row !== length + 2) {
      rowNumbers = new Uint32Array(Math.max(1024, length * 2));
      for (let k = 0; k < length; k++) rowNumbers[k] = k + 2;
    }
    if (rowNumbers !== null) {
      if (length === rowNumbers.length) {
        const more = new Uint32Array(Math.ceil(length * 1.25) + 16);
        more.set(rowNumbers);
        rowNumbers = more;
      }
      rowNumbers[length] = row;
    }
    length++;
  };

  const feed = (text: string, final: boolean) => {
    if (tokenizer === null) {
      head += text;
      if (head.length < HEAD && !final) return;
      // The whole text when it is this short: its last record counts for the guess too.
      tokenizer = new CsvTokenizer(guessDelimiter(head, final), onRecord);
      text = head;
      head = '';
    }
    tokenizer.push(text);
    if (!reserved && o.sizeHint && length >= 1000 && taken > 0) {
      reserved = true;
      const expected = Math.ceil((length * o.sizeHint * 1.05) / taken);
      for (const b of builders) b?.reserve(expected);
    }
  };

  return {
    push(chunk) {
      taken += chunk.length;
      feed(decoder.push(chunk), false);
    },
    pushText(text) {
      if (taken === 0) {
        assertText(Math.min(text.length, HEAD), (i) => text.charCodeAt(i));
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      assertNoNul(text);
      taken += text.length;
      feed(text, false);
    },
    get taken() {
      return taken;
    },
    finish() {
      feed(decoder.end(), true);
      tokenizer!.end();
      if (header === null) fail('CSV_EMPTY', 'csv.empty');
      const h: string[] = header;
      if (length === 0) fail('CSV_EMPTY', 'csv.headerOnly', {}, { row: headerRow });
      let width = h.length;
      while (width > 1 && h[width - 1]!.trim() === '' && !nonBlank[width - 1]) width--;
      const columns = checkHeader(h.slice(0, width), headerRow);
      const rn: Uint32Array | null = rowNumbers;
      return {
        columns,
        length,
        cells: builders.slice(0, width).map((b) => b!.finish()),
        ...(rn !== null ? { rowNumbers: rn.subarray(0, length) } : {}),
        head: preview.map((r) => r.slice(0, width)),
      };
    },
  };
}

function assertNoNul(text: string): void {
  if (text.indexOf('\u0000') >= 0) fail('CSV_BINARY', 'csv.binary', { hint: '' });
}

/** Reads CSV text or file bytes into typed columns (see `createCsvReader`), in chunks of 1 MiB. */
export function readCsvColumns(input: string | Uint8Array): ColumnTable {
  const reader = createCsvReader({ sizeHint: input.length });
  const step = 1 << 20;
  for (let at = 0; at < input.length; at += step) {
    if (typeof input === 'string') reader.pushText(input.slice(at, at + step));
    else reader.push(input.subarray(at, at + step));
  }
  return reader.finish();
}

/**
 * Parses CSV text or file bytes into header names and string cells (small tables; files go through
 * `createCsvReader`). Throws CSV_BINARY, CSV_ENCODING, CSV_PARSE, CSV_EMPTY, CSV_HEADER or CSV_RAGGED,
 * each naming the row where it can.
 */
export function parseCsv(input: string | Uint8Array): RowTable {
  let text: string;
  if (typeof input === 'string') {
    assertText(input.length, (i) => input.charCodeAt(i));
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    const d = new CsvByteDecoder();
    text = d.push(input);
    text += d.end();
  }
  if (text.trim() === '') fail('CSV_EMPTY', 'csv.empty');

  const kept: { record: string[]; row: number }[] = [];
  const t = new CsvTokenizer(guessDelimiter(text.slice(0, HEAD), text.length <= HEAD), (fields, row) => {
    if (!blankRecord(fields)) kept.push({ record: fields.slice(), row });
  });
  t.push(text);
  t.end();
  const first = kept.shift();
  if (!first) fail('CSV_EMPTY', 'csv.empty');
  if (kept.length === 0) fail('CSV_EMPTY', 'csv.headerOnly', {}, { row: first.row });

  const expected = first.record.length;
  for (const { record, row } of kept) if (record.length !== expected) ragged(record.length, expected, row);
  const width = dropEmptyTrailing(
    first.record,
    kept.map((k) => k.record),
  );
  const columns = checkHeader(first.record.slice(0, width), first.row);
  return {
    columns,
    rows: kept.map((k) => (width === expected ? k.record : k.record.slice(0, width))),
    rowNumbers: kept.map((k) => k.row),
  };
}

/** The spreadsheet row number of data row `i` (header = row 1). */
export function rowNumber(raw: RawTable, i: number): number {
  return raw.rowNumbers?.[i] ?? i + 2;
}
