/** `import --format tfjs`: a TensorFlow.js layers model (model.json and its shards) as a weights file. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWeights, parseWeights } from '../../engine/formats/index.ts';
import type { WeightsFile } from '../../engine/formats/index.ts';
import { modelFromWeights, predictAll } from '../../engine/model/infer.ts';
import { createRng } from '../../engine/rng.ts';
import { expectClose, useTfjsCpu } from '../engine/tfjs-reference-helpers.ts';
import { run, tempDir } from './helpers.ts';

useTfjsCpu();

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const withoutStamp = (f: WeightsFile) => ({
  ...f,
  metadata: { ...f.metadata, createdAt: '', createdBy: '' },
});

/** Saves a TF.js model into `dir` as model.json and its weights split over two shards. */
async function saveSplit(model: tfl.LayersModel, dir: string): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((a) => {
      artifacts = a;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }),
  );
  const data = artifacts!.weightData!;
  const bytes = new Uint8Array(Array.isArray(data) ? data[0]! : data);
  const half = Math.floor(bytes.length / 8) * 4;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'group1-shard1of2.bin'), bytes.subarray(0, half));
  writeFileSync(join(dir, 'group1-shard2of2.bin'), bytes.subarray(half));
  writeFileSync(
    join(dir, 'model.json'),
    JSON.stringify({
      format: 'layers-model',
      modelTopology: artifacts!.modelTopology,
      weightsManifest: [
        { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: artifacts!.weightSpecs },
      ],
    }),
  );
}

describe('import', () => {
  it('our own export comes back as the weights file it was made from', () => {
    const weights = tmp.path('w.json');
    expect(
      run('train', '--layers', '6,4', '--data', 'builtin:iris', '--epochs', '2', '--out', weights).code,
    ).toBe(0);
    expect(run('export', '--weights', weights, '--format', 'tfjs', '--out', tmp.path('tfjs')).code).toBe(0);
    const r = run(
      'import',
      '--format',
      'tfjs',
      '--model',
      tmp.path('tfjs/model.json'),
      '--out',
      tmp.path('back.json'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('back.json');
    // 4 features → 6 → 4 → 3 classes: (4·6 + 6) + (6·4 + 4) + (4·3 + 3).
    expect(r.stderr).toMatch(/: \d+ blocks, 73 parameters\./);
    const back = parseWeights(readFileSync(tmp.path('back.json'), 'utf8'));
    expect(withoutStamp(back)).toEqual(withoutStamp(parseWeights(readFileSync(weights, 'utf8'))));
  });

  it('a TF.js model saved in two shards imports and predicts as TF.js', async () => {
    const init = () => tfl.initializers.randomNormal({ mean: 0, stddev: 0.6, seed: 7 });
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [5],
          units: 7,
          activation: 'tanh',
          kernelInitializer: init(),
          biasInitializer: init(),
        }),
        tfl.layers.dense({
          units: 4,
          activation: 'softmax',
          kernelInitializer: init(),
          biasInitializer: init(),
        }),
      ],
    });
    await saveSplit(model, tmp.path('made'));
    const r = run(
      'import',
      '--format',
      'tfjs',
      '--model',
      tmp.path('made/model.json'),
      '--out',
      tmp.path('made.json'),
    );
    expect(r.code, r.stderr).toBe(0);
    const loaded = loadWeights(readFileSync(tmp.path('made.json'), 'utf8'));
    const rng = createRng(2);
    const x = Float32Array.from({ length: 40 * 5 }, () => rng.normal());
    const input = tf.tensor2d(x, [40, 5]);
    const out = model.predict(input) as tf.Tensor;
    expectClose(
      predictAll(modelFromWeights(loaded.graph, loaded.parameters), x, 40),
      out.dataSync(),
      'import',
      1e-5,
      1e-7,
    );
    tf.dispose([input, out]);
    model.dispose();
  });

  it('refuses what it cannot read, writing nothing', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [2], units: 1, activation: 'sigmoid' })],
    });
    await saveSplit(model, tmp.path('bad'));
    model.dispose();
    const json = tmp.path('bad/model.json');
    const text = readFileSync(json, 'utf8');
    const conv = tmp.path('conv/model.json');
    mkdirSync(tmp.path('conv'));
    writeFileSync(conv, text.replace('"class_name":"Dense"', '"class_name":"Conv2D"'));
    for (const shard of ['group1-shard1of2.bin', 'group1-shard2of2.bin'])
      writeFileSync(tmp.path(`conv/${shard}`), readFileSync(tmp.path(`bad/${shard}`)));
    const short = tmp.path('short/model.json');
    mkdirSync(tmp.path('short'));
    writeFileSync(short, text);
    writeFileSync(tmp.path('short/group1-shard1of2.bin'), readFileSync(tmp.path('bad/group1-shard1of2.bin')));
    writeFileSync(
      tmp.path('short/group1-shard2of2.bin'),
      readFileSync(tmp.path('bad/group1-shard2of2.bin')).subarray(4),
    );
    const missing = tmp.path('missing/model.json');
    mkdirSync(tmp.path('missing'));
    writeFileSync(missing, text);

    const out = tmp.path('never.json');
    const cases: [string[], string][] = [
      [['--model', json, '--out', out], '--format is required (one of tfjs)'],
      [['--format', 'onnx', '--model', json, '--out', out], '--format must be one of tfjs'],
      [['--format', 'tfjs', '--out', out], '--model DIR/model.json is required'],
      [['--format', 'tfjs', '--model', json], '--out W.json is required'],
      [['--format', 'tfjs', '--model', conv, '--out', out], 'Conv2D layers are not supported'],
      [['--format', 'tfjs', '--model', short, '--out', out], 'shorter or longer than the manifest says'],
      [['--format', 'tfjs', '--model', missing, '--out', out], 'group1-shard1of2.bin: no such file'],
      [['--format', 'tfjs', '--model', json, '--out', tmp.path('nowhere/w.json')], 'cannot be written'],
    ];
    for (const [args, words] of cases) {
      const r = run('import', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(words);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(out)).toBe(false);
    expect(
      run('--lang', 'zh-CN', 'import', '--format', 'tfjs', '--model', conv, '--out', out).stderr,
    ).toContain('不支持 Conv2D 层');
  });

  it('--help describes the command in both languages', () => {
    expect(run('import', '--help').stdout).toContain('--model DIR/model.json');
    expect(run('--lang', 'zh-CN', 'import', '--help').stdout).toContain('用法');
    expect(run('--help').stdout).toContain('import    read a TensorFlow.js layers model');
  });
});
