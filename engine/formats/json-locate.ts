/**
 * Finds where JSON text goes wrong, for a readable "line L, column C" message. Run only after
 * `JSON.parse` has failed (whose messages carry no position on some engines); iterative, so any depth is safe.
 */

/** The first syntax error in `text`: offset and reason, or null if the text is valid JSON. */
export function locateJsonError(text: string): { offset: number; reason: string } | null {
  const n = text.length;
  const stack: number[] = []; // 123 '{' or 91 '['
  let i = 0;
  let wantValue = true;
  const err = (reason: string) => ({ offset: i, reason });
  const skipWs = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  /** Reads a string at `i`; returns a reason if it is malformed. */
  const readString = (): string | null => {
    if (i >= n) return 'the text ends where a field name should be';
    if (text[i] !== '"') return 'expected a "quoted" field name';
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) return (i++, null);
      if (c < 32) return 'control character inside a string (line breaks must be written \\n)';
      if (c === 92) {
        const e = text[++i] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) return 'bad \\u escape in a string';
          i += 4;
        } else if (!'"\\/bfnrt'.includes(e) || e === '') return 'bad escape in a string';
      }
    }
    return 'the text ends inside a string';
  };
  const readKey = (): string | null => {
    skipWs();
    const bad = readString();
    if (bad !== null) return bad;
    skipWs();
    if (text[i] !== ':') return "expected ':' after a field name";
    i++;
    return null;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  for (;;) {
    skipWs();
    if (wantValue) {
      if (i >= n) return err('the text ends where a value should be');
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
        if (!NUMBER.test(text)) return err('malformed number');
        i = NUMBER.lastIndex;
      } else {
        const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
        if (word === undefined)
          return err(`unexpected character ${JSON.stringify(c)} where a value should be`);
        i += word.length;
      }
      wantValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i < n ? err('unexpected text after the end of the data') : null;
    if (i >= n) return err('the text ends before the data is closed');
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
      return err(`expected ',' or '${close}'`);
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
