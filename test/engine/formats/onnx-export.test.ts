/**
 * The ONNX export: each network is trained a few steps on a raw table (prepared as the app prepares
 * it), written as a weights file, exported, and then
 * - loaded by ONNX Runtime (onnxruntime-node, from the bytes) and fed the raw rows (numbers, one-hot
 *   categories, NaN for missing cells): every output must match what our engine predicts from the same
 *   rows (encodeRows → predictAll → decodeOutput) to a relative 1e-5;
 * - checked by ONNX's own checker (`onnx.checker.check_model(m, full_check=True)`, ONNX 1.12 from
 *   Debian's python3-onnx), which must accept it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import protobuf from 'protobufjs/light.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { decodeOutput, encodeRows } from '../../../engine/data/apply.ts';
import { prepareData } from '../../../engine/data/prepare.ts';
import type { PrepareOptions } from '../../../engine/data/prepare.ts';
import type { Preprocessing, RowTable } from '../../../engine/data/types.ts';
import { EXPORT_FORMATS } from '../../../engine/formats/exports.ts';
import {
  CREATED_BY,
  exportOnnx,
  exportWeights,
  loadWeights,
  ONNX_METADATA,
  onnxInputColumns,
  serializeWeights,
} from '../../../engine/formats/index.ts';
import type { LoadedWeights } from '../../../engine/formats/index.ts';
import { onnxType } from '../../../engine/formats/onnx/proto.ts';
import { buildMlp, denseNode } from '../../../engine/graph/builders.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { modelFromWeights, predictAll } from '../../../engine/model/infer.ts';
import { createRng } from '../../../engine/rng.ts';
import { adaptTargets } from '../../../engine/train/run-setup.ts';
import { createTrainer } from '../../../engine/train/trainer.ts';

const PYTHON = '/usr/bin/python3';
const TOLERANCE = 1e-5;

const dir = mkdtempSync(join(tmpdir(), 'onnx-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One raw row: a number or a category per column, null for a missing cell. */
type Row = Record<string, number | string | null>;

/** `n` rows from `make`, each number rounded to float32 so both sides read the very same value. */
function rows(n: number, seed: number, make: (rng: ReturnType<typeof createRng>) => Row): Row[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const row = make(rng);
    for (const k of Object.keys(row)) if (typeof row[k] === 'number') row[k] = Math.fround(row[k]);
    return row;
  });
}

/** The rows as a table of text cells, as a CSV file gives them (a missing cell is empty). */
function table(data: Row[]): RowTable {
  const columns = Object.keys(data[0]!);
  return { columns, rows: data.map((r) => columns.map((c) => (r[c] === null ? '' : String(r[c])))) };
}

/** Prepares the table, trains `graph(nIn, nOut)` 24 steps on it and returns its weights file, loaded again. */
function trained(
  data: Row[],
  options: Omit<PrepareOptions, 'validationSplit' | 'seed'>,
  graph: (nIn: number, nOut: number) => GraphSpec,
): LoadedWeights {
  const prepared = prepareData(table(data), { validationSplit: 0, seed: 1, ...options });
  const spec = graph(prepared.train.nIn, prepared.train.nOut);
  const { train } = adaptTargets(spec, prepared);
  const target = prepared.preprocessing.target;
  const trainer = createTrainer({
    graph: spec,
    train,
    config: {
      optimizer: { name: 'adam', learningRate: 0.02 },
      batchSize: 8,
      epochs: 4,
      validationSplit: 0,
      shuffle: true,
      seed: 3,
    },
    task: target.task,
    ...(target.task === 'regression' ? { targetScale: target.scale, targetMean: target.mean } : {}),
  });
  trainer.fit();
  trainer.dispose();
  const file = exportWeights({
    graph: spec,
    parameters: new Map(trainer.model.layers.map((l) => [l.nodeId, { kernel: l.kernel, bias: l.bias }])),
    preprocessing: prepared.preprocessing,
  });
  return loadWeights(serializeWeights(file));
}

/** What our engine predicts from the raw rows: class probabilities, or values in the target's units. */
function ours(loaded: LoadedWeights, data: Row[]): Float32Array {
  const encoded = encodeRows(loaded.preprocessing, table(data));
  const model = modelFromWeights(loaded.graph, loaded.parameters);
  const out = predictAll(model, encoded.x, encoded.n);
  if (loaded.preprocessing.target.task === 'classification') return out;
  const decoded = decodeOutput(loaded.preprocessing, out, encoded.n, model.output.width);
  return Float32Array.from(decoded, (p) => ('value' in p ? p.value : NaN));
}

