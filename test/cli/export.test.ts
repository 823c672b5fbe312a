/** `export --format tfjs`: writes model.json and its weights, which TF.js loads and runs as our engine does. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPORT_FORMAT_IDS, EXPORT_FORMATS } from '../../engine/formats/exports.ts';
import type { ExportFile, ExportOptions } from '../../engine/formats/exports.ts';
import {
  createProject,
  exportWeights,
  loadWeights,
  serializeProject,
  serializeWeights,
} from '../../engine/formats/index.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import { DEFAULT_TRAINING } from '../../engine/train/config.ts';
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
    const formats = EXPORT_FORMAT_IDS.join(', ');
    const cases: [string[], string][] = [
      [['--format', 'tfjs', '--out', tmp.path('a')], '--weights W.json is required'],
      [['--weights', weightsPath, '--out', tmp.path('a')], `--format is required (one of ${formats})`],
      [
        ['--weights', weightsPath, '--format', 'keras', '--out', tmp.path('a')],
        `--format must be one of ${formats}`,
      ],
      [['--weights', weightsPath, '--format', 'tfjs'], '--out is required'],
      [['--weights', tmp.path('none.json'), '--format', 'tfjs', '--out', tmp.path('a')], 'no such file'],
      [['--weights', weightsPath, '--format', 'tfjs', '--out', tmp.path('a')], 'block "hidden" (dense)'],
      // model.json's extension: the main file itself, which would replace the weights file.
      [['--weights', fine, '--format', 'tfjs', '--out', fine], 'would replace a file it is made from'],
      [['--weights', fine, '--format', 'tfjs', '--out', `${fine}/x`], 'cannot be written'],
      [['--weights', fine, '--format', 'tfjs', '--out', tmp.path('a/x.onnx')], 'main file is model.json'],
      [
        ['--weights', fine, '--format', 'tfjs', '--out', tmp.path('a'), '--project', fine],
        'not a project file',
      ],
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
    expect(run('export', '--help').stdout).toContain(
      `--format F                ${EXPORT_FORMAT_IDS.join(' | ')}`,
    );
    expect(run('--lang', 'zh-CN', 'export', '--help').stdout).toContain('用法');
    expect(run('--help').stdout).toContain('export');
  });
});

/** A trained weights file for the registry tests (one per file, made once). */
let trainedPath: string | undefined;
function weightsFile(): string {
  if (trainedPath) return trainedPath;
  trainedPath = tmp.path('Iris Net.json');
  const r = run('train', '--layers', '6', '--data', 'builtin:iris', '--epochs', '2', '--out', trainedPath);
  expect(r.code, r.stderr).toBe(0);
  return trainedPath;
}

/** What the registry makes for the file, in memory. */
function expected(id: (typeof EXPORT_FORMAT_IDS)[number], options: ExportOptions): ExportFile[] {
  return EXPORT_FORMATS[id].write(loadWeights(readFileSync(weightsFile(), 'utf8')), options) as ExportFile[];
}

const bytes = (data: string | Uint8Array) =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);

function expectWritten(dir: string, files: readonly ExportFile[], names = files.map((f) => f.name)): void {
  expect(readdirSync(dir).sort()).toEqual([...names].sort());
  files.forEach((f, i) =>
    expect(readFileSync(join(dir, names[i]!)).equals(bytes(f.data)), names[i]).toBe(true),
  );
}

