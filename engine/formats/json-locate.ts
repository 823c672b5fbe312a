/**
 * Finds where JSON text goes wrong, for a readable "line L, column C" message, and says why as a
 * `json.*` message. Run only after `JSON.parse` has failed (whose messages carry no position on some
 * engines and are English only); iterative, so any depth is safe.
 */
import type { MessageRef } from '../i18n.ts';

/** The first syntax error in `text`: offset and reason, or null if the text is valid JSON. */
export function locateJsonError(text: string): { offset: number; reason: MessageRef } | null {
  const n = text.length;
  const stack: number[] = []; // 123 '{' or 91 '['
  let i = 0;
  let wantValue = true;
  const err = (reason: MessageRef) => ({ offset: i, reason });
  const skipWs = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  /** Reads a string at `i`; returns a reason if it is malformed. */
  const readString = (): MessageRef | null => {
    if (i >= n) return { key: 'json.endOfName' };
    if (text[i] !== '"') return { key: 'json.expectedName' };
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) return (i++, null);
      if (c < 32) return { key: 'json.controlChar' };
      if (c === 92) {
        const e = text[++i] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) return { key: 'json.badUnicodeEscape' };
          i += 4;
        } else if (!'"\\/bfnrt'.includes(e) || e === '') return { key: 'json.badEscape' };
      }
    }
    return { key: 'json.endInString' };
  };
  const readKey = (): MessageRef | null => {
    skipWs();
    const bad = readString();
    if (bad !== null) return bad;
    skipWs();
    if (text[i] !== ':') return { key: 'json.expectedColon' };
    i++;
    return null;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  for (;;) {
    skipWs();
    if (wantValue) {
      if (i >= n) return err({ key: 'json.endOfValue' });
      const c = text[i]!;
      if (c === '{' || c === '[') {
        i++;
        skipWs();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          wantValue = false;
          continue;
        }
        stack.push(c.charCodeAt(0));
        if (c === '{') {
          const bad = readKey();
          if (bad !== null) return err(bad);
        }
        continue;
      }
      if (c === '"') {
        const bad = readString();
        if (bad !== null) return err(bad);
      } else if (c === '-' || (c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return err({ key: 'json.badNumber' });
        i = NUMBER.lastIndex;
      } else {
        const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
        if (word === undefined)
          return err({ key: 'json.unexpectedChar', params: { char: JSON.stringify(c) } });
        i += word.length;
      }
      wantValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i < n ? err({ key: 'json.trailingText' }) : null;
    if (i >= n) return err({ key: 'json.unclosed' });
    const close = top === 123 ? '}' : ']';
    if (text[i] === ',') {
      i++;
      if (top === 123) {
        const bad = readKey();
        if (bad !== null) return err(bad);
      }
      wantValue = true;
    } else if (text[i] === close) {
      i++;
      stack.pop();
    } else {
      return err({ key: 'json.expectedCommaOr', params: { close } });
    }
  }
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
