/** Where blocks go when a graph arrives without positions (a template, a weights file). */
import type { GraphSpec } from '../../../engine/graph/types.ts';

/** The distance between two columns of blocks. */
export const COLUMN = 180;
/** The distance between two blocks of a column. */
const ROW = 150;

/** Left-to-right layers by longest path from the input; blocks in a column spread vertically. */
export function autoLayout(spec: GraphSpec): Map<string, { x: number; y: number }> {
  const depth = new Map<string, number>();
  const byId = new Map(spec.nodes.map((n) => [n.id, n]));
  const visit = (id: string, seen: Set<string>): number => {
    if (depth.has(id)) return depth.get(id)!;
    if (seen.has(id)) return 0;
    seen.add(id);
    const n = byId.get(id);
    const d = n && n.inputs.length ? Math.max(...n.inputs.map((s) => visit(s, seen))) + 1 : 0;
    depth.set(id, d);
    return d;
  };
  for (const n of spec.nodes) visit(n.id, new Set());
  const columns = new Map<number, string[]>();
  for (const n of spec.nodes) {
    const d = depth.get(n.id)!;
    columns.set(d, [...(columns.get(d) ?? []), n.id]);
  }
  const pos = new Map<string, { x: number; y: number }>();
  for (const [d, ids] of columns)
    ids.forEach((id, i) => pos.set(id, { x: d * COLUMN, y: (i - (ids.length - 1) / 2) * ROW }));
  // An edge that skips columns would pass behind the blocks it jumps over: move those blocks down.
  for (const n of spec.nodes)
    for (const src of n.inputs) {
      const from = depth.get(src);
      const to = depth.get(n.id)!;
      const start = pos.get(src);
      if (from === undefined || !start) continue;
      for (const [d, ids] of columns)
        if (d > from && d < to)
          for (const id of ids) {
            const p = pos.get(id)!;
            if (Math.abs(p.y - start.y) < ROW / 2) pos.set(id, { x: p.x, y: p.y + ROW * 0.6 });
          }
    }
  return pos;
}
