/**
 * Files for the memory benchmark, written in pieces (never held whole): CSV with short rows (three
 * numbers and a label) or long rows (forty numbers), JSON weights files of numbers, and JSON made of
 * many small objects. Deterministic: the same size gives the same bytes.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { shortestFloat32 } from '../../engine/formats/float32.ts';
import { exportWeights } from '../../engine/formats/weights-file.ts';
import { buildMlp } from '../../engine/graph/builders.ts';

/** An exported weights file K → U → 1 (regression), its first kernel's data left as a marker. */
function template(inputs: number, units: number): unknown {
  const graph = buildMlp({ inputs: 2, hidden: [3], outputs: 1, activation: 'tanh', head: 'linear' });
  const w = exportWeights({
    graph,
    parameters: new Map([
      ['dense1', { kernel: new Float32Array(6), bias: new Float32Array(3) }],
      ['dense2', { kernel: new Float32Array(3), bias: new Float32Array(1) }],
    ]),
    preprocessing: {
      features: ['a', 'b'].map((name) => ({ name, kind: 'numeric' as const, mean: 0, scale: 1, fill: null })),
      target: { name: 'y', task: 'regression', mean: 0, scale: 1 },
      missing: 'drop',
      normalize: 'standard',
    },
  });
  const f = JSON.parse(JSON.stringify(w)) as {
    graph: { nodes: { id: string; units?: number }[] };
    parameters: Record<
      string,
      { kernel: { shape: number[]; data: unknown }; bias?: { shape: number[]; data: unknown } }
    >;
    preprocessing: { features: unknown[] };
  };
  for (const n of f.graph.nodes) {
    if (n.id === 'input') n.units = inputs;
    if (n.id === 'dense1') n.units = units;
  }
  const d1 = f.parameters.dense1!;
  const d2 = f.parameters.dense2!;
  d1.kernel = { shape: [inputs, units], data: '__DATA__' };
  d1.bias = { shape: [units], data: new Array<number>(units).fill(0) };
  d2.kernel = { shape: [units, 1], data: new Array<number>(units).fill(0.5) };
  f.preprocessing.features = Array.from({ length: inputs }, (_, i) => ({
    name: `f${i}`,
    kind: 'numeric',
    mean: 0,
    scale: 1,
    fill: null,
  }));
  return f;
}

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
      // A weights file K → U → 1 whose first kernel holds as many float32 numbers as fit in `bytes`:
      // the layout of an exported file, with that kernel written out in pieces.
      const units = 2048;
      const inputs = Math.max(2, Math.floor(bytes / 11 / units)); // about 11 characters a number
      const file = template(inputs, units);
      const [head, tail] = JSON.stringify(file).split('"__DATA__"') as [string, string];
      let left = inputs * units;
      const fd = openSync(path, 'w');
      let size = writeSync(fd, `${head}[`);
      while (left > 0) {
        const n = Math.min(left, 100_000);
        const parts = Array.from({ length: n }, () => String(shortestFloat32(Math.fround(r() * 4 - 2))));
        left -= n;
        size += writeSync(fd, parts.join(',') + (left > 0 ? ',' : ''));
      }
      size += writeSync(fd, `]${tail}`);
      closeSync(fd);
      return size;
    }
    case 'json-objects':
      return writeUntil(path, bytes, '[{}', () => ',{}'.repeat(4096), ']');
  }
}
