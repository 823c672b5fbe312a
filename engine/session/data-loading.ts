/**
 * The service's table: loading it (a built-in dataset, or a CSV read a slice at a time so the engine
 * keeps answering while a large file loads), the load's progress and cancelling, and what a column
 * mapping of it implies. One table at a time; a newer load supersedes one under way.
 */
import type { EngineApi, LoadPhase } from '../api.ts';
import { loadBuiltin } from '../data/builtin.ts';
import { readCsvInSlices } from '../data/csv-load.ts';
import { describeColumn } from '../data/describe.ts';
import type { ColumnSummary } from '../data/describe.ts';
import { prepareData } from '../data/prepare.ts';
import { inputWidth } from '../data/types.ts';
import type { RawTable } from '../data/types.ts';
import { fail } from '../errors.ts';
import { summarizeTable } from './dataset.ts';
import * as req from './requests.ts';
import { errorInfo, settle } from './settle.ts';

/** A loaded table: its rows as read and its columns as described. */
export interface LoadedTable {
  name: string;
  raw: RawTable;
  columns: ColumnSummary[];
}

type DataMethods = Pick<EngineApi, 'loadData' | 'loadProgress' | 'cancelLoad' | 'describeTarget'>;

/** The data methods over one table, and that table (null until a load succeeds). */
export function dataHandlers(yieldToHost: () => Promise<void>): {
  methods: DataMethods;
  table(): LoadedTable | null;
} {
  let table: LoadedTable | null = null;
  /** The CSV being loaded, if any (see `loadData`). */
  let loading: { name: string; phase: LoadPhase; loaded: number; total: number; cancelled: boolean } | null =
    null;
  const methods: DataMethods = {
    loadData: async (source) => {
      // A CSV is read a slice at a time, yielding between slices: the engine keeps answering (its
      // heartbeat, `loadProgress`, `cancelLoad`) while a large file loads. A newer load supersedes.
      const mine = { name: '', phase: 'reading' as LoadPhase, loaded: 0, total: 0, cancelled: false };
      loading = mine;
      const stop = () => mine.cancelled || loading !== mine;
      try {
        const s = req.parseSource(source);
        mine.name = s.name;
        let raw: RawTable;
        if (s.kind === 'builtin')
          raw = loadBuiltin(s.name, {
            ...(s.samples ? { samples: s.samples } : {}),
            ...(s.noise !== undefined ? { noise: s.noise } : {}),
            ...(s.seed !== undefined ? { seed: s.seed } : {}),
          });
        else if (s.kind === 'csv' || s.kind === 'csv-text') {
          const input = s.kind === 'csv' ? s.bytes : s.text;
          mine.total = input.length;
          raw = await readCsvInSlices(input, {
            yieldToHost,
            name: s.name,
            progress: (done) => void (mine.loaded = done),
            cancelled: stop,
          });
        } else fail('BAD_REQUEST', 'request.noData'); // replaced by the image loads
        mine.phase = 'summarizing';
        const columns: ColumnSummary[] = [];
        for (let j = 0; j < raw.columns.length; j++) {
          columns.push(describeColumn(raw, j));
          await yieldToHost();
          if (stop()) fail('BAD_STATE', 'request.loadCancelled', { name: s.name });
        }
        const summary = summarizeTable(s.name, raw, columns);
        table = { name: s.name, raw, columns: summary.columns };
        return { ok: true, value: summary };
      } catch (e) {
        return { ok: false, error: errorInfo(e) };
      } finally {
        if (loading === mine) loading = null;
      }
    },
    loadProgress: async () =>
      settle(() =>
        loading
          ? { name: loading.name, phase: loading.phase, loaded: loading.loaded, total: loading.total }
          : null,
      ),
    cancelLoad: async () =>
      settle(() => {
        if (!loading) return false;
        loading.cancelled = true;
        return true;
      }),
    describeTarget: async (mapping) =>
      settle(() => {
        if (!table) fail('NO_DATA_LOADED', 'request.noData');
        const m = req.parseMapping(mapping);
        const p = prepareData(table.raw, { ...m, validationSplit: 0, seed: 1, shuffle: false }).preprocessing;
        const t = p.target;
        return {
          target: t.name,
          task: t.task,
          outputs: t.task === 'classification' ? t.classes.length : 1,
          classes: t.task === 'classification' ? t.classes : [],
          features: inputWidth(p),
        };
      }),
  };
  return { methods, table: () => table };
}
