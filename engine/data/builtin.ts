/**
 * Built-in data sets, each a RowTable so it takes the same path as a user's CSV: the six 2-D shapes
 * of TensorFlow Playground (columns x1, x2 and `label` with classes "0"/"1", or `y` for regression),
 * generated from a seed, and Fisher's iris.
 */
import { fail } from '../errors.ts';
import { createRng } from '../rng.ts';
import { IRIS_CSV } from './builtin/iris.ts';
import { circle, gaussians, plane, spirals, twoGaussians, xor } from './builtin/shapes.ts';
import type { Point } from './builtin/shapes.ts';
import type { Rng } from '../rng.ts';
import { parseCsv } from './csv.ts';
import type { RowTable, Task } from './types.ts';

/** Generator options: `noise` is a fraction in [0, 0.5] as in Playground (its slider divided by 100). */
export interface BuiltinOptions {
  samples: number;
  noise: number;
  seed: number;
}

/** What the data picker shows about a built-in set. */
export interface BuiltinInfo {
  name: string;
  description: string;
  task: Task;
  /** Default options; iris ignores them (it is fixed data). */
  defaults: BuiltinOptions;
}

type Shape = (rng: Rng, samples: number, noise: number) => Point[];

const CLASSIFY = { samples: 500, noise: 0, seed: 1 };
const REGRESS = { samples: 1200, noise: 0, seed: 1 };

const SHAPES: readonly (BuiltinInfo & { make: Shape })[] = [
  {
    name: 'circle',
    description: 'A disc of class 1 inside a ring of class 0.',
    task: 'classification',
    defaults: CLASSIFY,
    make: circle,
  },
  {
    name: 'xor',
    description: 'Class 1 in the first and third quadrants, class 0 in the others.',
    task: 'classification',
    defaults: CLASSIFY,
    make: xor,
  },
  {
    name: 'gaussian',
    description: 'Two gaussian clusters, one per class.',
    task: 'classification',
    defaults: CLASSIFY,
    make: twoGaussians,
  },
  {
    name: 'spirals',
    description: 'Two interleaved spirals, one per class.',
    task: 'classification',
    defaults: CLASSIFY,
    make: spirals,
  },
  {
    name: 'plane',
    description: 'Regression: y = (x1 + x2) / 10.',
    task: 'regression',
    defaults: REGRESS,
    make: plane,
  },
  {
    name: 'gaussians',
    description: 'Regression: six cones of height +1 or −1.',
    task: 'regression',
    defaults: REGRESS,
    make: gaussians,
  },
];

const IRIS: BuiltinInfo = {
  name: 'iris',
  description: "Fisher's iris flowers: 4 measurements, 3 species, 150 rows.",
  task: 'classification',
  defaults: { samples: 150, noise: 0, seed: 1 },
};

/** Every built-in data set, in the order the picker lists them. */
export function listBuiltins(): BuiltinInfo[] {
  return [...SHAPES, IRIS].map(({ name, description, task, defaults }) => ({
    name,
    description,
    task,
    defaults: { ...defaults },
  }));
}

/**
 * A built-in data set as a RowTable; missing options take the defaults. Throws UNKNOWN_DATASET for a
 * bad name and BAD_HYPERPARAMETER for samples outside 1..100000 or noise outside [0, 0.5].
 */
export function loadBuiltin(name: string, options: Partial<BuiltinOptions> = {}): RowTable {
  if (name === IRIS.name) return parseCsv(IRIS_CSV);
  const shape = SHAPES.find((s) => s.name === name);
  if (!shape) {
    fail('UNKNOWN_DATASET', 'data.unknownDataset', { name, names: listBuiltins().map((b) => b.name) });
  }
  const { samples, noise, seed } = { ...shape.defaults, ...options };
  if (!Number.isInteger(samples) || samples < 1 || samples > 100000) {
    fail('BAD_HYPERPARAMETER', 'data.samplesRange', { value: String(samples) });
  }
  if (!(noise >= 0 && noise <= 0.5)) fail('BAD_HYPERPARAMETER', 'data.noiseRange', { value: String(noise) });
  const points = shape.make(createRng(seed), samples, noise);
  return {
    columns: ['x1', 'x2', shape.task === 'classification' ? 'label' : 'y'],
    rows: points.map((p) => [String(p.x), String(p.y), String(p.label)]),
  };
}
