/**
 * One pass over JSON text before anything is built from it: where it goes wrong (for a readable
 * "line L, column C" message, with why as a `json.*` message), and how much it holds (values, strings,
 * objects and lists, nesting depth), so that a file too big for memory is refused before `JSON.parse`
 * allocates a single object. Iterative and allocation-free per value, so any size or depth is safe.
 */
import type { MessageRef } from '../i18n.ts';

/** What a file may hold; any count past its cap stops counting and is reported (after syntax errors). */
export interface JsonBudget {
  /** Numbers, strings, true, false and null together. */
  values: number;
  strings: number;
  /** Objects and lists. */
  containers: number;
  /** Nesting of objects and lists (the outermost is level 1). */
  depth: number;
}

/** The result of a scan: the first syntax error, else the first cap exceeded, else the counts. */
export type JsonScan =
  | { kind: 'syntax'; offset: number; reason: MessageRef }
  | { kind: 'depth'; offset: number; path: PropertyKey[] }
  | { kind: 'count'; offset: number; items: 'values' | 'strings' | 'containers'; max: number }
  | { kind: 'ok'; values: number; strings: number; containers: number };

const NONE: JsonBudget = { values: Infinity, strings: Infinity, containers: Infinity, depth: Infinity };

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Lists of numbers at least this long are reported by `scanJson` (see `lists`). */
export const LONG_LIST = 1024;

/**
 * Scans `text` as JSON within `budget` (see JsonScan). `lists`, when given, receives the start and end
 * offsets of every list of LONG_LIST or more plain numbers, so that the reader can build those as
 * number arrays itself rather than leave millions of numbers to `JSON.parse`.
 */
