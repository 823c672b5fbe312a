/**
 * One run of a sweep, as `train` makes it: the same setup (engine/train/run-setup.ts), the same fit and
 * the same weights file, so a sweep's run and `train` with the same settings give the same weights.
 */
import type { DataTable, Task } from '../data/types.ts';
import { EngineError } from '../errors.ts';
import { serializeWeights } from '../formats/weights-file.ts';
import type { GraphSpec } from '../graph/types.ts';
import { formatError } from '../i18n.ts';
import type { Lang } from '../i18n.ts';
import type { ThreadOptions } from '../kernels/wasm/pool.ts';
import type { TrainingConfig } from '../train/config.ts';
import type { ColumnMapping } from '../train/run-setup.ts';
import { setupRun } from '../train/run-setup.ts';
import { trainedWeightsFile } from '../train/trained-weights.ts';
import type { EpochMetrics } from '../train/trainer.ts';

/** What a worker is sent for one run (structured-cloneable). */
export interface RunJob {
  index: number;
  table: DataTable;
  mapping: ColumnMapping;
  graph: GraphSpec;
  training: TrainingConfig;
  /** Share the run's largest products with a helper thread (a large run, in a process that has threads). */
  twoCores: boolean;
  lang: Lang;
}

/** What comes back: the weights file's text, the history and how long the fit took. */
export interface RunResult {
  index: number;
  weights: string;
  history: EpochMetrics[];
  task: Task;
  seconds: number;
  /** The epoch whose weights the file holds: the last, or the best one early stopping put back. */
  weightsEpoch: number;
  /** Why the run stopped early (a non-finite loss, gradient or weight), in the sweep's language. */
  failure: string | null;
}

/** The host's clock in ms (every host the engine runs in has `performance`). */
const clock = () => (globalThis as unknown as { performance: { now(): number } }).performance.now();

export function runOne(
  job: RunJob,
  threads: ThreadOptions | null,
  onEpoch?: (m: EpochMetrics) => void,
): RunResult {
  const { trainer, graph, prepared } = setupRun({
    table: job.table,
    mapping: job.mapping,
    graph: job.graph,
    training: job.training,
    init: null,
    threads: job.twoCores ? threads : null,
  });
  const started = clock();
  let failure: string | null = null;
  try {
    trainer.fit(onEpoch);
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    failure = formatError(e, job.lang);
  }
  const seconds = (clock() - started) / 1000;
  trainer.dispose();
  const best = trainer.restoredBest ? trainer.bestEpochMetrics() : null;
  const weights = serializeWeights(trainedWeightsFile(trainer, graph, prepared.preprocessing));
  return {
    index: job.index,
    weights,
    history: trainer.history,
    task: prepared.preprocessing.target.task,
    seconds,
    weightsEpoch: best?.epoch ?? trainer.history.length,
    failure,
  };
}
