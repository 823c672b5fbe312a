/**
 * Batchnorm in files and exports: a small CNN with a batch norm on an image (conv → batchnorm → relu →
 * maxpool → flatten) and one on a flat row (dense → batchnorm), trained a few steps by our engine so
 * its moving statistics have moved. The weights file keeps them (and refuses a file without them);
 * TensorFlow.js's layers model, the PyTorch script's network (eval mode) and ONNX Runtime predict
 * what we predict at inference, from the moving statistics.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset, Preprocessing } from '../../../engine/data/types.ts';
import { kerasSummary } from '../../../engine/formats/keras-summary.ts';
import { exportOnnx, ONNX_INPUT, ONNX_OUTPUT } from '../../../engine/formats/onnx-export.ts';
import {
  exportPytorch,
  exportTfjs,
  exportWeights,
  loadWeights,
  serializeWeights,
} from '../../../engine/formats/index.ts';
import type { LoadedWeights, TfjsWeightSpec } from '../../../engine/formats/index.ts';
import type { GraphSpec } from '../../../engine/graph/types.ts';
import { modelFromWeights, predictAll } from '../../../engine/model/infer.ts';
import { layerWeights } from '../../../engine/model/model.ts';
import { createRng } from '../../../engine/rng.ts';
import { createTrainer } from '../../../engine/train/trainer.ts';
import { expectClose, useTfjsCpu } from '../tfjs-reference-helpers.ts';
import { denseNode } from '../helpers.ts';

useTfjsCpu();

const ROWS = 12;

function graph(): GraphSpec {
  return {
    nodes: [
      { id: 'x', type: 'input', inputs: [], units: 0, shape: [6, 5, 2] },
      {
        id: 'c1',
        type: 'conv2d',
        inputs: ['x'],
        filters: 3,
        kernelSize: [3, 2],
        strides: [1, 1],
        padding: 'same',
        activation: 'linear',
        useBias: true,
        kernelInitializer: 'he_uniform',
      },
      { id: 'bn1', type: 'batchnorm', inputs: ['c1'], momentum: 0.6 },
      { id: 'r', type: 'activation', inputs: ['bn1'], activation: 'relu' },
      { id: 'p1', type: 'maxpool2d', inputs: ['r'], poolSize: [2, 2], padding: 'same' },
      { id: 'f', type: 'flatten', inputs: ['p1'] },
      denseNode('d', 'f', 4, 'linear'),
      { id: 'bn2', type: 'batchnorm', inputs: ['d'], momentum: 0.5, epsilon: 0.01 },
      denseNode('head', 'bn2', 3, 'softmax'),
      { id: 'y', type: 'output', inputs: ['head'], loss: 'categorical_crossentropy' },
    ],
  };
}

function preprocessing(): Preprocessing {
  return {
    features: Array.from({ length: 60 }, (_, i) => ({
      name: `p${i}`,
      kind: 'numeric' as const,
      mean: 0,
      scale: 1,
      fill: null,
    })),
    target: { name: 'shape', task: 'classification', classes: ['a', 'b', 'c'] },
    missing: 'drop',
    normalize: 'none',
  };
}

function images(seed: number): Dataset {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: ROWS * 60 }, () => rng.normal() + 0.3);
  const y = new Float32Array(ROWS * 3);
  for (let r = 0; r < ROWS; r++) y[r * 3 + rng.int(3)] = 1;
  return { n: ROWS, nIn: 60, nOut: 3, x, y };
}

/** The network trained 6 steps on `data`: its weights file, and the trained model's weights. */
function trained(data: Dataset) {
  const trainer = createTrainer({
    graph: graph(),
    train: data,
    config: {
      optimizer: { name: 'adam', learningRate: 0.02 },
      batchSize: 4,
      epochs: 2,
      validationSplit: 0,
      shuffle: true,
      seed: 3,
    },
    task: 'classification',
  });
  trainer.fit();
  const weights = new Map(
    [...layerWeights(trainer.model)].map(([id, w]) => [
      id,
      {
        kernel: Float32Array.from(w.kernel),
        bias: w.bias && Float32Array.from(w.bias),
        ...(w.movingMean ? { movingMean: Float32Array.from(w.movingMean) } : {}),
        ...(w.movingVariance ? { movingVariance: Float32Array.from(w.movingVariance) } : {}),
      },
    ]),
  );
  trainer.dispose();
  const text = serializeWeights(
    exportWeights({ graph: graph(), parameters: weights, preprocessing: preprocessing() }),
  );
  return { text, weights };
}

const data = images(5);
const { text, weights } = trained(data);
const loaded: LoadedWeights = loadWeights(text);
const ours = predictAll(modelFromWeights(loaded.graph, loaded.parameters), data.x, data.n);

