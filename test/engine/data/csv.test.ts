import { describe, expect, it } from 'vitest';
import { parseCsv, rowNumber } from '../../../engine/data/csv.ts';
import { bytes, errorOf } from './helpers.ts';

describe('parseCsv: accepted inputs', () => {
  it.each([
    ['comma, LF', 'a,b\n1,2\n3,4\n'],
    ['CRLF', 'a,b\r\n1,2\r\n3,4\r\n'],
    ['no final newline', 'a,b\n1,2\n3,4'],
    ['semicolon', 'a;b\n1;2\n3;4\n'],
    ['tab', 'a\tb\n1\t2\n3\t4\n'],
    ['pipe', 'a|b\n1|2\n3|4\n'],
    ['BOM in a string', '\uFEFFa,b\n1,2\n3,4\n'],
    ['quoted cells', '"a","b"\n"1","2"\n3,4\n'],
    ['spaces around header names', ' a , b \n1,2\n3,4\n'],
  ])('%s', (_, text) => {
    expect(parseCsv(text)).toEqual({
      columns: ['a', 'b'],
      rows: [
        ['1', '2'],
        ['3', '4'],
      ],
      rowNumbers: [2, 3],
    });
  });

  it('decodes UTF-8 bytes and strips the BOM', () => {
    const raw = parseCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('città,n\r\nMünchen,1\r\n')]));
    expect(raw.columns).toEqual(['città', 'n']);
    expect(raw.rows).toEqual([['München', '1']]);
  });

  it('keeps a comma inside quotes with a semicolon delimiter (European decimals stay text here)', () => {
    const raw = parseCsv('x;y\n1,5;2,5\n3,0;4\n');
    expect(raw.rows).toEqual([
      ['1,5', '2,5'],
      ['3,0', '4'],
    ]);
  });

  it('keeps quoted newlines, delimiters and escaped quotes inside one cell; numbers rows as a spreadsheet', () => {
    const raw = parseCsv('name,note\r\nann,"line 1\r\nline 2"\r\n\r\nbob,"say ""hi"", ok"\r\n');
    expect(raw.rows).toEqual([
      ['ann', 'line 1\r\nline 2'],
      ['bob', 'say "hi", ok'],
    ]);
    // header = row 1, ann = row 2 (two lines, one row), blank row 3, bob = row 4
    expect(raw.rowNumbers).toEqual([2, 4]);
    expect(rowNumber(raw, 1)).toBe(4);
  });

  it('skips blank and whitespace-only rows but keeps counting them', () => {
    const raw = parseCsv('a,b\n\n1,2\n  \n,\n3,4\n');
    expect(raw.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(raw.rowNumbers).toEqual([3, 6]);
  });

  it('drops trailing columns with no name and no values (spreadsheet export artefacts)', () => {
    expect(parseCsv('a,b,,\n1,2,,\n3,4,,\n').columns).toEqual(['a', 'b']);
  });

  it('lets __proto__ and constructor be ordinary column names', () => {
    const raw = parseCsv('__proto__,constructor,toString\n1,2,3\n');
    expect(raw.columns).toEqual(['__proto__', 'constructor', 'toString']);
    expect(raw.rows).toEqual([['1', '2', '3']]);
    expect(Object.getPrototypeOf(raw)).toBe(Object.prototype);
  });

  it('numbers rows from 2 when a table has no rowNumbers', () => {
    expect(rowNumber({ columns: ['a'], rows: [['1'], ['2']] }, 1)).toBe(3);
  });
});

describe('parseCsv: refused inputs name the problem and where', () => {
  const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]);
  const controls = new Uint8Array(200).fill(0x41);
  for (let i = 0; i < 10; i++) controls[i * 10] = 0x01;
  it.each([
    ['empty string', '', 'CSV_EMPTY', /empty/, undefined],
    ['whitespace only', ' \n\r\n ', 'CSV_EMPTY', /empty/, undefined],
    ['empty bytes', new Uint8Array(0), 'CSV_EMPTY', /empty/, undefined],
    ['header only', 'a,b\n', 'CSV_EMPTY', /no data rows/, 1],
    ['header and blank rows', 'a,b\n\n\n', 'CSV_EMPTY', /no data rows/, 1],
    ['NUL in bytes', new Uint8Array([0x61, 0x2c, 0x00, 0x62]), 'CSV_BINARY', /binary/, undefined],
    ['NUL in a string', 'a,b\n1,\u0000\n', 'CSV_BINARY', /binary/, undefined],
    ['zip / xlsx', zip, 'CSV_BINARY', /Excel/, undefined],
    ['many control characters', controls, 'CSV_BINARY', /10 control characters/, undefined],
    [
      'invalid UTF-8 (Latin-1 é)',
      new Uint8Array([...bytes('a,b\n1,2\nx,'), 0xe9, 0x0a]),
      'CSV_ENCODING',
      /Line 3: byte 0xE9 at offset 10/,
      3,
    ],
    [
      'truncated UTF-8 sequence',
      new Uint8Array([...bytes('a\n'), 0xe2, 0x82]),
      'CSV_ENCODING',
      /Line 2: byte 0xE2/,
      2,
    ],
    ['overlong UTF-8', new Uint8Array([...bytes('a\n'), 0xc0, 0xaf]), 'CSV_ENCODING', /byte 0xC0/, 2],
    ['UTF-16 file', new Uint8Array([0xff, 0xfe, 0x61, 0x00]), 'CSV_ENCODING', /UTF-16/, undefined],
    ['short row', 'a,b,c\n1,2,3\n4,5\n', 'CSV_RAGGED', /^Line 3 has 2 fields; the header has 3\.$/, 3],
    [
      'long row after a quoted newline',
      'a,b\n"x\ny",2\n1,2,3\n',
      'CSV_RAGGED',
      /^Line 3 has 3 fields; the header has 2\.$/,
      3,
    ],
    [
      'unterminated quote',
      'a,b\n1,2\n"3,4\n',
      'CSV_PARSE',
      /^Line 3: a quoted field has no closing quote\.$/,
      3,
    ],
    [
      'malformed quote',
      'a,b\n1,"x"y\n',
      'CSV_PARSE',
      /^Line 2: a quoted field has more text after its closing quote/,
      2,
    ],
    ['empty header name', 'a,,c\n1,2,3\n', 'CSV_HEADER', /Column 2 has no name/, 1],
    ['duplicate header name', 'a,b,a\n1,2,3\n', 'CSV_HEADER', /"a" appears twice/, 1],
  ])('%s → %s', (_, input, code, message, row) => {
    const error = errorOf(() => parseCsv(input));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.row).toBe(row);
  });

  it('names the duplicated column', () => {
    expect(errorOf(() => parseCsv('x,y,x\n1,2,3\n')).column).toBe('x');
  });

  it('tolerates a stray control character inside text', () => {
    expect(parseCsv(bytes('a,b\n1,x\u0007y\n')).rows).toEqual([['1', 'x\u0007y']]);
  });
});
