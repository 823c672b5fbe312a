/**
 * Sweeps in the engine service: the loaded data, one network and its settings, trained once for every
 * combination of one or two settings' values. Every run is planned and checked before the first one
 * starts; runs go to worker threads beside the service (small ones side by side, one per core; large
 * ones one after another, each with a helper thread for its largest products), so the service keeps
 * answering. Each worker reports its epochs as they end; a finished run's history and weights stay
 * until the next sweep. Stopping ends the runs under way and keeps the finished ones.
 */
import * as z from 'zod';
import type { SweepRequest, SweepRunResult, SweepRunStatus, SweepStatus } from '../api.ts';
import { prepareData } from '../data/prepare.ts';
import type { RawTable, Task } from '../data/types.ts';
import { fail } from '../errors.ts';
import { renderMessage } from '../i18n.ts';
import type { Lang } from '../i18n.ts';
import { compileGraph } from '../graph/compile.ts';
import type { GraphSpec } from '../graph/types.ts';
import {
  gridPoints,
  inRange,
  isLargeRun,
  MAX_RUNS,
  MAX_SETTINGS,
  runGraph,
  runTraining,
  SETTING_RULES,
  SWEEP_SETTINGS,
  SweepPlanError,
} from '../sweep/plan.ts';
import type { SweepSetting } from '../sweep/plan.ts';
import type { RunJob, RunResult } from '../sweep/run-one.ts';
import type { RunAnswer, RunWorker, RunWorkerHost } from '../sweep/serve.ts';
import type { TrainingConfig } from '../train/config.ts';
import { adaptTargets, withDefaultL2 } from '../train/run-setup.ts';
import type { EpochMetrics } from '../train/trainer.ts';
import { validateTrainingConfig } from '../train/validate.ts';
import { check, parseMapping, parseRun } from './requests.ts';

export interface SweepDeps {
  /** The loaded table, or null. */
  table: () => RawTable | null;
  /** How the host starts sweep workers (null: a host without workers cannot sweep). */
  host: RunWorkerHost | null;
  now: () => number;
  /** Whether the service's own run is training now (a sweep then waits for it to pause or stop). */
  training: () => boolean;
}

const settingSchema = z.strictObject({
  name: z.enum(SWEEP_SETTINGS),
  node: z.string().min(1).max(256).optional(),
  values: z.array(z.number()).min(1).max(MAX_RUNS),
});
const sweepPartsSchema = z.object({
  settings: z.array(settingSchema).min(1).max(MAX_SETTINGS),
  lang: z.enum(['en', 'zh-CN']).optional(),
});

interface Planned {
  status: SweepRunStatus;
  job: RunJob;
  graph: GraphSpec;
  training: TrainingConfig;
  paramCount: number;
  /** When the run's current stretch of training began (null: not training). */
  since: number | null;
}

interface Sweep {
  id: number;
  state: SweepStatus['state'];
  settings: SweepSetting[];
  task: Task;
  metric: SweepStatus['metric'];
  runs: Planned[];
  results: Map<number, RunResult>;
  workers: Set<RunWorker>;
  lanes: number;
  started: number;
  ended: number | null;
  lang: Lang;
}

/** The request's settings checked: names, nodes, values in range, no value twice, at most MAX_RUNS runs. */
function parseSweep(v: unknown): { run: ReturnType<typeof parseRun>; settings: SweepSetting[]; lang: Lang } {
  const { settings: raw, lang } = check(sweepPartsSchema, v, 'sweep request');
  const { settings: _s, lang: _l, ...rest } = v as Record<string, unknown>;
  const run = parseRun(rest);
  if (run.initWeights !== undefined) fail('BAD_REQUEST', 'sweeps.noInit');
  const settings: SweepSetting[] = raw.map((s) => {
    const rule = SETTING_RULES[s.name];
    if (s.node !== undefined && !rule.node) fail('BAD_REQUEST', 'sweeps.noNodeFor', { name: s.name });
    const seen = new Set<number>();
    for (const value of s.values) {
      if (!inRange(rule, value))
        fail('BAD_REQUEST', 'sweeps.outOfRange', {
          name: { key: `sweeps.setting.${s.name}` },
          value: String(value),
          range: { key: `sweeps.range.${s.name}` },
        });
      if (seen.has(value))
        fail('BAD_REQUEST', 'sweeps.duplicate', {
          name: { key: `sweeps.setting.${s.name}` },
          value: String(value),
        });
      seen.add(value);
    }
    return { name: s.name, ...(s.node !== undefined ? { node: s.node } : {}), values: [...s.values] };
  });
  if (settings.length === 2 && settings[0]!.name === settings[1]!.name)
    fail('BAD_REQUEST', 'sweeps.sameSetting', { name: { key: `sweeps.setting.${settings[0]!.name}` } });
  const runs = settings.reduce((n, s) => n * s.values.length, 1);
  if (runs > MAX_RUNS) fail('BAD_REQUEST', 'sweeps.tooManyRuns', { runs, max: MAX_RUNS });
  return { run, settings, lang: lang ?? 'en' };
}

