/** What the data panel shows about a loaded table: columns, preview, default target and class balance. */
import type { DatasetSummary } from '../api.ts';
import { describeTable } from '../data/describe.ts';
import type { ColumnSummary } from '../data/describe.ts';
import { prepareData } from '../data/prepare.ts';
import type { RawTable } from '../data/types.ts';
import { tableLength } from '../data/types.ts';
import { typeColumn } from '../data/typing.ts';
import { EngineError } from '../errors.ts';

const PREVIEW_ROWS = 20;

export function summarizeTable(
  name: string,
  table: RawTable,
  columns: ColumnSummary[] = describeTable(table),
): DatasetSummary {
  const target = table.columns.at(-1) ?? '';
  const summary: DatasetSummary = {
    name,
    rows: tableLength(table),
    header: [...table.columns],
    columns,
    preview: ('rows' in table ? table.rows : table.head).slice(0, PREVIEW_ROWS).map((r) => [...r]),
    target,
    task: null,
    classes: [],
    problem: null,
    planar: columns.length === 3 && columns[0]!.type === 'numeric' && columns[1]!.type === 'numeric',
    points: null,
    images: null,
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
  const n = tableLength(table);
  const step = Math.max(1, Math.ceil(n / MAX_POINTS));
  const xs: number[] = [];
  const ys: number[] = [];
  const ts: number[] = [];
  const index = new Map(classes?.map((c, i) => [c, i]));
  const x = typeColumn(table, 0).column;
  const y = typeColumn(table, 1).column;
  const target = typeColumn(table, 2, classes !== null).column;
  const num = (c: typeof x, i: number) => (c.type === 'numeric' ? c.values[i]! : NaN);
  for (let i = 0; i < n; i += step) {
    const t =
      target.type === 'categorical'
        ? index.get(target.values[i] ?? '')
        : classes
          ? undefined
          : target.values[i];
    const xi = num(x, i);
    const yi = num(y, i);
    if (!Number.isFinite(xi) || !Number.isFinite(yi) || t === undefined || !Number.isFinite(t)) continue;
    xs.push(xi);
    ys.push(yi);
    ts.push(t);
  }
  return { x: Float32Array.from(xs), y: Float32Array.from(ys), target: Float32Array.from(ts) };
}
