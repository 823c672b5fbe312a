/**
 * The PyTorch export, run in PyTorch: each network is trained a few steps by our engine on raw CSV
 * rows, exported with the CSV beside it, and the script is run by /usr/bin/python3 (Debian's
 * python3-torch; CI installs it). Its predictions before any step must equal ours on every row; one
 * epoch of its training (no shuffle, no validation rows, the same batches) must give the loss and the
 * weights ours gives from the same weights and settings; and it must train unchanged on two processes
 * (DistributedDataParallel, gloo) with rank 0 writing weights that load.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOutput, encodeRows } from '../../../engine/data/apply.ts';
import type { RowTable } from '../../../engine/data/types.ts';
import { EXPORT_FORMATS } from '../../../engine/formats/exports.ts';
import { exportWeights, loadWeights, serializeWeights } from '../../../engine/formats/index.ts';
import type { LoadedWeights } from '../../../engine/formats/index.ts';
import { npyBytes } from '../../../engine/formats/npz.ts';
import { buildMlp, denseNode } from '../../../engine/graph/builders.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { modelFromWeights, predictAll } from '../../../engine/model/infer.ts';
import { createRng } from '../../../engine/rng.ts';
import type { TrainingConfig } from '../../../engine/train/config.ts';
import { setupRun } from '../../../engine/train/run-setup.ts';
import type { ColumnMapping } from '../../../engine/train/run-setup.ts';

const PYTHON = '/usr/bin/python3';
/** Python with torch starts in a few seconds; generous, never a speed assertion. */
const TIMEOUT = 120_000;

/**
 * Tolerances, float32 on both sides. Predictions: the same products and activations in float32 in a
 * different summation order (and PyTorch's own exp/tanh) differ by a few float32 ulps through a few
 * layers, so relative 1e-5 (absolute 1e-6 near zero). One epoch: the same, through a handful of
 * optimiser steps; the epoch's loss (a mean of batch losses) relative 1e-5, the weights relative 1e-5
 * with an absolute 1e-6 floor for weights near zero.
 */
const PREDICTION_RTOL = 1e-5;
const PREDICTION_ATOL = 1e-6;
const LOSS_RTOL = 1e-5;
const WEIGHT_RTOL = 1e-5;
const WEIGHT_ATOL = 1e-6;

let dir = '';

