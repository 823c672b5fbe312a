/**
 * Every training run kept with the project: a record begins when a run starts training, follows it
 * while it trains (the current run is the last record) and is completed when it ends (done, stopped,
 * failed, or interrupted by its engine stopping). Records can be renamed, starred, deleted (and the
 * deletion undone), compared, and put back into the editor.
 */
import type { EngineApi, RunRecord, RunRecordState, SweepRunResult } from '../../../engine/api.ts';
import { RUN_LIMITS } from '../../../engine/formats/run-limits.ts';
import { epochOverview } from '../../../engine/metrics/epochs.ts';
import { WEIGHTS_FORMAT } from '../../../engine/formats/envelope.ts';
import { CREATED_BY } from '../../../engine/formats/weights-file.ts';
import type { ProjectData } from '../../../engine/formats/schema-project.ts';
import type { GraphNode, GraphSpec } from '../../../engine/graph/types.ts';
import type { TrainingConfig } from '../../../engine/train/config.ts';
import { bestMetric, finalMetrics, historyColumns, MONITOR_COLUMN } from '../lib/runs.ts';
import { t } from '../lib/i18n.svelte.ts';
import type { DataState } from './data.svelte.ts';
import type { GraphState } from './graph.svelte.ts';
import type { TrainingState } from './training.svelte.ts';

/** What the runs need of the window. */
export interface RunsHost {
  readonly api: EngineApi;
  readonly graph: GraphState;
  readonly data: DataState;
  readonly training: TrainingState;
  dataChanged(fitHead?: boolean): Promise<void>;
  readonly files: { importWeightsText(name: string, text: string): Promise<boolean> };
}

/** Epochs of a finished run's history asked of the engine (the project schema's cap). */
const HISTORY_POINTS = RUN_LIMITS.epochs;
/** A run's final weights are kept when its network has at most this many parameters (1 MB as float32). */
export const DEFAULT_WEIGHT_LIMIT = 262_144;
const LIMIT_KEY = 'backprop-studio:run-weight-limit';
/**
 * Parameters kept across all the runs of a project: a project file stays within the number of values a
 * file may hold (FILE_LIMITS.values), and opens again, however many runs keep their weights.
 */
export const WEIGHTS_BUDGET = 4_194_304;

/** Numbers in a run's kept weights. */
function keptParameters(r: RunRecord): number {
  let n = 0;
  for (const w of [r.weights, r.bestWeights])
    for (const layer of Object.values(w?.parameters ?? {}))
      n += layer.kernel.data.length + (layer.bias?.data.length ?? 0);
  return n;
}

function storedLimit(): number {
  try {
    const v = Number(globalThis.localStorage?.getItem(LIMIT_KEY));
    return Number.isFinite(v) && v >= 0 && globalThis.localStorage?.getItem(LIMIT_KEY) !== null
      ? v
      : DEFAULT_WEIGHT_LIMIT;
  } catch {
    return DEFAULT_WEIGHT_LIMIT;
  }
}

/** A weights file's parameters and preprocessing, as a run keeps them (null if the text is not one). */
function weightsOf(text: string): NonNullable<RunRecord['weights']> | null {
  try {
    const file = JSON.parse(text) as { parameters?: unknown; preprocessing?: unknown };
    return file.parameters && file.preprocessing
      ? ({ parameters: file.parameters, preprocessing: file.preprocessing } as NonNullable<
          RunRecord['weights']
        >)
      : null;
  } catch {
    return null;
  }
}

const ENDED: readonly RunRecordState[] = ['done', 'stopped', 'failed', 'interrupted'];

export class RunsState {
  readonly #app: RunsHost;
  /** The runs, oldest first. */
  list = $state.raw<RunRecord[]>([]);
  /** Bumped by every change to the list (a run ended, rename, star, delete, undo), for unsaved changes. */
  revision = $state(0);
  /** Parameters up to which a run's final weights are kept with it. */
  weightLimit = $state(storedLimit());
  /** The last deletion, until it is undone or another one replaces it. */
  deleted = $state.raw<{ runs: RunRecord[]; at: number[] } | null>(null);
  /** The record following the engine's run, and since when it has been training. */
  #active: { id: string; token: number; since: number | null } | null = null;
  /** The record of each engine run of this session (a stopped run that goes on continues its record). */
  readonly #byToken = new Map<number, string>();
  #historyShown: unknown = null;
  #next = 1;

  constructor(app: RunsHost) {
    this.#app = app;
  }

  /** Counts the projects whose runs these are (a new one, or one opened, since the window began). */
  project = 0;

