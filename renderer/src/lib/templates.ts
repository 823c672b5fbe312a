/** Networks to start from; the head fits the data (one unit per class with softmax, or one linear unit). */
import { buildMlp, denseNode } from '../../../engine/graph/builders.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';

/** Their labels and hints are `templates.<name>.*` in the catalogue. */
export const TEMPLATES = [{ name: 'logistic' }, { name: 'mlp' }, { name: 'skip' }] as const;

export type TemplateName = (typeof TEMPLATES)[number]['name'];

export function templateGraph(
  name: TemplateName,
  outputs: number,
  task: 'classification' | 'regression',
): GraphSpec {
  const head = task === 'classification' ? 'softmax' : 'linear';
  if (name === 'logistic') return buildMlp({ inputs: 0, hidden: [], outputs, head });
  if (name === 'mlp') return buildMlp({ inputs: 0, hidden: [8, 8], outputs, activation: 'tanh', head });
  const d = denseNode;
  return {
    nodes: [
      { id: 'input', type: 'input', inputs: [], units: 0 },
      d('dense1', 'input', 8, 'tanh'),
      d('dense2', 'dense1', 8, 'tanh'),
      { id: 'add1', type: 'add', inputs: ['dense1', 'dense2'] },
      d('dense3', 'add1', outputs, head),
      {
        id: 'output',
        type: 'output',
        inputs: ['dense3'],
        loss: task === 'classification' ? 'categorical_crossentropy' : 'mse',
      },
    ],
  };
}
