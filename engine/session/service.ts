/**
 * The engine behind `EngineApi`: one loaded table (session/data-loading.ts) and one training run at a
 * time, trained in slices that yield to the host between batches (so pause, stop and metric polls are
 * answered within a few milliseconds), every answer a Result. Each step's metrics go into the run's
 * store, where the app pulls them with `poll`; the engine sends nothing unasked. The host entry points
 * only wrap this in Comlink.
 */
import { API_VERSION, ENGINE_VERSION } from '../api.ts';
import type { EngineApi, RunRequest, RunState, RunStatus } from '../api.ts';
import { decodeOutput, encodeRows } from '../data/apply.ts';
import { listBuiltins } from '../data/builtin.ts';
import { EngineError, fail } from '../errors.ts';
import type { EngineErrorInfo } from '../errors.ts';
import { loadWeights } from '../formats/weights-file.ts';
import { parseProject } from '../formats/project-file.ts';
import { epochOverview, packEpochs, unpackEpochs } from '../metrics/epochs.ts';
import { createMetricsStore } from '../metrics/store.ts';
import type { MetricsStore } from '../metrics/store.ts';
import type { ThreadOptions } from '../kernels/wasm/pool.ts';
import type { RunWorkerHost } from '../sweep/serve.ts';
import { setupRun } from '../train/run-setup.ts';
import { validatePace } from '../train/validate.ts';
import type { Run } from '../train/run-setup.ts';
import { dataHandlers } from './data-loading.ts';
import { explainHandlers } from './explain.ts';
import { NEURON_GRID_LIMITS, gridInputs, neuronGrid } from './grid.ts';
import { summarizeResults } from './results.ts';
import { sweepHandlers } from './sweep.ts';
import { bestWeights } from './best-weights.ts';
import type { BestWeights } from './best-weights.ts';
import * as req from './requests.ts';
import { parseProjectRequest } from './project.ts';
import { compileFirst, compileSummary } from './graph-check.ts';
import {
  exportFiles,
  loadInit,
  modelSummaryText,
  projectText,
  resumeFrom,
  weightsText,
} from './run-files.ts';
import { errorInfo, settle } from './settle.ts';
import { tfjsWeightsText } from './tfjs-files.ts';

export interface ServiceOptions {
  /** Lets the host's event loop run (pending calls are answered there). */
  yieldToHost: () => Promise<void>;
  now?: () => number;
  /** Longest stretch of training between yields, in ms. */
  sliceMs?: number;
  /** Resolves after `ms` on the host's timers (a paced run waits between steps); default: setTimeout. */
  wait?: (ms: number) => Promise<void>;
  /**
   * How the host starts a helper thread that shares a large network's matrix products (bit-identical
   * results); default none: every run on one thread.
   */
  threads?: ThreadOptions | null;
  /** How the host starts sweep workers; default none: the engine cannot sweep. */
  runWorkers?: RunWorkerHost | null;
}

/** The host's setTimeout (the engine is typed without DOM or Node, but every host it runs in has one). */
const hostTimers = globalThis as unknown as { setTimeout(f: () => void, ms: number): unknown };

export type EngineService = EngineApi;

/** Epochs a poll answers with at most (the newest): the history has the rest. */
const MAX_POLL_EPOCHS = 1024;

