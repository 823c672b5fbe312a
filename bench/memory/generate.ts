/**
 * Files for the memory benchmark, written in pieces (never held whole): CSV with short rows (three
 * numbers and a label) or long rows (forty numbers), JSON weights files of numbers, and JSON made of
 * many small objects. Deterministic: the same size gives the same bytes.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** A reproducible stream of numbers in [0, 1) (xorshift32). */
function numbers(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Writes pieces from `next` until the file has at least `bytes` bytes; returns the size written. */
function writeUntil(path: string, bytes: number, first: string, next: () => string, last = ''): number {
  const fd = openSync(path, 'w');
  let size = 0;
  const put = (s: string) => {
    size += writeSync(fd, s);
  };
  put(first);
  let buf = '';
  while (size + buf.length < bytes) {
    buf += next();
    if (buf.length > 1 << 20) {
      put(buf);
      buf = '';
    }
  }
  put(buf + last);
  closeSync(fd);
  return size;
}

export type FileKind = 'csv-short' | 'csv-long' | 'json-numbers' | 'json-objects';

/** Writes a file of `kind` of about `bytes` bytes at `path`; returns its size. */
export function generate(kind: FileKind, path: string, bytes: number): number {
  const r = numbers(7);
  const f = (digits: number) => (r() * 20 - 10).toFixed(digits);
  switch (kind) {
    case 'csv-short':
      // e.g. "3.141,-2.718,0.577,yes": three numbers and a two-class label, about 24 bytes a row.
      return writeUntil(
        path,
        bytes,
        'x1,x2,x3,label\n',
        () => `${f(3)},${f(3)},${f(3)},${r() < 0.5 ? 'yes' : 'no'}\n`,
      );
    case 'csv-long': {
      const header = [...Array.from({ length: 40 }, (_, i) => `f${i}`), 'y'].join(',');
      return writeUntil(
        path,
        bytes,
        `${header}\n`,
        () => `${Array.from({ length: 40 }, () => f(4)).join(',')},${f(2)}\n`,
      );
    }
    case 'json-numbers': {
      // A weights file: one dense layer whose kernel holds as many float32 numbers as fit in `bytes`.
      const per = 11; // "-1.2345678," on average
      const units = 1000;
      const inputs = Math.max(1, Math.floor(bytes / per / units));
      const head = `{"format":"backprop-studio/weights","version":1,"graph":{"nodes":[{"id":"in","type":"input","inputs":[],"units":${inputs}},{"id":"d","type":"dense","inputs":["in"],"units":${units},"activation":"linear","useBias":false},{"id":"out","type":"output","inputs":["d"],"loss":"mse"}]},"parameters":{"d":{"kernel":{"shape":[${inputs},${units}],"data":[`;
      const features = Array.from(
        { length: inputs },
        (_, i) => `{"name":"f${i}","kind":"numeric","mean":0,"scale":1,"fill":null}`,
      );
      const tail = `]}}},"preprocessing":{"features":[${features.join(',')}],"target":{"name":"y","task":"regression","mean":0,"scale":1},"missing":"drop","normalize":"standard"},"metadata":{"createdBy":"bench","createdAt":"2025-01-01T00:00:00.000Z"}}`;
      let left = inputs * units;
      const fd = openSync(path, 'w');
      let size = writeSync(fd, head);
      while (left > 0) {
        const n = Math.min(left, 100_000);
        const parts = Array.from({ length: n }, () => String(Math.fround(r() * 4 - 2)));
        left -= n;
        size += writeSync(fd, parts.join(',') + (left > 0 ? ',' : ''));
      }
      size += writeSync(fd, tail);
      closeSync(fd);
      return size;
    }
    case 'json-objects':
      return writeUntil(path, bytes, '[{}', () => ',{}'.repeat(4096), ']');
  }
}