/** The raw rows as the ONNX model's input: numbers, one-hot categories, NaN for a missing cell. */
function features(p: Preprocessing, data: Row[]): Float32Array {
  const columns = onnxInputColumns(p);
  const x = new Float32Array(data.length * columns.length);
  data.forEach((row, r) =>
    columns.forEach((c, j) => {
      const v = row[c.feature];
      x[r * columns.length + j] =
        v === null || v === undefined ? NaN : c.kind === 'numeric' ? Number(v) : v === c.category ? 1 : 0;
    }),
  );
  return x;
}

/** Runs the export in ONNX Runtime on the raw rows and compares each output with ours. */
async function expectSamePredictions(loaded: LoadedWeights, data: Row[], bytes = exportOnnx(loaded)) {
  const session = await ort.InferenceSession.create(bytes);
  const x = features(loaded.preprocessing, data);
  const width = x.length / data.length;
  const result = await session.run({ features: new ort.Tensor('float32', x, [data.length, width]) });
  const name = session.outputNames[0]!;
  const theirs = result[name]!.data as Float32Array;
  const expected = ours(loaded, data);
  expect(result[name]!.dims).toEqual([data.length, expected.length / data.length]);
  expect(theirs.length).toBe(expected.length);
  let at = -1;
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const rel = Math.abs(theirs[i]! - e) / Math.max(Math.abs(e), 1e-30);
    if (!(rel <= max)) [max, at] = [rel, i];
  }
  const msg = max <= TOLERANCE ? '' : `output ${at}: ONNX Runtime ${theirs[at]} vs ours ${expected[at]}`;
  expect(msg, msg).toBe('');
  await session.release();
  return { session, name };
}

