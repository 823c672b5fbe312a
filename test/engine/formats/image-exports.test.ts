/**
 * The exports of a CNN (every image kind, trained a few steps by our engine): TensorFlow.js loads its
 * layers model and predicts what we predict on every image; the PyTorch script's network, with its
 * weights from the .npz, predicts the same in /usr/bin/python3 (torch); and ONNX Runtime runs the
 * ONNX file (each image block between a Reshape/Transpose to NCHW and back) to the same numbers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../../engine/data/types.ts';
import { exportOnnx, ONNX_INPUT, ONNX_OUTPUT } from '../../../engine/formats/onnx-export.ts';
import * as ort from 'onnxruntime-node';
import { kerasShape, kerasSummary } from '../../../engine/formats/keras-summary.ts';
import {
  exportPytorch,
  exportTfjs,
  exportWeights,
  loadWeights,
  serializeWeights,
} from '../../../engine/formats/index.ts';
import type { LoadedWeights, TfjsWeightSpec } from '../../../engine/formats/index.ts';
import { modelFromWeights, predictAll } from '../../../engine/model/infer.ts';
import { createRng } from '../../../engine/rng.ts';
import { createTrainer } from '../../../engine/train/trainer.ts';
import { expectClose, useTfjsCpu } from '../tfjs-reference-helpers.ts';
import { cnnGraph, cnnPreprocessing } from './image-helpers.ts';

useTfjsCpu();

const ROWS = 12;

/** Random images (6×5×2, flat rows) with one of three classes each. */
function images(seed: number): Dataset {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: ROWS * 60 }, () => rng.normal());
  const y = new Float32Array(ROWS * 3);
  for (let r = 0; r < ROWS; r++) y[r * 3 + rng.int(3)] = 1;
  return { n: ROWS, nIn: 60, nOut: 3, x, y };
}

/** The CNN trained 6 steps on `data`, as its weights file loads. */
function trainedCnn(data: Dataset): LoadedWeights {
  const graph = cnnGraph();
  const trainer = createTrainer({
    graph,
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
  trainer.dispose();
  const file = exportWeights({
    graph,
    parameters: new Map(trainer.model.layers.map((l) => [l.nodeId, { kernel: l.kernel, bias: l.bias }])),
    preprocessing: cnnPreprocessing(),
  });
  return loadWeights(serializeWeights(file));
}

const data = images(5);
const loaded = trainedCnn(data);
const ours = predictAll(modelFromWeights(loaded.graph, loaded.parameters), data.x, data.n);

describe('CNN exports', () => {
  it('TensorFlow.js: the layers model predicts what we predict on every image', async () => {
    const { modelJson, weights } = exportTfjs(loaded);
    const json = JSON.parse(modelJson) as {
      modelTopology: tf.io.ModelJSON['modelTopology'] & { config: { layers: { class_name: string }[] } };
      weightsManifest: { weights: TfjsWeightSpec[] }[];
    };
    expect(json.modelTopology.config.layers.map((l) => l.class_name).sort()).toEqual(
      [
        'InputLayer',
        'Conv2D',
        'MaxPooling2D',
        'GlobalAveragePooling2D',
        'Reshape',
        'Conv2D',
        'AveragePooling2D',
        'Flatten',
        'Concatenate',
        'Dense',
      ].sort(),
    );
    expect(json.weightsManifest[0]!.weights.map((w) => `${w.name} ${w.shape.join('×')}`)).toEqual([
      'c1/kernel 3×2×2×3',
      'c1/bias 3',
      'c2/kernel 2×2×3×2',
      'head/kernel 7×3',
      'head/bias 3',
    ]);
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0]!.weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const theirs = tf.tidy(() =>
      (model.predict(tf.tensor4d(data.x, [data.n, 6, 5, 2])) as tf.Tensor).dataSync(),
    );
    model.dispose();
    expectClose(theirs, ours, 'TF.js prediction', 1e-5, 1e-7);
  });

  it('PyTorch: the script network with its .npz weights predicts what we predict', () => {
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error(`/usr/bin/python3 cannot import torch:\n${probe.stderr}`);
    const dir = mkdtempSync(join(tmpdir(), 'cnn-export-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const { script, weights } = exportPytorch(loaded, { stem: 'cnn' });
    writeFileSync(join(dir, 'train_cnn.py'), script);
    writeFileSync(join(dir, 'cnn_weights.npz'), weights);
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(Array.from(data.x)));
    const run = [
      'import importlib.util, json, sys, torch',
      'from pathlib import Path',
      'spec = importlib.util.spec_from_file_location("exported", "train_cnn.py")',
      'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
      'net = m.Network(); m.load_weights(net, Path("cnn_weights.npz")); net.eval()',
      'x = torch.tensor(json.load(open("rows.json")), dtype=torch.float32).view(-1, 60)',
      'with torch.no_grad(): print(json.dumps(net(x).flatten().tolist()))',
      // The weights go back to the app's layout unchanged.
      'm.save_weights(net, Path("again.npz"))',
      'a, b = m.read_npz(Path("cnn_weights.npz")), m.read_npz(Path("again.npz"))',
      'assert all(torch.equal(a[k], b[k]) for k in a), "weights changed on the way back"',
    ].join('\n');
    const out = execFileSync('/usr/bin/python3', ['-c', run], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
    });
    expectClose(JSON.parse(out) as number[], ours, 'PyTorch prediction', 1e-5, 1e-7);
    expect(script).toContain('nn.Conv2d(2, 3, kernel_size=(3, 2), stride=(1, 1))');
  });

  it('ONNX: ONNX Runtime predicts what we predict, from the raw features', async () => {
    const session = await ort.InferenceSession.create(exportOnnx(loaded));
    const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', data.x, [data.n, 60]) });
    const theirs = result[ONNX_OUTPUT.classification]!.data as Float32Array;
    expectClose(theirs, ours, 'ONNX Runtime prediction', 1e-5, 1e-7);
    await session.release();
  });

  it('the Keras summary gives each image layer its shape and parameters', () => {
    const rows = kerasSummary(loaded).rows.map((r) => `${r.name} ${kerasShape(r.outputShape)} ${r.params}`);
    expect(rows).toEqual(
      expect.arrayContaining([
        'x (None, 6, 5, 2) 0',
        'c1 (None, 6, 5, 3) 39',
        'p1 (None, 3, 3, 3) 0',
        'c2 (None, 2, 2, 2) 24',
        'p2 (None, 1, 2, 2) 0',
        'f (None, 4) 0',
        'g (None, 3) 0',
        'gr (None, 3) 0',
        'cat (None, 7) 0',
        'head (None, 3) 24',
      ]),
    );
  });
});