export function createEngineService(o: ServiceOptions): EngineService {
  const now = o.now ?? (() => Date.now());
  const sliceMs = o.sliceMs ?? 12;
  const data = dataHandlers(o.yieldToHost);
  let run: (Run & { request: RunRequest; store: MetricsStore; best: BestWeights }) | null = null;
  let runId = 0;
  let state: RunState = 'idle';
  let error: EngineErrorInfo | null = null;
  let loopToken = 0;
  let rate = { rows: 0, since: now(), value: 0 };
  const wait = o.wait ?? ((ms: number) => new Promise<void>((r) => hostTimers.setTimeout(r, ms)));
  /** Steps per second while running, or null: as fast as possible. */
  let pace: number | null = null;
  /** Ends the paced loop's wait early (pause, stop, a new pace), so it answers at once. */
  let wake: (() => void) | null = null;

  const sweeps = sweepHandlers({
    table: () => data.table()?.raw ?? null,
    host: o.runWorkers ?? null,
    now,
    training: () => state === 'running',
  });

  function needRun() {
    if (!run) fail('NO_RUN', 'request.noRun');
    return run;
  }

  function status(): RunStatus {
    const t = run?.trainer;
    return {
      state,
      epoch: t?.epoch ?? 0,
      step: t?.step ?? 0,
      epochs: t?.config.epochs ?? 0,
      learningRate: t?.optimizer.config.learningRate ?? 0,
      ...(t?.config.lrSchedule ? { baseLearningRate: t.learningRate } : {}),
      ...(t?.lrChanges.length ? { lrChanges: t.lrChanges.map((c) => ({ ...c })) } : {}),
      ...(t?.earlyStopping
        ? {
            earlyStopping: {
              bestEpoch: t.earlyStopping.bestEpoch,
              best: t.earlyStopping.best,
              stoppedEpoch: t.earlyStopping.stoppedEpoch,
              restoredBest: t.restoredBest,
            },
          }
        : {}),
      samplesPerSecond: state === 'running' ? rate.value : 0,
      threads: t?.model.pool?.ready ? 2 : 1,
      error,
    };
  }

  /** Makes the run; `resume` puts a reopened project's epochs back (Reset starts from its weights afresh). */
  function build(request: RunRequest, resume = true): void {
    const table = data.table();
    if (!table) fail('NO_DATA_LOADED', 'request.noDataToTrain');
    const init = request.initWeights !== undefined ? loadInit(request.initWeights) : null;
    const r = setupRun({
      table: table.raw,
      mapping: request.mapping,
      graph: init ? init.graph : request.graph,
      training: request.training,
      init,
      threads: o.threads ?? null,
    });
    loopToken++;
    runId++;
    // The replaced run's helper thread (two-core kernels) ends now, not when its model is collected.
    run?.trainer.dispose();
    run = {
      ...r,
      request,
      store: createMetricsStore(r.trainer.layerIds.length),
      best: bestWeights(request.training),
    };
    pace = request.training.pace ?? null;
    state = 'ready';
    error = null;
    // A reopened project continues where it was saved: its epochs so far, done or paused part-way.
    const history = init && 'history' in init ? init.history : [];
    if (resume && history.length) state = resumeFrom(run.trainer, run.store, history);
  }

  /** One batch, recorded; moves to done or failed when the trainer does. */
  function oneBatch(): void {
    const r = run!;
    try {
      const s = r.trainer.trainBatch();
      r.store.record(s.step, s.loss, s.gradNorms);
      if (s.epochMetrics) {
        r.store.recordEpoch(s.epochMetrics);
        r.best.observe(s.epochMetrics, r.trainer.model.params);
      }
      rate.rows += s.rows;
      if (r.trainer.status === 'done') state = 'done';
    } catch (e) {
      state = 'failed';
      error = errorInfo(e);
    }
  }

  /**
   * Trains in slices of at most `sliceMs`, yielding to the host after each. At a pace, each step has a
   * due time (1/pace apart) and the loop sleeps on the host's timers until the next one; a host that
   * fell far behind starts counting afresh instead of racing to catch up.
   */
  async function loop(token: number): Promise<void> {
    rate = { rows: 0, since: now(), value: rate.value };
    let due = now();
    let paced = pace;
    const going = () => state === 'running' && token === loopToken;
    while (going()) {
      const t0 = now();
      if (pace === null) {
        do oneBatch();
        while (state === 'running' && now() - t0 < sliceMs);
      } else {
        const every = 1000 / pace;
        // A new pace counts from now; so does a host that fell far behind.
        if (pace !== paced || t0 - due > Math.max(250, every)) [due, paced] = [t0, pace];
        while (state === 'running' && now() >= due && now() - t0 < sliceMs) {
          oneBatch();
          due += every;
        }
      }
      const t = now();
      if (t - rate.since >= 250) {
        rate = { rows: 0, since: t, value: (rate.rows * 1000) / (t - rate.since) };
      }
      const idle = pace === null ? 0 : due - t;
      if (idle > 1 && going()) await sleep(idle);
      else await o.yieldToHost();
    }
  }

  /** Waits `ms`, or less if woken. */
  function sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        if (wake === done) wake = null;
        resolve();
      };
      wake = done;
      void wait(ms).then(done);
    });
  }

  function wakeLoop(): void {
    wake?.();
  }

  function begin(from: RunState[], verb: string): RunStatus {
    needRun();
    if (state === 'running') return status();
    if (sweeps.running()) fail('BAD_STATE', 'sweeps.trainWhileSweeping');
    if (!from.includes(state))
      fail('BAD_STATE', state === 'done' || state === 'failed' ? 'request.cannotOver' : 'request.cannot', {
        verb: { key: `request.verb.${verb}` },
        state: { key: `request.state.${state}` },
      });
    state = 'running';
    void loop(++loopToken);
    return status();
  }

  const api: EngineService = {
    hello: async () => settle(() => ({ apiVersion: API_VERSION, engineVersion: ENGINE_VERSION })),
    builtins: async () => settle(() => listBuiltins()),
    compile: async (graph, options) => settle(() => compileSummary(compileFirst(graph, options ?? {}))),
    ...data.methods,
    createRun: async (request) =>
      settle(() => {
        try {
          compileFirst((request as RunRequest | null)?.graph, {});
        } catch (e) {
          // The input's width comes from the data, checked when the run is set up.
          if (!(e instanceof EngineError && e.code === 'INPUT_WIDTH_MISMATCH')) throw e;
        }
        const r = req.parseRun(request);
        build(r);
        const { trainer, prepared, train, validation } = run!;
        return {
          layerIds: trainer.layerIds,
          paramCount: trainer.compiled.paramCount,
          trainRows: train.n,
          validationRows: validation.n,
          inputs: train.nIn,
          outputs: train.nOut,
          task: prepared.preprocessing.target.task,
          preprocessing: prepared.preprocessing,
          epochs: trainer.config.epochs,
        };
      }),
    start: async () => settle(() => begin(['ready', 'paused', 'stopped'], 'start')),
    resume: async () => settle(() => begin(['paused', 'stopped', 'ready'], 'resume')),
    pause: async () =>
      settle(() => {
        needRun();
        if (state === 'running') state = 'paused';
        wakeLoop();
        return status();
      }),
    stop: async () =>
      settle(() => {
        needRun();
        if (state === 'running' || state === 'paused' || state === 'ready') state = 'stopped';
        loopToken++;
        wakeLoop();
        return status();
      }),
    step: async () =>
      settle(() => {
        needRun();
        if (state === 'running') fail('BAD_STATE', 'request.pauseFirst');
        if (state === 'done' || state === 'failed')
          fail('BAD_STATE', 'request.runOver', { state: { key: `request.state.${state}` } });
        state = 'paused';
        oneBatch();
        return status();
      }),
    reset: async () =>
      settle(() => {
        build(needRun().request, false);
        return status();
      }),
    setLearningRate: async (lr) =>
      settle(() => {
        const v = req.parseLearningRate(lr);
        // The base rate a schedule multiplies; the trainer records the step it changed at.
        needRun().trainer.setLearningRate(v);
        return status();
      }),
    setPace: async (stepsPerSecond) =>
      settle(() => {
        if (stepsPerSecond !== null) validatePace(stepsPerSecond);
        const r = needRun();
        pace = stepsPerSecond;
        // Kept with the run's request, so a checkpoint restores the pace too.
        const { pace: _was, ...training } = r.request.training;
        r.request = { ...r.request, training: pace === null ? training : { ...training, pace } };
        wakeLoop();
        return status();
      }),
    status: async () => settle(status),
    poll: async (cursor, maxSteps) =>
      settle(() => {
        const c = req.parseCursor(cursor);
        const max = req.parseCount(maxSteps, 'maxSteps', 0, 65536, 8192);
        const r = run;
        const sameRun = c !== null && c.run === runId;
        const after = sameRun ? c.step : 0;
        const fromEpoch = sameRun ? c.epoch : 0;
        const w = r
          ? r.store.since(after, max)
          : { firstStep: 1, loss: new Float32Array(0), gradNorms: new Float32Array(0), gap: false };
        const all = r?.store.epochs ?? [];
        const epochs = all.slice(Math.max(fromEpoch, all.length - MAX_POLL_EPOCHS));
        return {
          cursor: { step: r?.store.lastStep ?? 0, epoch: r?.store.epochs.length ?? 0, run: runId },
          status: status(),
          layerIds: r?.trainer.layerIds ?? [],
          firstStep: w.firstStep,
          loss: w.loss,
          gradNorms: w.gradNorms,
          epochs,
          gap: w.gap || (c !== null && !sameRun),
        };
      }),
    history: async (maxPoints) =>
      settle(() => {
        const r = needRun();
        const m = req.parseCount(maxPoints, 'maxPoints', 2, 100_000, 2000);
        const e = epochOverview(r.store.epochs, m);
        return {
          layerIds: r.trainer.layerIds,
          ...r.store.overview(m),
          epochs: e.epochs,
          epochStride: e.stride,
        };
      }),
    predict: async (rows) =>
      settle(() => {
        const r = needRun();
        req.guardShape(rows, 'rows');
        const enc = encodeRows(r.prepared.preprocessing, rows, { requireTarget: false });
        const out = r.trainer.predict(enc.x, enc.n);
        return decodeOutput(r.prepared.preprocessing, out, enc.n, r.train.nOut);
      }),
    predictGrid: async (request) =>
      settle(() => {
        const r = needRun();
        const g = req.parseGrid(request);
        const { x, xRange, yRange } = gridInputs(r.prepared.preprocessing, data.table()?.columns ?? [], g);
        const n = g.resolution * g.resolution;
        return {
          resolution: g.resolution,
          xRange,
          yRange,
          outputs: r.train.nOut,
          values: r.trainer.predict(x, n),
        };
      }),
    neuronGrid: async (request) =>
      settle(() => {
        const r = needRun();
        const { maxWidth, ...grid } = (typeof request === 'object' && request ? request : {}) as {
          maxWidth?: unknown;
        };
        const g = req.parseGrid(grid);
        const L = NEURON_GRID_LIMITS;
        req.parseCount(g.resolution, 'resolution', 2, L.resolution, 24);
        const width = req.parseCount(maxWidth, 'maxWidth', 1, L.width, L.width);
        const { x, xRange, yRange } = gridInputs(r.prepared.preprocessing, data.table()?.columns ?? [], g);
        const n = g.resolution * g.resolution;
        const nodes = neuronGrid(r.trainer.model, x, n, width, L.neurons);
        return { resolution: g.resolution, xRange, yRange, nodes };
      }),
    results: async () =>
      settle(() => {
        const r = needRun();
        const data = r.validation.n > 0 ? r.validation : r.train;
        return summarizeResults(r.trainer, data, r.prepared.preprocessing);
      }),
    // Replaced by the image data's module (engine/session/images.ts) and insight (image-insight.ts).
    sampleImages: async () => settle(() => fail('NO_DATA_LOADED', 'request.noData')),
    mistakes: async () => settle(() => fail('NO_DATA_LOADED', 'request.noData')),
    imageInsight: async () => settle(() => fail('NO_DATA_LOADED', 'request.noData')),
    exportWeights: async (name) => settle(() => weightsText(needRun(), name)),
    bestWeights: async (name) =>
      settle(() => {
        const r = needRun();
        const b = r.best.best;
        return b ? { epoch: b.epoch, weights: weightsText(r, name, b) } : null;
      }),
    exportModel: async (format, name) => settle(() => exportFiles(needRun(), format, name)),
    modelSummary: async () => settle(() => modelSummaryText(needRun())),
    importTfjs: async (modelJson, weights) => settle(() => tfjsWeightsText(modelJson, weights)),
    inspectWeights: async (text) =>
      settle(() => {
        const w = loadWeights(text);
        return { graph: w.graph, preprocessing: w.preprocessing, paramCount: w.compiled.paramCount };
      }),
    exportProject: async (project) => settle(() => projectText(parseProjectRequest(project), run)),
    importProject: async (text) => settle(() => parseProject(typeof text === 'string' ? text : '')),
    checkpoint: async () =>
      settle(() => {
        const r = needRun();
        // The epochs go once, as columns: a long run's history as objects, twice over, made every
        // checkpoint a long pause for the engine and the window that receives it.
        const { history: _epochs, ...snapshot } = r.trainer.snapshot();
        return {
          run: r.request,
          snapshot: { ...snapshot, history: [] },
          history: { layerIds: r.trainer.layerIds, ...r.store.overview(4096), epochs: [], epochStride: 1 },
          epochColumns: packEpochs(r.trainer.history),
        };
      }),
    restore: async (cp) =>
      settle(() => {
        const r = needRun();
        const epochs = cp.epochColumns ? unpackEpochs(cp.epochColumns) : cp.history.epochs;
        r.trainer.restore(cp.snapshot);
        if (cp.epochColumns) r.trainer.history = epochs.map((e) => ({ ...e }));
        r.store.load(cp.history, epochs);
        pace = cp.run.training.pace ?? null;
        loopToken++;
        state = r.trainer.status === 'done' ? 'done' : 'paused';
        error = null;
        return status();
      }),
    startSweep: async (request) => settle(() => sweeps.start(request)),
    sweepStatus: async () => settle(sweeps.status),
    stopSweep: async () => settle(sweeps.stop),
    sweepRun: async (index) => settle(() => sweeps.result(index)),
    ...explainHandlers(needRun, settle),
  };
  return api;
}
