/**
 * The one typed contract between the app and the engine, imported by both sides. Every method answers
 * with a value, never a promise that rejects for a user error: `{ ok: true, value }` or
 * `{ ok: false, error: { code, message, nodeId? } }`. Only a dead or hung host rejects (the client's
 * supervisor does that), so the UI always learns what happened.
 */
import type { ColumnSummary } from './data/describe.ts';
import type { Prediction } from './data/apply.ts';
import type { BuiltinInfo } from './data/builtin.ts';
import type { Preprocessing, RowTable, Task } from './data/types.ts';
import type { ExportFile, ExportFormatId } from './formats/exports.ts';
import type { ProjectFile } from './formats/project-file.ts';
import type { NodePosition, ProjectData } from './formats/schema-project.ts';
import type { RunRecord } from './formats/schema-runs.ts';
export type { RunHistory, RunMetrics, RunRecord, RunRecordState } from './formats/schema-runs.ts';
import type { EngineErrorInfo, Result } from './errors.ts';
import type { CompileOptions } from './graph/compile.ts';
import type { GraphSpec, NodeType } from './graph/types.ts';
import type { Lang } from './i18n.ts';
import type { SweepSetting } from './sweep/plan.ts';
import type { ColumnMapping } from './train/run-setup.ts';
export type { ColumnMapping } from './train/run-setup.ts';
import type { TrainingConfig } from './train/config.ts';
import type { EpochMetrics, LrChange, TrainerSnapshot } from './train/trainer.ts';
import type { EpochColumns } from './metrics/epochs.ts';
import type { Activation } from './graph/types.ts';
import type { CostPoint } from './explain/cost-curve.ts';
import type { GradientCheckReport } from './explain/gradcheck-layers.ts';
import type { MethodComparison } from './explain/methods.ts';
import type { StepTrace } from './explain/trace-types.ts';

export type { Result } from './errors.ts';
export type { ExportFile, ExportFormatId } from './formats/exports.ts';
export const API_VERSION = 1;
export const ENGINE_VERSION = '0.1.0';

/** Shapes and parameter counts, one row per node in topological order. */
export interface CompileSummary {
  nodes: {
    id: string;
    type: NodeType;
    width: number;
    /** Its output's shape per row: [width] for a flat vector, [h, w, c] for an image. */
    shape: number[];
    params: number;
    kernel: [number, number] | null;
  }[];
  paramCount: number;
  inputId: string;
  outputId: string;
}

/**
 * Rows to load: CSV bytes or text (the file's name is for messages), a built-in dataset, MNIST's four
 * IDX files (raw or gzip, as the app ships them), or the files of a folder of images with one
 * sub-folder per class (`path` relative to the folder, e.g. `cat/001.png`).
 */
export type DataSource =
  | { kind: 'csv'; name: string; bytes: Uint8Array }
  | { kind: 'csv-text'; name: string; text: string }
  | { kind: 'builtin'; name: string; samples?: number; noise?: number; seed?: number }
  | {
      kind: 'mnist';
      name: string;
      trainImages: Uint8Array;
      trainLabels: Uint8Array;
      testImages: Uint8Array;
      testLabels: Uint8Array;
      /** Training digits kept (the first ones; default all 60,000); the 10,000 test digits always. */
      samples?: number;
    }
  | {
      kind: 'image-files';
      name: string;
      files: { path: string; bytes: Uint8Array }[];
      /** Every image resized to [h, w] (default: the first readable image's size). */
      size?: [number, number];
      /** 1 grey, 3 colour (default: grey unless an image has colour). */
      channels?: 1 | 3;
    };

/** What a load is doing: reading rows (a CSV) or decoding images, then describing the columns. */
export type LoadPhase = 'reading' | 'decoding' | 'summarizing';

/** How far a load has got: `loaded` of `total` bytes (characters for text) read. */
export interface LoadProgress {
  name: string;
  phase: LoadPhase;
  loaded: number;
  total: number;
}

export interface DatasetSummary {
  name: string;
  rows: number;
  header: string[];
  columns: ColumnSummary[];
  /** The first rows as read, for a preview table. */
  preview: string[][];
  /** Default target (the last column) and what it implies, or why it can't be used as is. */
  target: string;
  task: Task | null;
  classes: { label: string; count: number }[];
  problem: EngineErrorInfo | null;
  /** Exactly two numeric feature columns: a decision-boundary map can be drawn. */
  planar: boolean;
  /** For planar data: up to 2,000 rows as x, y and the target (class index, or value). */
  points: { x: Float32Array; y: Float32Array; target: Float32Array } | null;
  /** Image data (MNIST, a folder): its shape and classes; null for a table of cells. */
  images: ImageDataSummary | null;
}

