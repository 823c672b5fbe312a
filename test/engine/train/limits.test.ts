/**
 * One table of training limits: what the engine trains with is what a project file may hold, at every
 * boundary; and the settings' L2 penalty reaches every dense layer without a penalty of its own.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../../engine/data/builtin.ts';
import { trainingSchema } from '../../../engine/formats/schema-project.ts';
import { DEFAULT_TRAINING, TRAINING_LIMITS } from '../../../engine/train/config.ts';
import type { TrainingConfig } from '../../../engine/train/config.ts';
import { setupRun } from '../../../engine/train/run-setup.ts';
import { validateTrainingConfig } from '../../../engine/train/validate.ts';
import { buildMlp } from '../../../engine/graph/builders.ts';

const engineTakes = (c: TrainingConfig) => {
  try {
    validateTrainingConfig(c);
    return true;
  } catch {
    return false;
  }
};
const fileTakes = (c: TrainingConfig) => trainingSchema.safeParse(c).success;

const L = TRAINING_LIMITS;
const cases: [string, Partial<TrainingConfig>][] = [
  ['batch size at its limit', { batchSize: L.batchSize }],
  ['batch size past it', { batchSize: L.batchSize + 1 }],
  ['batch size 0', { batchSize: 0 }],
  ['epochs at the limit', { epochs: L.epochs }],
  ['epochs past it', { epochs: L.epochs + 1 }],
  ['validation split at the limit', { validationSplit: L.validationSplit }],
  ['validation split past it', { validationSplit: L.validationSplit + 0.01 }],
  ['validation split 0', { validationSplit: 0 }],
  ['seed at the limit', { seed: L.seed }],
  ['seed past it', { seed: L.seed + 1 }],
  ['negative seed', { seed: -1 }],
  ['learning rate at the limit', { optimizer: { name: 'adam', learningRate: L.learningRate } }],
  ['learning rate past it', { optimizer: { name: 'adam', learningRate: L.learningRate * 1.01 } }],
  ['an L2 penalty', { l2: 0.001 }],
  ['a negative L2 penalty', { l2: -0.001 }],
];

describe('training limits', () => {
  it.each(cases)('the engine and the project file agree: %s', (_name, change) => {
    const c = { ...DEFAULT_TRAINING, ...change };
    expect(fileTakes(c)).toBe(engineTakes(c));
  });

  it('are the ones the engine names in its messages', () => {
    expect(() => validateTrainingConfig({ ...DEFAULT_TRAINING, batchSize: L.batchSize + 1 })).toThrow(
      String(L.batchSize),
    );
  });
});

describe("the settings' L2 penalty", () => {
  it('applies to every dense layer without a penalty of its own, and not to one with', () => {
    const graph = buildMlp({ inputs: 0, hidden: [8, 8], outputs: 2, head: 'softmax' });
    const own = {
      ...graph,
      nodes: graph.nodes.map((n) => (n.id === 'dense2' && n.type === 'dense' ? { ...n, l1: 0.5 } : n)),
    };
    const run = setupRun({
      table: loadBuiltin('xor', { samples: 40 }),
      mapping: {},
      graph: own,
      training: { ...DEFAULT_TRAINING, l2: 0.01 },
    });
    const penalties = run.graph.nodes.flatMap((n) =>
      n.type === 'dense' ? [[n.id, n.l1 ?? 0, n.l2 ?? 0]] : [],
    );
    expect(penalties).toEqual([
      ['dense1', 0, 0.01],
      ['dense2', 0.5, 0],
      ['dense3', 0, 0.01],
    ]);
    expect(run.trainer.model.layers.map((l) => l.l2)).toEqual([0.01, 0, 0.01]);
  });
});
