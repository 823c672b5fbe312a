import { describe, expect, it } from 'vitest';
import { listBuiltins } from '../../engine/data/builtin.ts';
import { DataState } from '../../renderer/src/state/data.svelte.ts';
import { bytes, createService } from './helpers.ts';

const CSV = [
  'x1,x2,n,kind',
  '0.5,1.5,1,red',
  '1.5,2.5,2,blue',
  '2.5,0.5,1,green',
  '3.5,1,2,red',
  '4.5,2,1,blue',
  '5.5,3,2,green',
].join('\n');

/** Row 3 (the header is row 1) has one field too few. */
const RAGGED = 'a,b,c\n1,2,3\n4,5\n6,7,8\n';

function setup() {
  const service = createService();
  return { service, data: new DataState(() => service) };
}

describe('DataState: built-in data sets', () => {
  it('init lists the built-ins', async () => {
    const { data } = setup();
    await data.init();
    expect(data.builtins).toEqual(listBuiltins());
    expect(data.builtins.map((b) => b.name)).toEqual([
      'circle',
      'xor',
      'gaussian',
      'spirals',
      'plane',
      'gaussians',
      'iris',
    ]);
  });

  // [name, rows (the default samples), header, target, task, classes, features]
  const sets: [string, number, string[], string, 'classification' | 'regression', string[], number][] = [
    ['spirals', 500, ['x1', 'x2', 'label'], 'label', 'classification', ['0', '1'], 2],
    ['plane', 1200, ['x1', 'x2', 'y'], 'y', 'regression', [], 2],
    [
      'iris',
      150,
      ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'],
      'species',
      'classification',
      ['setosa', 'versicolor', 'virginica'],
      4,
    ],
  ];
  it.each(sets)(
    'loading %s sets the summary, target and target info, and bumps the revision',
    async (name, rows, header, target, task, classes, features) => {
      const { data } = setup();
      await data.init();
      const revision = data.revision;
      expect(await data.loadBuiltin(name)).toBe(true);
      expect(data.loading).toBe(false);
      expect(data.error).toBeNull();
      expect(data.name).toBe(name);
      expect(data.samples).toBe(rows);
      expect(data.source).toEqual({ kind: 'builtin', name, samples: rows, noise: 0, seed: 1 });
      expect(data.summary).toMatchObject({ name, rows, header, target, task, problem: null });
      expect(data.summary!.planar).toBe(features === 2);
      expect(data.target).toBe(target);
      expect(data.task).toBe('auto');
      expect(data.targetInfo).toEqual({
        target,
        task,
        outputs: task === 'classification' ? classes.length : 1,
        classes,
        features,
      });
      expect(data.revision).toBeGreaterThan(revision);
    },
  );

  it('counts the classes of iris: 50 each', async () => {
    const { data } = setup();
    await data.load({ kind: 'builtin', name: 'iris' });
    expect(data.summary!.classes).toEqual([
      { label: 'setosa', count: 50 },
      { label: 'versicolor', count: 50 },
      { label: 'virginica', count: 50 },
    ]);
  });

  it('regenerate reads the same set again with the new noise and sample count', async () => {
    const { data } = setup();
    await data.init();
    await data.loadBuiltin('xor');
    const first = data.summary!;
    const revision = data.revision;
    data.noise = 0.3;
    data.samples = 120;
    await data.regenerate();
    expect(data.source).toEqual({ kind: 'builtin', name: 'xor', samples: 120, noise: 0.3, seed: 1 });
    expect(data.summary!.rows).toBe(120);
    expect(data.summary!.preview).not.toEqual(first.preview);
    expect(data.revision).toBeGreaterThan(revision);
  });

  it('an unknown built-in sets the error and keeps the loaded set', async () => {
    const { data } = setup();
    await data.loadBuiltin('circle');
    const { summary, source, targetInfo } = data;
    expect(await data.loadBuiltin('moons')).toBe(false);
    expect(data.error).toMatchObject({ code: 'UNKNOWN_DATASET' });
    expect(data.summary).toBe(summary);
    expect(data.source).toBe(source);
    expect(data.targetInfo).toBe(targetInfo);
  });

  it('is loading while the engine reads', async () => {
    const { data } = setup();
    const pending = data.loadBuiltin('circle');
    expect(data.loading).toBe(true);
    await pending;
    expect(data.loading).toBe(false);
  });
});

