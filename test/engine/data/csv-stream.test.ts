/**
 * CSV read in chunks straight into typed columns: the same table as reading the whole text by rows
 * (whatever the chunk boundaries), line endings mixed as Python's csv reads them, and memory the size
 * of the numbers rather than of the text.
 */
import { describe, expect, it } from 'vitest';
import { createCsvReader, parseCsv, readCsvColumns, rowNumber } from '../../../engine/data/csv.ts';
import { describeTable } from '../../../engine/data/describe.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import { typeColumn } from '../../../engine/data/typing.ts';
import type { ColumnTable, RawTable } from '../../../engine/data/types.ts';
import { tableLength } from '../../../engine/data/types.ts';
import { bytes, errorOf } from './helpers.ts';

/** Every column typed, as plain arrays, with the row numbers: what the rest of the engine sees. */
function seen(t: RawTable) {
  return {
    columns: t.columns,
    length: tableLength(t),
    rows: Array.from({ length: tableLength(t) }, (_, i) => rowNumber(t, i)),
    typed: t.columns.map((_, j) => {
      const { column, bad } = typeColumn(t, j);
      return { ...column, values: Array.from(column.values as ArrayLike<unknown>), bad };
    }),
    text: t.columns.map((_, j) => Array.from(typeColumn(t, j, true).column.values as ArrayLike<unknown>)),
  };
}

function inChunks(input: Uint8Array, size: number): ColumnTable {
  const r = createCsvReader({ sizeHint: input.length });
  for (let at = 0; at < input.length; at += size) r.push(input.subarray(at, at + size));
  return r.finish();
}