function planned<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SweepPlanError) fail('BAD_REQUEST', `sweeps.${e.key}`, e.params);
    throw e;
  }
}

/** The value the sweep judges an epoch by (higher is better), or null when it is not finite. */
function judged(m: EpochMetrics, metric: SweepStatus['metric']): number | null {
  const v =
    metric === 'val_accuracy'
      ? m.valAccuracy
      : metric === 'val_r2'
        ? m.valR2
        : metric === 'accuracy'
          ? m.accuracy
          : m.r2;
  return v !== undefined && Number.isFinite(v) ? v : null;
}

export function sweepHandlers(d: SweepDeps) {
  let sweep: Sweep | null = null;
  let count = 0;

  function status(): SweepStatus {
    const s = sweep;
    if (!s)
      return {
        id: 0,
        state: 'idle',
        settings: [],
        task: null,
        metric: 'val_accuracy',
        runs: [],
        lanes: 0,
        elapsedMs: 0,
        remainingMs: null,
      };
    const now = d.now();
    const elapsedMs = (s.ended ?? now) - s.started;
    // Work is counted in epochs: a run that ended counts all its planned epochs as done.
    let total = 0;
    let done = 0;
    for (const r of s.runs) {
      total += r.status.epochs;
      done += r.status.state === 'queued' || r.status.state === 'running' ? r.status.epoch : r.status.epochs;
    }
    const remainingMs =
      s.state === 'running' && done > 0 ? Math.max(0, (elapsedMs / done) * (total - done)) : null;
    return {
      id: s.id,
      state: s.state,
      settings: s.settings.map((x) => ({ ...x, values: [...x.values] })),
      task: s.task,
      metric: s.metric,
      runs: s.runs.map((r) => ({
        ...r.status,
        values: [...r.status.values],
        seconds: r.status.seconds + (r.since === null ? 0 : (now - r.since) / 1000),
        last: r.status.last ? { ...r.status.last } : null,
        best: r.status.best ? { ...r.status.best } : null,
      })),
      lanes: s.lanes,
      elapsedMs,
      remainingMs,
    };
  }

  function plan(request: unknown): Sweep {
    const { run, settings, lang } = parseSweep(request);
    const table = d.table();
    if (!table) fail('NO_DATA_LOADED', 'request.noDataToTrain');
    const m = parseMapping(run.mapping);
    const base = run.training;
    // The data as the runs see it (the split depends on the seed, the widths and task do not).
    const prepared = prepareData(table, {
      ...m,
      validationSplit: base.validationSplit,
      seed: base.seed,
      shuffle: base.shuffle,
    });
    const task = prepared.preprocessing.target.task;
    const validation = prepared.validation.n > 0;
    const metric: SweepStatus['metric'] =
      task === 'classification' ? (validation ? 'val_accuracy' : 'accuracy') : validation ? 'val_r2' : 'r2';
    const runs: Planned[] = gridPoints(settings).map((point) => {
      const training = runTraining(base, settings, point);
      validateTrainingConfig(training);
      const graph = planned(() => runGraph(run.graph, settings, point));
      const { train } = adaptTargets(withDefaultL2(graph, training.l2), prepared);
      const compiled = compileGraph(withDefaultL2(graph, training.l2), {
        inputWidth: train.nIn,
        outputWidth: train.nOut,
      });
      const large = isLargeRun(
        compiled.params.map((q) => q.kernel),
        Math.min(training.batchSize, prepared.train.n),
      );
      return {
        status: {
          index: point.index,
          values: point.values,
          state: 'queued',
          epoch: 0,
          epochs: training.epochs,
          seconds: 0,
          last: null,
          best: null,
          failure: null,
          large,
        },
        job: { index: point.index, table, mapping: m, graph, training, twoCores: false, lang },
        graph,
        training,
        paramCount: compiled.paramCount,
        since: null,
      };
    });
    return {
      id: ++count,
      state: 'running',
      settings,
      task,
      metric,
      runs,
      results: new Map(),
      workers: new Set(),
      lanes: 1,
      started: d.now(),
      ended: null,
      lang,
    };
  }

  /** Trains `queue` on `lanes` workers, each taking the next run when it is free. */
  async function drain(s: Sweep, queue: Planned[], lanes: number, twoCores: boolean): Promise<void> {
    const host = d.host!;
    let next = 0;
    const going = () => sweep === s && s.state === 'running';
    const lane = async () => {
      let worker: RunWorker | null = null;
      while (going() && next < queue.length) {
        const r = queue[next++]!;
        if (!worker) {
          worker = host.spawn();
          s.workers.add(worker);
        }
        const w = worker;
        const ended = await trainOn(s, r, w, twoCores);
        // A worker that ended under its run (crash, out of memory) is replaced for the next one.
        if (ended) {
          s.workers.delete(w);
          worker = null;
        }
      }
      if (worker) {
        worker.terminate();
        s.workers.delete(worker);
      }
    };
    await Promise.all(Array.from({ length: Math.min(lanes, queue.length) }, lane));
  }

  /** One run on a worker; resolves true when the worker ended (it cannot take another run). */
  function trainOn(s: Sweep, r: Planned, w: RunWorker, twoCores: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (ended: boolean) => {
        if (settled) return;
        settled = true;
        if (r.since !== null) r.status.seconds += (d.now() - r.since) / 1000;
        r.since = null;
        resolve(ended);
      };
      w.onAnswer((a: RunAnswer) => {
        // A stopped sweep's workers may still have answers on the way: the runs stay as the stop left them.
        if (settled || sweep !== s || s.state !== 'running') return;
        if (a.type === 'epoch' && a.index === r.status.index) {
          const m = a.metrics;
          r.status.epoch = m.epoch;
          r.status.last = m;
          const v = judged(m, s.metric);
          if (v !== null && (r.status.best === null || v > r.status.best.value))
            r.status.best = { epoch: m.epoch, value: v };
        } else if (a.type === 'done' && a.result.index === r.status.index) {
          s.results.set(r.status.index, a.result);
          r.status.state = a.result.failure === null ? 'done' : 'failed';
          r.status.failure = a.result.failure;
          r.status.epoch = a.result.history.at(-1)?.epoch ?? r.status.epoch;
          finish(false);
          r.status.seconds = a.result.seconds;
        } else if (a.type === 'error' && a.index === r.status.index) {
          r.status.state = 'failed';
          r.status.failure =
            a.message ?? renderMessage(s.lang, 'request.internal', { detail: a.stack?.split('\n')[0] ?? '' });
          finish(false);
        }
      });
      w.onExit((why) => {
        if (settled) return;
        if (why === null || s.state !== 'running') r.status.state = 'stopped';
        else {
          r.status.state = 'failed';
          r.status.failure = renderMessage(
            s.lang,
            why === 'out of memory' ? 'sweeps.runOutOfMemory' : 'sweeps.runCrashed',
            { detail: why.split('\n')[0] ?? '' },
          );
        }
        finish(true);
      });
      r.status.state = 'running';
      r.since = d.now();
      w.post({ ...r.job, twoCores: twoCores && r.status.large });
    });
  }

  async function execute(s: Sweep): Promise<void> {
    const host = d.host!;
    const small = s.runs.filter((r) => !r.status.large);
    const large = s.runs.filter((r) => r.status.large);
    s.lanes = Math.max(1, Math.min(host.cores, small.length || 1));
    try {
      await drain(s, small, s.lanes, false);
      s.lanes = 1;
      await drain(s, large, 1, host.twoCores);
    } finally {
      for (const w of s.workers) w.terminate();
      s.workers.clear();
      if (sweep === s && s.state === 'running') {
        s.state = 'done';
        s.ended = d.now();
      }
    }
  }

  function stop(): SweepStatus {
    const s = sweep;
    if (s && s.state === 'running') {
      s.state = 'stopped';
      s.ended = d.now();
      for (const r of s.runs)
        if (r.status.state === 'queued' || r.status.state === 'running') {
          if (r.since !== null) r.status.seconds += (d.now() - r.since) / 1000;
          r.since = null;
          r.status.state = 'stopped';
        }
      for (const w of s.workers) w.terminate();
      s.workers.clear();
    }
    return status();
  }

  function result(index: unknown): SweepRunResult {
    const s = sweep;
    const r = s && typeof index === 'number' ? s.runs.find((x) => x.status.index === index) : undefined;
    const res = r ? s!.results.get(r.status.index) : undefined;
    if (!r || !res) fail('BAD_REQUEST', 'sweeps.noSuchRun', { index: String(index) });
    return {
      index: r.status.index,
      values: [...r.status.values],
      graph: r.graph,
      training: r.training,
      history: res.history,
      weights: res.weights,
      weightsEpoch: res.weightsEpoch,
      paramCount: r.paramCount,
      seconds: res.seconds,
      failure: res.failure,
    };
  }

  return {
    /** Whether a sweep is training now (the service's own run then may not start). */
    running: () => sweep?.state === 'running',
    start(request: SweepRequest): SweepStatus {
      if (!d.host) fail('BAD_STATE', 'sweeps.noWorkers');
      if (sweep?.state === 'running') fail('BAD_STATE', 'sweeps.already');
      if (d.training()) fail('BAD_STATE', 'sweeps.whileTraining');
      const s = plan(request);
      sweep = s;
      void execute(s);
      return status();
    },
    status,
    stop,
    result,
    /** Ends the sweep's workers (the engine is closing). */
    dispose(): void {
      stop();
    },
  };
}
