/**
 * Training in the browser: the two spirals to over 90 % validation accuracy with live charts, pause and
 * resume, and the exported weights predicting exactly what the app predicts.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decodeOutput, encodeRows } from '../../engine/data/apply.ts';
import type { Prediction } from '../../engine/data/apply.ts';
import { loadWeights } from '../../engine/formats/weights-file.ts';
import { modelFromWeights, predictAll } from '../../engine/model/infer.ts';
import {
  byTestId,
  dataScatter,
  epoch,
  exportWeightsFile,
  parseShown,
  runState,
  screenshot,
  setField,
  steady,
  textOf,
  useApp,
  waitForState,
} from './app.ts';

const app = useApp();

const chartPoints = async (page: Page, id: 'loss-chart' | 'grad-chart') =>
  Number(await byTestId(page, id).getAttribute('data-points'));

/** The validation accuracy on show (NaN before the first epoch). */
const valAccuracy = async (page: Page) =>
  (await byTestId(page, 'val-accuracy').count()) ? parseShown(await textOf(page, 'val-accuracy')) : NaN;

/** Picks another dataset, then the two spirals, as a person would from the Data panel. */
async function chooseSpirals(page: Page): Promise<void> {
  const select = byTestId(page, 'dataset-select');
  const scatter = dataScatter(page);
  const spirals = await scatter.screenshot();
  await select.selectOption('circle');
  await expect.poll(() => scatter.screenshot().then((b) => b.equals(spirals))).toBe(false);
  await select.selectOption('spirals');
  expect(await select.inputValue()).toBe('spirals');
  await expect.poll(() => scatter.screenshot().then((b) => b.equals(spirals))).toBe(true);
  await expect.poll(() => textOf(page, 'data-summary')).toBe('500 rows · 3 columns · 2 classes');
  expect(await byTestId(page, 'train').isEnabled()).toBe(true);
}

/** The step count on show. */
const steps = async (page: Page) => parseShown(await textOf(page, 'step-count'));

/** The run state whatever the language. */
const stateOf = (page: Page) => byTestId(page, 'run-state').getAttribute('data-state');

/** The decision map's pixels (to tell that it moved). */
const decisionMap = (page: Page) => page.locator('canvas[aria-label*="decision map"]');