/** Loaded images: every one [h, w, c] (channels last), a class each. */
export interface ImageDataSummary {
  shape: [number, number, number];
  rows: number;
  classes: string[];
  /** Images per class, in `classes` order. */
  counts: number[];
  /** Rows from here on are the official test split (validation uses them as they are); null: none. */
  testFrom: number | null;
  /** Files left out, each with why (unreadable, not an image, outside a class folder). */
  skipped: { path: string; reason: string }[];
}

/** Images of the loaded data, as bytes to draw: `rows.length` images of h·w·c values 0…255 each. */
export interface ImageBatch {
  shape: [number, number, number];
  /** Their rows in the loaded data. */
  rows: number[];
  pixels: Uint8Array;
  labels: string[];
  /** With a run: each image's predicted class and that class's probability. */
  predicted?: { label: string; probability: number }[];
}

/** Which images: the first `perClass` of each class (default 8, at most 64), or the given rows (≤ 256). */
export interface ImageSampleRequest {
  perClass?: number;
  rows?: number[];
}

/** The validation images of class `actual` the run predicts as `predicted` (a confusion-matrix cell). */
export interface MistakesRequest {
  actual: string;
  predicted: string;
  /** At most this many (default 64, at most 256). */
  max?: number;
}

/** One image through the run's network: a row of the loaded data, or pixels (h·w·c, 0…255) drawn. */
export interface ImageInsightRequest {
  row?: number;
  pixels?: Uint8Array;
}

/** A node's output for one image: its maps [h, w, c], channels last (map k is every c-th value from k). */
export interface FeatureMaps {
  id: string;
  type: NodeType;
  shape: [number, number, number];
  values: Float32Array;
}

export interface ImageInsight {
  shape: [number, number, number];
  pixels: Uint8Array;
  /** The image's class in the data (a row), or null (drawn). */
  label: string | null;
  /** Each conv2d and pooling node's output, in topological order. */
  maps: FeatureMaps[];
  /** The first conv2d node's kernel in Keras layout [kh, kw, in, filters]; null without one. */
  filters: { id: string; shape: [number, number, number, number]; values: Float32Array } | null;
  classes: string[];
  probabilities: number[];
  /** Index into `classes` of the most probable class. */
  predicted: number;
}

/** How the model does on the validation rows (all rows when none are held out). */
export type ResultsSummary =
  | { task: 'classification'; classes: string[]; rows: number; accuracy: number; matrix: number[][] }
  | {
      task: 'regression';
      rows: number;
      actual: Float32Array;
      predicted: Float32Array;
      r2: number;
      mae: number;
    };

export interface TargetSummary {
  target: string;
  task: Task;
  /** Outputs a softmax head needs (classes), or 1 for regression. */
  outputs: number;
  classes: string[];
  features: number;
}

export interface RunRequest {
  graph: GraphSpec;
  mapping: ColumnMapping;
  training: TrainingConfig;
  /** Continue from a weights file (its text): its preprocessing and values start the run. */
  initWeights?: string;
}

export type { SweepSetting, SweepSettingName } from './sweep/plan.ts';

/** A sweep: the run's network, data mapping and settings, trained once for every combination of the settings' values. */
export interface SweepRequest extends RunRequest {
  /** One or two settings, each with its values (at most 256 runs in all). */
  settings: SweepSetting[];
  /** The language of a run's failure message. */
  lang?: Lang;
}

/** `idle`: no sweep yet; `running`; `done`: every run ended; `stopped`: stopped, the finished runs kept. */
export type SweepState = 'idle' | 'running' | 'done' | 'stopped';
/** `failed`: it ended on a non-finite value or an error, with its last good weights when it had any. */
export type SweepRunState = 'queued' | 'running' | 'done' | 'failed' | 'stopped';

export interface SweepRunStatus {
  /** 1-based, in grid order (the first setting varies slowest). */
  index: number;
  /** A value per setting, in the settings' order. */
  values: number[];
  state: SweepRunState;
  /** Epochs done, of `epochs`. */
  epoch: number;
  epochs: number;
  /** Training time so far. */
  seconds: number;
  /** The last epoch's metrics. */
  last: EpochMetrics | null;
  /** The best epoch by the sweep's metric. */
  best: { epoch: number; value: number } | null;
  failure: string | null;
  /** Trained one at a time on two cores (else side by side with other small runs). */
  large: boolean;
}

