import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LARGE_RUN_MULTIPLY_ADDS } from '../../engine/cli/commands/sweep.ts';
import {
  MAX_RUNS,
  outputLayers,
  parseGrid,
  parseSetting,
  runFileName,
  runGraph,
  runTraining,
} from '../../engine/cli/sweep/grid.ts';
import { UsageError } from '../../engine/cli/io.ts';
import { english } from '../../engine/cli/i18n.ts';
import { createProject, serializeProject } from '../../engine/formats/project-file.ts';
import { loadWeights } from '../../engine/formats/weights-file.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import type { GraphSpec } from '../../engine/graph/types.ts';
import { DEFAULT_TRAINING } from '../../engine/train/config.ts';
import { run, runAsync, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** The message a UsageError thrown by `fn` prints, in English. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return english(e.key, e.params);
    throw e;
  }
  throw new Error('not refused');
}

const CSV = [
  'size,colour,price_band',
  ...Array.from({ length: 80 }, (_, i) => {
    const size = ((i * 37) % 100) / 10;
    const colour = ['red', 'green', 'blue'][i % 3];
    const band = size + (colour === 'red' ? 3 : 0) > 6 ? 'high' : 'low';
    return `${size},${colour},${band}`;
  }),
].join('\n');
writeFileSync(tmp.path('shop.csv'), CSV);

/** A project: a small network with a dropout block, its data and settings. */
function writeProject(name: string): string {
  const graph: GraphSpec = {
    nodes: [
      { id: 'input', type: 'input', inputs: [], units: 0 },
      {
        id: 'hidden',
        type: 'dense',
        inputs: ['input'],
        units: 6,
        activation: 'tanh',
        useBias: true,
        kernelInitializer: 'glorot_uniform',
      },
      { id: 'drop', type: 'dropout', inputs: ['hidden'], rate: 0.1 },
      {
        id: 'head',
        type: 'dense',
        inputs: ['drop'],
        units: 1,
        activation: 'sigmoid',
        useBias: true,
        kernelInitializer: 'glorot_uniform',
      },
      { id: 'output', type: 'output', inputs: ['head'], loss: 'binary_crossentropy' },
    ],
  };
  const project = createProject({
    name: 'xor sweep',
    graph,
    data: {
      source: { kind: 'builtin', name: 'xor', samples: 120, noise: 0, seed: 5 },
      missing: 'drop',
      normalize: 'standard',
    },
    training: {
      optimizer: { name: 'adam', learningRate: 0.03 },
      batchSize: 16,
      epochs: 15,
      validationSplit: 0.25,
      shuffle: true,
      seed: 9,
    },
  });
  const path = tmp.path(name);
  writeFileSync(path, serializeProject(project));
  return path;
}

/** The parameters of a weights file, as plain arrays by node. */
function parameters(path: string): Record<string, { kernel: number[]; bias: number[] | null }> {
  const w = loadWeights(readFileSync(path, 'utf8'));
  return Object.fromEntries(
    [...w.parameters].map(([id, p]) => [id, { kernel: [...p.kernel], bias: p.bias ? [...p.bias] : null }]),
  );
}

const csvRows = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));

