/** Saving a project in the browser build (a download) and opening it again in a fresh window. */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseProject } from '../../engine/formats/project-file.ts';
import { byTestId, dataScatter, graphCounts, setField, steady, steadyBox, textOf, useApp } from './app.ts';

const app = useApp();

/** Block positions in canvas units, as Svelte Flow places them. */
async function positions(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of await page.locator('.svelte-flow__node').all())
    out[(await n.getAttribute('data-id'))!] = (await n.getAttribute('style'))!.match(
      /transform:\s*([^;]+)/,
    )![1]!;
  return out;
}

/** What the window shows of a project: its name, network and settings. */
async function projectView(page: Page) {
  return {
    name: await page.getByLabel('Project name').inputValue(),
    graph: await graphCounts(page),
    skip: await page.locator('.svelte-flow__edge[data-id="e-dense1-add1"]').count(),
    positions: await positions(page),
    params: await textOf(page, 'param-count'),
    dataset: await byTestId(page, 'dataset-select').inputValue(),
    noise: await page.getByLabel('Noise').inputValue(),
    optimizer: await page.getByLabel('Optimizer').inputValue(),
    epochs: await page.getByLabel('Epochs', { exact: true }).inputValue(),
    batch: await page.getByLabel('Batch size').inputValue(),
    learningRate: await page.getByLabel('Learning rate').inputValue(),
  };
}

describe('project files', () => {
  it('Save downloads the project; Open… in a fresh window brings back the network and the settings', async () => {
    const page = await app.open();
    await page.getByLabel('Project name').fill('Spiral study');
    await byTestId(page, 'template-skip').click();
    await expect.poll(() => graphCounts(page)).toEqual({ nodes: 6, edges: 6 });
    // Each data change is done when the scatter plot shows it: the noise is applied to the data set
    // loaded when it is set (a pending XOR load would lose it to the spirals), and a regeneration
    // still under way at Save would mark the project changed again.
    const scatter = dataScatter(page);
    const spirals = await scatter.screenshot();
    await byTestId(page, 'dataset-select').selectOption('xor');
    await expect.poll(() => scatter.screenshot().then((b) => b.equals(spirals))).toBe(false);
    const xor = await scatter.screenshot();
    await page.getByLabel('Noise').fill('0.1');
    await expect.poll(() => page.getByText('Noise 10%').count()).toBe(1);
    await expect.poll(() => scatter.screenshot().then((b) => b.equals(xor))).toBe(false);
    await page.getByLabel('Optimizer').selectOption('rmsprop');
    await setField(page, 'Epochs', '123');
    await setField(page, 'Batch size', '32');
    await setField(page, 'Learning rate', '0.02');
    // Move a block so that the saved positions are not the automatic layout (grabbed where it is once
    // the view has fitted the template).
    const auto = (await positions(page)).dense2;
    const box = await steadyBox(page.locator('.svelte-flow__node[data-id="dense2"]'));
    await page.mouse.move(box.x + box.width / 2, box.y + 8);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + 88, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => (await positions(page)).dense2).not.toBe(auto);
    await expect.poll(() => byTestId(page, 'param-count').count()).toBe(1);
    const saved = await steady(() => projectView(page)); // the drop rounds the block to whole pixels
    expect(saved).toMatchObject({
      name: 'Spiral study',
      dataset: 'xor',
      noise: '0.1',
      optimizer: 'rmsprop',
      epochs: '123',
      batch: '32',
      learningRate: '0.02',
    });
    expect(await byTestId(page, 'dirty').count()).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'save').click()]);
    expect(download.suggestedFilename()).toBe('Spiral-study.bps.json');
    const path = (await download.path())!;
    // The file is a valid project file with what was on screen.
    const file = parseProject(await readFile(path, 'utf8'));
    expect(file).toMatchObject({ name: 'Spiral study', training: { epochs: 123, batchSize: 32 } });
    expect(file.graph.nodes).toHaveLength(6);
    expect(file.data?.source).toMatchObject({ kind: 'builtin', name: 'xor', noise: 0.1 });
    await expect.poll(() => byTestId(page, 'dirty').count()).toBe(0);

    // A fresh window starts from the defaults; Open… and pick the file.
    const fresh = await app.open();
    // Edges are drawn a frame after their blocks, once those have been measured.
    await expect
      .poll(() => projectView(fresh))
      .toMatchObject({
        name: 'Untitled',
        graph: { nodes: 5, edges: 4 },
        dataset: 'spirals',
        epochs: '300',
      });
    const [chooser] = await Promise.all([
      fresh.waitForEvent('filechooser'),
      fresh.getByRole('button', { name: 'Open…' }).click(),
    ]);
    await chooser.setFiles(path);
    await expect.poll(() => fresh.getByLabel('Project name').inputValue()).toBe('Spiral study');
    await expect.poll(() => projectView(fresh)).toEqual(saved);
    // The view can match before the opening is over (the re-check of the network, which still shows
    // the same parameter count, comes last): then it is marked unchanged.
    await expect.poll(() => byTestId(fresh, 'dirty').count()).toBe(0);
    // The network is ready to train on the data it was saved with.
    expect(await byTestId(fresh, 'train').isEnabled()).toBe(true);
  });
});