export interface SweepStatus {
  /** Counts sweeps started in this engine (0: none). */
  id: number;
  state: SweepState;
  settings: SweepSetting[];
  task: Task | null;
  /** The metric `best` holds (higher is better): validation accuracy or R², the training one without validation rows. */
  metric: 'val_accuracy' | 'val_r2' | 'accuracy' | 'r2';
  runs: SweepRunStatus[];
  /** Runs trained side by side. */
  lanes: number;
  elapsedMs: number;
  /** An estimate from the epochs done so far (null until the first epoch ends, and once over). */
  remainingMs: number | null;
}

/** A finished run of the sweep, to keep: its network and settings, history and final weights. */
export interface SweepRunResult {
  index: number;
  values: number[];
  graph: GraphSpec;
  training: TrainingConfig;
  history: EpochMetrics[];
  /** The weights file's text (the best epoch's weights when early stopping put them back). */
  weights: string;
  weightsEpoch: number;
  paramCount: number;
  seconds: number;
  failure: string | null;
}

export interface RunSummary {
  layerIds: string[];
  paramCount: number;
  trainRows: number;
  validationRows: number;
  inputs: number;
  outputs: number;
  task: Task;
  preprocessing: Preprocessing;
  epochs: number;
}

export type RunState = 'idle' | 'ready' | 'running' | 'paused' | 'stopped' | 'done' | 'failed';

export interface RunStatus {
  state: RunState;
  /** Completed epochs, steps taken. */
  epoch: number;
  step: number;
  epochs: number;
  /** The rate of the last step taken (or of the next, just after it was set). */
  learningRate: number;
  /** With a schedule: the base the schedule multiplies (for `plateau`, the current rate). */
  baseLearningRate?: number;
  /** Learning rates set by hand while training, each with the step and epoch it applied from (if any). */
  lrChanges?: LrChange[];
  /**
   * With early stopping: the best epoch so far and its monitored value (0 and null before one), the
   * epoch it stopped at (0: not), and whether the best epoch's weights were put back.
   */
  earlyStopping?: { bestEpoch: number; best: number | null; stoppedEpoch: number; restoredBest: boolean };
  /** Training throughput over the last second or so. */
  samplesPerSecond: number;
  /**
   * Threads the run's matrix products use: 2 when a helper thread shares the large ones (a large
   * network, in a host that can start threads), else 1.
   */
  threads: number;
  error: EngineErrorInfo | null;
}

/**
 * How far the caller has read the run's metrics: it pulls them (`poll`, once per frame or so) and passes
 * the cursor back to get only what is new; the engine sends nothing unasked.
 */
export interface MetricsCursor {
  step: number;
  epoch: number;
  run: number;
}

/** What happened since a cursor: new steps (loss and every layer's gradient norm) and epochs. */
export interface MetricsDelta {
  cursor: MetricsCursor;
  status: RunStatus;
  layerIds: string[];
  /** Step number of the first row in `loss`. */
  firstStep: number;
  loss: Float32Array;
  /** [steps × layers], row-major. */
  gradNorms: Float32Array;
  epochs: EpochMetrics[];
  /** Some steps were skipped (the caller fell behind, or a new run began): redraw from `history`. */
  gap: boolean;
}

/**
 * The whole run so far at a bounded resolution: each point is the mean of `stride` steps; the epochs
 * are every `epochStride`-th epoch and the last (at most as many as the points asked for).
 */
export interface MetricsHistory {
  layerIds: string[];
  stride: number;
  /** Last step number each point covers. */
  steps: Float64Array;
  loss: Float32Array;
  gradNorms: Float32Array;
  epochs: EpochMetrics[];
  epochStride: number;
}

/** A grid over the two features (raw units); `values` is [resolution² × outputs], rows of x, y ascending. */
export interface GridRequest {
  resolution: number;
  xRange?: [number, number];
  yRange?: [number, number];
}

export interface GridResult {
  resolution: number;
  xRange: [number, number];
  yRange: [number, number];
  outputs: number;
  values: Float32Array;
}

/** A grid for the neurons' heat maps (at most 64 cells a side); `maxWidth` leaves out wider nodes (default 16). */
export interface NeuronGridRequest extends GridRequest {
  maxWidth?: number;
}

/** One node's outputs over the grid, neuron-major: neuron j's map is `values[j·r² … (j+1)·r²)`. */
export interface NeuronGridNode {
  id: string;
  width: number;
  values: Float32Array;
}

