/**
 * The everyday path in the browser, as a new user walks it: train, change a layer, save; load other
 * data after training; Inside backprop and back; wires let go on a block; the one-click output fix.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  byTestId,
  dragWire,
  flowEdge,
  flowNode,
  graphCounts,
  recordToasts,
  setField,
  textOf,
  useApp,
  waitForState,
} from './app.ts';

const app = useApp();

const node = flowNode;
const edge = flowEdge;

/** Saves from the toolbar; the browser build downloads the project. */
async function save(page: Page): Promise<Record<string, unknown>> {
  const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'save').click()]);
  return JSON.parse(await readFile((await download.path())!, 'utf8')) as Record<string, unknown>;
}

describe('the main path', () => {
  it('saves after a layer of the trained network is widened, without errors and without its old weights', async () => {
    const page = await app.open();
    const toasts = await recordToasts(page);
    await byTestId(page, 'train').click();
    await waitForState(page, 'done');
    expect((await save(page)).weights).toBeDefined();

    await page.getByRole('button', { name: 'Add a unit to dense1' }).click();
    await expect.poll(() => textOf(page, 'block-dense1')).toContain('9 units');
    await expect.poll(() => byTestId(page, 'results-stale').count()).toBe(1);
    expect(await byTestId(page, 'train-stale').count()).toBe(1);
    const file = await save(page);
    expect(file.weights).toBeUndefined();
    expect(JSON.stringify(file.graph)).toContain('"units":9');
    await expect
      .poll(toasts)
      .toContain(
        'Saved Untitled.bps.json, without trained weights: the network or data changed since training.',
      );
    expect(await page.locator('.toast.error').count()).toBe(0);
  });

  it('after other data is loaded, the panels no longer show the old run', async () => {
    const page = await app.open();
    await setField(page, 'Epochs', '20');
    await byTestId(page, 'train').click();
    await waitForState(page, 'done');
    await expect.poll(() => byTestId(page, 'confusion-matrix').count()).toBe(1);
    await byTestId(page, 'dataset-select').selectOption('iris');
    await expect.poll(() => textOf(page, 'data-summary')).toMatch(/3 classes/);
    await expect.poll(() => byTestId(page, 'confusion-matrix').count()).toBe(0);
    expect(await runStateOrIdle(page)).toBe('idle');
    expect(await page.locator('.toast.error').count()).toBe(0);
  });

  it('the palette rests in Inside backprop; back on the Network tab nothing was added', async () => {
    const page = await app.open();
    await expect.poll(() => graphCounts(page)).toEqual({ nodes: 5, edges: 4 });
    await byTestId(page, 'mode-explain').click();
    await expect.poll(() => byTestId(page, 'palette-locked').count()).toBe(1);
    expect(await byTestId(page, 'palette-dense').isDisabled()).toBe(true);
    await byTestId(page, 'palette-dense').click({ force: true });
    await byTestId(page, 'mode-network').click();
    await expect.poll(() => graphCounts(page)).toEqual({ nodes: 5, edges: 4 });
    expect(await byTestId(page, 'palette-dense').isDisabled()).toBe(false);
    expect(await byTestId(page, 'graph-problem').count()).toBe(0);
  });

  it('a wire let go on a block connects to it; one that would make a cycle says so', async () => {
    const page = await app.open();
    await expect.poll(() => graphCounts(page)).toEqual({ nodes: 5, edges: 4 });
    await byTestId(page, 'palette-dense').click();
    await expect.poll(() => graphCounts(page)).toEqual({ nodes: 6, edges: 4 });
    await dragWire(page, 'dense1', 'dense4', 'body');
    await expect.poll(() => edge(page, 'dense1', 'dense4').count()).toBe(1);

    await dragWire(page, 'dense3', 'dense1', 'body');
    await expect.poll(() => page.locator('.notice').textContent()).toMatch(/cycle/i);
    expect(await edge(page, 'dense3', 'dense1').count()).toBe(0);
    expect((await graphCounts(page)).edges).toBe(5);
  });

  it('keeps unsaved work for recovery, and gives it back after the window is reloaded', async () => {
    const page = await app.open();
    await page.getByRole('button', { name: 'Add a unit to dense1' }).click();
    await expect.poll(() => textOf(page, 'block-dense1')).toContain('9 units');
    // Autosave runs every 10 s: wait for the copy in the browser's storage.
    const kept = () =>
      page.evaluate(`new Promise((resolve) => {
        const r = indexedDB.open('backprop-studio', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('work');
        r.onsuccess = () => {
          const get = r.result.transaction('work').objectStore('work').get('backprop-studio:recovery');
          get.onsuccess = () => { resolve(typeof get.result === 'string' ? get.result.length : 0); r.result.close(); };
        };
      })`) as Promise<number>;
    await expect.poll(kept, { timeout: 30_000, interval: 250 }).toBeGreaterThan(0);
    await page.reload();
    const banner = page.getByRole('alertdialog');
    await expect.poll(() => banner.count()).toBe(1);
    await banner.getByRole('button', { name: 'Recover' }).click();
    await expect.poll(() => textOf(page, 'block-dense1')).toContain('9 units');
    expect(await page.locator('.toast.error').count()).toBe(0);
  });

  it('a network ending in a hidden layer is fixed in one click', async () => {
    const page = await app.open();
    await node(page, 'dense3').click();
    const inspector = page.getByRole('region', { name: 'Inspector' });
    await inspector.getByLabel('Activation').selectOption('relu');
    await expect.poll(() => byTestId(page, 'fix-head').count()).toBe(1);
    expect(await textOf(page, 'fix-head')).toBe('Fix: make dense3 the output layer (2 units, softmax)');
    await byTestId(page, 'fix-head').click();
    await expect.poll(() => textOf(page, 'param-count')).toBe('Network: 114 parameters');
    expect(await textOf(page, 'block-dense3')).toContain('2 units · softmax');
  });
});

async function runStateOrIdle(page: Page): Promise<string> {
  return (await byTestId(page, 'run-state').count()) ? (await textOf(page, 'run-state')).trim() : 'idle';
}
