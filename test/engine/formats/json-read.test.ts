import { describe, expect, it } from 'vitest';
import { readJson } from '../../../engine/formats/json-read.ts';
import { locateJsonError } from '../../../engine/formats/json-locate.ts';
import { FILE_LIMITS, parseProject, parseWeights } from '../../../engine/formats/index.ts';
import { expectEngineError, xorWeightsJson, xorWeightsText } from './helpers.ts';

describe('invalid JSON → BAD_FILE with line and column', () => {
  const cases: Array<[string, string, number, number, string]> = [
    ['missing value', '{"a":}', 1, 6, 'unexpected character "}"'],
    ['missing colon', '{\n  "a": 1,\n  "b" 2\n}', 3, 7, "expected ':'"],
    ['trailing comma', '{\n  "a": [1, 2,]\n}', 2, 14, 'where a value should be'],
    ['unclosed list', '[1, 2', 1, 6, 'ends before the data is closed'],
    ['single quotes', "{'a': 1}", 1, 2, 'quoted'],
    ['NaN literal', '{"a": NaN}', 1, 7, 'unexpected character "N"'],
    ['raw line break in a string', '{"a": "x\ny"}', 1, 9, 'control character'],
    ['text after the data', '{} {}', 1, 4, 'after the end'],
    ['unclosed string', '{"a": "abc', 1, 11, 'ends inside a string'],
    ['bad number', '{"a": 01}', 1, 8, "expected ',' or '}'"],
  ];
  it.each(cases)('%s', (_name, text, line, column, reason) => {
    const e = expectEngineError(() => parseWeights(text), 'BAD_FILE', {
      path: `line ${line}, column ${column}`,
      message: reason,
    });
    expect(e.message).toContain('not valid JSON');
  });

  it('the locator agrees with JSON.parse on valid text', () => {
    expect(locateJsonError(xorWeightsText())).toBeNull();
    expect(locateJsonError('[1, -2.5e-3, "a\\u00e9\\n", true, false, null, {"k": {}}, []]')).toBeNull();
  });

  it('empty text and a byte-order mark', () => {
    expectEngineError(() => parseWeights(''), 'BAD_FILE', { message: 'empty' });
    expectEngineError(() => parseWeights(' \n '), 'BAD_FILE', { message: 'empty' });
    expect(parseWeights(`\ufeff${xorWeightsText()}`).version).toBe(1);
  });
});

describe('nesting depth', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  it.each([100_000, 1_000_000])('refuses %i nested lists without crashing', (n) => {
    expectEngineError(() => readJson(deep(n), 'weights file'), 'BAD_FILE', { message: 'nested more than' });
    expectEngineError(() => parseWeights(deep(n)), 'BAD_FILE', { message: 'nested' });
  });
  it('refuses 100000 unclosed [ as invalid JSON', () => {
    expectEngineError(() => parseWeights('['.repeat(100_000)), 'BAD_FILE', { message: 'not valid JSON' });
  });
  it('refuses deep nesting inside a field and names where it starts', () => {
    const f = xorWeightsJson();
    const text = JSON.stringify(f).replace('"metadata":', `"metadata": ${deep(50_000)}, "x":`);
    const e = expectEngineError(() => parseProject(text), 'BAD_FILE', { message: 'nested' });
    expect(e.path).toMatch(/^metadata(\[0\])+$/);
  });
  it('accepts the depth real files need', () => {
    const nested = deep(FILE_LIMITS.depth - 1);
    expect(readJson(nested, 'test')).toBeInstanceOf(Array);
  });
});
