/**
 * A training run as the window sees it: settings, controls, and the live metrics pulled from the
 * engine once per animation frame (status, the last epoch) and a few times a second (loss, epoch and
 * gradient-norm overview, decision map, results), so drawing never waits on training. Everything kept
 * here is bounded whatever the run's length: the engine keeps the whole history, the window asks for
 * an overview of at most OVERVIEW_POINTS points.
 */
import type {
  EngineApi,
  GridResult,
  MetricsCursor,
  MetricsHistory,
  NeuronGridResult,
  ResultsSummary,
  RunRequest,
  RunStatus,
  RunSummary,
} from '../../../engine/api.ts';
import type { EngineErrorInfo } from '../../../engine/errors.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { DEFAULT_LEARNING_RATES } from '../../../engine/train/config.ts';
import type {
  EarlyStoppingConfig,
  LrSchedule,
  OptimizerName,
  TrainingConfig,
} from '../../../engine/train/config.ts';
import type { EpochMetrics } from '../../../engine/train/trainer.ts';

const OVERVIEW_MS = 150;
/** The decision map is asked for again when the model changed, at most this often (at a pace, and at full speed). */
const GRID_MS = { paced: 100, full: 250 };
const RESULTS_MS = 1000;
/** Points in the charts' overview of the run (steps and epochs each). */
export const OVERVIEW_POINTS = 600;
/** Cells along each side of the decision map, and of each neuron's heat map. */
export const GRID_RESOLUTION = 96;
export const NEURON_RESOLUTION = 24;

/** Training paces on offer, in steps per second; null is as fast as possible. */
export const PACES: readonly (number | null)[] = [null, 200, 50, 20, 5, 1];

/**
 * The rate the app starts with: it opens on a 2-D toy (spirals, the mlp template, batch 16, 300 epochs),
 * which at Keras's Adam default (0.001, the engine's DEFAULT_LEARNING_RATES) is still at chance after
 * 300 epochs (validation accuracy 0.54, against 0.96 at 0.01). Like the batch and epochs, it is the
 * toy's setting, not a default for tables: a project file's rate replaces it.
 */
export const START_LEARNING_RATE = 0.01;

export class TrainingState {
  optimizer = $state<OptimizerName>('adam');
  learningRate = $state(START_LEARNING_RATE);
  batchSize = $state(16);
  epochs = $state(300);
  validationSplit = $state(0.2);
  seed = $state(1);
  /** L2 penalty applied to every dense layer that has none of its own. */
  l2 = $state(0);
  /** Steps per second to train at; null: as fast as possible. Changes the speed, never the result. */
  pace = $state<number | null>(null);
  /** Early stopping (null: every epoch runs) and the learning-rate schedule (null: constant), as the project keeps them. */
  earlyStopping = $state.raw<EarlyStoppingConfig | null>(null);
  lrSchedule = $state.raw<LrSchedule | null>(null);

  status = $state.raw<RunStatus | null>(null);
  run = $state.raw<RunSummary | null>(null);
  error = $state.raw<EngineErrorInfo | null>(null);
  /** The run so far at a bounded resolution (steps and epochs), refreshed a few times a second. */
  history = $state.raw<MetricsHistory | null>(null);
  /** The newest epoch's metrics, refreshed every frame. */
  lastEpoch = $state.raw<EpochMetrics | null>(null);
  grid = $state.raw<GridResult | null>(null);
  /** Each small node's output over the input plane (2-D data), for the heat maps in the neurons. */
  neurons = $state.raw<NeuronGridResult | null>(null);
  results = $state.raw<ResultsSummary | null>(null);
  /** Steps seen through the live stream (for the "steps" counter). */
  stepsSeen = $state(0);

  /** Which engine run the state follows: a new number for each run made, adopted, reset or dropped. */
  runToken = 0;
  /** The graph and settings the current run was made from (null: a run adopted from a file). */
  runRequest: Pick<RunRequest, 'graph' | 'training'> | null = null;
  /** The run last asked to train (its `runToken`), and when (performance.now()). */
  trained: { token: number; at: number } | null = null;
  /** Called after each status or metrics update (the runs table records the run from it). */
  onChange: (() => void) | null = null;

  /** The graph/data/settings key the current run was made from. */
  #runKey = $state('');
  #cursor: MetricsCursor | null = null;
  #frame = 0;
  /** Bumped when the run is dropped, so that a refresh under way does not bring it back. */
  #generation = 0;
  #last = { overview: 0, grid: 0, results: 0, gridStep: -1 };

  constructor(private api: () => EngineApi) {}

