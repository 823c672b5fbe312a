/**
 * The LeNet-like example project (docs/examples/lenet.bps.json): its network has the shapes and the
 * parameter count of LeNet on 28×28 digits, and `train --project` trains it on the built-in MNIST
 * digits, validating on the official test digits, into a weights file with Keras-layout conv kernels.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../engine/formats/project-file.ts';
import { compileGraph } from '../../engine/graph/compile.ts';
import { run, tempDir } from './helpers.ts';

const PROJECT = new URL('../../docs/examples/lenet.bps.json', import.meta.url).pathname;

describe('the LeNet example', () => {
  const dir = tempDir();
  afterAll(dir.cleanup);

  it('is conv 5×5×6, pool, conv 5×5×16, pool, dense 120, 84, 10 on 28×28 grey digits', () => {
    const project = parseProject(readFileSync(PROJECT, 'utf8'));
    const c = compileGraph(project.graph, { inputWidth: 784, outputWidth: 10 });
    expect(Object.fromEntries([...c.shape].map(([id, s]) => [id, [...s]]))).toEqual({
      input: [28, 28, 1],
      conv1: [28, 28, 6],
      pool1: [14, 14, 6],
      conv2: [10, 10, 16],
      pool2: [5, 5, 16],
      flatten: [400],
      dense1: [120],
      dense2: [84],
      dense3: [10],
      output: [10],
    });
    // (5·5·1 + 1)·6 + (5·5·6 + 1)·16 + (400 + 1)·120 + (120 + 1)·84 + (84 + 1)·10
    expect(c.paramCount).toBe(61_706);
  });

  it('trains from the CLI on MNIST digits and validates on the 10,000 test digits', () => {
    const out = dir.path('lenet.weights.json');
    const r = run(
      'train',
      '--project',
      PROJECT,
      '--data',
      'builtin:mnist',
      '--samples',
      '1280',
      '--epochs',
      '1',
      '--out',
      out,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Training on 1280 rows (10000 for validation), 784 inputs, 61706 parameters');
    const summary = JSON.parse(r.stdout) as { val_accuracy: number };
    expect(summary.val_accuracy).toBeGreaterThan(0.5); // chance is 0.1
    const file = JSON.parse(readFileSync(out, 'utf8')) as {
      parameters: Record<string, { kernel: { shape: number[] } }>;
    };
    expect(file.parameters['conv1']!.kernel.shape).toEqual([5, 5, 1, 6]);
    expect(file.parameters['conv2']!.kernel.shape).toEqual([5, 5, 6, 16]);
    expect(file.parameters['dense1']!.kernel.shape).toEqual([400, 120]);
  });
});
