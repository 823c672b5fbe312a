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
  const lists: number[] = [];
  const scan = scanJson(body, FILE_LIMITS, lists);
  if (scan.kind === 'syntax') throw located(body, what, scan);
  if (scan.kind === 'depth') deeper(what, scan.path);
  if (scan.kind === 'count')
    fail('TOO_LARGE', 'file.tooManyItems', {
      what: noun(what),
      max: scan.max.toLocaleString('en'),
      items: { key: `file.items.${scan.items}` },
    });
  let value: unknown;
  const { skeleton, arrays } = lists.length ? splitLists(body, lists) : { skeleton: body, arrays: [] };
  try {
    value = JSON.parse(skeleton);
  } catch (e) {
    if (e instanceof RangeError) fail('BAD_FILE', 'file.tooDeep', { what: noun(what) });
    throw syntaxError(body, what, e);
  }
  return checkTree(value, what, arrays);
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

/** Stands for the k-th long list of numbers in the text given to JSON.parse (see `splitLists`). */
const MARK = '\u0000list:';

/**
 * The text with every long list of plain numbers (offsets from the scan) replaced by a marker string,
 * and those lists as arrays of numbers. JSON.parse would box each number of such a list (about 30
 * bytes apiece); built here, a list is an array of unboxed doubles (8 bytes apiece).
 */
function splitLists(text: string, offsets: number[]): { skeleton: string; arrays: number[][] } {
  const parts: string[] = [];
  const arrays: number[][] = [];
  let from = 0;
  for (let k = 0; k < offsets.length; k += 2) {
    const start = offsets[k]!;
    const end = offsets[k + 1]!;
    parts.push(text.slice(from, start), JSON.stringify(`${MARK}${arrays.length}`));
    arrays.push(numbersOf(text, start + 1, end - 1));
    from = end;
  }
  parts.push(text.slice(from));
  return { skeleton: parts.join(''), arrays };
}

/** The numbers between `start` and `end` (a list's inside, already checked by the scan). */
function numbersOf(text: string, start: number, end: number): number[] {
  let n = 1;
  for (let i = text.indexOf(',', start); i >= 0 && i < end; i = text.indexOf(',', i + 1)) n++;
  const out = new Array<number>(n);
  let at = start;
  for (let k = 0; k < n; k++) {
    let comma = text.indexOf(',', at);
    if (comma < 0 || comma > end) comma = end;
    out[k] = Number(text.slice(at, comma)); // whitespace around a number is ignored by Number
    at = comma + 1;
  }
  return out;
}

/**
 * Depth-first walk: nesting within FILE_LIMITS.depth and no `__proto__` keys; the markers of long
 * lists are put back as their arrays. Returns the root (itself a marker when the whole file is a list).
 */
function checkTree(root: unknown, what: string, arrays: number[][] = []): unknown {
  const path: PropertyKey[] = [];
  const restore = (v: unknown): unknown =>
    arrays.length && typeof v === 'string' && v.startsWith(MARK)
      ? (arrays[Number(v.slice(MARK.length))] ?? v)
      : v;
  const visit = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null) return;
    if (depth > FILE_LIMITS.depth) deeper(what, path);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        let item: unknown = v[i];
        if (arrays.length && typeof item === 'string' && item.startsWith(MARK)) item = v[i] = restore(item);
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
      const o = v as Record<string, unknown>;
      const item = restore(o[key]);
      if (item !== o[key]) o[key] = item;
      visit(item, depth + 1);
      path.pop();
    }
  };
  const top = restore(root);
  visit(top, 1);
  return top;
}
