/**
 * A run as files and back: the current run as a weights file, the project (with the run's weights and
 * history, if any) as a project file; the weights a new run starts from, and a saved run's epochs put
 * back into it.
 */
import type { ProjectRequest } from '../api.ts';
import { EngineError, fail } from '../errors.ts';
import { createProject, parseProject, projectParameters, serializeProject } from '../formats/project-file.ts';
import { exportWeights, loadWeights, serializeWeights, trainingSummary } from '../formats/weights-file.ts';
import { EXPORT_FORMATS, exportStem, isExportFormat } from '../formats/exports.ts';
import { formatKerasSummary, kerasSummary } from '../formats/keras-summary.ts';
import type { ExportFile, ExportFormat } from '../formats/exports.ts';
import type { FloatArray } from '../kernels/matmul.ts';
import type { MetricsStore } from '../metrics/store.ts';
import { layerWeights } from '../model/model.ts';
import type { Run } from '../train/run-setup.ts';
import type { TrainingConfig } from '../train/config.ts';
import type { EpochMetrics, Trainer } from '../train/trainer.ts';
import { historyColumns, restoredEpochs } from './project.ts';

/** The run's trained parameters by node id. */
const parameters = (r: Run) => layerWeights(r.trainer.model);

/**
 * The run as a weights file, with its last epoch's finite metrics (the best epoch's, and its number, when early
 * stopping put its weights back); `name` (if a string) is cut to 200 characters.
 */
export function weightsText(r: Run, name: unknown, best?: { epoch: number; params: FloatArray }): string {
  const t = r.trainer;
  const training = best
    ? trainingSummary(t.history.slice(0, best.epoch), t.history[best.epoch - 1] ?? null)
    : trainingSummary(t.history, t.restoredBest ? t.bestEpochMetrics() : null);
  training.epochs = best ? best.epoch : t.epoch;
  // The best epoch's weights are put in the model for the moment it takes to read them, then the
  // weights it trained to are put back (nothing trains in between: this runs in one stretch).
  // The layers' weights are views of the model's parameters: the file is written before they go back.
  const now = best ? t.model.params.slice() : null;
  if (best) t.model.params.set(best.params);
  try {
    const file = exportWeights({
      graph: r.graph,
      parameters: parameters(r),
      preprocessing: r.prepared.preprocessing,
      metadata: { ...(typeof name === 'string' && name ? { name: name.slice(0, 200) } : {}), training },
    });
    return serializeWeights(file);
  } finally {
    if (now) t.model.params.set(now);
  }
}

/**
 * The run exported in one of the export formats (`format` is checked: it comes from another process):
 * its files, the main one first, named from `name`'s stem; the run's training settings go with it for
 * the formats that write a training loop.
 */
export function exportFiles(
  r: Run & { request: { training: TrainingConfig } },
  format: unknown,
  name: unknown,
): ExportFile[] {
  if (!isExportFormat(format))
    fail('BAD_REQUEST', 'request.unknownExportFormat', { format: String(format).slice(0, 40) });
  const text = typeof name === 'string' ? name : undefined;
  const loaded = loadWeights(weightsText(r, text));
  const writer: ExportFormat = EXPORT_FORMATS[format];
  return writer.write(loaded, { stem: exportStem(text), training: r.request.training });
}

/** The run's network as Keras's `model.summary()` prints its TensorFlow.js export. */
export function modelSummaryText(r: Run): string {
  return formatKerasSummary(kerasSummary(loadWeights(weightsText(r, undefined))));
}

/**
 * The project as a file: with the run's weights and training history when there is a run, it was made
 * from this graph (`withRun`, default true) and its weights fit the graph; otherwise without them. A
 * project can always be saved: a network being drawn saves as it is, and weights that no longer fit it
 * are left out rather than failing the save.
 */
export function projectText(p: ProjectRequest, r: Run | null): string {
  const { withRun = true, ...project } = p;
  if (r && withRun) {
    try {
      return serializeProject(
        createProject({
          ...project,
          weights: { parameters: parameters(r), preprocessing: r.prepared.preprocessing },
          history: historyColumns(r.trainer.history),
        }),
      );
    } catch (e) {
      // Weights of another shape, or a graph that no longer compiles: save the rest.
      if (!(e instanceof EngineError)) throw e;
    }
  }
  return serializeProject(createProject(project));
}

/**
 * Puts a saved run's epochs back into a new run on the saved weights: the trainer counts them, the
 * metrics store shows them. The run is done if it had reached its epochs or stopped early, else paused
 * part-way (early stopping and a plateau schedule pick up where they were).
 */
export function resumeFrom(trainer: Trainer, store: MetricsStore, epochs: EpochMetrics[]): 'done' | 'paused' {
  trainer.resumeHistory(epochs);
  for (const e of epochs) store.recordEpoch(e);
  return trainer.status === 'done' ? 'done' : 'paused';
}

/**
 * Weights to start a run from: a weights file, or a project file that holds trained weights (a
 * reopened project continues where it was saved).
 */
export function loadInit(text: string) {
  if (!/"format"\s*:\s*"backprop-studio\/project"/.test(text.slice(0, 4096))) return loadWeights(text);
  const p = parseProject(text);
  const parameters = projectParameters(p);
  if (!p.weights || !parameters) fail('BAD_FILE', 'request.noWeights');
  return {
    graph: { nodes: p.graph.nodes },
    preprocessing: p.weights.preprocessing,
    parameters,
    history: p.history ? restoredEpochs(p.history) : [],
  };
}