beforeAll(() => {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(
      `These tests run the exported script in PyTorch: ${PYTHON} could not import torch. Install it ` +
        `(Debian/Ubuntu: apt-get install python3-torch; elsewhere: pip install torch).\n${probe.stderr ?? probe.error}`,
    );
  dir = mkdtempSync(join(tmpdir(), 'pytorch-export-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function python(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      args,
      {
        cwd: dir,
        env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1', ...env },
        maxBuffer: 1 << 26,
      },
      (error, stdout, stderr) => resolve({ code: error ? ((error.code as number) ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function succeeded(run: Promise<Ran>): Promise<string> {
  const r = await run;
  expect(r.code, `the script failed:\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** A free TCP port on 127.0.0.1 for the process group's rendezvous. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The arrays of an .npz archive, read by hand (the .npy header, then float32 little-endian). */
function readNpz(bytes: Uint8Array): Map<string, { shape: number[]; values: Float32Array }> {
  const arrays = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const [file, data] of Object.entries(unzipSync(bytes))) {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const size = view.getUint16(8, true);
    const header = new TextDecoder('latin1').decode(data.subarray(10, 10 + size));
    expect(header).toContain("'descr': '<f4'");
    expect((10 + size) % 64).toBe(0);
    const shape = /'shape': \(([^)]*)\)/
      .exec(header)![1]!
      .split(',')
      .filter((s) => s.trim() !== '')
      .map(Number);
    const count = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: count }, (_, i) => view.getFloat32(10 + size + i * 4, true));
    arrays.set(file.replace(/\.npy$/, ''), { shape, values });
  }
  return arrays;
}

/** The largest |a − b| / (atol/rtol + |b|) style excess: asserts each element, returns the worst relative gap. */
function expectNear(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol: number,
  atol: number,
): number {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    expect(Math.abs(a - e), `${what}[${i}]: PyTorch ${a}, ours ${e}`).toBeLessThanOrEqual(
      atol + rtol * Math.abs(e),
    );
    worst = Math.max(worst, Math.abs(a - e) / Math.max(Math.abs(e), atol / rtol));
  }
  return worst;
}

const csvText = (t: RowTable) => [t.columns, ...t.rows].map((r) => r.join(',')).join('\n') + '\n';

/** Our engine's weights after `config` on the rows, from `loaded`'s weights (a fresh optimiser, as the script). */
function ourEpoch(loaded: LoadedWeights, table: RowTable, config: TrainingConfig) {
  const run = setupRun({
    table,
    mapping: {},
    graph: loaded.graph,
    training: config,
    init: { preprocessing: loaded.preprocessing, parameters: loaded.parameters },
  });
  const metrics = run.trainer.runEpoch();
  const params = new Map(run.trainer.model.layers.map((l) => [l.nodeId, { kernel: l.kernel, bias: l.bias }]));
  run.trainer.dispose();
  return { loss: metrics.loss, params };
}

interface Case {
  name: string;
  stem: string;
  table: RowTable;
  mapping: ColumnMapping;
  graph: GraphSpec;
  /** The settings of the epoch both engines run (no shuffle, no validation rows: the same batches). */
  epoch: TrainingConfig;
  /** The network as the epoch trains it, when that differs (dropout 0: masks are drawn differently). */
  epochGraph?: GraphSpec;
}

/** Trains the network a few steps (Adam, shuffled, validation rows held out) and loads its weights file. */
function pretrained(c: Case, graph: GraphSpec): LoadedWeights {
  const run = setupRun({
    table: c.table,
    mapping: c.mapping,
    graph,
    training: {
      optimizer: { name: 'adam', learningRate: 0.02 },
      batchSize: 8,
      epochs: 3,
      validationSplit: 0.2,
      shuffle: true,
      seed: 3,
    },
  });
  run.trainer.fit();
  run.trainer.dispose();
  const file = exportWeights({
    graph: run.graph,
    parameters: new Map(run.trainer.model.layers.map((l) => [l.nodeId, { kernel: l.kernel, bias: l.bias }])),
    preprocessing: run.prepared.preprocessing,
  });
  return loadWeights(serializeWeights(file));
}

/** Writes the export and the rows into the temp folder; returns the script's name. */
function writeExport(c: Case, loaded: LoadedWeights, csvName: string): string {
  const files = EXPORT_FORMATS.pytorch.write(loaded, { stem: c.stem, training: c.epoch });
  expect(files.map((f) => f.name)).toEqual([`train_${c.stem}.py`, `${c.stem}_weights.npz`]);
  for (const f of files) writeFileSync(join(dir, f.name), f.data);
  writeFileSync(join(dir, csvName), csvText(c.table));
  return files[0]!.name;
}

// ---- the three networks and their rows ----

const ROWS = 48;

function irisLike(): RowTable {
  const rng = createRng(11);
  const names = ['setosa', 'versicolor', 'virginica'];
  const rows = Array.from({ length: ROWS }, () => {
    const k = rng.int(3);
    const f = [5 + k + rng.normal() * 0.5, 3 - 0.3 * k + rng.normal() * 0.3, 1 + 2 * k + rng.normal() * 0.4];
    return [...f.map((v) => v.toFixed(2)), names[k]!];
  });
  return { columns: ['sepal', 'width', 'petal', 'species'], rows };
}

function binaryRows(): RowTable {
  const rng = createRng(12);
  const rows = Array.from({ length: ROWS }, () => {
    const x = [rng.normal(), rng.normal() * 2 + 1, rng.normal() - 0.5];
    const label = x[0]! * x[1]! + x[2]! > 0.3 ? 'yes' : 'no';
    return [...x.map((v) => v.toFixed(3)), label];
  });
  return { columns: ['a', 'b.2', 'in', 'label'], rows };
}

function housing(): RowTable {
  const rng = createRng(13);
  const colours = ['red', 'green', 'blue'];
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const area = 50 + rng.next() * 100;
    const rooms = 1 + rng.int(5);
    const colour = colours[rng.int(3)]!;
    const price = 1000 + 12 * area + 150 * rooms + (colour === 'red' ? 300 : 0) + rng.normal() * 50;
    // A few missing cells, filled with the training rows' mean or mode.
    return [
      i % 11 === 5 ? 'NA' : area.toFixed(1),
      String(rooms),
      i % 13 === 7 ? '' : colour,
      price.toFixed(0),
    ];
  });
  return { columns: ['area', 'rooms', 'colour', 'price'], rows };
}

/** in → a (relu), b (leaky ReLU 0.1) → sum → drop → squash (tanh); c (ELU, no bias) → leak; [squash, leak, in] → head. */
function branching(rate: number): GraphSpec {
  return {
    nodes: [
      { id: 'in', type: 'input', inputs: [], units: 0 },
      denseNode('a', 'in', 6, 'relu', { kernelInitializer: 'he_uniform' }),
      denseNode('b', 'in', 6, 'leaky_relu', { alpha: 0.1, kernelInitializer: 'he_normal' }),
      { id: 'sum', type: 'add', inputs: ['a', 'b'] },
      { id: 'drop', type: 'dropout', inputs: ['sum'], rate },
      { id: 'squash', type: 'activation', inputs: ['drop'], activation: 'tanh' },
      denseNode('c', 'in', 4, 'elu', { alpha: 0.7, useBias: false, l1: 0.002 }),
      { id: 'leak', type: 'activation', inputs: ['c'], activation: 'leaky_relu' },
      { id: 'joined', type: 'concatenate', inputs: ['squash', 'leak', 'in'] },
      denseNode('hidden.2', 'joined', 5, 'softplus', { l2: 0.003 }),
      denseNode('head', 'hidden.2', 1, 'sigmoid'),
      { id: 'out', type: 'output', inputs: ['head'], loss: 'binary_crossentropy' },
    ],
  };
}

const CASES: Case[] = [
  {
    name: 'a plain MLP (softmax over three classes, Adam)',
    stem: 'iris',
    table: irisLike(),
    mapping: { target: 'species' },
    graph: buildMlp({ inputs: 3, hidden: [8, 6], outputs: 3, activation: 'tanh', head: 'softmax' }),
    epoch: {
      optimizer: { name: 'adam', learningRate: 0.01 },
      batchSize: 10,
      epochs: 1,
      validationSplit: 0,
      shuffle: false,
      seed: 1,
    },
  },
  {
    name: 'a branching network (add, dropout, activation nodes, concatenate; sigmoid, Nesterov momentum, L1/L2)',
    stem: 'branching',
    table: binaryRows(),
    mapping: { target: 'label' },
    graph: branching(0.3),
    epochGraph: branching(0),
    epoch: {
      optimizer: { name: 'momentum', learningRate: 0.05, momentum: 0.8, nesterov: true },
      batchSize: 7,
      epochs: 1,
      validationSplit: 0,
      shuffle: false,
      seed: 2,
      l2: 0.001,
    },
  },
  {
    name: 'a regression with a categorical feature and missing cells (mse, RMSprop)',
    stem: 'housing',
    table: housing(),
    mapping: { target: 'price', task: 'regression', missing: 'impute' },
    graph: {
      nodes: [
        { id: 'in', type: 'input', inputs: [], units: 0 },
        denseNode('hidden', 'in', 8, 'elu'),
        { id: 'drop', type: 'dropout', inputs: ['hidden'], rate: 0 },
        denseNode('price', 'drop', 1, 'linear'),
        { id: 'out', type: 'output', inputs: ['price'], loss: 'mse' },
      ],
    },
    epoch: {
      optimizer: { name: 'rmsprop', learningRate: 0.005 },
      batchSize: 16,
      epochs: 1,
      validationSplit: 0,
      shuffle: false,
      seed: 4,
    },
  },
  {
    name: 'a regression by mean absolute error (plain SGD, sigmoid hidden layer)',
    stem: 'housing_mae',
    table: housing(),
    mapping: { target: 'price', task: 'regression', missing: 'impute' },
    graph: {
      nodes: [
        { id: 'in', type: 'input', inputs: [], units: 0 },
        denseNode('hidden', 'in', 6, 'sigmoid', { l2: 0.01 }),
        denseNode('price', 'hidden', 1, 'linear', { useBias: false }),
        { id: 'out', type: 'output', inputs: ['price'], loss: 'mae' },
      ],
    },
    epoch: {
      optimizer: { name: 'sgd', learningRate: 0.05 },
      batchSize: 5,
      epochs: 1,
      validationSplit: 0,
      shuffle: false,
      seed: 6,
    },
  },
];

describe('PyTorch training script export, run in PyTorch', () => {
  describe.each(CASES)('$name', (c) => {
    const loaded = pretrained(c, c.graph);

    it(
      'predicts as our engine does on every row, before any step',
      async () => {
        const script = writeExport(c, loaded, `${c.stem}.csv`);
        await succeeded(python([script, `${c.stem}.csv`, '--predict', `${c.stem}_predictions.json`]));
        const json = JSON.parse(readFileSync(join(dir, `${c.stem}_predictions.json`), 'utf8')) as {
          outputs: number[][];
          predictions: (string | number)[];
        };
        const encoded = encodeRows(loaded.preprocessing, c.table);
        const ours = predictAll(modelFromWeights(loaded.graph, loaded.parameters), encoded.x, encoded.n);
        expect(json.outputs).toHaveLength(c.table.rows.length);
        expectNear(json.outputs.flat(), ours, 'prediction', PREDICTION_RTOL, PREDICTION_ATOL);
        // Labels (or values in the target's units) as the app decodes the same outputs.
        const K = ours.length / encoded.n;
        const decoded = decodeOutput(loaded.preprocessing, ours, encoded.n, K);
        if (loaded.preprocessing.target.task === 'regression')
          expectNear(
            json.predictions as number[],
            decoded.map((d) => ('value' in d ? d.value : NaN)),
            'value',
            PREDICTION_RTOL,
            PREDICTION_ATOL,
          );
        else expect(json.predictions).toEqual(decoded.map((d) => ('label' in d ? d.label : '')));
      },
      TIMEOUT,
    );

    it(
      'one epoch from the same weights gives our loss and our weights',
      async () => {
        const start = c.epochGraph ? { ...loaded, graph: c.epochGraph } : loaded;
        const startLoaded = loadWeights(
          serializeWeights(
            exportWeights({
              graph: start.graph,
              parameters: loaded.parameters,
              preprocessing: loaded.preprocessing,
            }),
          ),
        );
        const script = writeExport(c, startLoaded, `${c.stem}.csv`);
        const stdout = await succeeded(python([script, `${c.stem}.csv`, '--out', `${c.stem}_epoch.npz`]));
        const line = /^epoch 1\/1 {2}loss (\S+)$/m.exec(stdout);
        expect(line, stdout).not.toBeNull();
        const theirLoss = Number(line![1]);
        const ours = ourEpoch(startLoaded, c.table, c.epoch);
        expectNear([theirLoss], [ours.loss], 'epoch loss', LOSS_RTOL, 0);
        const arrays = readNpz(readFileSync(join(dir, `${c.stem}_epoch.npz`)));
        // The epoch moved every layer's weights well beyond the tolerance: the comparison means something.
        for (const [id, p] of ours.params) {
          const before = startLoaded.parameters.get(id)!.kernel;
          expect(Math.max(...p.kernel.map((w, i) => Math.abs(w - before[i]!))), id).toBeGreaterThan(1e-4);
        }
        for (const [id, p] of ours.params) {
          expectNear(arrays.get(`${id}/kernel`)!.values, p.kernel, `${id} kernel`, WEIGHT_RTOL, WEIGHT_ATOL);
          if (p.bias)
            expectNear(arrays.get(`${id}/bias`)!.values, p.bias, `${id} bias`, WEIGHT_RTOL, WEIGHT_ATOL);
          else expect(arrays.has(`${id}/bias`)).toBe(false);
        }
      },
      TIMEOUT,
    );

    it(
      'holds out the rows ours holds out for a seed (validation loss before any change)',
      async () => {
        const script = writeExport(c, loaded, `${c.stem}.csv`);
        // A learning rate of 0: the epoch leaves the weights as they are; val_loss is on the held-out rows.
        const args = ['--epochs', '1', '--lr', '0', '--validation-split', '0.25', '--shuffle', '--seed', '9'];
        const stdout = await succeeded(
          python([script, `${c.stem}.csv`, ...args, '--out', `${c.stem}_same.pt`]),
        );
        const line = /^epoch 1\/1 {2}loss \S+ {2}val_loss (\S+)$/m.exec(stdout);
        expect(line, stdout).not.toBeNull();
        const run = setupRun({
          table: c.table,
          mapping: {},
          graph: loaded.graph,
          training: { ...c.epoch, validationSplit: 0.25, shuffle: true, seed: 9 },
          init: { preprocessing: loaded.preprocessing, parameters: loaded.parameters },
        });
        expect(run.validation.n).toBe(c.table.rows.length - Math.floor(c.table.rows.length * 0.75));
        const ours = run.trainer.evaluate(run.validation).loss;
        run.trainer.dispose();
        expectNear([Number(line![1])], [ours], 'validation loss', LOSS_RTOL, 0);
      },
      TIMEOUT,
    );

    it(
      'trains unchanged on two processes (DistributedDataParallel, gloo); rank 0 writes weights that load',
      async () => {
        const script = writeExport(c, loaded, `${c.stem}.csv`);
        const port = String(await freePort());
        const out = `${c.stem}_ddp.npz`;
        const ranks = [0, 1].map((rank) =>
          python([script, `${c.stem}.csv`, '--epochs', '1', '--out', out], {
            MASTER_ADDR: '127.0.0.1',
            MASTER_PORT: port,
            WORLD_SIZE: '2',
            RANK: String(rank),
            LOCAL_RANK: String(rank),
          }),
        );
        const [rank0, rank1] = await Promise.all(ranks.map((r) => succeeded(r)));
        const loss = /^epoch 1\/1 {2}loss (\S+)/m.exec(rank0!);
        expect(loss, rank0).not.toBeNull();
        expect(Number.isFinite(Number(loss![1]))).toBe(true);
        expect(rank1).toBe('');
        const arrays = readNpz(readFileSync(join(dir, out)));
        const parameters = new Map(
          [...loaded.parameters].map(([id, p]) => {
            const kernel = arrays.get(`${id}/kernel`)!;
            expect(kernel.values.length).toBe(p.kernel.length);
            expect(kernel.values.every(Number.isFinite)).toBe(true);
            return [id, { kernel: kernel.values, bias: p.bias ? arrays.get(`${id}/bias`)!.values : null }];
          }),
        );
        // The trained weights change the predictions, and they come back into our engine.
        const back = loadWeights(
          serializeWeights(
            exportWeights({ graph: loaded.graph, parameters, preprocessing: loaded.preprocessing }),
          ),
        );
        const encoded = encodeRows(back.preprocessing, c.table);
        const p = predictAll(modelFromWeights(back.graph, back.parameters), encoded.x, encoded.n);
        expect(p.every(Number.isFinite)).toBe(true);
      },
      TIMEOUT,
    );
  });

  it(
    'names modules and variables as Python allows: keywords, nn.Module members, underscores, clashes',
    async () => {
      const c: Case = {
        ...CASES[0]!,
        stem: 'awkward',
        graph: {
          nodes: [
            { id: 'in', type: 'input', inputs: [], units: 0 },
            denseNode('train', 'in', 5, 'tanh'),
            denseNode('_hidden', 'train', 4, 'relu'),
            denseNode('a-b', 'train', 4, 'sigmoid'),
            denseNode('a_b', '_hidden', 4, 'linear'),
            { id: 'class', type: 'add', inputs: ['a-b', 'a_b'] },
            { id: 'forward', type: 'dropout', inputs: ['class'], rate: 0.1 },
            denseNode('return_logits', 'forward', 3, 'linear'),
            { id: 'torch', type: 'activation', inputs: ['return_logits'], activation: 'softmax' },
            { id: 'out', type: 'output', inputs: ['torch'], loss: 'categorical_crossentropy' },
          ],
        },
      };
      const loaded = pretrained(c, c.graph);
      const script = writeExport(c, loaded, 'awkward.csv');
      const text = readFileSync(join(dir, script), 'utf8');
      for (const line of [
        'self.train_ = nn.Linear(3, 5)',
        'self.n_hidden = nn.Linear(5, 4)',
        'self.a_b = nn.Linear(5, 4)',
        'self.a_b_2 = nn.Linear(4, 4)',
        'self.forward_ = nn.Dropout(p=0.1)',
        'class_ = a_b + a_b_2',
        'return return_logits_',
        'torch_ = torch.softmax(return_logits_, dim=1)',
      ])
        expect(text).toContain(line);
      await succeeded(python([script, 'awkward.csv', '--predict', 'awkward.json']));
      const json = JSON.parse(readFileSync(join(dir, 'awkward.json'), 'utf8')) as { outputs: number[][] };
      const encoded = encodeRows(loaded.preprocessing, c.table);
      const ours = predictAll(modelFromWeights(loaded.graph, loaded.parameters), encoded.x, encoded.n);
      expectNear(json.outputs.flat(), ours, 'prediction', PREDICTION_RTOL, PREDICTION_ATOL);
    },
    TIMEOUT,
  );

  it(
    "docs/export.md's Python example predicts with an exported script",
    async () => {
      const doc = readFileSync(new URL('../../../docs/export.md', import.meta.url), 'utf8');
      const section = doc.slice(doc.indexOf('## PyTorch training script'));
      const example = /```python\n([\s\S]*?)```/.exec(section)![1]!;
      expect(example).toContain('from train_iris import');
      const c = CASES[0]!;
      expect(c.stem).toBe('iris');
      const loaded = pretrained(c, c.graph);
      writeExport(c, loaded, 'new_rows.csv');
      writeFileSync(join(dir, 'example.py'), example);
      const stdout = await succeeded(python(['example.py']));
      const encoded = encodeRows(loaded.preprocessing, c.table);
      const ours = predictAll(modelFromWeights(loaded.graph, loaded.parameters), encoded.x, encoded.n);
      const labels = decodeOutput(loaded.preprocessing, ours, encoded.n, 3).map((d) =>
        'label' in d ? d.label : '',
      );
      expect(stdout.trim()).toBe(`[${labels.map((l) => `'${l}'`).join(', ')}]`);
    },
    TIMEOUT,
  );

  it('writes .npy arrays NumPy reads: 64-byte aligned header, float32 little-endian', () => {
    const bytes = npyBytes([2, 3], [1, 2, 3, 4, 5, 6.5]);
    const header = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + bytes[8]!));
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect((10 + header.length) % 64).toBe(0);
    expect(new DataView(bytes.buffer).getFloat32(bytes.length - 4, true)).toBe(6.5);
  });
});