/** Each small node's outputs over the input plane, from the current run's model (in topological order). */
export interface NeuronGridResult {
  resolution: number;
  xRange: [number, number];
  yRange: [number, number];
  nodes: NeuronGridNode[];
}

export interface Checkpoint {
  run: RunRequest;
  snapshot: TrainerSnapshot;
  history: MetricsHistory;
  /**
   * Every epoch so far as columns of numbers (then `snapshot.history` and `history.epochs` are empty):
   * a long run's history crosses to the window in one copy, not one object per epoch.
   */
  epochColumns?: EpochColumns;
}

/** The app's half of a project file (name, graph, positions, data, settings). */
export interface ProjectRequest {
  name: string;
  graph: GraphSpec;
  positions?: NodePosition[];
  data?: ProjectData;
  training: TrainingConfig;
  /**
   * Whether the engine's run was made from this graph and data (default true). When false, or when
   * its weights do not fit the graph, the project is saved without weights and history.
   */
  withRun?: boolean;
  /** The training runs kept with the project (saved as they are). */
  runs?: RunRecord[];
}

export interface WeightsSummary {
  graph: GraphSpec;
  preprocessing: Preprocessing;
  paramCount: number;
}

// ---- Inside backprop: a step traced event by event, three gradient methods, a gradient check ----

export type { CostPoint } from './explain/cost-curve.ts';
export type { GradientCheckReport, LayerGradientCheck } from './explain/gradcheck-layers.ts';
export type { GradientDifference, MethodComparison, MethodName, MethodResult } from './explain/methods.ts';
export type * from './explain/trace-types.ts';

/**
 * Rows to explain: raw rows with their target column (header names as in the data), or indices into
 * the run's training rows (default: the first one).
 */
export interface ExplainRowsRequest {
  rows?: RowTable;
  samples?: number[];
}

export interface ExplainStepRequest extends ExplainRowsRequest {
  /** η of the plain SGD step shown at the end (default: the run's learning rate). */
  learningRate?: number;
  /** Seed of the dropout masks. */
  seed?: number;
}

export interface CompareGradientsRequest extends ExplainRowsRequest {
  seed?: number;
}

/** MLPs inputs → depth × dense(width) → dense(1): defaults depths 2…8, widths [4], 2 inputs, tanh. */
export interface CostCurveRequest {
  depths?: number[];
  widths?: number[];
  inputs?: number;
  activation?: Activation;
  seed?: number;
}

export interface GradientCheckRequest {
  /** Training rows to check on (default 4). */
  rows?: number;
  /** Parameters sampled per layer (default 200). */
  maxPerLayer?: number;
  seed?: number;
}