describe('--set', () => {
  it('reads lists, log-spaced and linear ranges', () => {
    expect(parseSetting('lr=0.001, 0.01,0.1')).toEqual({ name: 'lr', values: [0.001, 0.01, 0.1] });
    expect(parseSetting('lr=log:1e-4:1e-1:4').values).toEqual([0.0001, 0.001, 0.01, 0.1]);
    expect(parseSetting('l2=log:0.001:1:2').values).toEqual([0.001, 1]);
    expect(parseSetting('batch=range:16:64:16').values).toEqual([16, 32, 48, 64]);
    expect(parseSetting('batch=range:16:70:16').values).toEqual([16, 32, 48, 64]);
    expect(parseSetting('batch=log:16:256:5').values).toEqual([16, 32, 64, 128, 256]);
    expect(parseSetting('seed=1,2,3').values).toEqual([1, 2, 3]);
    expect(parseSetting('width=8,16')).toEqual({ name: 'width', values: [8, 16] });
    expect(parseSetting('width=dense1:8,16')).toEqual({ name: 'width', node: 'dense1', values: [8, 16] });
    expect(parseSetting('width=dense1:range:4:12:4')).toEqual({
      name: 'width',
      node: 'dense1',
      values: [4, 8, 12],
    });
    expect(parseSetting('dropout=drop:0,0.25,0.5')).toEqual({
      name: 'dropout',
      node: 'drop',
      values: [0, 0.25, 0.5],
    });
  });

  it('the grid is the product, the first setting varying slowest', () => {
    const { settings, points } = parseGrid(['lr=0.01,0.1', 'batch=16,32,64']);
    expect(settings.map((s) => s.name)).toEqual(['lr', 'batch']);
    expect(points.map((p) => p.values)).toEqual([
      [0.01, 16],
      [0.01, 32],
      [0.01, 64],
      [0.1, 16],
      [0.1, 32],
      [0.1, 64],
    ]);
    expect(points.map((p) => p.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(runFileName(settings, points[3]!, points.length)).toBe('run-4-lr0.1-batch16.weights.json');
    const twelve = parseGrid(['seed=range:1:12:1']);
    expect(runFileName(twelve.settings, twelve.points[2]!, 12)).toBe('run-03-seed3.weights.json');
    expect(parseGrid([`seed=range:1:${MAX_RUNS}:1`]).points).toHaveLength(MAX_RUNS);
  });

  it.each([
    [['lr'], /--set takes NAME=VALUES/],
    [['=1,2'], /--set takes NAME=VALUES/],
    [['momentum=0.9'], /unknown setting "momentum"; settings: lr, batch, width, l2, dropout, seed/],
    [['lr='], /--set lr: no values/],
    [['lr=,'], /--set lr: no values/],
    [['lr=0.1,abc'], /"abc" is not a number/],
    [['batch=16.5'], /"16.5" is not a number/],
    [['lr=0,0.1'], /--set lr: 0 is out of range \(above 0, at most 10\)/],
    [['lr=11'], /out of range/],
    [['dropout=1'], /--set dropout: 1 is out of range \(0 to below 1\)/],
    [['batch=0'], /--set batch: 0 is out of range \(whole numbers from 1 to 65536\)/],
    [['width=20000'], /out of range/],
    [['lr=0.1,0.1'], /--set lr: 0.1 appears twice/],
    [['batch=log:1:2:4'], /--set batch: 1 appears twice/],
    [['batch=range:64:16:16'], /range:FROM:TO:STEP takes whole numbers, TO at least FROM/],
    [['batch=range:16:64:0'], /range:FROM:TO:STEP/],
    [['batch=range:16:64'], /range:FROM:TO:STEP/],
    [['batch=range:1.5:64:1'], /"1.5" is not a number/],
    [['lr=range:1:3:1'], /range: is for whole-number settings/],
    [['lr=log:0:1:3'], /log:FROM:TO:COUNT takes FROM above 0/],
    [['lr=log:0.1:0.01:3'], /log:FROM:TO:COUNT/],
    [['lr=log:0.001:0.1:1'], /log:FROM:TO:COUNT/],
    [['lr=log:0.001:0.1'], /log:FROM:TO:COUNT/],
    [['lr=dense1:0.1'], /--set lr applies to the whole network/],
    [['width=:8'], /--set takes NAME=VALUES/],
    [[], /give one or two settings to sweep/],
    [['lr=0.1', 'batch=16', 'seed=1'], /--set is given 3 times; a sweep takes at most 2 settings/],
    [['lr=0.1,0.2', 'lr=0.3'], /--set lr is given twice/],
    [['seed=range:1:300:1'], /the grid has 300 runs; a sweep makes at most 256/],
    [['lr=log:1e-4:1:20', 'batch=range:1:20:1'], /the grid has 400 runs; a sweep makes at most 256/],
    [['seed=range:0:4294967295:1'], /the grid has 4294967296 runs/],
  ])('refuses %j', (args, message) => {
    expect(refusal(() => parseGrid(args))).toMatch(message);
  });

  it('width changes every hidden dense layer, or the one named; dropout every dropout block', () => {
    const mlp = buildMlp({ inputs: 3, hidden: [8, 4], outputs: 2, activation: 'relu', head: 'softmax' });
    expect([...outputLayers(mlp)]).toEqual(['dense3']);
    const units = (g: GraphSpec) => g.nodes.flatMap((n) => (n.type === 'dense' ? [n.units] : []));
    const all = parseGrid(['width=16,32']);
    expect(units(runGraph(mlp, all.settings, all.points[1]!))).toEqual([32, 32, 2]);
    const one = parseGrid(['width=dense2:16']);
    expect(units(runGraph(mlp, one.settings, one.points[0]!))).toEqual([8, 16, 2]);
    expect(refusal(() => runGraph(mlp, parseGrid(['width=dense9:4']).settings, one.points[0]!))).toMatch(
      /no dense layer "dense9"/,
    );
    expect(refusal(() => runGraph(mlp, parseGrid(['width=output:4']).settings, one.points[0]!))).toMatch(
      /no dense layer "output"/,
    );
    expect(refusal(() => runGraph(mlp, parseGrid(['dropout=0.2']).settings, one.points[0]!))).toMatch(
      /no dropout block/,
    );
    const linear = buildMlp({ inputs: 3, hidden: [], outputs: 1, head: 'linear' });
    expect(refusal(() => runGraph(linear, all.settings, all.points[0]!))).toMatch(/no hidden dense layer/);
    // Through an activation, a dropout and an add block, the output still reads the last dense layers.
    const branched: GraphSpec = {
      nodes: [
        ...mlp.nodes.filter((n) => n.type !== 'output' && n.id !== 'dense3'),
        { ...(mlp.nodes.find((n) => n.id === 'dense3') as object), id: 'a' } as GraphSpec['nodes'][number],
        { ...(mlp.nodes.find((n) => n.id === 'dense3') as object), id: 'b' } as GraphSpec['nodes'][number],
        { id: 'sum', type: 'add', inputs: ['a', 'b'] },
        { id: 'act', type: 'activation', inputs: ['sum'], activation: 'relu' },
        { id: 'drop', type: 'dropout', inputs: ['act'], rate: 0.5 },
        { id: 'output', type: 'output', inputs: ['drop'], loss: 'mse' },
      ],
    };
    expect([...outputLayers(branched)].sort()).toEqual(['a', 'b']);
    const rates = parseGrid(['dropout=0,0.3']);
    const g = runGraph(branched, rates.settings, rates.points[1]!);
    expect(g.nodes.find((n) => n.id === 'drop')).toMatchObject({ rate: 0.3 });
  });

  it('lr, batch, l2 and seed go into the run’s training settings, the rest kept', () => {
    const { settings, points } = parseGrid(['lr=0.5', 'batch=7']);
    expect(runTraining(DEFAULT_TRAINING, settings, points[0]!)).toEqual({
      ...DEFAULT_TRAINING,
      optimizer: { name: 'adam', learningRate: 0.5 },
      batchSize: 7,
    });
    const s2 = parseGrid(['l2=0.01', 'seed=4']);
    expect(runTraining(DEFAULT_TRAINING, s2.settings, s2.points[0]!)).toMatchObject({ l2: 0.01, seed: 4 });
  });

  it('the large-run threshold is the size from which the kernel pool shares a product', () => {
    expect(LARGE_RUN_MULTIPLY_ADDS).toBe(2 ** 20);
  });
});

describe('sweep', () => {
  it('writes one weights file per run and a summary of them; stdout shows the table', async () => {
    const out = tmp.path('shop-sweep');
    const r = await runAsync(
      'sweep',
      '--data',
      tmp.path('shop.csv'),
      '--layers',
      '6',
      '--set',
      'lr=0.01,0.1',
      '--set',
      'batch=8,32',
      '--epochs',
      '12',
      '--jobs',
      '2',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /Sweep of 4 runs over lr × batch: 64 rows \(16 for validation\), 12 epochs each/,
    );
    expect(r.stderr).toMatch(/4 small runs, 2 at a time in worker threads/);
    expect(r.stderr).toMatch(/\[4\/4\] run \d/);
    expect(r.stderr).toMatch(/Wrote 4 weights files and .*summary\.csv\./);
    const files = [
      'run-1-lr0.01-batch8.weights.json',
      'run-2-lr0.01-batch32.weights.json',
      'run-3-lr0.1-batch8.weights.json',
      'run-4-lr0.1-batch32.weights.json',
    ];
    expect(readdirSync(out).sort()).toEqual([...files, 'summary.csv']);
    const [header, ...rows] = csvRows(`${out}/summary.csv`);
    expect(header).toEqual([
      'run',
      'lr',
      'batch',
      'status',
      'epochs',
      'loss',
      'val_loss',
      'accuracy',
      'val_accuracy',
      'best_val_accuracy',
      'best_epoch',
      'weights_epoch',
      'seconds',
      'weights',
    ]);
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      ['1', '0.01', '8', 'ok', '12'],
      ['2', '0.01', '32', 'ok', '12'],
      ['3', '0.1', '8', 'ok', '12'],
      ['4', '0.1', '32', 'ok', '12'],
    ]);
    expect(rows.map((r) => r[13])).toEqual(files);
    for (const row of rows) {
      const w = loadWeights(readFileSync(`${out}/${row[13]}`, 'utf8'));
      const t = w.metadata!.training!;
      expect(t.epochs).toBe(12);
      expect(Number(row[5])).toBeCloseTo(t.loss!, 5);
      expect(Number(row[8])).toBeCloseTo(t.valAccuracy!, 5);
      // The best validation accuracy is at least the last one, at an epoch of the run.
      expect(Number(row[9])).toBeGreaterThanOrEqual(Number(row[8]));
      expect(Number(row[10])).toBeGreaterThanOrEqual(1);
      expect(Number(row[10])).toBeLessThanOrEqual(12);
      expect(row[11]).toBe('12');
      expect(Number(row[12])).toBeGreaterThanOrEqual(0);
    }
    const table = r.stdout.trim().split('\n');
    expect(table[0]).toMatch(/^run +lr +batch +status +epochs +loss +val_loss/);
    expect(table).toHaveLength(5);
    expect(table[3]).toMatch(/^3 +0\.1 +8 +ok +12 /);

    // A folder that already holds a sweep's results is refused, before anything runs.
    const again = await runAsync(
      'sweep',
      '--data',
      tmp.path('shop.csv'),
      '--layers',
      '6',
      '--set',
      'lr=0.01',
      '--out',
      out,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/the folder already holds a sweep's results/);
  });

  it('--json prints the summary as one JSON line; width and dropout reach the project’s network', async () => {
    const project = writeProject('drop.project.json');
    const out = tmp.path('drop-sweep');
    const r = await runAsync(
      'sweep',
      '--project',
      project,
      '--set',
      'width=hidden:3,5',
      '--set',
      'dropout=0,0.3',
      '--epochs',
      '3',
      '--out',
      out,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ total: 4, stopped: false });
    expect(s.runs.map((x: Record<string, unknown>) => [x['width(hidden)'], x['dropout']])).toEqual([
      [3, 0],
      [3, 0.3],
      [5, 0],
      [5, 0.3],
    ]);
    expect(s.runs[3]).toMatchObject({
      run: 4,
      status: 'ok',
      epochs: 3,
      weights: 'run-4-width5-dropout0.3.weights.json',
    });
    const w = loadWeights(readFileSync(`${out}/run-4-width5-dropout0.3.weights.json`, 'utf8'));
    expect(w.graph.nodes.find((n) => n.id === 'hidden')).toMatchObject({ units: 5 });
    expect(w.graph.nodes.find((n) => n.id === 'drop')).toMatchObject({ rate: 0.3 });
    expect(w.parameters.get('hidden')!.kernel).toHaveLength(2 * 5);
    expect(readFileSync(`${out}/summary.csv`, 'utf8').split('\n')[0]).toMatch(
      /^run,width\(hidden\),dropout,/,
    );
  });

  it('each run equals the run train makes with the same settings, in parallel workers or one after another', async () => {
    const project = writeProject('same.project.json');
    const grid = ['--set', 'lr=0.01,0.05', '--set', 'batch=8,32'];
    const parallel = await runAsync(
      'sweep',
      '--project',
      project,
      ...grid,
      '--jobs',
      '2',
      '--out',
      tmp.path('par'),
    );
    expect(parallel.code, parallel.stderr).toBe(0);
    expect(parallel.stderr).toMatch(/2 at a time/);
    const serial = await runAsync(
      'sweep',
      '--project',
      project,
      ...grid,
      '--jobs',
      '1',
      '--out',
      tmp.path('ser'),
    );
    expect(serial.code, serial.stderr).toBe(0);
    expect(serial.stderr).toMatch(/1 at a time/);
    for (const [lr, batch, file] of [
      ['0.01', '32', 'run-2-lr0.01-batch32.weights.json'],
      ['0.05', '8', 'run-3-lr0.05-batch8.weights.json'],
    ] as const) {
      const trained = tmp.path(`train-${lr}-${batch}.json`);
      const t = run('train', '--project', project, '--lr', lr, '--batch-size', batch, '--out', trained);
      expect(t.code, t.stderr).toBe(0);
      const expected = parameters(trained);
      expect(parameters(tmp.path(`par/${file}`))).toEqual(expected);
      expect(parameters(tmp.path(`ser/${file}`))).toEqual(expected);
      const w = loadWeights(readFileSync(tmp.path(`par/${file}`), 'utf8'));
      expect(w.preprocessing).toEqual(loadWeights(readFileSync(trained, 'utf8')).preprocessing);
    }
    // The other runs agree between the two ways too.
    for (const f of readdirSync(tmp.path('par')).filter((n) => n.endsWith('.weights.json')))
      expect(parameters(tmp.path(`ser/${f}`))).toEqual(parameters(tmp.path(`par/${f}`)));
  });

  it('with early stopping in the project, each run stops as train stops and keeps the same best weights', async () => {
    const path = writeProject('early.project.json');
    const project = JSON.parse(readFileSync(path, 'utf8'));
    project.training = { ...project.training, epochs: 300, earlyStopping: { patience: 3 } };
    writeFileSync(path, JSON.stringify(project));
    const out = tmp.path('early');
    const r = await runAsync('sweep', '--project', path, '--set', 'lr=0.02,0.05', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = csvRows(`${out}/summary.csv`);
    const col = (name: string) => header!.indexOf(name);
    for (const [i, lr] of ['0.02', '0.05'].entries()) {
      const row = rows[i]!;
      const file = `${out}/${row[col('weights')]}`;
      const t = run('train', '--project', path, '--lr', lr, '--out', tmp.path(`early-${lr}.json`));
      expect(t.code, t.stderr).toBe(0);
      expect(parameters(file)).toEqual(parameters(tmp.path(`early-${lr}.json`)));
      const kept = loadWeights(readFileSync(file, 'utf8')).metadata!.training!;
      expect(Number(row[col('epochs')])).toBe(kept.epochs);
      if (kept.bestEpoch !== undefined) expect(Number(row[col('weights_epoch')])).toBe(kept.bestEpoch);
      else expect(row[col('weights_epoch')]).toBe(row[col('epochs')]);
    }
  });

  it('a seed sweep on a built-in dataset draws the rows from each run’s seed, as train does', async () => {
    const out = tmp.path('seeds');
    const r = await runAsync(
      'sweep',
      '--data',
      'builtin:circle',
      '--samples',
      '60',
      '--layers',
      '4',
      '--set',
      'seed=2,3',
      '--epochs',
      '4',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const t = run(
      'train',
      '--data',
      'builtin:circle',
      '--samples',
      '60',
      '--layers',
      '4',
      '--seed',
      '3',
      '--epochs',
      '4',
      '--out',
      tmp.path('seed3.json'),
    );
    expect(t.code, t.stderr).toBe(0);
    expect(parameters(`${out}/run-2-seed3.weights.json`)).toEqual(parameters(tmp.path('seed3.json')));
  });

  it('a run that diverges is marked failed and keeps its last good weights; the sweep still ends well', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i * 1e36}`);
    writeFileSync(tmp.path('huge.csv'), ['x,y', ...rows].join('\n'));
    const out = tmp.path('diverging');
    const r = await runAsync(
      'sweep',
      '--data',
      tmp.path('huge.csv'),
      '--layers',
      'none',
      '--normalize',
      'none',
      '--set',
      'lr=0.001,1',
      '--epochs',
      '5',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/run 2 \(lr 1\) failed: Training stopped at epoch 1, step 1/);
    const [header, ...summary] = csvRows(`${out}/summary.csv`);
    expect(header!.slice(0, 10)).toEqual([
      'run',
      'lr',
      'status',
      'epochs',
      'loss',
      'val_loss',
      'r2',
      'val_r2',
      'best_val_r2',
      'best_epoch',
    ]);
    expect(summary.map((row) => row.slice(0, 3))).toEqual([
      ['1', '0.001', 'failed'],
      ['2', '1', 'failed'],
    ]);
    for (const row of summary)
      expect(() => loadWeights(readFileSync(`${out}/${row.at(-1)}`, 'utf8'))).not.toThrow();
  });

  it.each([
    [['--layers', '4', '--set', 'lr=0.1'], /--out DIR is required/],
    [['--layers', '4', '--set', 'lr=0.1', '--out', 'o'], /--data D.csv is required/],
    [['--data', 'builtin:xor', '--set', 'lr=0.1', '--out', 'o'], /give exactly one of --project or --layers/],
    [
      ['--init', 'w.json', '--data', 'builtin:xor', '--set', 'lr=0.1', '--out', 'o'],
      /Unknown option '--init'/,
    ],
    [['--layers', '4', '--data', 'builtin:xor', '--out', 'o'], /give one or two settings to sweep/],
    [
      ['--layers', '4', '--data', 'builtin:xor', '--set', 'lr=0.1', '--jobs', '0', '--out', 'o'],
      /--jobs must be/,
    ],
    [
      ['--layers', '4', '--data', 'builtin:xor', '--set', 'width=dense7:4', '--out', 'o'],
      /no dense layer "dense7"/,
    ],
    [['--layers', '4', '--data', 'builtin:xor', '--set', 'momentum=0.9', '--out', 'o'], /unknown setting/],
  ])('bad arguments exit 2 with one readable line: %j', async (args, message) => {
    const r = await runAsync('sweep', ...args.map((a) => (a === 'o' ? tmp.path('refused') : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // Nothing was written for a refused sweep.
    expect(existsSync(tmp.path('refused/summary.csv'))).toBe(false);
  });

  it('--help in English and Chinese', () => {
    const en = run('sweep', '--help');
    expect(en.code).toBe(0);
    expect(en.stdout).toMatch(/^Usage: backprop-studio sweep/);
    expect(en.stdout).toContain('log:1e-4:1e-1:4');
    expect(en.stdout).toContain('at most 256');
    const zh = run('--lang', 'zh-CN', 'sweep', '--help');
    expect(zh.stdout).toMatch(/^用法：backprop-studio sweep/);
    expect(zh.stdout).toContain('最多 256 次');
    expect(run('--help').stdout).toMatch(/\n {2}sweep {5}/);
  });
});

describe('sweep as a process', () => {
  const env = { ...process.env, LC_ALL: 'en_US.UTF-8' };

  it('large runs go one after another on two cores, with the weights train makes', () => {
    const out = tmp.path('large');
    // 512 × 512 weights × 8 rows: 2²¹ multiply-adds in the largest product, a large run.
    const r = spawnSync(
      process.execPath,
      [
        'bin/backprop-studio.js',
        'sweep',
        '--data',
        'builtin:circle',
        '--samples',
        '40',
        '--layers',
        '512,512',
        '--set',
        'batch=8,16',
        '--epochs',
        '1',
        '--out',
        out,
      ],
      { encoding: 'utf8', env },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 large runs, one after another on two cores each/);
    const t = run(
      'train',
      '--data',
      'builtin:circle',
      '--samples',
      '40',
      '--layers',
      '512,512',
      '--batch-size',
      '16',
      '--epochs',
      '1',
      '--out',
      tmp.path('large-train.json'),
    );
    expect(t.code, t.stderr).toBe(0);
    expect(parameters(`${out}/run-2-batch16.weights.json`)).toEqual(parameters(tmp.path('large-train.json')));
  }, 120_000);

  it('SIGINT stops it: the finished runs stay, the summary lists exactly them, nothing partial is left', async () => {
    const out = tmp.path('stopped');
    mkdirSync(out);
    const child = spawn(
      process.execPath,
      [
        'bin/backprop-studio.js',
        'sweep',
        '--data',
        'builtin:spirals',
        '--samples',
        '400',
        '--layers',
        '32,32',
        '--set',
        'seed=range:1:8:1',
        '--epochs',
        '300',
        '--jobs',
        '1',
        '--out',
        out,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const runFiles = () => readdirSync(out).filter((n) => /^run-.*\.weights\.json$/.test(n));
    let ended: number | null | undefined;
    void exited.then((c) => (ended = c));
    while (runFiles().length === 0 && ended === undefined) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const code = await exited;

    const files = runFiles().sort();
    expect(files.length).toBeGreaterThanOrEqual(1);
    // Only finished runs' files and the summary: no temporary files, no half-written ones.
    expect(readdirSync(out).sort()).toEqual([...files, 'summary.csv'].sort());
    const [, ...rows] = csvRows(`${out}/summary.csv`);
    expect(rows.map((r) => r.at(-1)).sort()).toEqual(files);
    for (const f of files) expect(() => loadWeights(readFileSync(`${out}/${f}`, 'utf8'))).not.toThrow();
    if (files.length < 8) {
      expect(code).toBe(130);
      expect(stderr).toMatch(
        new RegExp(`Stopped: ${files.length} of 8 runs finished; .*summary\\.csv lists them\\.`),
      );
    } else expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(files.length + 1);
  }, 120_000);
});
