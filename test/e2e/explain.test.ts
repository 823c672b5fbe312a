import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, serializeProject } from '../../engine/formats/project-file.ts';
import { loadWeights } from '../../engine/formats/weights-file.ts';
import { denseNode } from '../../engine/graph/builders.ts';
import { byTestId, exportWeightsFile, screenshot, textOf, useApp } from './app.ts';
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

/** A number as the explainer writes it ("−0.12", "1.2×10⁻⁵") back to a number. */
function parseNotation(text: string): number {
  const sup: Record<string, string> = {
    '⁻': '-',
    '⁰': '0',
    '¹': '1',
    '²': '2',
    '³': '3',
    '⁴': '4',
    '⁵': '5',
    '⁶': '6',
    '⁷': '7',
    '⁸': '8',
    '⁹': '9',
  };
  const s = text
    .trim()
    .replace(/−/g, '-')
    .replace(/×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/, (_, e: string) => `e${[...e].map((c) => sup[c]).join('')}`);
  return Number(s);
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
    const [download] = await Promise.all([page.waitForEvent('download'), exportWeightsFile(page)]);
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
      expect(parseNotation(s.text)).toBeCloseTo(Math.tanh(z), 2);
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

  it('writes softmax over the vector, one notation for numbers, labels off the connections, median timings', async () => {
    const page = await app.open();
    // The default network on the spirals: 2-8-8-2 with a softmax head.
    for (let i = 1; i <= 3; i++) {
      await byTestId(page, 'step').click();
      await expect.poll(() => textOf(page, 'step-count')).toBe(String(i));
    }
    await byTestId(page, 'mode-explain').click();
    await expect.poll(() => textOf(page, 'explain-frame')).toMatch(/Forward\s*input/);
    const total = Number(/of (\d+)/.exec(await textOf(page, 'explain-frame'))![1]);

    const formulas: string[] = [];
    let sawSoftmax = false;
    for (let i = 1; i < total; i++) {
      formulas.push(...(await page.locator('[data-testid="formula"]').allTextContents()));
      if ((await textOf(page, 'explain-frame')).match(/Forward\s*dense3/)) {
        const soft = (await page.locator('[data-testid="formula"]').allTextContents()).filter((f) =>
          f.includes('softmax'),
        );
        // a_j = softmax(z)_j = e^z_j / Σ_k e^z_k with every z_k: never softmax of one number.
        expect(soft).toHaveLength(2);
        for (const f of soft) {
          expect(f.replace(/\s+/g, ' ')).toMatch(
            /^a ?1 = softmax\(z\) ?1 = e ?z ?1 \/ Σ ?k e ?z ?k = |^a ?2 = softmax\(z\) ?2/,
          );
          expect(f).not.toMatch(/softmax\([−\d]/);
          expect((f.match(/\+/g) ?? []).length).toBeGreaterThanOrEqual(1); // e^{z_1} + e^{z_2}
        }
        const a = [0, 1].map((j) => byTestId(page, `value-dense3-${j}`));
        const p = await Promise.all(a.map(async (e) => Number(await e.getAttribute('data-value'))));
        expect(p[0]! + p[1]!).toBeCloseTo(1, 6);
        sawSoftmax = true;
      }
      await next(page);
    }
    formulas.push(...(await page.locator('[data-testid="formula"]').allTextContents()));
    expect(sawSoftmax).toBe(true);
    expect(await textOf(page, 'explain-frame')).toMatch(/Update/);
    expect(formulas.length).toBeGreaterThan(20);
    for (const f of formulas) {
      // A real minus sign, 10 to a superscript power, and a negative term subtracted, not added.
      expect(f, f).not.toMatch(/(^|[\s(=,[·/])-\d|\de[-+]?\d|\^|\+ [−-]/);
    }

    // Every value label sits inside its neuron: none lies over a connection.
    const crossings = (await page.evaluate(`(() => {
      const svg = document.querySelector('svg.diagram');
      const lines = [...svg.querySelectorAll('line')].map((l) => ({
        x1: +l.getAttribute('x1'), y1: +l.getAttribute('y1'), x2: +l.getAttribute('x2'), y2: +l.getAttribute('y2'),
      }));
      const hits = (b, l) => {
        // Sample the segment: a label box is hit when a point of the line falls inside it.
        for (let k = 0; k <= 200; k++) {
          const x = l.x1 + (l.x2 - l.x1) * k / 200, y = l.y1 + (l.y2 - l.y1) * k / 200;
          if (x > b.x && x < b.x + b.width && y > b.y && y < b.y + b.height) return true;
        }
        return false;
      };
      const out = [];
      for (const t of svg.querySelectorAll('text.value')) {
        const b = t.getBBox();
        if (lines.some((l) => hits(b, l))) out.push(t.getAttribute('data-testid'));
        // ...and fits inside the neuron's pill.
        const p = t.previousElementSibling.getBBox();
        if (b.x < p.x || b.x + b.width > p.x + p.width) out.push(t.getAttribute('data-testid') + ' overflows');
      }
      return { labels: svg.querySelectorAll('text.value').length, out };
    })()`)) as { labels: number; out: string[] };
    expect(crossings.labels).toBeGreaterThan(15);
    expect(crossings.out).toEqual([]);

    // The three timings are medians of several timed repetitions, and the table says so.
    await byTestId(page, 'compare-methods').click();
    await byTestId(page, 'methods-table').waitFor();
    for (const m of ['backprop', 'naive', 'finiteDifferences']) {
      const reps = Number(await byTestId(page, `time-${m}`).getAttribute('data-repetitions'));
      expect(reps).toBeGreaterThanOrEqual(3);
      expect(await textOf(page, `time-${m}`)).toMatch(/^[\d.]+(×10[⁻⁰-⁹]+)? ms$/);
    }
    expect(await textOf(page, 'timing-note')).toMatch(
      /^Each time is the median of \d+ (to \d+ )?timed repetitions/,
    );
  });
});
