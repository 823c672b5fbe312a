/** A trained network as a weights file, with how its training went. */
import type { Preprocessing } from '../data/types.ts';
import { CREATED_BY, exportWeights, trainingSummary } from '../formats/weights-file.ts';
import type { WeightsFile, WeightsMetadata } from '../formats/weights-file.ts';
import type { GraphSpec } from '../graph/types.ts';
import { layerWeights } from '../model/model.ts';
import type { EpochMetrics, Trainer } from './trainer.ts';

/**
 * What a weights file records about how it was made: the last epoch's metrics, or with `best` (the
 * epoch whose weights early stopping put back) that epoch's, and its number.
 */
export function weightsMetadata(history: EpochMetrics[], best?: EpochMetrics | null): WeightsMetadata {
  return {
    createdBy: CREATED_BY,
    createdAt: new Date().toISOString(),
    training: trainingSummary(history, best),
  };
}

/**
 * The trainer's network as a weights file: its weights now, and how training went (the best epoch's
 * metrics when early stopping put that epoch's weights back).
 */
export function trainedWeightsFile(
  trainer: Trainer,
  graph: GraphSpec,
  preprocessing: Preprocessing,
): WeightsFile {
  return exportWeights({
    graph,
    parameters: layerWeights(trainer.model),
    preprocessing,
    metadata: weightsMetadata(trainer.history, trainer.restoredBest ? trainer.bestEpochMetrics() : null),
  });
}
