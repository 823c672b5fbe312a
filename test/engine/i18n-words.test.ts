/**
 * Errors whose details come from libraries (papaparse, JSON.parse, zod) or from a thrown exception are
 * worded by the catalogues: in Chinese they hold no English words, only the data they quote.
 */
import { describe, expect, it } from 'vitest';
import { csvProblem, parseCsv } from '../../engine/data/csv.ts';
import { attempt } from '../../engine/errors.ts';
import type { EngineErrorInfo } from '../../engine/errors.ts';
import { parseWeights } from '../../engine/formats/index.ts';
import { formatJson } from '../../engine/formats/json-write.ts';
import { parseFailure, readJson } from '../../engine/formats/json-read.ts';
import { formatError, renderMessage } from '../../engine/i18n.ts';
import { parseGraph } from '../../engine/session/requests.ts';
import { xorWeightsJson } from './formats/helpers.ts';
import { createEngineService } from '../../engine/session/service.ts';
import type { DataSource } from '../../engine/api.ts';

function error(fn: () => unknown): EngineErrorInfo {
  const r = attempt(fn);
  if (r.ok) throw new Error('expected an EngineError');
  return r.error;
}

/** Latin words left once quoted data ("…", “…”) is taken out, apart from the names of formats. */
function englishWords(text: string): string[] {
  const unquoted = text.replace(/"[^"]*"|“[^”]*”/g, '');
  return (unquoted.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => !['JSON', 'CSV', 'UTF'].includes(w));
}

describe('CSV parse errors', () => {
  it.each([
    ['a,b\n1,2\n"3,4\n', 'Line 3: a quoted field has no closing quote.', '第 3 行：带引号的字段缺少右引号。'],
    [
      'a,b\n1,"x"y\n',
      'Line 2: a quoted field has more text after its closing quote (a quote inside quotes is written "").',
      '第 2 行：带引号的字段在右引号之后还有其他字符（引号内的引号应写成 ""）。',
    ],
  ])('%j', (text, en, zh) => {
    const e = error(() => parseCsv(text));
    expect(e).toMatchObject({ code: 'CSV_PARSE', key: 'csv.parse' });
    expect(formatError(e, 'en')).toBe(en);
    expect(formatError(e, 'zh-CN')).toBe(zh);
  });

  const records = [
    ['a', 'b', 'c'],
    ['1', '2'],
    ['1', '2', '3', '4'],
  ];
  it.each([
    ['Quotes', 'MissingQuotes', 0, { key: 'csv.problem.missingQuotes' }],
    ['Quotes', 'InvalidQuotes', 0, { key: 'csv.problem.invalidQuotes' }],
    ['Delimiter', 'UndetectableDelimiter', 0, { key: 'csv.problem.undetectableDelimiter' }],
    [
      'FieldMismatch',
      'TooFewFields',
      1,
      { key: 'csv.problem.tooFewFields', params: { actual: 2, expected: 3 } },
    ],
    [
      'FieldMismatch',
      'TooManyFields',
      2,
      { key: 'csv.problem.tooManyFields', params: { actual: 4, expected: 3 } },
    ],
    ['Other', 'SomethingNew', 0, { key: 'csv.problem.unknown', params: { code: 'SomethingNew' } }],
  ])('papaparse %s/%s → a catalogue message', (type, code, row, message) => {
    const m = csvProblem({ type, code, row }, records);
    expect(m).toEqual(message);
    expect(englishWords(renderMessage('zh-CN', 'csv.parse', { row: row + 1, reason: m }))).toEqual(
      code === 'SomethingNew' ? ['SomethingNew'] : [],
    );
  });

  it('too few fields, in both languages', () => {
    const reason = csvProblem({ type: 'FieldMismatch', code: 'TooFewFields', row: 1 }, records);
    expect(renderMessage('en', 'csv.parse', { row: 2, reason })).toBe(
      'Line 2: too few fields: 2, where the header has 3.',
    );
    expect(renderMessage('zh-CN', 'csv.parse', { row: 2, reason })).toBe(
      '第 2 行：字段太少：只有 2 个，而表头有 3 个。',
    );
  });
});

