import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, serializeProject } from '../../engine/formats/project-file.ts';
import { loadWeights } from '../../engine/formats/weights-file.ts';
import { denseNode } from '../../engine/graph/builders.ts';
import { byTestId, screenshot, textOf, useApp } from './app.ts';
import type { Page } from 'playwright-core';

const app = useApp();

/** A 2-3-1 network (tanh, then one sigmoid unit with binary cross-entropy) on the XOR data. */
async function project231(): Promise<string> {
  const project = createProject({
    name: 'Two three one',
    graph: {
      nodes: [
        { id: 'input', type: 'input', inputs: [], units: 0 },
        denseNode('dense1', 'input', 3, 'tanh'),
        denseNode('dense2', 'dense1', 1, 'sigmoid'),
        { id: 'output', type: 'output', inputs: ['dense2'], loss: 'binary_crossentropy' },
      ],
    },
    data: {
      source: { kind: 'builtin', name: 'xor', samples: 200, noise: 0, seed: 1 },
      missing: 'drop',
      normalize: 'standard',
    },
    training: {
      optimizer: { name: 'sgd', learningRate: 0.1 },
      batchSize: 8,
      epochs: 10,
      validationSplit: 0.2,
      shuffle: true,
      seed: 3,
    },
  });
  const path = join(tmpdir(), `explain-${process.pid}.bps.json`);
  await writeFile(path, serializeProject(project));
  return path;
}

/** The number a neuron shows: its label's text, and the exact value behind it. */
async function shown(page: Page, node: string, j: number): Promise<{ text: string; value: number }> {
  const el = byTestId(page, `value-${node}-${j}`);
  return {
    text: ((await el.textContent()) ?? '').trim(),
    value: Number(await el.getAttribute('data-value')),
  };
}

async function next(page: Page, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await byTestId(page, 'explain-next').click();
}