describe('training on the two spirals', () => {
  it('trains past 0.9 validation accuracy; the loss and gradient charts grow while it runs (main.png)', async () => {
    const page = await app.open();
    await chooseSpirals(page);
    await setField(page, 'Epochs', '500');
    const epochOf = () => byTestId(page, 'epoch').locator('..').textContent();
    expect(await epochOf()).toMatch(/epoch\s+0\/500/);
    expect(await chartPoints(page, 'loss-chart')).toBe(0);
    expect(await chartPoints(page, 'grad-chart')).toBe(0);
    // An empty chart says so instead of showing axes with made-up ticks.
    expect(await textOf(page, 'loss-chart')).toContain('Nothing yet');

    // At a watchable 20 steps a second the run (500 epochs of 25 steps) takes ten minutes, so it is
    // certainly still going while the charts are read: nothing here races the trainer.
    await byTestId(page, 'pace').selectOption({ label: '20 steps/s' });
    await byTestId(page, 'train').click();
    await waitForState(page, 'running');
    await expect.poll(() => steps(page)).toBeGreaterThanOrEqual(30); // past the first epoch
    await expect.poll(() => chartPoints(page, 'grad-chart')).toBeGreaterThan(0);
    const early = {
      loss: await chartPoints(page, 'loss-chart'),
      grad: await chartPoints(page, 'grad-chart'),
      map: await decisionMap(page).screenshot(),
    };
    // Points keep arriving (one gradient-norm line per dense layer), and the map moves with the model.
    await expect.poll(() => chartPoints(page, 'loss-chart')).toBeGreaterThan(early.loss);
    await expect.poll(() => chartPoints(page, 'grad-chart')).toBeGreaterThan(early.grad);
    expect((await chartPoints(page, 'grad-chart')) % 3).toBe(0);
    await expect.poll(async () => (await decisionMap(page).screenshot()).equals(early.map)).toBe(false);
    expect(await runState(page)).toBe('running');

    // Then as fast as possible to the end, changed while it runs; the result is the same at any pace.
    await byTestId(page, 'pace').selectOption({ label: 'as fast as possible' });
    await expect.poll(() => runState(page), { timeout: 45_000 }).toBe('done');
    expect(await epochOf()).toMatch(/epoch\s+500\/500/);
    expect(await valAccuracy(page)).toBeGreaterThan(0.9);
    // Three decimals whatever the value; no throughput once the run is over; the counter on one line.
    expect(await textOf(page, 'val-accuracy')).toMatch(/^\d\.\d{3}$/);
    expect(await textOf(page, 'samples-per-second')).toBe('–');
    const line = (await byTestId(page, 'epoch').boundingBox())!.height;
    expect((await byTestId(page, 'epoch').locator('..').boundingBox())!.height).toBeLessThan(1.5 * line);
    // The charts end with an overview of the whole run: the loss chart has its per-epoch lines too.
    expect(await chartPoints(page, 'loss-chart')).toBeGreaterThan(
      (await chartPoints(page, 'grad-chart')) / 3,
    );

    // The decision map is drawn over the data, and the results cover the 100 validation rows. The
    // run shows "done" first; its last map and results arrive with the replies that follow.
    await expect.poll(() => decisionMap(page).count()).toBe(1);
    const results = page.getByRole('region', { name: 'Results' });
    const accuracy = async () =>
      parseShown(/Accuracy (\S+) on 100 rows/.exec((await results.textContent()) ?? '')?.[1] ?? 'NaN');
    await expect.poll(accuracy).toBe(await valAccuracy(page));
    expect(await byTestId(page, 'confusion-matrix').isVisible()).toBe(true);
    await screenshot(page, 'main.png');
  });

  it.each(['en', 'zh-CN'])(
    'at a watchable pace the decision map and the heat map in every neuron follow the model (pace.%s.png)',
    async (locale) => {
      const page = await app.open({ locale });
      await byTestId(page, 'dataset-select').selectOption('spirals');
      await expect.poll(() => textOf(page, 'data-summary')).toContain('500');
      await setField(page, locale === 'en' ? 'Epochs' : '训练轮数', '100000'); // never over while watched
      await byTestId(page, 'pace').selectOption('5');
      await byTestId(page, 'train').click();
      await expect.poll(() => steps(page)).toBeGreaterThanOrEqual(2);
      // Inside each of dense1's 8 neurons, its output over the plane; the map and the neurons move
      // as the steps come, five a second.
      const neurons = page.locator('[data-testid="neuron-maps-dense1"] canvas');
      await expect.poll(() => neurons.count()).toBe(8);
      expect(await page.locator('[data-testid="neuron-maps-input"] canvas').count()).toBe(2);
      const map = byTestId(page, 'decision-map');
      const before = { map: await map.screenshot(), neuron: await neurons.nth(2).screenshot() };
      await expect.poll(async () => (await map.screenshot()).equals(before.map)).toBe(false);
      await expect.poll(async () => (await neurons.nth(2).screenshot()).equals(before.neuron)).toBe(false);
      expect(await stateOf(page)).toBe('running');

      // As fast as possible for a while, then paused at a watchable pace again: the picture to keep.
      await byTestId(page, 'pace').selectOption('null');
      await expect.poll(() => epoch(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(150);
      await byTestId(page, 'pause').click();
      await expect.poll(() => stateOf(page)).toBe('paused');
      await byTestId(page, 'pace').selectOption('20');
      expect(await byTestId(page, 'pace').inputValue()).toBe('20');
      // The map is large: most of the space beside the charts.
      const box = (await map.boundingBox())!;
      expect(Math.min(box.width, box.height)).toBeGreaterThan(300);
      await screenshot(page, `pace.${locale}.png`);
    },
  );

  it('pauses and resumes: the epoch counter holds still while paused and moves again after Resume', async () => {
    const page = await app.open();
    await setField(page, 'Epochs', '1000000'); // never over while it is paused and resumed
    await byTestId(page, 'train').click();
    await waitForState(page, 'running');
    await expect.poll(() => epoch(page), { interval: 20 }).toBeGreaterThanOrEqual(3);

    await byTestId(page, 'pause').click();
    await waitForState(page, 'paused');
    expect(await textOf(page, 'train')).toBe('Resume');
    // The last metrics arrive just after the pause (a status, then the overview, map and results, one
    // engine reply after another): let them land, then nothing may move.
    const { held, points } = await steady(
      async () => ({ held: await epoch(page), points: await chartPoints(page, 'loss-chart') }),
      500,
    );
    expect(held).toBeGreaterThanOrEqual(3);
    for (let t = 0; t < 5; t++) {
      await page.waitForTimeout(100);
      expect(await epoch(page)).toBe(held);
      expect(await runState(page)).toBe('paused');
    }
    expect(await chartPoints(page, 'loss-chart')).toBe(points);

    await byTestId(page, 'train').click();
    await waitForState(page, 'running');
    await expect.poll(() => epoch(page), { interval: 20 }).toBeGreaterThan(held);
    expect(await chartPoints(page, 'loss-chart')).toBeGreaterThan(0);

    await byTestId(page, 'stop').click();
    await waitForState(page, 'stopped');
    expect(await textOf(page, 'train')).toBe('Train');
  });

  it('exports weights that load with loadWeights and predict what the app predicts', async () => {
    const page = await app.open();
    await byTestId(page, 'train').click();
    await waitForState(page, 'done');
    expect(await valAccuracy(page)).toBeGreaterThan(0.9);

    const [download] = await Promise.all([page.waitForEvent('download'), exportWeightsFile(page)]);
    expect(download.suggestedFilename()).toBe('Untitled.weights.json');
    const text = await readFile((await download.path())!, 'utf8');
    const w = loadWeights(text);
    expect(w.graph.nodes.map((n) => n.id)).toEqual(['input', 'dense1', 'dense2', 'dense3', 'output']);
    expect(w.preprocessing.features.map((f) => f.name)).toEqual(['x1', 'x2']);
    expect(w.preprocessing.target).toMatchObject({
      name: 'label',
      task: 'classification',
      classes: ['0', '1'],
    });
    expect(w.metadata.name).toBe('Untitled');

    // The model from the file, on raw inputs: the file's preprocessing standardises them.
    const model = modelFromWeights(w.graph, w.parameters);
    const predict = (rows: string[][]): Prediction[] => {
      const enc = encodeRows(w.preprocessing, { columns: ['x1', 'x2'], rows });
      return decodeOutput(w.preprocessing, predictAll(model, enc.x, enc.n), enc.n, enc.nOut);
    };
    // Rows where the model hesitates (the strongest check), plus one where it is sure.
    const grid: string[][] = [];
    for (let i = 0; i <= 24; i++)
      for (let j = 0; j <= 24; j++) grid.push([(-1.2 + i * 0.1).toFixed(2), (-1.2 + j * 0.1).toFixed(2)]);
    const conf = (p: Prediction) => ('probabilities' in p ? Math.max(...p.probabilities) : 1);
    const scored = predict(grid).map((p, i) => ({ row: grid[i]!, p, c: conf(p) }));
    const hesitant = scored.filter((s) => s.c > 0.6 && s.c < 0.9).sort((a, b) => a.c - b.c);
    const sure = scored.find((s) => s.c > 0.99);
    expect(hesitant.length).toBeGreaterThanOrEqual(3);
    const picks = [hesitant[0]!, hesitant[Math.floor(hesitant.length / 2)]!, hesitant.at(-1)!, sure!];
    // Each pick's prediction reads differently from the one before, so a stale answer cannot pass.
    picks.forEach((s, i) => i && expect(Math.abs(s.c - picks[i - 1]!.c)).toBeGreaterThan(0.01));
    const form = byTestId(page, 'predict-form');
    let previous = '';
    for (const { row, p } of picks) {
      await form.getByLabel('x1', { exact: true }).fill(row[0]!);
      await form.getByLabel('x2', { exact: true }).fill(row[1]!);
      await form.getByRole('button', { name: 'Predict' }).click();
      await expect.poll(() => textOf(page, 'prediction')).not.toBe(previous);
      previous = await textOf(page, 'prediction');
      if (!('probabilities' in p)) throw new Error('expected a classification');
      expect(await byTestId(page, 'prediction').getAttribute('data-label'), `row ${row.join(', ')}`).toBe(
        p.label,
      );
      // The app's probabilities, exactly as the engine gave them, against the file's model.
      const items = byTestId(page, 'prediction').locator('li[data-class]');
      const shown: { cls: string | null; p: number }[] = [];
      for (let i = 0; i < (await items.count()); i++)
        shown.push({
          cls: await items.nth(i).getAttribute('data-class'),
          p: Number(await items.nth(i).getAttribute('data-probability')),
        });
      expect(shown.map((s) => s.cls)).toEqual(['0', '1']);
      shown.forEach((s, k) =>
        expect(Math.abs(s.p - p.probabilities[k]!), `row ${row.join(', ')} class ${k}`).toBeLessThan(1e-6),
      );
    }
  });

  it('shows the main screen in dark mode after training (dark.png)', async () => {
    const page = await app.open({ colorScheme: 'dark' });
    const background = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
    expect(background).toBe('rgb(20, 23, 28)');
    await byTestId(page, 'train').click();
    await waitForState(page, 'done');
    expect(await valAccuracy(page)).toBeGreaterThan(0.9);
    await screenshot(page, 'dark.png');
  });

  it('trains a large network on two cores (the page is cross-origin isolated), a small one on one', async () => {
    const page = await app.open();
    expect(await page.evaluate('crossOriginIsolated')).toBe(true);
    await byTestId(page, 'step').click();
    await expect.poll(async () => parseShown(await textOf(page, 'step-count'))).toBe(1);
    expect(await byTestId(page, 'threads').count()).toBe(0);

    // Two 1024-unit layers at batch 128: the 1024×1024 layer's products are large enough to share.
    const inspector = page.getByRole('region', { name: 'Inspector' });
    for (const id of ['dense1', 'dense2']) {
      await page.locator(`.svelte-flow__node[data-id="${id}"]`).click();
      await expect.poll(() => inspector.textContent()).toContain(id);
      const units = inspector.getByLabel('Units');
      await units.fill('1024');
      await units.press('Enter');
    }
    await setField(page, 'Batch size', '128');
    await expect.poll(() => textOf(page, 'param-count')).toBe('Network: 1,054,722 parameters');
    // The helper worker starts with the run's model; a step or two later it takes its share.
    for (let i = 1; i <= 20 && (await byTestId(page, 'threads').count()) === 0; i++) {
      await byTestId(page, 'step').click();
      await expect.poll(async () => parseShown(await textOf(page, 'step-count'))).toBe(i);
    }
    expect(await textOf(page, 'threads')).toBe('· 2 cores');
  });
});