describe('DataState: CSV files', () => {
  it('reads a CSV: the last column is the target', async () => {
    const { data } = setup();
    expect(await data.loadFile('colours.csv', bytes(CSV))).toBe(true);
    expect(data.source).toMatchObject({ kind: 'csv', name: 'colours.csv' });
    expect(data.name).toBe('colours.csv');
    expect(data.summary).toMatchObject({ rows: 6, header: ['x1', 'x2', 'n', 'kind'], target: 'kind' });
    expect(data.summary!.planar).toBe(false);
    // Features x1, x2, n; classes in text order.
    expect(data.targetInfo).toEqual({
      target: 'kind',
      task: 'classification',
      outputs: 3,
      classes: ['blue', 'green', 'red'],
      features: 3,
    });
  });

  it('a ragged row sets the error naming the row and keeps the previous data set', async () => {
    const { service, data } = setup();
    await data.loadFile('colours.csv', bytes(CSV));
    const { summary, source, targetInfo, revision, target } = data;
    expect(await data.loadFile('broken.csv', bytes(RAGGED))).toBe(false);
    expect(data.error).toEqual({
      code: 'CSV_RAGGED',
      key: 'csv.ragged',
      params: { row: 3, fields: 2, expected: 3 },
      message: 'Line 3 has 2 fields; the header has 3.',
      row: 3,
    });
    expect(data.loading).toBe(false);
    expect(data.summary).toBe(summary);
    expect(data.source).toBe(source);
    expect(data.targetInfo).toBe(targetInfo);
    expect(data.target).toBe(target);
    expect(data.revision).toBe(revision);
    // The engine kept the old table too.
    const r = await service.describeTarget(data.mapping());
    expect(r).toEqual({ ok: true, value: targetInfo });
    // The next good file clears the error.
    expect(await data.loadFile('colours.csv', bytes(CSV))).toBe(true);
    expect(data.error).toBeNull();
  });

  it('an empty file is refused', async () => {
    const { data } = setup();
    expect(await data.loadFile('empty.csv', bytes('  \n'))).toBe(false);
    expect(data.error).toMatchObject({ code: 'CSV_EMPTY' });
    expect(data.summary).toBeNull();
    expect(data.source).toBeNull();
  });
});

describe('DataState: target and task', () => {
  it('mapping() has the target and task only when chosen', () => {
    const { data } = setup();
    expect(data.mapping()).toEqual({ missing: 'drop', normalize: 'standard' });
    data.target = 'n';
    data.task = 'regression';
    data.missing = 'impute';
    data.normalize = 'none';
    expect(data.mapping()).toEqual({ target: 'n', task: 'regression', missing: 'impute', normalize: 'none' });
  });

  // After loading CSV: [target, task, what describe() says]; x1, x2 are numeric and kind one-hot (3 columns).
  const cases: [string, 'auto' | 'classification' | 'regression', object][] = [
    // n holds the integers 1 and 2, each three times: classes.
    ['n', 'auto', { target: 'n', task: 'classification', outputs: 2, classes: ['1', '2'], features: 2 + 3 }],
    ['n', 'regression', { target: 'n', task: 'regression', outputs: 1, classes: [], features: 5 }],
    ['x1', 'auto', { target: 'x1', task: 'regression', outputs: 1, classes: [], features: 1 + 1 + 3 }],
    [
      'x2',
      'classification',
      {
        target: 'x2',
        task: 'classification',
        outputs: 6,
        classes: ['0.5', '1', '1.5', '2', '2.5', '3'],
        features: 5,
      },
    ],
  ];
  it.each(cases)('target %s, task %s: describe() re-describes', async (target, task, info) => {
    const { data } = setup();
    await data.loadFile('colours.csv', bytes(CSV));
    const revision = data.revision;
    data.target = target;
    data.task = task;
    await data.describe();
    expect(data.targetInfo).toEqual(info);
    expect(data.error).toBeNull();
    expect(data.revision).toBe(revision + 1);
  });

  it('a target that cannot be used sets the error and clears the target info; a good one clears the error', async () => {
    const { data } = setup();
    await data.loadFile('colours.csv', bytes(CSV));
    data.task = 'regression';
    await data.describe();
    expect(data.targetInfo).toBeNull();
    expect(data.error).toMatchObject({ code: 'BAD_TARGET', column: 'kind' });
    data.task = 'auto';
    await data.describe();
    expect(data.error).toBeNull();
    expect(data.targetInfo).toMatchObject({ target: 'kind', outputs: 3 });
  });

  it('loading new data resets the target to its last column and the task to auto', async () => {
    const { data } = setup();
    await data.loadFile('colours.csv', bytes(CSV));
    data.target = 'x1';
    data.task = 'regression';
    await data.describe();
    await data.loadBuiltin('circle');
    expect(data.target).toBe('label');
    expect(data.task).toBe('auto');
    expect(data.targetInfo).toMatchObject({ target: 'label', task: 'classification', outputs: 2 });
  });

  it('describe() before any data says so', async () => {
    const { data } = setup();
    await data.describe();
    expect(data.targetInfo).toBeNull();
    expect(data.error).toMatchObject({ code: 'NO_DATA_LOADED' });
  });
});
