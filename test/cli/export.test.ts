/** `export --format tfjs`: writes model.json and its weights, which TF.js loads and runs as our engine does. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { exportWeights, loadWeights, serializeWeights } from '../../engine/formats/index.ts';
import { denseNode } from '../../engine/graph/builders.ts';
import { modelFromWeights, predictAll } from '../../engine/model/infer.ts';
import { createRng } from '../../engine/rng.ts';
import { expectClose, useTfjsCpu } from '../engine/tfjs-reference-helpers.ts';
import { run, tempDir } from './helpers.ts';

useTfjsCpu();

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('export', () => {
  it('--format tfjs writes model.json and group1-shard1of1.bin, which TF.js loads and runs', async () => {
    const weightsPath = tmp.path('circle.json');
    const trained = run(
      'train',
      '--layers',
      '8,8',
      '--data',
      'builtin:circle',
      '--epochs',
      '3',
      '--out',
      weightsPath,
    );
    expect(trained.code, trained.stderr).toBe(0);

    const out = tmp.path('tfjs/model');
    const r = run('export', '--weights', weightsPath, '--format', 'tfjs', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('model.json');

    const json = JSON.parse(readFileSync(`${out}/model.json`, 'utf8')) as {
      format: string;
      modelTopology: tf.io.ModelJSON['modelTopology'];
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]!.paths).toEqual(['group1-shard1of1.bin']);
    const bin = readFileSync(`${out}/group1-shard1of1.bin`);
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0]!.weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    const w = loadWeights(readFileSync(weightsPath, 'utf8'));
    const rng = createRng(9);
    const n = 25;
    const x = Float32Array.from({ length: n * 2 }, () => rng.normal());
    const input = tf.tensor2d(x, [n, 2]);
    const p = model.predict(input) as tf.Tensor;
    expectClose(p.dataSync(), predictAll(modelFromWeights(w.graph, w.parameters), x, n), 'TF.js', 1e-5, 1e-7);
    tf.dispose([input, p]);
    model.dispose();

    // Exporting again replaces the two files.
    expect(run('export', '--weights', weightsPath, '--format', 'tfjs', '--out', out).code).toBe(0);
  });

  it('user errors exit 2 with one line and no stack trace', () => {
    const weightsPath = tmp.path('elu.json');
    const fine = tmp.path('fine.json');
    const file = (alpha: number) =>
      exportWeights({
        graph: {
          nodes: [
            { id: 'in', type: 'input', inputs: [], units: 1 },
            denseNode('hidden', 'in', 2, 'elu', { alpha }),
            denseNode('y', 'hidden', 1, 'linear'),
            { id: 'out', type: 'output', inputs: ['y'], loss: 'mse' },
          ],
        },
        parameters: new Map([
          ['hidden', { kernel: [0.5, -0.5], bias: [0, 0] }],
          ['y', { kernel: [1, 1], bias: [0] }],
        ]),
        preprocessing: {
          features: [{ name: 'a', kind: 'numeric', mean: 0, scale: 1, fill: null }],
          target: { name: 'b', task: 'regression', mean: 0, scale: 1 },
          missing: 'drop',
          normalize: 'standard',
        },
      });
    writeFileSync(weightsPath, serializeWeights(file(0.5)));
    writeFileSync(fine, serializeWeights(file(1)));
    const cases: [string[], string][] = [
      [['--format', 'tfjs', '--out', tmp.path('a')], '--weights W.json is required'],
      [['--weights', weightsPath, '--out', tmp.path('a')], '--format is required (one of tfjs)'],
      [
        ['--weights', weightsPath, '--format', 'onnx', '--out', tmp.path('a')],
        '--format must be one of tfjs',
      ],
      [['--weights', weightsPath, '--format', 'tfjs'], '--out DIR is required'],
      [['--weights', tmp.path('none.json'), '--format', 'tfjs', '--out', tmp.path('a')], 'no such file'],
      [['--weights', weightsPath, '--format', 'tfjs', '--out', tmp.path('a')], 'block "hidden" (dense)'],
      [['--weights', fine, '--format', 'tfjs', '--out', fine], 'cannot be written'],
    ];
    for (const [args, words] of cases) {
      const r = run('export', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(words);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    // Nothing is written for a network that cannot be exported.
    expect(existsSync(tmp.path('a'))).toBe(false);
  });

  it('--help describes the command in both languages', () => {
    expect(run('export', '--help').stdout).toContain('--format F');
    expect(run('--lang', 'zh-CN', 'export', '--help').stdout).toContain('用法');
    expect(run('--help').stdout).toContain('export');
  });
});
