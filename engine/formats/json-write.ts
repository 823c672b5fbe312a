/**
 * Writes JSON that people can read and diff: two-space indentation, short records on one line, number
 * lists wrapped (a kernel [nIn, units] one row per line). Refuses NaN and ±Infinity, which
 * `JSON.stringify` would silently turn into null.
 */
import { fail } from '../errors.ts';
import { formatPath, pathWords } from './issues.ts';

const WIDTH = 110;

type Scalar = string | number | boolean | null;

const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function scalar(v: Scalar, path: PropertyKey[]): string {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    const where = formatPath(path);
    fail(
      'NON_FINITE_EXPORT',
      'file.cannotSaveValue',
      { path: pathWords(where), value: String(v) },
      { path: where },
    );
  }
  return JSON.stringify(v);
}

/** Scalars of a list, each checked; null when the list holds anything else. */
function scalars(list: readonly unknown[], path: PropertyKey[]): string[] | null {
  const out: string[] = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isScalar(v)) return null;
    path.push(i);
    out[i] = scalar(v, path);
    path.pop();
  }
  return out;
}

/** Lines of at most WIDTH characters (or `perLine` items per line when they fit). */
function wrap(items: string[], indent: string, perLine: number | null): string {
  const pad = `${indent}  `;
  const lines: string[] = [];
  if (perLine !== null && perLine > 0) {
    for (let i = 0; i < items.length; i += perLine) lines.push(pad + items.slice(i, i + perLine).join(', '));
    if (lines.every((l) => l.length <= WIDTH + 1)) return `[\n${lines.join(',\n')}\n${indent}]`;
    lines.length = 0;
  }
  let line = '';
  for (const item of items) {
    if (line !== '' && pad.length + line.length + item.length + 2 > WIDTH) {
      lines.push(pad + line);
      line = '';
    }
    line = line === '' ? item : `${line}, ${item}`;
  }
  lines.push(pad + line);
  return `[\n${lines.join(',\n')}\n${indent}]`;
}

function write(v: unknown, indent: string, path: PropertyKey[], perLine: number | null): string {
  if (isScalar(v)) return scalar(v, path);
  if (typeof v !== 'object')
    fail('BAD_FILE', 'file.cannotSaveType', { path: pathWords(formatPath(path)), type: typeof v });
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const flat = scalars(v, path);
    if (flat !== null) {
      const one = `[${flat.join(', ')}]`;
      return one.length + indent.length <= WIDTH && perLine === null ? one : wrap(flat, indent, perLine);
    }
    const parts = v.map((item, i) => {
      path.push(i);
      const s = inner + write(item, inner, path, null);
      path.pop();
      return s;
    });
    return `[\n${parts.join(',\n')}\n${indent}]`;
  }
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  if (keys.length === 0) return '{}';
  const shape = record['shape'];
  const rows = Array.isArray(shape) && shape.length === 2 && shape[0] > 1 && shape[1] > 1;
  const rowLength = rows ? (shape[1] as number) : null;
  const parts = keys.map((k) => {
    path.push(k);
    const s = `${JSON.stringify(k)}: ${write(record[k], inner, path, k === 'data' ? rowLength : null)}`;
    path.pop();
    return s;
  });
  const one = `{ ${parts.join(', ')} }`;
  if (one.length + indent.length <= WIDTH && !one.includes('\n')) return one;
  return `{\n${parts.map((p) => inner + p).join(',\n')}\n${indent}}`;
}

/** JSON text of plain data, ending in a newline; throws NON_FINITE_EXPORT naming the path of a NaN or ±Infinity. */
export function formatJson(value: unknown): string {
  return `${write(value, '', [], null)}\n`;
}
