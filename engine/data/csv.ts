/**
 * CSV text (or bytes) to a RawTable. papaparse tokenises (quotes, CRLF, quoted newlines; delimiter
 * guessed among `,` `;` tab `|`); this module enforces a rectangular table with a clean header.
 * Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2,
 * a record spanning lines inside quotes is one row, and blank lines count as (skipped) rows. The
 * header is the first non-blank row.
 */
import Papa from 'papaparse';
import { fail } from '../errors.ts';
import type { MessageRef } from '../i18n.ts';
import { assertText, decodeCsvBytes } from './decode.ts';
import type { RawTable } from './types.ts';

const DELIMITERS = [',', ';', '\t', '|'];

/** True for a record that a spreadsheet would show as an empty row (every field blank). */
function blank(record: string[]): boolean {
  return record.every((f) => f.trim() === '');
}

function guessDelimiter(text: string): string {
  const probe = Papa.parse<string[]>(text, {
    delimiter: '',
    delimitersToGuess: DELIMITERS,
    skipEmptyLines: 'greedy',
    preview: 10,
  });
  return probe.meta.delimiter || ',';
}

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
  const header = records.find((r) => !blank(r));
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

/**
 * Parses CSV text or file bytes into header names and string cells. Throws CSV_BINARY, CSV_ENCODING,
 * CSV_PARSE, CSV_EMPTY, CSV_HEADER or CSV_RAGGED, each naming the row where it can.
 */
export function parseCsv(input: string | Uint8Array): RawTable {
  let text: string;
  if (typeof input === 'string') {
    assertText(input.length, (i) => input.charCodeAt(i));
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    text = decodeCsvBytes(input);
  }
  if (text.trim() === '') fail('CSV_EMPTY', 'csv.empty');

  const delimiter = guessDelimiter(text);
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false });
  const error = parsed.errors.find((e) => e.type !== 'Delimiter');
  if (error) {
    const row = (error.row ?? 0) + 1;
    fail('CSV_PARSE', 'csv.parse', { row, reason: csvProblem(error, parsed.data) }, { row });
  }

  // Records keep their index, so that numbering survives the blank rows we skip.
  const kept: { record: string[]; row: number }[] = [];
  parsed.data.forEach((record, i) => {
    if (!blank(record)) kept.push({ record, row: i + 1 });
  });
  const first = kept.shift();
  if (!first) fail('CSV_EMPTY', 'csv.empty');
  if (kept.length === 0) fail('CSV_EMPTY', 'csv.headerOnly', {}, { row: first.row });

  const expected = first.record.length;
  for (const { record, row } of kept) {
    if (record.length !== expected) {
      fail(
        'CSV_RAGGED',
        record.length === 1 ? 'csv.raggedOne' : 'csv.ragged',
        { row, fields: record.length, expected },
        { row },
      );
    }
  }
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