export function scanJson(text: string, budget: JsonBudget = NONE, lists?: number[]): JsonScan {
  const n = text.length;
  /** Per open container: 123 '{' or 91 '['. */
  const stack: number[] = [];
  /** Per open container: the element index (lists) or the key's start and end offsets (objects). */
  const index: number[] = [];
  const keyStart: number[] = [];
  const keyEnd: number[] = [];
  /** Per open list: where it starts, and whether it has held numbers only so far. */
  const listStart: number[] = [];
  const numbersOnly: boolean[] = [];
  let i = 0;
  let wantValue = true;
  let values = 0;
  let strings = 0;
  let containers = 0;
  let over: JsonScan | null = null;
  const err = (reason: MessageRef): JsonScan => ({ kind: 'syntax', offset: i, reason });
  const skipWs = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  /** Reads a string at `i`; returns a reason if it is malformed. */
  const readString = (): MessageRef | null => {
    if (i >= n) return { key: 'json.endOfName' };
    if (text.charCodeAt(i) !== 34) return { key: 'json.expectedName' };
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) return (i++, null);
      if (c < 32) return { key: 'json.controlChar' };
      if (c === 92) {
        const e = text.charCodeAt(++i);
        if (e === 117) {
          for (let k = 1; k <= 4; k++)
            if (!isHex(text.charCodeAt(i + k))) return { key: 'json.badUnicodeEscape' };
          i += 4;
        } else if (!(
          e === 34 ||
          e === 92 ||
          e === 47 ||
          e === 98 ||
          e === 102 ||
          e === 110 ||
          e === 114 ||
          e === 116
        ))
          return { key: 'json.badEscape' };
      }
    }
    return { key: 'json.endInString' };
  };
  const readKey = (): MessageRef | null => {
    skipWs();
    const start = i;
    const bad = readString();
    if (bad !== null) return bad;
    keyStart[stack.length - 1] = start;
    keyEnd[stack.length - 1] = i;
    skipWs();
    if (text.charCodeAt(i) !== 58) return { key: 'json.expectedColon' };
    i++;
    return null;
  };
  /** Reads a number at `i` (the JSON grammar's longest valid prefix); false if none starts here. */
  const readNumber = (): boolean => {
    if (text.charCodeAt(i) === 45) i++;
    const c = text.charCodeAt(i);
    if (c === 48) i++;
    else if (c >= 49 && c <= 57) while (isDigit(text.charCodeAt(++i)));
    else return false;
    if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
      i++;
      while (isDigit(text.charCodeAt(++i)));
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      const s = text.charCodeAt(i + 1);
      const d = s === 43 || s === 45 ? i + 2 : i + 1;
      if (isDigit(text.charCodeAt(d))) {
        i = d;
        while (isDigit(text.charCodeAt(++i)));
      }
    }
    return true;
  };
  /** Counts one value and checks the caps (once one is exceeded, only syntax is checked). */
  const count = (kind: 'scalar' | 'string' | 'container'): void => {
    if (over !== null) return;
    if (++values > budget.values) over = { kind: 'count', offset: i, items: 'values', max: budget.values };
    else if (kind === 'string' && ++strings > budget.strings)
      over = { kind: 'count', offset: i, items: 'strings', max: budget.strings };
    else if (kind === 'container') {
      if (stack.length + 1 > budget.depth) over = { kind: 'depth', offset: i, path: path() };
      else if (++containers > budget.containers)
        over = { kind: 'count', offset: i, items: 'containers', max: budget.containers };
    }
  };
  /** Where the value at `i` sits: keys and list indices of every open container. */
  const path = (): PropertyKey[] =>
    stack.map((open, d) =>
      open === 91 ? index[d]! : (JSON.parse(text.slice(keyStart[d], keyEnd[d])) as string),
    );

  for (;;) {
    skipWs();
    if (wantValue) {
      if (i >= n) return err({ key: 'json.endOfValue' });
      const c = text.charCodeAt(i);
      if (c !== 45 && !isDigit(c) && stack.length > 0) numbersOnly[stack.length - 1] = false;
      if (c === 123 || c === 91) {
        const at = i;
        count('container');
        i++;
        skipWs();
        if (text.charCodeAt(i) === (c === 123 ? 125 : 93)) {
          i++;
          wantValue = false;
          continue;
        }
        stack.push(c);
        index[stack.length - 1] = 0;
        listStart[stack.length - 1] = at;
        numbersOnly[stack.length - 1] = c === 91;
        if (c === 123) {
          const bad = readKey();
          if (bad !== null) return err(bad);
        }
        continue;
      }
      if (c === 34) {
        count('string');
        const bad = readString();
        if (bad !== null) return err(bad);
      } else if (c === 45 || isDigit(c)) {
        count('scalar');
        if (!readNumber()) return err({ key: 'json.badNumber' });
      } else {
        const word = text.startsWith('true', i)
          ? 4
          : text.startsWith('null', i)
            ? 4
            : text.startsWith('false', i)
              ? 5
              : 0;
        if (word === 0) return err({ key: 'json.unexpectedChar', params: { char: JSON.stringify(text[i]) } });
        count('scalar');
        i += word;
      }
      wantValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (i < n) return err({ key: 'json.trailingText' });
      return over ?? { kind: 'ok', values, strings, containers };
    }
    if (i >= n) return err({ key: 'json.unclosed' });
    const close = top === 123 ? 125 : 93;
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      index[stack.length - 1]!++;
      if (top === 123) {
        const bad = readKey();
        if (bad !== null) return err(bad);
      }
      wantValue = true;
    } else if (c === close) {
      i++;
      const d = stack.length - 1;
      if (lists && numbersOnly[d] && index[d]! + 1 >= LONG_LIST) lists.push(listStart[d]!, i);
      stack.pop();
    } else {
      return err({ key: 'json.expectedCommaOr', params: { close: String.fromCharCode(close) } });
    }
  }
}

/** The first syntax error in `text`: offset and reason, or null if the text is valid JSON. */
export function locateJsonError(text: string): { offset: number; reason: MessageRef } | null {
  const r = scanJson(text);
  return r.kind === 'syntax' ? { offset: r.offset, reason: r.reason } : null;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Counts objects and lists in JSON bytes as they are read (outside strings; bytes of multi-byte
 * characters never look like brackets or quotes), so that a file of millions of tiny objects is
 * refused after a read buffer or so, before its text is even kept. `push` returns the count so far.
 */
export class ContainerCounter {
  private inString = false;
  private escaped = false;
  count = 0;

  push(bytes: Uint8Array): number {
    let { inString, escaped, count } = this;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 123 || c === 91) count++;
    }
    this.inString = inString;
    this.escaped = escaped;
    this.count = count;
    return count;
  }
}