describe('batchnorm in the weights file', () => {
  it('keeps the moving statistics training moved, and they decide the prediction', () => {
    for (const id of ['bn1', 'bn2']) {
      const w = weights.get(id)!;
      const p = loaded.parameters.get(id)!;
      expect(Array.from(p.movingMean!)).toEqual(Array.from(w.movingMean!));
      expect(Array.from(p.movingVariance!)).toEqual(Array.from(w.movingVariance!));
      expect(Math.max(...Array.from(w.movingMean!, Math.abs))).toBeGreaterThan(0.01);
      expect(Math.max(...Array.from(w.movingVariance!, (v) => Math.abs(v - 1)))).toBeGreaterThan(0.01);
    }
    const json = JSON.parse(text) as { parameters: Record<string, Record<string, { shape: number[] }>> };
    expect(Object.keys(json.parameters.bn1!)).toEqual(['kernel', 'bias', 'movingMean', 'movingVariance']);
    expect(json.parameters.bn1!.kernel!.shape).toEqual([3]);
    // Starting statistics (mean 0, variance 1) predict something else.
    const fresh = new Map(loaded.parameters);
    for (const id of ['bn1', 'bn2'])
      fresh.set(id, {
        ...fresh.get(id)!,
        movingMean: new Float32Array(3),
        movingVariance: new Float32Array(3).fill(1),
      });
    fresh.set('bn2', {
      ...fresh.get('bn2')!,
      movingMean: new Float32Array(4),
      movingVariance: new Float32Array(4).fill(1),
    });
    const other = predictAll(modelFromWeights(loaded.graph, fresh), data.x, data.n);
    expect(Math.max(...other.map((v, i) => Math.abs(v - ours[i]!)))).toBeGreaterThan(1e-3);
  });

  it('refuses a file whose batchnorm node lacks its moving variance, naming the node', () => {
    const json = JSON.parse(text) as { parameters: Record<string, Record<string, unknown>> };
    delete json.parameters.bn2!.movingVariance;
    expect(() => loadWeights(JSON.stringify(json))).toThrow(/bn2.*movingVariance|movingVariance.*bn2/);
  });
});

describe('batchnorm exports predict what we predict at inference', () => {
  it('TensorFlow.js: BatchNormalization layers with gamma, beta and the moving statistics', async () => {
    const { modelJson, weights: bin } = exportTfjs(loaded);
    const json = JSON.parse(modelJson) as {
      modelTopology: tf.io.ModelJSON['modelTopology'] & { config: { layers: { class_name: string }[] } };
      weightsManifest: { weights: TfjsWeightSpec[] }[];
    };
    expect(json.weightsManifest[0]!.weights.map((w) => `${w.name} ${w.shape.join('×')}`)).toEqual(
      expect.arrayContaining([
        'bn1/gamma 3',
        'bn1/beta 3',
        'bn1/moving_mean 3',
        'bn1/moving_variance 3',
        'bn2/moving_variance 4',
      ]),
    );
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0]!.weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    const theirs = tf.tidy(() =>
      (model.predict(tf.tensor4d(data.x, [data.n, 6, 5, 2])) as tf.Tensor).dataSync(),
    );
    model.dispose();
    expectClose(theirs, ours, 'TF.js prediction', 1e-5, 1e-7);
  });

  it('PyTorch: BatchNorm2d and BatchNorm1d with the running statistics, momentum 1 − Keras’s', () => {
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error(`/usr/bin/python3 cannot import torch:\n${probe.stderr}`);
    const dir = mkdtempSync(join(tmpdir(), 'bn-export-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const { script, weights: npz } = exportPytorch(loaded, { stem: 'bn' });
    expect(script).toContain('nn.BatchNorm2d(3, eps=0.001, momentum=0.4');
    expect(script).toContain('nn.BatchNorm1d(4, eps=0.01, momentum=0.5)');
    writeFileSync(join(dir, 'train_bn.py'), script);
    writeFileSync(join(dir, 'bn_weights.npz'), npz);
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(Array.from(data.x)));
    const run = [
      'import importlib.util, json, sys, torch',
      'from pathlib import Path',
      'spec = importlib.util.spec_from_file_location("exported", "train_bn.py")',
      'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
      'net = m.Network(); m.load_weights(net, Path("bn_weights.npz")); net.eval()',
      'x = torch.tensor(json.load(open("rows.json")), dtype=torch.float32).view(-1, 60)',
      'with torch.no_grad(): print(json.dumps(net(x).flatten().tolist()))',
      'm.save_weights(net, Path("again.npz"))',
      'a, b = m.read_npz(Path("bn_weights.npz")), m.read_npz(Path("again.npz"))',
      'assert sorted(a) == sorted(b), "arrays lost on the way back"',
      'assert all(torch.equal(a[k], b[k]) for k in a), "weights changed on the way back"',
    ].join('\n');
    const out = execFileSync('/usr/bin/python3', ['-c', run], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
    });
    expectClose(JSON.parse(out) as number[], ours, 'PyTorch prediction', 1e-5, 1e-7);
  });

  it('ONNX: BatchNormalization (inference) in ONNX Runtime, from the raw features', async () => {
    const session = await ort.InferenceSession.create(exportOnnx(loaded));
    const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', data.x, [data.n, 60]) });
    const theirs = result[ONNX_OUTPUT.classification]!.data as Float32Array;
    expectClose(theirs, ours, 'ONNX Runtime prediction', 1e-5, 1e-7);
    await session.release();
  });

  it('the Keras summary counts the moving statistics as non-trainable parameters', () => {
    const summary = kerasSummary(loaded);
    const rows = summary.rows.map((r) => `${r.name} ${r.className} ${r.params}`);
    expect(rows).toEqual(expect.arrayContaining(['bn1 BatchNormalization 12', 'bn2 BatchNormalization 16']));
    expect(summary.totals.nonTrainable).toBe(2 * 3 + 2 * 4);
    expect(summary.totals.trainable + summary.totals.nonTrainable).toBe(summary.totals.total);
  });
});
