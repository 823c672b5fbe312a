/** `inspect` of a weights file shows the network's Keras-style summary, and `--json` gives its rows. */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  exportWeights,
  formatKerasSummary,
  kerasSummary,
  loadWeights,
  serializeWeights,
} from '../../engine/formats/index.ts';
import { denseNode } from '../../engine/graph/builders.ts';
import { run, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('inspect: Keras summary', () => {
  it('prints the summary after the layers and gives its rows with --json', () => {
    const path = tmp.path('w.json');
    const r = run('train', '--layers', '8,4', '--data', 'builtin:xor', '--epochs', '1', '--out', path);
    expect(r.code, r.stderr).toBe(0);
    const expected = formatKerasSummary(kerasSummary(loadWeights(readFileSync(path, 'utf8'))))
      .split('\n')
      .map((l) => l.trimEnd());

    const human = run('inspect', path);
    expect(human.code, human.stderr).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    const at = lines.indexOf('Keras summary (the TensorFlow.js export, as its model.summary() prints it):');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1)).toEqual(expected);
    expect(human.stdout).toMatch(/dense1 \(Dense\) +\[\[null,2\]\] +\[null,8\] +24/);
    expect(human.stdout).toContain('Total params: 70');

    const json = JSON.parse(run('inspect', path, '--json').stdout) as {
      keras: { rows: { name: string; className: string; outputShape: unknown; params: number }[] };
    };
    expect(json.keras.rows.map((row) => [row.name, row.className, row.outputShape, row.params])).toEqual([
      ['input', 'InputLayer', [null, 2], 0],
      ['dense1', 'Dense', [null, 8], 24],
      ['dense2', 'Dense', [null, 4], 36],
      ['dense3', 'Dense', [null, 2], 10],
    ]);
    expect(json).toMatchObject({ keras: { totals: { total: 70, trainable: 70, nonTrainable: 0 } } });

    expect(run('--lang', 'zh-CN', 'inspect', path).stdout).toContain('Keras 摘要');
  });

  it('says why there is none for a network with no Keras form, in both languages', () => {
    const path = tmp.path('elu.json');
    const file = exportWeights({
      graph: {
        nodes: [
          { id: 'in', type: 'input', inputs: [], units: 1 },
          denseNode('hidden', 'in', 2, 'elu', { alpha: 0.5 }),
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
    writeFileSync(path, serializeWeights(file));
    const r = run('inspect', path);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Keras summary: none, .*block "hidden"/);
    expect(JSON.parse(run('inspect', path, '--json').stdout)).toMatchObject({ keras: null });
    expect(run('--lang', 'zh-CN', 'inspect', path).stdout).toMatch(/Keras 摘要：无.*“hidden”/);
  });
});
