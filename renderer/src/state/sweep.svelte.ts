/**
 * A sweep as the window follows it: started from the network, data and training settings on screen
 * over one or two settings' values, its status pulled a few times a second while it runs, and each
 * run that finishes kept once as a run of the project (the runs table, compare and restore then treat
 * it like any other run). The engine keeps one sweep at a time; a sweep's results stay readable from
 * its kept runs after that (lib/sweep.ts rebuilds them).
 */
import type { EngineApi, RunRecord, SweepSetting, SweepStatus } from '../../../engine/api.ts';
import type { EngineErrorInfo } from '../../../engine/errors.ts';
import { i18n, t } from '../lib/i18n.svelte.ts';
import { rowsFromStatus, sweepRunName } from '../lib/sweep.ts';
import type { SweepView } from '../lib/sweep.ts';
import type { DataState } from './data.svelte.ts';
import type { GraphState } from './graph.svelte.ts';
import type { RunsState } from './runs.svelte.ts';
import type { Toast } from './toasts.svelte.ts';
import type { TrainingState } from './training.svelte.ts';

/** What a sweep needs of the window. */
export interface SweepHost {
  readonly api: EngineApi;
  readonly graph: GraphState;
  readonly data: DataState;
  readonly training: TrainingState;
  readonly runs: RunsState;
  toast(kind: Toast['kind'], text: string): void;
}

/** How often the status is asked for while a sweep runs. */
const POLL_MS = 250;

/** The sweep the engine runs, as the project names and keeps it. */
interface Current {
  id: string;
  name: string;
  engineId: number;
  settings: NonNullable<RunRecord['sweep']>['settings'];
  positions: NonNullable<RunRecord['graph']['positions']>;
  data: RunRecord['data'];
  /** When the sweep started (its runs' start, as the runs table shows it). */
  startedAt: string;
  /** The project the sweep was started in (RunsState.project): its runs are kept there only. */
  project: number;
}

export class SweepState {
  readonly #app: SweepHost;
  /** The engine's sweep, as last asked (null: none in this window, or its engine restarted). */
  status = $state.raw<SweepStatus | null>(null);
  /** The engine's refusal of the last start or stop (shown with the form). */
  error = $state.raw<EngineErrorInfo | null>(null);
  current = $state.raw<Current | null>(null);
  /** The project's record of each of the current sweep's runs kept so far (by the run's index). */
  kept = $state.raw<ReadonlyMap<number, string>>(new Map());
  /** The sweep whose results are shown (null: the current one, else the newest kept). */
  shown = $state<string | null>(null);
  #timer: ReturnType<typeof setInterval> | null = null;
  #asking = false;
  /** Indexes of runs already fetched (or being fetched). */
  readonly #fetched = new Set<number>();
  #fullSaid = false;
  #started = 0;

  constructor(app: SweepHost) {
    this.#app = app;
  }

  get running(): boolean {
    return this.status?.state === 'running';
  }

  /** The current sweep's results from the engine's status (null when the engine has no such sweep). */
  get live(): SweepView | null {
    const s = this.status;
    const c = this.current;
    if (!s || !c || s.id !== c.engineId) return null;
    return {
      id: c.id,
      name: c.name,
      settings: c.settings,
      metric: s.metric,
      rows: rowsFromStatus(s, this.kept),
    };
  }

  /** The next sweep's name: one more than the sweeps the project has kept or this window started. */
  #nextName(): string {
    const ids = new Set(this.#app.runs.list.flatMap((r) => (r.sweep ? [r.sweep.id] : [])));
    this.#started = Math.max(this.#started, ids.size) + 1;
    return t('sweep.defaultName', { n: this.#started });
  }

  /** Starts a sweep of `settings` with `epochs` per run; false (and `error`) when the engine refuses. */
  async start(settings: SweepSetting[], epochs: number): Promise<boolean> {
    const { api, graph, data, training } = this.#app;
    const { pace: _pace, ...base } = training.config();
    const spec = graph.spec();
    const r = await api.startSweep({
      graph: $state.snapshot(spec),
      mapping: $state.snapshot(data.mapping()),
      training: { ...base, epochs },
      settings,
      lang: i18n.locale,
    });
    if (!r.ok) {
      this.error = r.error;
      return false;
    }
    const projectData = data.projectData();
    this.error = null;
    this.current = {
      id: `sweep-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      name: this.#nextName(),
      engineId: r.value.id,
      settings: settings.map((s) =>
        s.node !== undefined ? { name: s.name, node: s.node } : { name: s.name },
      ),
      positions: graph.positions(),
      data: projectData ? $state.snapshot(projectData) : undefined,
      project: this.#app.runs.project,
      startedAt: new Date().toISOString(),
    };
    this.kept = new Map();
    this.#fetched.clear();
    this.#fullSaid = false;
    this.shown = null;
    this.status = r.value;
    this.#poll();
    return true;
  }

  /** Stops the sweep: runs under way end as stopped, the finished ones are kept. */
  async stop(): Promise<void> {
    const r = await this.#app.api.stopSweep();
    if (!r.ok) {
      this.error = r.error;
      return;
    }
    this.status = r.value;
    if (r.value.state !== 'running') this.dispose();
    await this.#keep(r.value);
  }

  /** Stops asking (the window goes). */
  dispose(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #poll(): void {
    if (this.#timer === null) this.#timer = setInterval(() => void this.#tick(), POLL_MS);
  }

  async #tick(): Promise<void> {
    if (this.#asking) return;
    this.#asking = true;
    try {
      const r = await this.#app.api.sweepStatus();
      if (!r.ok || r.value.id !== this.current?.engineId) {
        // The engine restarted without the sweep: what was kept stays in the runs.
        if (r.ok) this.status = null;
        this.dispose();
        return;
      }
      this.status = r.value;
      await this.#keep(r.value);
      if (r.value.state !== 'running') this.dispose();
    } finally {
      this.#asking = false;
    }
  }

  /** Keeps each run that finished (done or failed) once, as a run of the project. */
  async #keep(s: SweepStatus): Promise<void> {
    const c = this.current;
    if (!c || s.id !== c.engineId) return;
    for (const run of s.runs) {
      if ((run.state !== 'done' && run.state !== 'failed') || this.#fetched.has(run.index)) continue;
      this.#fetched.add(run.index);
      const r = await this.#app.api.sweepRun(run.index);
      // A sweep started in another project stays in its table only.
      if (!r.ok || this.current !== c || this.#app.runs.project !== c.project) continue;
      const id = this.#app.runs.addSweepRun(r.value, {
        name: sweepRunName(c.name, c.settings, r.value.values),
        graph: { nodes: [], positions: c.positions },
        startedAt: c.startedAt,
        ...(c.data ? { data: c.data } : {}),
        sweep: { id: c.id, name: c.name, settings: c.settings, values: [...r.value.values] },
      });
      if (id === null) {
        if (!this.#fullSaid) this.#app.toast('info', t('sweep.runsFull'));
        this.#fullSaid = true;
        continue;
      }
      this.kept = new Map(this.kept).set(run.index, id);
    }
  }
}