  /** The runs of a project being opened (or none, for a new one). */
  load(runs: readonly RunRecord[]): void {
    this.project++;
    this.list = [...runs];
    this.deleted = null;
    this.#active = null;
    this.#byToken.clear();
    // A run still going belongs to the project it was started in: it is not recorded in this one.
    this.#byToken.set(this.#app.training.runToken, '');
    this.#next = runs.length + 1;
  }

  setWeightLimit(limit: number): void {
    if (!Number.isFinite(limit) || limit < 0) return;
    this.weightLimit = Math.round(limit);
    try {
      globalThis.localStorage?.setItem(LIMIT_KEY, String(this.weightLimit));
    } catch {
      // Not kept for the next session; the limit still holds for this one.
    }
  }

  /** The project holds as many runs as a file may: new runs are not recorded until some are deleted. */
  get full(): boolean {
    return this.list.length >= RUN_LIMITS.runs;
  }

  get activeId(): string | null {
    return this.#active?.id ?? null;
  }

  #update(id: string, change: (r: RunRecord) => RunRecord): void {
    this.list = this.list.map((r) => (r.id === id ? change(r) : r));
  }

  rename(id: string, name: string): void {
    const n = name.trim().slice(0, 256);
    if (!n) return;
    this.#update(id, (r) => ({ ...r, name: n }));
    this.revision++;
  }

  toggleStar(id: string): void {
    this.#update(id, (r) => {
      const { starred, ...rest } = r;
      return starred ? rest : { ...rest, starred: true };
    });
    this.revision++;
  }

  /** Deletes runs; `undoDelete` brings them back where they were. */
  remove(ids: readonly string[]): void {
    const gone = new Set(ids);
    const at: number[] = [];
    const runs: RunRecord[] = [];
    this.list.forEach((r, i) => {
      if (gone.has(r.id)) {
        at.push(i);
        runs.push(r);
      }
    });
    if (!runs.length) return;
    if (this.#active && gone.has(this.#active.id)) this.#active = null;
    this.list = this.list.filter((r) => !gone.has(r.id));
    this.deleted = { runs, at };
    this.revision++;
  }

  undoDelete(): void {
    const d = this.deleted;
    if (!d) return;
    const list = [...this.list];
    d.at.forEach((i, k) => list.splice(Math.min(i, list.length), 0, d.runs[k]!));
    this.list = list;
    this.deleted = null;
    this.revision++;
  }

  /** What a restore replaced, until it is undone. */
  restored = $state.raw<{ id: string; training: TrainingConfig; data: ProjectData | null } | null>(null);

  /**
   * Puts a run's network and settings back into the editor (the network as one undoable edit), and its
   * data when it was a generated data set or other columns of the data loaded now (a CSV is not read
   * again: its file is the person's to pick).
   */
  async restore(id: string): Promise<void> {
    const r = this.list.find((x) => x.id === id);
    if (!r) return;
    const { graph, training, data } = this.#app;
    this.restored = { id, training: training.config(), data: data.projectData() };
    graph.load({ nodes: r.graph.nodes as GraphNode[] }, r.graph.positions);
    training.setConfig(r.training);
    training.invalidate();
    if (r.data) await this.#useData(r.data);
  }

  /**
   * Restores a run and continues from the weights it kept (its final ones, or its best epoch's): the
   * network, settings and data as Restore puts them back, and a run made from those weights.
   */
  async restoreWeights(id: string, which: 'final' | 'best'): Promise<boolean> {
    const r = this.list.find((x) => x.id === id);
    const w = which === 'best' ? r?.bestWeights : r?.weights;
    if (!r || !w) return false;
    await this.restore(id);
    const text = JSON.stringify({
      format: WEIGHTS_FORMAT,
      version: 1,
      graph: { nodes: r.graph.nodes },
      parameters: w.parameters,
      preprocessing: w.preprocessing,
      metadata: { createdBy: CREATED_BY, createdAt: new Date().toISOString(), name: r.name },
    });
    return this.#app.files.importWeightsText(r.name, text);
  }

  /** Takes back the last restore: the network as it was (one undo), the settings and the data. */
  async undoRestore(): Promise<void> {
    const r = this.restored;
    if (!r) return;
    this.restored = null;
    this.#app.graph.undo();
    this.#app.training.setConfig(r.training);
    this.#app.training.invalidate();
    if (r.data) await this.#useData(r.data);
  }

  /** Loads a run's data choice where it differs from the data on screen (not a CSV of another name). */
  async #useData(d: ProjectData): Promise<void> {
    const { data } = this.#app;
    const now = data.projectData();
    if (JSON.stringify(now) === JSON.stringify(d)) return;
    const src = d.source;
    if (src.kind === 'builtin') {
      if (JSON.stringify(now?.source) !== JSON.stringify(src)) {
        data.noise = src.noise;
        data.seed = src.seed;
        if (!(await data.loadBuiltin(src.name, src.samples))) return;
      }
    } else if (now?.source.kind !== 'csv' || now.source.name !== src.name) return;
    data.target = d.target ?? data.target;
    data.task = d.task ?? 'auto';
    data.missing = d.missing;
    data.normalize = d.normalize;
    await data.describe();
    await this.#app.dataChanged(false);
  }

  /** The engine stopped under the run: its record keeps what it had (up to its last epoch) and says so. */
  interrupt(): void {
    const a = this.#active;
    if (!a) return;
    this.#active = null;
    this.#update(a.id, (r) => ({ ...r, state: 'interrupted', durationMs: r.durationMs + this.#elapsed(a) }));
    this.revision++;
  }

  #elapsed(a: { since: number | null }): number {
    return a.since === null ? 0 : Math.max(0, performance.now() - a.since);
  }

  /** Follows the training state: called after each of its updates. */
  observe(): void {
    const tr = this.#app.training;
    const state = tr.status?.state ?? null;
    const token = tr.runToken;
    let a = this.#active;
    if (a && a.token !== token) {
      // Another run (or none) now: the record ends as it was.
      this.#end(a, a.since === null ? null : 'stopped');
      a = this.#active = null;
    }
    if (!a) {
      // A record begins when a run is asked to train (it may have ended by the time the engine answers).
      const trained = tr.trained;
      if (trained?.token !== token || state === null || state === 'ready' || state === 'idle') return;
      const id = this.#byToken.get(token);
      const rec = id === undefined ? undefined : this.list.find((r) => r.id === id);
      if (id !== undefined && !rec) return; // its record was deleted
      const room = !this.full;
      if (!rec) {
        if (!room) return;
        a = this.#begin(token, trained.at);
      } else if (rec.state === 'stopped' && (state === 'running' || state === 'done' || state === 'failed'))
        a = { id: rec.id, token, since: trained.at }; // a stopped run goes on
      else if (rec.state === 'interrupted' && state === 'running' && room)
        a = this.#begin(token, trained.at); // a run restored after its engine stopped goes on
      else return;
      this.#active = a;
    }
    const h = tr.history;
    const fresh = h !== null && h !== this.#historyShown;
    this.#historyShown = h;
    const id = a.id;
    const recordState: RunRecordState =
      state === 'done' || state === 'stopped' || state === 'failed'
        ? state
        : state === 'paused'
          ? 'paused'
          : 'running';
    // Written when there is something new (not every frame); time spent training, pauses left out.
    if (!fresh && this.list.find((r) => r.id === id)?.state === recordState) return;
    const now = performance.now();
    const spent = a.since === null ? 0 : now - a.since;
    a.since = state === 'running' ? now : null;
    this.#update(id, (r) => {
      const history = fresh ? historyColumns(h.epochs) : r.history;
      return this.#summarized(
        { ...r, state: recordState, durationMs: r.durationMs + spent, history },
        this.#engineBest(),
      );
    });
    if (ENDED.includes(recordState)) {
      this.#active = null;
      this.revision++; // a finished run is new work in the project, to be saved

      void this.#complete(id, token);
    }
  }

  /** The best epoch early stopping has recorded in the engine's run (0: none). */
  #engineBest(): number {
    return this.#app.training.status?.earlyStopping?.bestEpoch ?? 0;
  }

  /**
   * The record with its final and best metrics from its history; the best is the epoch early stopping
   * recorded (`bestEpoch`) when it did, else the best value of the metric the run is judged by.
   */
  #summarized(r: RunRecord, bestEpoch = 0): RunRecord {
    const { final: _f, best: _b, ...rest } = r;
    const final = finalMetrics(r.history);
    let best = bestMetric(r.history, r.training);
    const early = r.training.earlyStopping;
    if (early && bestEpoch > 0) {
      const metric = early.monitor ?? 'val_loss';
      const value = r.history[MONITOR_COLUMN[metric]]?.[r.history.epoch.indexOf(bestEpoch)];
      if (value !== undefined && value !== null) best = { metric, value, epoch: bestEpoch };
    }
    return { ...rest, ...(final ? { final } : {}), ...(best ? { best } : {}) };
  }

  #end(a: { id: string; since: number | null }, state: RunRecordState | null): void {
    this.#update(a.id, (r) => ({
      ...r,
      durationMs: r.durationMs + this.#elapsed(a),
      state: state ?? (r.state === 'running' || r.state === 'paused' ? 'stopped' : r.state),
    }));
  }

  #begin(token: number, since: number): { id: string; token: number; since: number | null } {
    const { graph, data, training } = this.#app;
    const req = training.runRequest;
    const spec: GraphSpec = req?.graph ?? graph.spec();
    const projectData = data.projectData();
    const id = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const n = Math.max(this.#next, this.list.length + 1);
    this.#next = n + 1;
    const record: RunRecord = {
      id,
      name: t('runs.defaultName', { n }),
      startedAt: new Date().toISOString(),
      durationMs: 0,
      state: 'running',
      graph: {
        nodes: $state.snapshot(spec.nodes) as RunRecord['graph']['nodes'],
        positions: graph.positions().map(({ id, x, y }) => ({ id, x, y })),
      },
      ...(projectData ? { data: $state.snapshot(projectData) } : {}),
      training: $state.snapshot(req?.training ?? training.config()),
      history: { epoch: [], loss: [] },
    };
    this.list = [...this.list, record];
    this.#byToken.set(token, id);
    return { id, token, since };
  }

  /**
   * Keeps a finished run of a sweep as a run of the project: the sweep's network positions, data and
   * start time, the run's own network, settings, history and (within the weight limit and budget)
   * weights. Its record's id, or null when the project is full: the run then stays only in the
   * sweep's table.
   */
  addSweepRun(
    result: SweepRunResult,
    from: Pick<RunRecord, 'graph' | 'data' | 'startedAt'> & {
      name: string;
      sweep: NonNullable<RunRecord['sweep']>;
    },
  ): string | null {
    if (this.full) return null;
    const id = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const durationMs = Math.max(0, result.seconds * 1000);
    let record: RunRecord = this.#summarized({
      id,
      name: from.name,
      startedAt: from.startedAt,
      durationMs,
      state: result.failure === null ? 'done' : 'failed',
      graph: { nodes: result.graph.nodes as RunRecord['graph']['nodes'], positions: from.graph.positions },
      ...(from.data ? { data: from.data } : {}),
      training: result.training,
      // A long run keeps an overview of its epochs (every 2ᵏ-th and the last), as a trained run does.
      history: historyColumns(epochOverview(result.history, HISTORY_POINTS).epochs),
      sweep: from.sweep,
    });
    const kept = this.list.reduce((n, r) => n + keptParameters(r), 0);
    if (result.paramCount <= this.weightLimit && kept + result.paramCount <= WEIGHTS_BUDGET) {
      try {
        const file = JSON.parse(result.weights) as { parameters?: unknown; preprocessing?: unknown };
        if (file.parameters && file.preprocessing)
          record = {
            ...record,
            weights: { parameters: file.parameters, preprocessing: file.preprocessing } as NonNullable<
              RunRecord['weights']
            >,
          };
      } catch {
        // Not kept: the run's record stands without its weights.
      }
    }
    this.list = [...this.list, record];
    this.revision++;
    return id;
  }

  /** A run that ended: its whole history (up to the schema's cap) and, when small enough, its weights. */
  async #complete(id: string, token: number): Promise<void> {
    const { api, training } = this.#app;
    const same = () => training.runToken === token && this.list.some((r) => r.id === id);
    const h = await api.history(HISTORY_POINTS);
    if (!same()) return;
    if (h.ok)
      this.#update(id, (r) =>
        this.#summarized({ ...r, history: historyColumns(h.value.epochs) }, this.#engineBest()),
      );
    const params = training.run?.paramCount ?? Infinity;
    const kept = this.list.reduce((n, r) => n + keptParameters(r), 0);
    if (params > this.weightLimit || kept + params > WEIGHTS_BUDGET) return;
    const w = await api.exportWeights();
    if (!w.ok || !same()) return;
    const weights = weightsOf(w.value);
    if (!weights) return; // not kept: the run's record stands without its weights
    this.#update(id, (r) => ({ ...r, weights }));
    // The best epoch's weights too, when they are not the final ones and the budget has room for them.
    const rec = this.list.find((r) => r.id === id);
    const bestEpoch = rec?.best?.epoch;
    if (
      !rec ||
      bestEpoch === undefined ||
      bestEpoch === rec.final?.epoch ||
      training.status?.earlyStopping?.restoredBest ||
      kept + 2 * params > WEIGHTS_BUDGET
    )
      return;
    const b = await api.bestWeights();
    if (!b.ok || !b.value || b.value.epoch !== bestEpoch || !same()) return;
    const best = weightsOf(b.value.weights);
    if (best) this.#update(id, (r) => ({ ...r, bestWeights: { epoch: bestEpoch, ...best } }));
  }
}
