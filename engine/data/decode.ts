/**
 * Bytes to text for CSV files: refuse binary files, decode UTF-8 strictly (no silent U+FFFD), and
 * drop a byte-order mark. Invalid UTF-8 is reported by line, since the file cannot be parsed yet.
 */
import { fail } from '../errors.ts';

// Every runtime we target (Node, browsers, workers) has TextDecoder; the ES2022 lib does not declare it.
declare const TextDecoder: new (
  label: string,
  options: { fatal: boolean; ignoreBOM: boolean },
) => { decode(input: Uint8Array): string };

/** Bytes of the head that the control-character test looks at. */
const SNIFF = 65536;

/** True for C0 control characters other than tab, line feed, vertical tab, form feed and carriage return. */
function isControl(c: number): boolean {
  return c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0b && c !== 0x0c && c !== 0x0d;
}

/**
 * Throws CSV_BINARY if the content is not text: any NUL, or more than 1% (and at least 4) other
 * control characters in the first 64 KiB. `codeAt` reads a byte or a UTF-16 unit.
 */
export function assertText(length: number, codeAt: (i: number) => number, zip = false): void {
  let controls = 0;
  const head = Math.min(length, SNIFF);
  for (let i = 0; i < length; i++) {
    const c = codeAt(i);
    if (c === 0) {
      fail('CSV_BINARY', 'csv.binary', { hint: zip ? { key: 'csv.zipHint' } : '' });
    }
    if (i < head && isControl(c)) controls++;
  }
  if (controls >= 4 && controls > head / 100) {
    fail('CSV_BINARY', 'csv.controlCharacters', { count: controls });
  }
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 if it is invalid or truncated. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let n: number, min: number;
  if (c >= 0xc2 && c <= 0xdf) [n, min] = [2, 0x80];
  else if (c >= 0xe0 && c <= 0xef) [n, min] = [3, 0x800];
  else if (c >= 0xf0 && c <= 0xf4) [n, min] = [4, 0x10000];
  else return 0;
  if (i + n > b.length) return 0;
  let cp = c & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const d = b[i + k]!;
    if ((d & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the bytes are valid UTF-8. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const n = sequenceLength(b, i);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/** Decodes CSV file bytes to text; throws CSV_BINARY or CSV_ENCODING (naming line and byte offset). */
export function decodeCsvBytes(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    fail('CSV_ENCODING', 'csv.utf16');
  }
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  assertText(bytes.length, (i) => bytes[i]!, zip);
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  const bad = firstInvalidUtf8(body);
  if (bad >= 0) {
    let line = 1;
    for (let i = 0; i < bad; i++) if (body[i] === 0x0a) line++;
    const hex = body[bad]!.toString(16).toUpperCase().padStart(2, '0');
    fail('CSV_ENCODING', 'csv.badUtf8', { line, byte: `0x${hex}`, offset: bad + start }, { row: line });
  }
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
}

/**
 * The same checks and decoding as `decodeCsvBytes`, for bytes that arrive in chunks: each `push` returns
 * the text of the complete characters so far (a character split between chunks waits for the next),
 * `end` what is left. Errors name the same line and byte offset as for the whole file.
 */
export class CsvByteDecoder {
  private offset = 0;
  private lines = 1;
  private controls = 0;
  private zip = false;
  private pending: Uint8Array | null = null;
  /** Text has been returned (a byte-order mark is dropped from the very start only). */
  private started = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  /** Bytes seen so far. */
  get bytes(): number {
    return this.offset;
  }

  push(chunk: Uint8Array): string {
    let b = chunk;
    if (this.offset === 0 && b.length > 0) {
      if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))
        fail('CSV_ENCODING', 'csv.utf16');
      this.zip = b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
    }
    this.scanControls(b);
    const base = this.offset - (this.pending?.length ?? 0);
    this.offset += chunk.length;
    if (this.pending) {
      const joined = new Uint8Array(this.pending.length + b.length);
      joined.set(this.pending);
      joined.set(b, this.pending.length);
      b = joined;
      this.pending = null;
    }
    return this.decodeValid(b, 0, base, false);
  }

  end(): string {
    this.checkControls();
    if (!this.pending) return '';
    const b = this.pending;
    this.pending = null;
    return this.decodeValid(b, 0, this.offset - b.length, true);
  }

  /** NUL anywhere, other control characters in the first 64 KiB (judged at the end of that window). */
  private scanControls(b: Uint8Array): void {
    const head = Math.max(0, Math.min(b.length, SNIFF - this.offset));
    for (let i = 0; i < b.length; i++) {
      const c = b[i]!;
      if (c >= 0x20) continue;
      if (c === 0) fail('CSV_BINARY', 'csv.binary', { hint: this.zip ? { key: 'csv.zipHint' } : '' });
      if (i < head && isControl(c)) this.controls++;
    }
    if (this.offset + b.length >= SNIFF) this.checkControls();
  }

  private checkControls(): void {
    const head = Math.min(this.offset, SNIFF);
    if (this.controls >= 4 && this.controls > head / 100)
      fail('CSV_BINARY', 'csv.controlCharacters', { count: this.controls });
  }

  /** Validates `b` from `start` (file offset `base` at index 0); keeps an unfinished last character. */
  private decodeValid(b: Uint8Array, start: number, base: number, final: boolean): string {
    let i = start;
    while (i < b.length) {
      const c = b[i]!;
      if (c < 0x80) {
        if (c === 0x0a) this.lines++;
        i++;
        continue;
      }
      const n = sequenceLength(b, i);
      if (n > 0) {
        i += n;
        continue;
      }
      if (!final && b.length - i < 4 && validPrefix(b, i)) {
        this.pending = b.slice(i);
        break;
      }
      const hex = c.toString(16).toUpperCase().padStart(2, '0');
      fail(
        'CSV_ENCODING',
        'csv.badUtf8',
        { line: this.lines, byte: `0x${hex}`, offset: base + i },
        { row: this.lines },
      );
    }
    const text = this.decoder.decode(b.subarray(start, i));
    if (this.started || text.length === 0) return text;
    this.started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

/** True when the bytes from `i` to the end could begin a valid UTF-8 sequence that is cut short. */
function validPrefix(b: Uint8Array, i: number): boolean {
  const c = b[i]!;
  const need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (need === 0 || b.length - i >= need) return false;
  for (let k = i + 1; k < b.length; k++) if ((b[k]! & 0xc0) !== 0x80) return false;
  return true;
}
