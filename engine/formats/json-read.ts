/**
 * Reads untrusted JSON text: length cap first, then one scan of the text (json-locate.ts) that finds
 * syntax errors (with a readable line and column) and counts values, strings, objects and lists and
 * nesting against FILE_LIMITS, all before `JSON.parse` builds anything; then one walk over the parsed
 * tree that refuses `__proto__` keys (JSON.parse makes them own properties, which naive copying would
 * turn into prototype changes). The CLI and the app's engine both read JSON through here.
 */
import { engineError, fail } from '../errors.ts';
import type { EngineError } from '../errors.ts';
import { noun } from '../i18n.ts';
import type { MessageRef } from '../i18n.ts';
import { formatPath, pathWords } from './issues.ts';
import { lineColumn, locateJsonError, scanJson } from './json-locate.ts';
import { FILE_LIMITS } from './limits.ts';

/** Parses `text` as JSON within the caps in FILE_LIMITS; `what` names the file kind for messages. */
export function readJson(text: unknown, what: string): unknown {
  if (typeof text !== 'string') fail('BAD_FILE', 'file.notText', { what: noun(what) });
  if (text.length > FILE_LIMITS.textLength)
    fail('TOO_LARGE', 'file.tooLarge', {
      what: noun(what),
      size: mb(text.length),
      max: mb(FILE_LIMITS.textLength),
    });
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') fail('BAD_FILE', 'file.empty', { what: noun(what) });
  const scan = scanJson(body, FILE_LIMITS);
  if (scan.kind === 'syntax') throw located(body, what, scan);
  if (scan.kind === 'depth') deeper(what, scan.path);
  if (scan.kind === 'count')
    fail('TOO_LARGE', 'file.tooManyItems', {
      what: noun(what),
      max: scan.max.toLocaleString('en'),
      items: { key: `file.items.${scan.items}` },
    });
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    if (e instanceof RangeError) fail('BAD_FILE', 'file.tooDeep', { what: noun(what) });
    throw syntaxError(body, what, e);
  }
  checkTree(value, what);
  return value;
}

function mb(chars: number): string {
  return `${Math.round(chars / (1024 * 1024))} MB`;
}

function located(text: string, what: string, found: { offset: number; reason: MessageRef }): EngineError {
  const { line, column } = lineColumn(text, found.offset);
  return engineError(
    'BAD_FILE',
    'file.notJsonAt',
    { what: noun(what), line, column, reason: found.reason },
    { path: `line ${line}, column ${column}` },
  );
}

function deeper(what: string, path: PropertyKey[]): never {
  return fail(
    'BAD_FILE',
    'file.nestedTooDeep',
    { what: noun(what), max: FILE_LIMITS.depth, path: pathWords(formatPath(path)) },
    { path: formatPath(path) },
  );
}

function syntaxError(text: string, what: string, cause: unknown): EngineError {
  const found = locateJsonError(text);
  const said = String((cause as Error)?.message ?? cause);
  const offset = found?.offset ?? Number(/at position (\d+)/.exec(said)?.[1] ?? NaN);
  const reason = found?.reason ?? parseFailure(said);
  if (!Number.isFinite(offset)) return engineError('BAD_FILE', 'file.notJson', { what: noun(what), reason });
  const { line, column } = lineColumn(text, offset);
  return engineError(
    'BAD_FILE',
    'file.notJsonAt',
    { what: noun(what), line, column, reason },
    { path: `line ${line}, column ${column}` },
  );
}

/** V8's JSON.parse messages (English only), by kind; each kind a `json.*` message. */
const PARSE_FAILURES: [RegExp, string][] = [
  [/^Unexpected end of JSON input/, 'json.endOfInput'],
  [/^Unterminated string/, 'json.endInString'],
  [/^Bad control character/, 'json.controlChar'],
  [/^Bad Unicode escape/, 'json.badUnicodeEscape'],
  [/^Bad escaped character/, 'json.badEscape'],
  [
    /^(Exponent part is missing|Unterminated fractional number|No number after minus sign|Unexpected number)/,
    'json.badNumber',
  ],
  [/^Unexpected non-whitespace character after JSON/, 'json.trailingText'],
  [/^Expected (property name|double-quoted property name)/, 'json.expectedName'],
  [/^Expected ':'/, 'json.expectedColon'],
];

/**
 * Why JSON.parse failed, from its message, for text the locator found no fault in (a disagreement
 * between the two, so not expected): the kind of failure, never the English text itself.
 */
export function parseFailure(message: string): MessageRef {
  const close = /^Expected ',' or '([}\]])'/.exec(message)?.[1];
  if (close !== undefined) return { key: 'json.expectedCommaOr', params: { close } };
  const token = /^Unexpected token '?(.)/u.exec(message)?.[1];
  if (token !== undefined) return { key: 'json.unexpectedToken', params: { char: JSON.stringify(token) } };
  const kind = PARSE_FAILURES.find(([re]) => re.test(message));
  return { key: kind?.[1] ?? 'json.malformed' };
}

/** Depth-first walk: nesting within FILE_LIMITS.depth and no `__proto__` keys. */
function checkTree(root: unknown, what: string): void {
  const path: PropertyKey[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null) return;
    if (depth > FILE_LIMITS.depth) deeper(what, path);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item !== 'object' || item === null) continue;
        path.push(i);
        visit(item, depth + 1);
        path.pop();
      }
      return;
    }
    for (const key of Object.keys(v)) {
      path.push(key);
      if (key === '__proto__')
        fail(
          'BAD_FILE',
          'file.forbiddenField',
          { what: noun(what), path: pathWords(formatPath(path)) },
          { path: formatPath(path) },
        );
      visit((v as Record<string, unknown>)[key], depth + 1);
      path.pop();
    }
  };
  visit(root, 1);
}