/** Everything the app asks of the engine. */
export interface EngineApi {
  hello(): Promise<Result<{ apiVersion: number; engineVersion: string }>>;
  /** The generated datasets on offer. */
  builtins(): Promise<Result<BuiltinInfo[]>>;
  compile(graph: GraphSpec, options?: CompileOptions): Promise<Result<CompileSummary>>;
  loadData(source: DataSource): Promise<Result<DatasetSummary>>;
  /** The load under way (a CSV is read in slices, the engine answering between them), or null. */
  loadProgress(): Promise<Result<LoadProgress | null>>;
  /** Stops the load under way (it then answers BAD_STATE `request.loadCancelled`); false if none. */
  cancelLoad(): Promise<Result<boolean>>;
  /** What a column mapping implies for the loaded table: the task and the output width it needs. */
  describeTarget(mapping: ColumnMapping): Promise<Result<TargetSummary>>;
  createRun(request: RunRequest): Promise<Result<RunSummary>>;
  /** Trains in the background until done, paused or stopped; the host stays responsive. */
  start(): Promise<Result<RunStatus>>;
  pause(): Promise<Result<RunStatus>>;
  resume(): Promise<Result<RunStatus>>;
  /** One mini-batch (when not running). */
  step(): Promise<Result<RunStatus>>;
  stop(): Promise<Result<RunStatus>>;
  /** Back to the initial weights of the same run (same seed). */
  reset(): Promise<Result<RunStatus>>;
  setLearningRate(learningRate: number): Promise<Result<RunStatus>>;
  /**
   * How fast the run trains, in steps per second (null: as fast as possible); takes effect at once,
   * while running too. What the run computes is the same at any pace.
   */
  setPace(stepsPerSecond: number | null): Promise<Result<RunStatus>>;
  status(): Promise<Result<RunStatus>>;
  /**
   * New metrics since `cursor` (null: from the start); at most `maxSteps` steps and the last 1,024
   * epochs, the newest (`history` has the whole run at a bounded resolution).
   */
  poll(cursor: MetricsCursor | null, maxSteps?: number): Promise<Result<MetricsDelta>>;
  history(maxPoints: number): Promise<Result<MetricsHistory>>;
  /** Raw rows (header names as in the data) → predictions with the run's preprocessing. */
  predict(rows: RowTable): Promise<Result<Prediction[]>>;
  predictGrid(request: GridRequest): Promise<Result<GridResult>>;
  /** Every small node's output over the input plane (2-D data), for a heat map in each neuron. */
  neuronGrid(request: NeuronGridRequest): Promise<Result<NeuronGridResult>>;
  /** Confusion matrix (classification) or predicted against actual (regression). */
  results(): Promise<Result<ResultsSummary>>;
  /** Images of the loaded image data (with the run's predictions when there is a run). */
  sampleImages(request?: ImageSampleRequest): Promise<Result<ImageBatch>>;
  /** The validation images of one confusion-matrix cell, with the run's predictions. */
  mistakes(request: MistakesRequest): Promise<Result<ImageBatch>>;
  /** One image through the run's network: feature maps, the first layer's filters, the probabilities. */
  imageInsight(request: ImageInsightRequest): Promise<Result<ImageInsight>>;
  exportWeights(name?: string): Promise<Result<string>>;
  /**
   * The best epoch's weights as a weights file (the epoch the runs table names: early stopping's
   * monitor, else the first validation metric), or null before an epoch was judged or after a restart.
   */
  bestWeights(name?: string): Promise<Result<{ epoch: number; weights: string } | null>>;
  /**
   * The run's network in an export format (see engine/formats/exports.ts): its files, the main one
   * first, named from `name`. UNSUPPORTED_EXPORT names a block the format cannot express.
   */
  exportModel(format: ExportFormatId, name?: string): Promise<Result<ExportFile[]>>;
  /** The run's network as Keras's `model.summary()` prints its TensorFlow.js export (text lines). */
  modelSummary(): Promise<Result<string>>;
  /**
   * A TensorFlow.js layers model as a weights file's text: model.json's text and the weights files it
   * names (picked with it, by name). The file then opens as any weights file does.
   */
  importTfjs(modelJson: string, weights: { name: string; bytes: Uint8Array }[]): Promise<Result<string>>;
  /** Checks a weights file and says what is in it. */
  inspectWeights(text: string): Promise<Result<WeightsSummary>>;
  /** A project file (text) from the app's state plus the run's weights and history, if any. */
  exportProject(project: ProjectRequest): Promise<Result<string>>;
  /** Checks a project file and returns its contents. */
  importProject(text: string): Promise<Result<ProjectFile>>;
  checkpoint(): Promise<Result<Checkpoint>>;
  /** Continues a run from a checkpoint (after the same `createRun`). */
  restore(checkpoint: Checkpoint): Promise<Result<RunStatus>>;

  /**
   * Trains the network once for every combination of one or two settings' values, on the loaded data,
   * in worker threads beside the engine (small runs side by side, large ones one after another on two
   * cores). Refused while a run trains; training is refused while a sweep runs.
   */
  startSweep(request: SweepRequest): Promise<Result<SweepStatus>>;
  sweepStatus(): Promise<Result<SweepStatus>>;
  /** Stops the sweep: runs under way end, finished ones stay. */
  stopSweep(): Promise<Result<SweepStatus>>;
  /** A finished run of the current sweep (done or failed). */
  sweepRun(index: number): Promise<Result<SweepRunResult>>;

  // Inside backprop. None of these changes the run: each works on a float64 copy of its weights.
  /** One training step of the run's model on up to 8 rows, event by event (≤ 64 neurons in dense layers). */
  explainStep(request: ExplainStepRequest): Promise<Result<StepTrace>>;
  /** Backprop, the naive forward-order chain rule and finite differences on the run's weights (one row by default). */
  compareGradients(request?: CompareGradientsRequest): Promise<Result<MethodComparison>>;
  /** The three methods' multiply-adds and times on MLPs of growing depth (no run needed). */
  costCurve(request?: CostCurveRequest): Promise<Result<CostPoint[]>>;
  /** Finite differences against backprop per layer, on sampled parameters of any network. */
  gradientCheck(request?: GradientCheckRequest): Promise<Result<GradientCheckReport>>;
}
