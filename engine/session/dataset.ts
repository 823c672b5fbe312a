/** What the data panel shows about a loaded table: columns, preview, default target and class balance. */
import type { DatasetSummary } from '../api.ts';
import { describeTable } from '../data/describe.ts';
import { prepareData } from '../data/prepare.ts';
import type { RawTable } from '../data/types.ts';
import { EngineError } from '../errors.ts';
import { numberLabel, parseNumber } from '../data/cells.ts';

const PREVIEW_ROWS = 20;

export function summarizeTable(name: string, table: RawTable): DatasetSummary {
  const columns = describeTable(table);
  const target = table.columns.at(-1) ?? '';
  const summary: DatasetSummary = {
    name,
    rows: table.rows.length,
    header: [...table.columns],
    columns,
    preview: table.rows.slice(0, PREVIEW_ROWS).map((r) => [...r]),
    target,
    task: null,
    classes: [],
    problem: null,
    planar: columns.length === 3 && columns[0]!.type === 'numeric' && columns[1]!.type === 'numeric',
    points: null,
  };
  try {
    const p = prepareData(table, { validationSplit: 0, seed: 1, shuffle: false });
    const t = p.preprocessing.target;
    summary.task = t.task;
    if (summary.planar) summary.points = planarPoints(table, t.task === 'classification' ? t.classes : null);
    if (t.task === 'classification') {
      const counts = new Array<number>(t.classes.length).fill(0);
      const { y, n, nOut } = p.train;
      for (let i = 0; i < n; i++) for (let k = 0; k < nOut; k++) if (y[i * nOut + k] === 1) counts[k]!++;
      summary.classes = t.classes.map((label, k) => ({ label, count: counts[k]! }));
    }
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    summary.problem = e.toInfo();
  }
  return summary;
}

const MAX_POINTS = 2000;

/** The first two columns as numbers and the target as a class index (or value); unreadable rows skipped. */
function planarPoints(table: RawTable, classes: string[] | null): DatasetSummary['points'] {
  const step = Math.max(1, Math.ceil(table.rows.length / MAX_POINTS));
  const xs: number[] = [];
  const ys: number[] = [];
  const ts: number[] = [];
  const index = new Map(classes?.map((c, i) => [c, i]));
  for (let i = 0; i < table.rows.length; i += step) {
    const row = table.rows[i]!;
    const x = parseNumber(row[0] ?? '');
    const y = parseNumber(row[1] ?? '');
    const cell = (row[2] ?? '').trim();
    const t = classes ? (index.get(cell) ?? index.get(numberLabel(parseNumber(cell)))) : parseNumber(cell);
    if (!Number.isFinite(x) || !Number.isFinite(y) || t === undefined || !Number.isFinite(t)) continue;
    xs.push(x);
    ys.push(y);
    ts.push(t);
  }
  return { x: Float32Array.from(xs), y: Float32Array.from(ys), target: Float32Array.from(ts) };
}