describe('line endings mixed in one file', () => {
  const text = 'a,b\r\n1,2\n3,4\r5,6\r\n7,"x\ry"\n';
  const rows = [
    ['1', '2'],
    ['3', '4'],
    ['5', '6'],
    ['7', 'x\ry'],
  ];
  it('are read as the rows they are (as Python csv does), by rows', () => {
    expect(parseCsv(text)).toEqual({ columns: ['a', 'b'], rows, rowNumbers: [2, 3, 4, 5] });
  });
  it('and into columns', () => {
    const t = readCsvColumns(text);
    expect(t.length).toBe(4);
    expect(seen(t).typed[0]!.values).toEqual([1, 3, 5, 7]);
    expect(seen(t).typed[1]!.bad).toMatchObject({ row: 5, value: 'x\ry' });
  });
  it('a lone \\r ends rows in a file of old Mac line ends', () => {
    expect(parseCsv('a;b\r1;2\r3;4\r').rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });
});

const TABLES: [string, string][] = [
  ['numbers and text', 'x,y,label\n1,2.5,a\n3,-4e-3,b\n5,,a\n7,8,NA\n'],
  ['CRLF, quotes, BOM', '\uFEFF"x","note"\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\r\nlines"\r\n'],
  ['blank rows counted', '\n\nx,y\n1,2\n\n  \n3,4\n,\n5,6\n'],
  ['a numeric column with bad cells', 'age,t\n1,a\n2,b\n12abc,a\n4,b\n5,a\n'],
  ['mostly text with numbers', 'code,t\nA1,1\n007,0\nB2,1\n1.50,0\nC3,1\n'],
  ['numbers first, text later', 'v,t\n1,a\n2,b\nx,a\ny,b\nz,a\n'],
  ['floats that are not float32', 'v,t\n0.5,1\n0.1,2\n3,1\n1e300,2\n'],
  ['semicolons, tabs and pipes', 'a;b\n1;2\n3;4\n'],
  ['unicode', 'città,n\r\nMünchen,1\r\n東京,2\r\n'],
  ['trailing empty columns', 'a,b,,\n1,2,,\n3,4,,\n'],
  ['missing markers', 'a,b\nNA,1\nn/a,2\n?,3\n-,4\n5,null\n'],
];

describe('the same table by rows and by columns', () => {
  it.each(TABLES)('%s', (_name, text) => {
    const byRows = parseCsv(text);
    const byColumns = readCsvColumns(bytes(text));
    expect(seen(byColumns)).toEqual(seen(byRows));
    expect(describeTable(byColumns)).toEqual(describeTable(byRows));
    expect(readCsvColumns(text).cells).toEqual(byColumns.cells);
  });

  it.each(TABLES)('%s: any chunk boundary gives the same table', (_name, text) => {
    const whole = seen(readCsvColumns(bytes(text)));
    for (const size of [1, 2, 3, 5, 7, 64]) expect(seen(inChunks(bytes(text), size))).toEqual(whole);
  });

  it('prepares to the same training data', () => {
    const text = [
      'x,colour,y',
      ...Array.from({ length: 300 }, (_, i) => `${(i * 7) % 13},${['r', 'g', 'b'][i % 3]},${i % 2}`),
    ].join('\n');
    const o = { validationSplit: 0.2, seed: 3 };
    expect(prepareData(readCsvColumns(text), o)).toEqual(prepareData(parseCsv(text), o));
  });
});

describe('refused files name the same problem and row in chunks', () => {
  it.each([
    ['empty', ''],
    ['header only', 'a,b\n\n'],
    ['NUL', 'a,b\n1,\u0000\n'],
    ['short row', 'a,b,c\n1,2,3\n4,5\n'],
    ['unterminated quote', 'a,b\n1,2\n"3,4\n'],
    ['malformed quote', 'a,b\n1,"x"y\n'],
    ['empty header name', 'a,,c\n1,2,3\n'],
    ['duplicate header name', 'a,b,a\n1,2,3\n'],
  ])('%s', (_name, text) => {
    const want = errorOf(() => parseCsv(text));
    for (const size of [1, 3, 1 << 20]) {
      const got = errorOf(() => inChunks(bytes(text), size));
      expect({ code: got.code, message: got.message, row: got.row }).toEqual({
        code: want.code,
        message: want.message,
        row: want.row,
      });
    }
  });

  it('invalid UTF-8 split across chunks names its line and byte offset', () => {
    const input = new Uint8Array([...bytes('a,b\n1,2\nx,'), 0xe2, 0x82, 0x0a]);
    for (const size of [1, 2, 11, 100])
      expect(errorOf(() => inChunks(input, size)).message).toMatch(/Line 3: byte 0xE2 at offset 10/);
    const ok = bytes('a,b\n€,1\n€,2\n1,3\n');
    for (const size of [1, 2, 4]) expect(seen(inChunks(ok, size))).toEqual(seen(parseCsv(ok)));
  });
});

describe('memory follows the numbers', () => {
  const rows = 100_000;
  const text = [
    'id,x,label',
    ...Array.from({ length: rows }, (_, i) => `${i},${(i % 1000) / 7},${i % 3 ? 'yes' : 'no'}`),
  ].join('\n');
  const t = readCsvColumns(text);
  const stored = t.cells.map((c) => (c.kind === 'numbers' ? c.values : c.codes));

  it('whole numbers as float32, other numbers as float64, text as one byte per cell', () => {
    expect(stored.map((a) => a.constructor.name)).toEqual(['Float32Array', 'Float64Array', 'Uint8Array']);
    expect(t.length).toBe(rows);
  });

  it('in all, less than twice the size of the text', () => {
    const total = stored.reduce((s, a) => s + a.buffer.byteLength, 0);
    expect(total).toBeLessThan(2 * text.length);
    // No per-cell strings are kept: the text column holds two names.
    expect(t.cells[2]!.kind === 'texts' && t.cells[2]!.dict).toEqual(['no', 'yes']);
  });

  it('row numbers only when blank rows make them differ', () => {
    expect(t.rowNumbers).toBeUndefined();
    expect(readCsvColumns('a,b\n1,2\n\n3,4\n').rowNumbers).toEqual(new Uint32Array([2, 4]));
  });
});