  /** Settings from the last project file that have no control here (shuffle, momentum, betas…). */
  #fromFile: Pick<TrainingConfig, 'optimizer' | 'shuffle'> | null = null;

  config(): TrainingConfig {
    const f = this.#fromFile;
    return {
      optimizer: {
        ...(this.optimizer === 'momentum' ? { momentum: 0.9 } : {}),
        ...(f?.optimizer.name === this.optimizer ? f.optimizer : {}),
        name: this.optimizer,
        learningRate: this.learningRate,
      },
      batchSize: this.batchSize,
      epochs: this.epochs,
      validationSplit: this.validationSplit,
      shuffle: f?.shuffle ?? true,
      seed: this.seed,
      ...(this.pace !== null ? { pace: this.pace } : {}),
      ...(this.l2 > 0 ? { l2: this.l2 } : {}),
      ...(this.earlyStopping ? { earlyStopping: this.earlyStopping } : {}),
      ...(this.lrSchedule ? { lrSchedule: this.lrSchedule } : {}),
    };
  }

  /** The epochs the charts draw: every k-th and the last, at most OVERVIEW_POINTS. */
  get epochView(): EpochMetrics[] {
    return this.history?.epochs ?? [];
  }

  setConfig(c: TrainingConfig): void {
    this.#fromFile = {
      optimizer: { ...c.optimizer },
      shuffle: c.shuffle,
    };
    this.earlyStopping = c.earlyStopping ? { ...c.earlyStopping } : null;
    this.lrSchedule = c.lrSchedule ? { ...c.lrSchedule } : null;
    this.optimizer = c.optimizer.name;
    this.learningRate = c.optimizer.learningRate;
    this.batchSize = c.batchSize;
    this.epochs = c.epochs;
    this.validationSplit = c.validationSplit;
    this.seed = c.seed;
    this.pace = c.pace ?? null;
    this.l2 = c.l2 ?? 0;
  }

  get running(): boolean {
    return this.status?.state === 'running';
  }

  /** Creates the run if the graph, data or settings changed since the last one. */
  async ensureRun(
    graph: GraphSpec,
    request: Omit<RunRequest, 'graph' | 'training'>,
    key: string,
  ): Promise<boolean> {
    const training = this.config();
    const fullKey = this.#keyFor(key);
    if (
      this.run &&
      fullKey === this.#runKey &&
      this.status?.state !== 'done' &&
      this.status?.state !== 'failed'
    )
      return true;
    const r = await this.api().createRun({ ...request, graph, training });
    if (!r.ok) {
      this.error = r.error;
      return false;
    }
    this.error = null;
    this.run = r.value;
    this.runToken++;
    this.runRequest = { graph, training };
    this.#runKey = fullKey;
    this.clearMetrics();
    this.onChange?.();
    return true;
  }

  /** Forgets the run (its graph or data changed). */
  invalidate(): void {
    this.#runKey = '';
  }

  /** The run is gone (its engine could not be given it back): no run, no status, no metrics. */
  drop(): void {
    // Answers still on their way describe the dropped run: they are ignored, and polling stops.
    this.#generation++;
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.run = null;
    this.status = null;
    this.error = null;
    this.#runKey = '';
    this.runToken++;
    this.runRequest = null;
    this.clearMetrics();
    this.onChange?.();
  }

  /** The run's identity: the pace is left out, it changes how fast the run goes, not the run. */
  #keyFor(key: string): string {
    const { pace: _pace, ...config } = this.config();
    return `${key}|${JSON.stringify(config)}`;
  }

  /** Is the run made from this graph and data (`key`), whatever the settings since? Its weights fit them. */
  madeFrom(key: string): boolean {
    return this.run !== null && this.#runKey.startsWith(`${key}|`);
  }

  /** Is the run made from this graph and data (`key`) with the current settings? */
  isCurrent(key: string): boolean {
    return this.run !== null && this.#runKey === this.#keyFor(key);
  }

  /** Takes over a run created elsewhere (e.g. from a reopened project's weights) as the current one. */
  adopt(run: RunSummary, key: string): void {
    this.run = run;
    this.#runKey = this.#keyFor(key);
    this.error = null;
    this.status = null;
    this.runToken++;
    this.runRequest = null;
    this.clearMetrics();
    this.onChange?.();
  }

  clearMetrics(): void {
    this.#cursor = null;
    this.history = null;
    this.lastEpoch = null;
    this.#last.gridStep = -1;
    this.grid = null;
    this.neurons = null;
    this.results = null;
    this.stepsSeen = 0;
  }

  async #do(
    call: () => Promise<{ ok: true; value: RunStatus } | { ok: false; error: EngineErrorInfo }>,
  ): Promise<void> {
    const r = await call();
    if (r.ok) {
      this.status = r.value;
      this.error = r.value.error;
    } else this.error = r.error;
    this.onChange?.();
    this.#watch();
  }

  start = () => {
    this.trained = { token: this.runToken, at: performance.now() };
    return this.#do(() => this.api().start());
  };
  pause = () => this.#do(() => this.api().pause());
  resume = () => {
    this.trained = { token: this.runToken, at: performance.now() };
    return this.#do(() => this.api().resume());
  };
  stop = () => this.#do(() => this.api().stop());
  /** One mini-batch: it trains the run as Train does, so a run only stepped is kept too. */
  async step(): Promise<void> {
    this.trained = { token: this.runToken, at: performance.now() };
    await this.#do(() => this.api().step());
    await this.refresh(true);
  }
  async reset(): Promise<void> {
    this.runToken++;
    await this.#do(() => this.api().reset());
    this.clearMetrics();
    await this.refresh(true);
  }

  /**
   * Another optimiser: a rate still at the old optimiser's default becomes the new one's (Keras's, as
   * the CLI takes it); a rate the user chose stays.
   */
  setOptimizer(name: OptimizerName): void {
    if (this.learningRate === DEFAULT_LEARNING_RATES[this.optimizer])
      this.learningRate = DEFAULT_LEARNING_RATES[name];
    this.optimizer = name;
  }

  async setLearningRate(lr: number): Promise<void> {
    this.learningRate = lr;
    if (this.run) await this.#do(() => this.api().setLearningRate(lr));
  }

  /** A new pace, at once (while running too). */
  async setPace(stepsPerSecond: number | null): Promise<void> {
    this.pace = stepsPerSecond;
    if (this.run) await this.#do(() => this.api().setPace(stepsPerSecond));
  }

  /** Pulls once per frame while training runs; stops when it ends. */
  #watch(): void {
    if (this.#frame) return;
    const generation = this.#generation;
    const tick = async () => {
      this.#frame = 0;
      await this.refresh(false);
      if (generation !== this.#generation) return; // the run was dropped meanwhile
      if (this.status?.state === 'running') this.#frame = requestAnimationFrame(() => void tick());
      else await this.refresh(true);
    };
    this.#frame = requestAnimationFrame(() => void tick());
  }

  /** Reads new metrics; `all` also refreshes the overview, map and results at once. */
  async refresh(all: boolean): Promise<void> {
    const api = this.api();
    const generation = this.#generation;
    // Steps come with the overview; the poll is for the status and the newest epoch only.
    const p = await api.poll(this.#cursor, 0);
    if (!p.ok || generation !== this.#generation) return;
    const d = p.value;
    this.status = d.status;
    if (d.status.error) this.error = d.status.error;
    // Only the newest epoch is kept here; the charts draw the overview.
    const newRun = this.#cursor === null || d.cursor.run !== this.#cursor.run;
    if (d.epochs.length || newRun) this.lastEpoch = d.epochs.at(-1) ?? null;
    this.stepsSeen = d.cursor.step;
    this.#cursor = d.cursor;
    // The slower views are asked for together, so they are answered in the same pause of the training
    // loop instead of one after another.
    const now = performance.now();
    const asks: Promise<void>[] = [];
    if (all || now - this.#last.overview > OVERVIEW_MS) {
      this.#last.overview = now;
      asks.push(
        api.history(OVERVIEW_POINTS).then((h) => {
          if (h.ok && generation === this.#generation) this.history = h.value;
        }),
      );
    }
    // The map follows the model step by step at a watchable pace, and a few times a second at full speed.
    const moved = d.cursor.step !== this.#last.gridStep;
    const gridMs = this.pace === null ? GRID_MS.full : GRID_MS.paced;
    if (this.wantGrid && (all || (moved && now - this.#last.grid > gridMs))) {
      this.#last.grid = now;
      this.#last.gridStep = d.cursor.step;
      asks.push(
        api.predictGrid({ resolution: GRID_RESOLUTION }).then((g) => {
          if (g.ok && generation === this.#generation) this.grid = g.value;
        }),
        api.neuronGrid({ resolution: NEURON_RESOLUTION }).then((g) => {
          if (g.ok && generation === this.#generation) this.neurons = g.value;
        }),
      );
    }
    if (all || now - this.#last.results > RESULTS_MS) {
      this.#last.results = now;
      asks.push(
        api.results().then((r) => {
          if (r.ok && generation === this.#generation) this.results = r.value;
        }),
      );
    }
    await Promise.all(asks);
    if (generation === this.#generation) this.onChange?.();
  }

  /** Set by the app when the data has two numeric inputs. */
  wantGrid = false;
}