describe('export: every format of the registry', () => {
  it.each(EXPORT_FORMAT_IDS)('%s: --out a folder (made) takes the files under their names', (id) => {
    const dir = tmp.path(`folder-${id}/deeper`);
    const r = run('export', '--weights', weightsFile(), '--format', id, '--out', dir);
    expect(r.code, r.stderr).toBe(0);
    // The stem is the weights file's name.
    const files = expected(id, { stem: 'iris_net' });
    expectWritten(dir, files);
    expect(r.stderr).toContain(join(dir, files[0]!.name));
  });

  it.each(EXPORT_FORMAT_IDS)("%s: --out ending in the main file's extension is the main file", (id) => {
    const files = expected(id, { stem: 'iris_net' });
    const ext = extname(files[0]!.name);
    expect(ext).not.toBe('');
    const dir = tmp.path(`file-${id}/sub`);
    const r = run('export', '--weights', weightsFile(), '--format', id, '--out', join(dir, `chosen${ext}`));
    expect(r.code, r.stderr).toBe(0);
    expectWritten(dir, files, [`chosen${ext}`, ...files.slice(1).map((f) => f.name)]);
  });

  it.each(EXPORT_FORMAT_IDS)(
    '%s: refuses another extension, and a destination it cannot write, writing nothing',
    (id) => {
      const wrong = run(
        'export',
        '--weights',
        weightsFile(),
        '--format',
        id,
        '--out',
        tmp.path(`wrong-${id}/x.zip`),
      );
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('x.zip');
      expect(existsSync(tmp.path(`wrong-${id}`))).toBe(false);

      // A folder where the last of the files would go: the check fails and no file is written.
      const files = expected(id, { stem: 'iris_net' });
      const dir = tmp.path(`blocked-${id}`);
      mkdirSync(join(dir, files.at(-1)!.name), { recursive: true });
      const r = run('export', '--weights', weightsFile(), '--format', id, '--out', dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('cannot be written');
      expect(readdirSync(dir)).toEqual([files.at(-1)!.name]);
      expect(readdirSync(join(dir, files.at(-1)!.name))).toEqual([]);

      // A folder that cannot be made (under a file).
      const under = run(
        'export',
        '--weights',
        weightsFile(),
        '--format',
        id,
        '--out',
        `${weightsFile()}/out/`,
      );
      expect(under.code).toBe(2);
      expect(under.stderr).toContain('cannot be written');
    },
  );

  it('--project gives its training settings to the formats that use them', () => {
    const training = {
      ...DEFAULT_TRAINING,
      epochs: 7,
      batchSize: 5,
      optimizer: { name: 'sgd' as const, learningRate: 0.05 },
    };
    const project = tmp.path('settings.project.json');
    writeFileSync(
      project,
      serializeProject(
        createProject({
          name: 'settings',
          graph: buildMlp({ inputs: 4, hidden: [6], outputs: 3, activation: 'relu', head: 'softmax' }),
          training,
        }),
      ),
    );
    const same = (a: ExportFile[], b: ExportFile[]) =>
      a.length === b.length &&
      a.every((f, i) => f.name === b[i]!.name && bytes(f.data).equals(bytes(b[i]!.data)));
    let usesThem = 0;
    for (const id of EXPORT_FORMAT_IDS) {
      const withSettings = expected(id, { stem: 'iris_net', training });
      if (!same(withSettings, expected(id, { stem: 'iris_net' }))) usesThem++;
      const dir = tmp.path(`project-${id}`);
      const r = run('export', '--weights', weightsFile(), '--format', id, '--out', dir, '--project', project);
      expect(r.code, r.stderr).toBe(0);
      expectWritten(dir, withSettings);
    }
    // At least one format (a training script) carries them, so the comparison above shows they arrive.
    expect(usesThem).toBeGreaterThan(0);
  });
});

describe('train --export', () => {
  it.each(EXPORT_FORMAT_IDS)('%s: exports the trained network with the run’s settings beside --out', (id) => {
    const out = tmp.path(`train-${id}/run.json`);
    mkdirSync(tmp.path(`train-${id}`));
    const r = run(
      'train',
      '--layers',
      '5',
      '--data',
      'builtin:iris',
      '--epochs',
      '2',
      '--batch-size',
      '16',
      '--optimizer',
      'sgd',
      '--lr',
      '0.2',
      '--out',
      out,
      '--export',
      id,
    );
    expect(r.code, r.stderr).toBe(0);
    const training = {
      ...DEFAULT_TRAINING,
      optimizer: { name: 'sgd' as const, learningRate: 0.2 },
      batchSize: 16,
      epochs: 2,
    };
    const files = EXPORT_FORMATS[id].write(loadWeights(readFileSync(out, 'utf8')), {
      stem: 'run',
      training,
    }) as ExportFile[];
    expectWritten(tmp.path(`train-${id}/run-${id}`), files);
    expect(r.stderr).toContain(`run-${id}`);
  });

  it('--export-out is the destination, a folder or the main file', () => {
    const out = tmp.path('train-to/w.json');
    mkdirSync(tmp.path('train-to'));
    const main = expected('tfjs', { stem: 'w' })[0]!;
    const target = tmp.path(`train-to/models/chosen${extname(main.name)}`);
    const r = run(
      'train',
      '--layers',
      '4',
      '--data',
      'builtin:xor',
      '--epochs',
      '1',
      '--out',
      out,
      '--export',
      'tfjs',
      '--export-out',
      target,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(target)).toBe(true);
    expect(readdirSync(tmp.path('train-to')).sort()).toEqual(['models', 'w.json']);
  });

  it('refuses before training: an unknown format, --export-out alone, a network or destination it cannot export to', () => {
    const elu = tmp.path('elu-project.json');
    writeFileSync(
      elu,
      serializeProject(
        createProject({
          name: 'elu',
          graph: {
            nodes: [
              { id: 'in', type: 'input', inputs: [], units: 0 },
              denseNode('hidden', 'in', 3, 'elu', { alpha: 0.5 }),
              denseNode('y', 'hidden', 2, 'softmax'),
              { id: 'out', type: 'output', inputs: ['y'], loss: 'categorical_crossentropy' },
            ],
          },
        }),
      ),
    );
    const out = tmp.path('refused/w.json');
    mkdirSync(tmp.path('refused'));
    const base = ['--data', 'builtin:xor', '--epochs', '1', '--out', out];
    const cases: [string[], string][] = [
      [
        ['--layers', '3', ...base, '--export', 'keras'],
        `--export must be one of ${EXPORT_FORMAT_IDS.join(', ')}`,
      ],
      [['--layers', '3', ...base, '--export-out', tmp.path('x')], '--export-out goes with --export'],
      [['--project', elu, ...base, '--export', 'tfjs'], 'block "hidden" (dense)'],
      [
        ['--layers', '3', ...base, '--export', 'tfjs', '--export-out', `${weightsFile()}/x/`],
        'cannot be written',
      ],
      [
        ['--layers', '3', ...base, '--export', 'tfjs', '--export-out', out],
        'would replace a file it is made from',
      ],
    ];
    for (const [args, words] of cases) {
      const r = run('train', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(words);
      expect(r.stderr).not.toContain('Training on');
      expect(readdirSync(tmp.path('refused'))).toEqual([]);
    }
  });

  it('--help lists the formats', () => {
    expect(run('train', '--help').stdout).toContain(
      `--export F                also export the trained network as F (${EXPORT_FORMAT_IDS.join(' | ')})`,
    );
    expect(run('--lang', 'zh-CN', 'train', '--help').stdout).toContain('--export-out DIR_OR_FILE');
  });
});