describe('Inside backprop', () => {
  it('steps through a 2-3-1 network: the numbers on screen are the engine’s forward and backward values', async () => {
    const page = await app.open();
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Open…' }).click(),
    ]);
    await chooser.setFiles(await project231());
    await expect.poll(() => page.getByLabel('Project name').inputValue()).toBe('Two three one');
    // The name comes first; the data, the network and the engine's verdict on it follow. Wait for the
    // verdict on the 2-3-1 (9 + 4 parameters) before training, or the old network would be trained.
    await expect.poll(() => textOf(page, 'param-count')).toBe('Network: 13 parameters');
    // Train first: the step is then explained with the trained weights, not the initial ones.
    await byTestId(page, 'train').click();
    await expect
      .poll(() => byTestId(page, 'run-state').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('done');
    // The trained weights, exported before opening the view: the trace must use exactly these.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      byTestId(page, 'export-weights').click(),
    ]);
    const w = loadWeights(await readFile((await download.path())!, 'utf8'));
    const W1 = w.parameters.get('dense1')!;
    const W2 = w.parameters.get('dense2')!;

    await byTestId(page, 'mode-explain').click();
    await expect.poll(() => textOf(page, 'explain-frame')).toMatch(/Forward\s*input/);

    const x = [(await shown(page, 'input', 0)).value, (await shown(page, 'input', 1)).value];
    await next(page); // dense1 forward
    expect(await textOf(page, 'explain-frame')).toMatch(/Forward\s*dense1/);
    const a1: number[] = [];
    for (let j = 0; j < 3; j++) {
      const z = x[0]! * W1.kernel[0 * 3 + j]! + x[1]! * W1.kernel[1 * 3 + j]! + W1.bias![j]!;
      const s = await shown(page, 'dense1', j);
      expect(s.value).toBeCloseTo(Math.tanh(z), 5);
      expect(Number(s.text)).toBeCloseTo(Math.tanh(z), 2);
      a1.push(s.value);
    }
    // The formula shows the same numbers: z₁ = x₁·W₁₁ + x₂·W₂₁ + b₁.
    const first = (await byTestId(page, 'formula').first().textContent()) ?? '';
    expect(first).toMatch(/^z\s*1 = /);
    expect(first).toContain('tanh');

    await next(page); // dense2 forward
    const z2 = a1.reduce((s, a, j) => s + a * W2.kernel[j]!, W2.bias![0]!);
    const p = 1 / (1 + Math.exp(-z2));
    expect((await shown(page, 'dense2', 0)).value).toBeCloseTo(p, 5);

    await next(page, 2); // output, then the loss
    expect(await textOf(page, 'explain-frame')).toMatch(/Loss/);
    const lossText = (await byTestId(page, 'formula').first().textContent()) ?? '';
    const y = /y = \[(-?[\d.]+)\]/.exec(lossText)![1]!;
    const target = Number(y);
    expect([0, 1]).toContain(target);
    const bce = -(target * Math.log(p) + (1 - target) * Math.log(1 - p));
    expect(Number(/L = (-?[\d.]+)/.exec(lossText)![1])).toBeCloseTo(bce, 3);

    await next(page); // backward starts at dense2 (the output shares its buffers)
    expect(await textOf(page, 'explain-frame')).toMatch(/Backward\s*dense2/);
    const dz2 = (await shown(page, 'dense2', 0)).value;
    expect(dz2).toBeCloseTo(p - target, 5); // fused sigmoid + BCE: ∂L/∂z = p − y
    await next(page); // dense1
    for (let j = 0; j < 3; j++) {
      const expected = W2.kernel[j]! * dz2 * (1 - a1[j]! ** 2); // reused ∂L/∂z₂ times the cached tanh′
      expect((await shown(page, 'dense1', j)).value).toBeCloseTo(expected, 6);
    }
    const steps = page.locator('[data-testid="formula"]').filter({ hasText: '∂L/∂z_1' });
    await expect.poll(() => steps.count()).toBeGreaterThan(0);
    expect(await page.getByText('cached a_1', { exact: true }).count()).toBe(1);
    expect(await page.getByText('reused ∂L/∂a_1', { exact: true }).count()).toBe(1);

    await next(page, 2); // the input (no gradient needed), then the update
    expect(await textOf(page, 'explain-frame')).toMatch(/Update/);

    // Why backwards: the engine's counts for 2-3-1 and one sample, worked out by hand:
    // a forward pass is 2·3 + 3·1 = 9 multiply-adds;
    // backprop = 9 + ∂L/∂W₂ (3) + ∂L/∂a₁ = W₂·∂L/∂z₂ (3) + ∂L/∂W₁ (6) = 21;
    // the chain rule per weight = 9 + 9 first-layer parameters × (3 for ż₂ + 1 for the dot with ∂L/∂p)
    //   + 4 second-layer parameters × 1 = 49;
    // finite differences = 13 parameters × 2 forward passes × 9 = 234.
    await byTestId(page, 'compare-methods').click();
    await byTestId(page, 'methods-table').waitFor();
    expect(await textOf(page, 'madds-backprop')).toBe('21');
    expect(await textOf(page, 'madds-naive')).toBe('49');
    expect(await textOf(page, 'madds-finiteDifferences')).toBe('234');
    await byTestId(page, 'gradient-check').click();
    await expect.poll(() => byTestId(page, 'gradcheck-table').count()).toBe(1);
    expect(await page.getByText('Gradient check passed').count()).toBe(1);

    // Keyboard: ← steps back, space plays to the end.
    await byTestId(page, 'explain-step').click();
    await page.keyboard.press('ArrowLeft');
    expect(await textOf(page, 'explain-frame')).toMatch(/Backward\s*input/);
    await page.keyboard.press(' ');
    await expect.poll(() => textOf(page, 'explain-frame'), { timeout: 5000 }).toMatch(/Update/);
    for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowLeft');
    expect(await textOf(page, 'explain-frame')).toMatch(/Backward\s*dense1/);
    await screenshot(page, 'explain-backward.png');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    expect(await textOf(page, 'explain-frame')).toMatch(/Forward\s*dense1/);
    await screenshot(page, 'explain-forward.png');
  });
});