describe('JSON syntax errors', () => {
  it.each([
    '{"a":}',
    '{\n  "a": 1,\n  "b" 2\n}',
    '{\n  "a": [1, 2,]\n}',
    '[1, 2',
    "{'a': 1}",
    '{"a": NaN}',
    '{"a": "x\ny"}',
    '{} {}',
    '{"a": "abc',
    '{"a": 01}',
    '{"a": "\\x"}',
    '{"a": "\\u12"}',
    '{"a": 1e}',
    '{"a',
  ])('%j: line and column, the reason from the catalogue', (text) => {
    const e = error(() => parseWeights(text));
    expect(e).toMatchObject({ code: 'BAD_FILE', key: 'file.notJsonAt' });
    expect(e.params!['what']).toEqual({ key: 'noun.weightsFile' });
    expect(e.params!['reason']).toMatchObject({ key: expect.stringMatching(/^json\./) });
    const zh = formatError(e, 'zh-CN');
    expect(zh).toMatch(/^权重文件在第 \d+ 行第 \d+ 列不是有效的 JSON：/);
    expect(englishWords(zh)).toEqual([]);
  });

  it('words one error fully in both languages', () => {
    const e = error(() => parseWeights('{"a":}'));
    expect(formatError(e, 'en')).toBe(
      'The weights file is not valid JSON at line 1, column 6: unexpected character "}" where a value should be.',
    );
    expect(formatError(e, 'zh-CN')).toBe(
      '权重文件在第 1 行第 6 列不是有效的 JSON：此处应为一个值，却出现了字符 "}"。',
    );
  });

  it.each([
    ['', 'json.endOfInput'],
    ['"abc', 'json.endInString'],
    ['"a\nb"', 'json.controlChar'],
    ['"\\u12"', 'json.badUnicodeEscape'],
    ['"\\x"', 'json.badEscape'],
    ['1e', 'json.badNumber'],
    ['-', 'json.badNumber'],
    ['{} x', 'json.trailingText'],
    ['{a:1}', 'json.expectedName'],
    ['{"a" 1}', 'json.expectedColon'],
    ['[1 2]', 'json.expectedCommaOr'],
    ['{"a":1 "b"}', 'json.expectedCommaOr'],
    ['[1,]', 'json.unexpectedToken'],
  ])("JSON.parse's own message for %j → %s", (text, key) => {
    let message = '';
    try {
      JSON.parse(text);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(parseFailure(message).key).toBe(key);
  });

  it('an unknown JSON.parse message is "malformed", never its English text', () => {
    expect(parseFailure('Something new went wrong')).toEqual({ key: 'json.malformed' });
  });

  it('names every kind of file through the catalogue', () => {
    expect(
      formatError(
        error(() => readJson('', 'project file')),
        'zh-CN',
      ),
    ).toBe('项目文件是空的。');
  });
});

describe('the top level of a file or request', () => {
  it('is a catalogue word in a schema issue', () => {
    const e = error(() => parseGraph(5));
    expect(e.path).toBe('');
    expect(formatError(e, 'en')).toBe('Invalid network: (top level) expected an object, got 5.');
    expect(formatError(e, 'zh-CN')).toBe('网络无效：（顶层） 应为对象，实际是 5。');
  });

  it('is a catalogue word when a value cannot be saved', () => {
    const e = error(() => formatJson(Number.NaN));
    expect(formatError(e, 'en')).toBe('Cannot save (top level): it is NaN, which JSON cannot hold.');
    expect(englishWords(formatError(e, 'zh-CN'))).toEqual(['NaN']);
  });
});

describe('schema problems zod would word in English', () => {
  it('a timestamp that is not ISO 8601', () => {
    const f = xorWeightsJson();
    f.metadata.createdAt = 'yesterday';
    const e = error(() => parseWeights(JSON.stringify(f)));
    expect(formatError(e, 'en')).toBe(
      'Invalid weights file: metadata.createdAt must be an ISO 8601 date and time such as 2025-05-01T12:00:00Z.',
    );
    expect(formatError(e, 'zh-CN')).toBe(
      '权重文件无效：metadata.createdAt 必须是 ISO 8601 格式的日期时间，例如 2025-05-01T12:00:00Z。',
    );
  });

  it('a node id with a bad first character', () => {
    const e = error(() => parseGraph({ nodes: [{ id: '1x', type: 'input', inputs: [], units: 2 }] }));
    expect(formatError(e, 'en')).toBe(
      'Invalid network: nodes[0].id must start with a letter or _ and use only letters, digits, _ . -.',
    );
    expect(formatError(e, 'zh-CN')).toBe(
      '网络无效：nodes[0].id 必须以字母或 _ 开头，且只能包含字母、数字和 _ . -。',
    );
  });
});

describe('internal errors', () => {
  it('word the sentence from the catalogue and keep the exception as its detail', async () => {
    const api = createEngineService({ yieldToHost: () => Promise.resolve() });
    const source = {
      get kind(): never {
        throw new Error('boom');
      },
    } as unknown as DataSource;
    const r = await api.loadData(source);
    if (r.ok) throw new Error('expected an error');
    expect(r.error).toMatchObject({ code: 'INTERNAL', key: 'request.internal', params: { detail: 'boom' } });
    expect(formatError(r.error, 'en')).toBe('Internal error: boom');
    expect(formatError(r.error, 'zh-CN')).toBe('内部错误：boom');
  });
});