/** ONNX's checker (full check, with shape inference) on the export, from Debian's python3-onnx. */
function expectCheckerAccepts(bytes: Uint8Array, stem: string): void {
  try {
    execFileSync(PYTHON, ['-c', 'import onnx'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(
      `${PYTHON} cannot import onnx: install ONNX for Python (Debian: apt-get install -y python3-onnx) to check the ONNX export`,
      { cause: e },
    );
  }
  const path = join(dir, `${stem}.onnx`);
  writeFileSync(path, bytes);
  const script = [
    'import sys, onnx',
    'm = onnx.load(sys.argv[1])',
    'onnx.checker.check_model(m, full_check=True)',
    'print(m.ir_version, m.opset_import[0].version)',
  ].join('\n');
  let out: string;
  try {
    out = execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const why = (e as { stderr?: string }).stderr ?? String(e);
    throw new Error(`onnx.checker refused ${stem}.onnx: ${why}`, { cause: e });
  }
  expect(out.trim()).toBe('7 13');
}

/** The exported model as plain data (protobufjs's decoder, ONNX's schema). */
function decoded(bytes: Uint8Array) {
  const type = onnxType('ModelProto');
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as {
    ir_version: number;
    producer_name: string;
    producer_version: string;
    opset_import: { domain?: string; version: number }[];
    metadata_props: { key: string; value: string }[];
    graph: {
      node: { name: string; op_type: string; input: string[]; output: string[] }[];
      initializer: { name: string; dims: number[] }[];
      input: { name: string; doc_string: string }[];
      output: { name: string; doc_string: string }[];
    };
  };
}

const metadataOf = (bytes: Uint8Array) =>
  Object.fromEntries(decoded(bytes).metadata_props.map((p) => [p.key, JSON.parse(p.value) as unknown]));

/** Four numeric columns and a class out of three, loosely tied to them. */
const irisLike = (n: number, seed: number) =>
  rows(n, seed, (rng) => {
    const a = rng.normal() * 2 + 5;
    const b = rng.normal() * 0.5 + 3;
    const c = rng.normal() + 2 * (a - 5);
    const d = rng.normal() * 10 - 40;
    return {
      a,
      b,
      c,
      d,
      species: ['setosa', 'versicolor', 'virginica'][
        (c > 1 ? 2 : 0) + (b > 3 ? 0 : 1) - (c > 1 && b <= 3 ? 1 : 0)
      ]!,
    };
  });

describe('ONNX export', () => {
  it('a plain MLP classifier predicts in ONNX Runtime what our engine predicts, and passes the checker', async () => {
    const data = irisLike(60, 1);
    const loaded = trained(data, { target: 'species' }, (nIn, nOut) =>
      buildMlp({ inputs: nIn, hidden: [8, 6], outputs: nOut, activation: 'relu', head: 'softmax' }),
    );
    const bytes = exportOnnx(loaded);
    await expectSamePredictions(loaded, data, bytes);
    expectCheckerAccepts(bytes, 'mlp');

    const model = decoded(bytes);
    expect(model.ir_version).toBe(7);
    expect(model.opset_import).toEqual([{ version: 13 }]);
    expect(model.producer_name).toBe('Backprop Studio');
    expect(`Backprop Studio ${model.producer_version}`).toBe(CREATED_BY);
    expect(model.graph.input.map((v) => v.name)).toEqual(['features']);
    expect(model.graph.output.map((v) => v.name)).toEqual(['probabilities']);
    expect(model.graph.output[0]!.doc_string).toContain('["setosa","versicolor","virginica"]');
    // No feature has a fill: no IsNaN/Where; the input node, then each dense layer and its activation.
    expect(model.graph.node.map((n) => `${n.op_type}:${n.output[0]}`)).toEqual([
      'Sub:preprocessing/Sub',
      'Div:preprocessing/Div',
      'Identity:input',
      'Gemm:dense1/Gemm',
      'Relu:dense1',
      'Gemm:dense2/Gemm',
      'Relu:dense2',
      'Gemm:dense3/Gemm',
      'Softmax:dense3',
      'Identity:probabilities',
    ]);
    expect(model.graph.initializer.map((t) => `${t.name}:${t.dims.join('x')}`)).toEqual([
      'preprocessing/mean:4',
      'preprocessing/scale:4',
      'dense1/kernel:4x8',
      'dense1/bias:8',
      'dense2/kernel:8x6',
      'dense2/bias:6',
      'dense3/kernel:6x3',
      'dense3/bias:3',
    ]);
    const metadata = metadataOf(bytes);
    expect(metadata[ONNX_METADATA.preprocessing]).toEqual(loaded.preprocessing);
    expect(metadata[ONNX_METADATA.metadata]).toEqual(loaded.metadata);
    expect(metadata[ONNX_METADATA.inputColumns]).toEqual(
      ['a', 'b', 'c', 'd'].map((feature) => ({ feature, kind: 'numeric' })),
    );
    expect(metadata[ONNX_METADATA.output]).toEqual({
      name: 'probabilities',
      task: 'classification',
      target: 'species',
      classes: ['setosa', 'versicolor', 'virginica'],
      columns: ['setosa', 'versicolor', 'virginica'],
    });
  });

  it('a branching network (add of three, concatenate, dropout, activation nodes, ELU α, softplus) with one sigmoid output', async () => {
    const data = rows(48, 2, (rng) => {
      const u = rng.normal();
      const v = rng.normal() * 3 + 1;
      const w = rng.normal() * 0.1;
      return { u, v, w, label: u + v / 3 + rng.normal() * 0.3 > 0.4 ? 'yes' : 'no' };
    });
    const graph = (nIn: number): GraphSpec => ({
      nodes: [
        { id: 'in', type: 'input', inputs: [], units: nIn },
        denseNode('a', 'in', 6, 'relu', { kernelInitializer: 'he_uniform' }),
        denseNode('b', 'in', 6, 'leaky_relu', { alpha: 0.2, kernelInitializer: 'he_normal' }),
        denseNode('c', 'in', 6, 'elu', { alpha: 0.5, useBias: false }),
        { id: 'sum', type: 'add', inputs: ['a', 'b', 'c'] },
        { id: 'drop', type: 'dropout', inputs: ['sum'], rate: 0.3 },
        { id: 'squash', type: 'activation', inputs: ['drop'], activation: 'tanh' },
        denseNode('d', 'in', 4, 'softplus'),
        { id: 'same', type: 'activation', inputs: ['d'], activation: 'linear' },
        { id: 'joined', type: 'concatenate', inputs: ['squash', 'same', 'in'] },
        denseNode('head', 'joined', 1, 'sigmoid'),
        { id: 'out', type: 'output', inputs: ['head'], loss: 'binary_crossentropy' },
      ],
    });
    const loaded = trained(data, { target: 'label' }, graph);
    const bytes = exportOnnx(loaded);
    await expectSamePredictions(loaded, data, bytes);
    expectCheckerAccepts(bytes, 'branching');

    const ops = decoded(bytes).graph.node.map((n) => `${n.op_type}:${n.output[0]}`);
    expect(ops).toEqual(
      expect.arrayContaining([
        'LeakyRelu:b',
        'Elu:c',
        'Add:sum/Add',
        'Add:sum',
        'Identity:drop',
        'Tanh:squash',
        'Softplus:d',
        'Identity:same',
        'Concat:joined',
        'Sigmoid:head',
        'Identity:probabilities',
      ]),
    );
    const nodes = decoded(bytes).graph.node;
    expect(nodes.find((n) => n.output[0] === 'sum')!.input).toEqual(['sum/Add', 'c']);
    expect(nodes.find((n) => n.output[0] === 'joined')!.input).toEqual(['squash', 'same', 'in']);
    expect(decoded(bytes).graph.initializer.map((t) => t.name)).not.toContain('c/bias');
    // One sigmoid output: the probability of the second class.
    expect(metadataOf(bytes)[ONNX_METADATA.output]).toMatchObject({
      classes: ['no', 'yes'],
      columns: ['yes'],
    });
  });

  it('a regression with a categorical feature gives the value in the target’s units', async () => {
    const colours = ['red', 'green', 'blue'];
    const data = rows(50, 3, (rng) => {
      const size = rng.normal() * 4 + 20;
      const colour = colours[rng.int(3)]!;
      return { size, colour, price: 100 + 3 * size + (colour === 'red' ? 15 : 0) + rng.normal() * 2 };
    });
    const loaded = trained(data, { target: 'price', task: 'regression' }, (nIn) =>
      buildMlp({ inputs: nIn, hidden: [8], outputs: 1, activation: 'tanh', head: 'linear' }),
    );
    const bytes = exportOnnx(loaded);
    const { name } = await expectSamePredictions(loaded, data, bytes);
    expect(name).toBe('value');
    expectCheckerAccepts(bytes, 'regression');

    const columns = onnxInputColumns(loaded.preprocessing);
    expect(columns).toEqual([
      { feature: 'size', kind: 'numeric' },
      ...(loaded.preprocessing.features[1] as { categories: string[] }).categories.map((category) => ({
        feature: 'colour',
        kind: 'categorical',
        category,
      })),
    ]);
    expect(metadataOf(bytes)[ONNX_METADATA.inputColumns]).toEqual(columns);
    const ops = decoded(bytes).graph.node.map((n) => `${n.op_type}:${n.output[0]}`);
    expect(ops.slice(-2)).toEqual(['Mul:postprocessing/Mul', 'Add:value']);
  });

  it('missing values (NaN) take each feature’s fill, numeric and categorical, inside the graph', async () => {
    const kinds = ['a', 'b'];
    const data = rows(60, 4, (rng) => {
      const x = rng.normal() * 2 + 1;
      const kind = kinds[rng.int(2)]!;
      const z = rng.normal();
      return {
        x: rng.int(5) === 0 ? null : x,
        kind: rng.int(6) === 0 ? null : kind,
        z,
        y: 10 + 2 * x - z + (kind === 'a' ? 1 : -1),
      };
    });
    const loaded = trained(data, { target: 'y', task: 'regression', missing: 'impute' }, (nIn) =>
      buildMlp({ inputs: nIn, hidden: [6, 4], outputs: 1, activation: 'relu', head: 'linear' }),
    );
    const fills = loaded.preprocessing.features.map((f) => f.fill);
    expect(fills[0]).toEqual(expect.any(Number));
    expect(fills[1]).toEqual(expect.any(String));
    expect(fills[2]).not.toBeNull();
    expect(data.some((r) => r.x === null) && data.some((r) => r.kind === null)).toBe(true);
    const bytes = exportOnnx(loaded);
    await expectSamePredictions(loaded, data, bytes);
    expectCheckerAccepts(bytes, 'missing');
    const ops = decoded(bytes).graph.node.map((n) => n.op_type);
    expect(ops.slice(0, 4)).toEqual(['IsNaN', 'Where', 'Sub', 'Div']);
  });

  it('is the format "onnx" of the export list: one file <stem>.onnx', async () => {
    const data = irisLike(20, 5);
    const loaded = trained(data, { target: 'species' }, (nIn, nOut) =>
      buildMlp({ inputs: nIn, hidden: [4], outputs: nOut, activation: 'tanh', head: 'softmax' }),
    );
    const files = EXPORT_FORMATS.onnx.write(loaded, { stem: 'iris' });
    expect(files.map((f) => f.name)).toEqual(['iris.onnx']);
    expect(files[0]!.data).toEqual(exportOnnx(loaded));
    await expectSamePredictions(loaded, data, files[0]!.data as Uint8Array);
  });

  it('writes the bytes protobufjs’s own encoder writes, without generating code at run time', async () => {
    const data = irisLike(20, 6);
    const loaded = trained(data, { target: 'species' }, (nIn, nOut) =>
      buildMlp({ inputs: nIn, hidden: [3], outputs: nOut, activation: 'elu', head: 'softmax' }),
    );
    // The app's Worker allows no eval: the export must not reach protobufjs's code generator.
    const codegen = vi.spyOn(protobuf.util, 'codegen').mockImplementation(() => {
      throw new Error('code generation at run time');
    });
    let bytes: Uint8Array;
    try {
      vi.resetModules();
      const fresh = (await import('../../../engine/formats/onnx-export.ts')) as {
        exportOnnx: typeof exportOnnx;
      };
      bytes = fresh.exportOnnx(loaded);
      expect(codegen).not.toHaveBeenCalled();
    } finally {
      codegen.mockRestore();
    }
    const type = onnxType('ModelProto');
    expect(Buffer.from(type.encode(type.decode(bytes)).finish()).equals(Buffer.from(bytes))).toBe(true);
  });
});
