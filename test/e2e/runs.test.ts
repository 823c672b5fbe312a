/**
 * The runs view in Chromium: two runs with different learning rates are both kept, the table says
 * what changed, comparing them draws both runs' curves on shared axes, a run is renamed, and saving
 * and opening the project in a fresh window brings the runs back.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseProject } from '../../engine/formats/project-file.ts';
import { byTestId, dataScatter, screenshot, setField, useApp, waitForState } from './app.ts';

const app = useApp();

const rows = (page: Page) => byTestId(page, 'run-row');
const cellTexts = (page: Page, id: string) =>
  byTestId(page, id).evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
const names = (page: Page) =>
  byTestId(page, 'run-name').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));

/** A chart's series as LineChart lists them: how many have points, and their labels. */
async function chartSeries(page: Page, id: string): Promise<{ drawn: number; labels: string[] }> {
  const chart = byTestId(page, id);
  return {
    drawn: Number(await chart.getAttribute('data-series')),
    labels: ((await chart.getAttribute('data-labels')) ?? '').split('\n'),
  };
}

describe('training runs', () => {
  it('keeps two runs, compares their curves, renames one, and keeps them through save and open', async () => {
    const page = await app.open();
    // XOR: a data set both learning rates make headway on in a few epochs. The load is done when the
    // scatter plot shows it.
    const scatter = dataScatter(page);
    const spirals = await scatter.screenshot();
    await byTestId(page, 'dataset-select').selectOption('xor');
    await expect.poll(() => scatter.screenshot().then((b) => b.equals(spirals))).toBe(false);
    await setField(page, 'Epochs', '40');
    await byTestId(page, 'train').click();
    await waitForState(page, 'done');

    await byTestId(page, 'mode-runs').click();
    await expect.poll(() => cellTexts(page, 'run-record-state'), { timeout: 20_000 }).toEqual(['done']);
    await setField(page, 'Learning rate', '0.001');
    await byTestId(page, 'train').click();
    await expect
      .poll(() => cellTexts(page, 'run-record-state'), { timeout: 20_000 })
      .toEqual(['done', 'done']);
    expect(await names(page)).toEqual(['Run 1', 'Run 2']);
    const changes = await cellTexts(page, 'run-changes');
    expect(changes[0]).toBe('first run');
    expect(changes[1]).toBe('lr 0.01 → 0.001');
    const best = await cellTexts(page, 'run-best');
    for (const b of best) expect(b).toMatch(/^val accuracy [\d.]+ at epoch \d+$/);
    // Sorting by a column, from the keyboard: names ascending, then descending, then back by start.
    const byName = page.getByRole('columnheader', { name: 'Name' });
    await byName.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => byName.getAttribute('aria-sort')).toBe('ascending');
    await page.keyboard.press('Enter');
    await expect.poll(() => byName.getAttribute('aria-sort')).toBe('descending');
    expect(await names(page)).toEqual(['Run 2', 'Run 1']);
    await page.getByRole('columnheader', { name: 'Started' }).getByRole('button').click();
    await expect.poll(() => names(page)).toEqual(['Run 1', 'Run 2']);
    await byTestId(page, 'run-star').first().click();
    await expect.poll(() => byTestId(page, 'run-star').first().getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, 'runs.png');

    // Compare: both runs on the same axes, one colour each, the legend naming them.
    const ticks = byTestId(page, 'run-select');
    await ticks.nth(0).check();
    await ticks.nth(1).check();
    await expect
      .poll(() => chartSeries(page, 'compare-metric-chart'))
      .toEqual({
        drawn: 2,
        labels: ['Run 1', 'Run 2'],
      });
    await expect
      .poll(() => chartSeries(page, 'compare-loss-chart'))
      .toEqual({
        drawn: 4,
        labels: ['Run 1', 'Run 1 (validation)', 'Run 2', 'Run 2 (validation)'],
      });
    const diff = byTestId(page, 'compare-diff');
    await expect.poll(() => diff.textContent()).toContain('Run 2 against Run 1');
    expect(await diff.textContent()).toContain('lr 0.01 → 0.001');
    await screenshot(page, 'runs-compare.png');

    // Rename the first run, by keyboard.
    const name = byTestId(page, 'run-name').first();
    await name.fill('fast lr');
    await name.press('Enter');
    await expect.poll(() => names(page)).toEqual(['fast lr', 'Run 2']);
    await expect
      .poll(() => chartSeries(page, 'compare-metric-chart'))
      .toEqual({
        drawn: 2,
        labels: ['fast lr', 'Run 2'],
      });

    // Deleting a run can be undone.
    await byTestId(page, 'run-delete').nth(1).click();
    await expect.poll(() => names(page)).toEqual(['fast lr']);
    await byTestId(page, 'undo-delete').click();
    await expect.poll(() => names(page)).toEqual(['fast lr', 'Run 2']);

    const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'save').click()]);
    const path = (await download.path())!;
    const file = parseProject(await readFile(path, 'utf8'));
    expect(
      file.runs?.map((r) => [r.name, r.training.optimizer.learningRate, r.history.epoch.length]),
    ).toEqual([
      ['fast lr', 0.01, 40],
      ['Run 2', 0.001, 40],
    ]);

    const fresh = await app.open();
    const [chooser] = await Promise.all([
      fresh.waitForEvent('filechooser'),
      fresh.getByRole('button', { name: 'Open…' }).click(),
    ]);
    await chooser.setFiles(path);
    await byTestId(fresh, 'mode-runs').click();
    await expect.poll(() => names(fresh)).toEqual(['fast lr', 'Run 2']);
    expect(await cellTexts(fresh, 'run-changes')).toEqual(['first run', 'lr 0.01 → 0.001']);
    expect(await byTestId(fresh, 'run-star').first().getAttribute('aria-pressed')).toBe('true');
    expect(await rows(fresh).count()).toBe(2);
    // Restore puts the first run's learning rate back into the training panel; undo takes it back.
    expect(await fresh.getByLabel('Learning rate').inputValue()).toBe('0.001');
    await byTestId(fresh, 'run-restore').first().click();
    await expect.poll(() => fresh.getByLabel('Learning rate').inputValue()).toBe('0.01');
    await byTestId(fresh, 'undo-restore').click();
    await expect.poll(() => fresh.getByLabel('Learning rate').inputValue()).toBe('0.001');
  });

  it('speaks Chinese: the runs view of a Chinese browser, its table and what changed', async () => {
    const page = await app.open({ locale: 'zh-CN' });
    await setField(page, '训练轮数', '20');
    await byTestId(page, 'train').click();
    await byTestId(page, 'mode-runs').click();
    await expect.poll(() => cellTexts(page, 'run-record-state'), { timeout: 20_000 }).toEqual(['已完成']);
    await setField(page, '学习率', '0.05');
    await byTestId(page, 'train').click();
    await expect
      .poll(() => cellTexts(page, 'run-record-state'), { timeout: 20_000 })
      .toEqual(['已完成', '已完成']);
    expect(await names(page)).toEqual(['运行 1', '运行 2']);
    expect(await cellTexts(page, 'run-changes')).toEqual(['首次运行', '学习率 0.01 → 0.05']);
    expect(await page.getByRole('table', { name: '本项目的训练记录' }).count()).toBe(1);
    await byTestId(page, 'run-select').nth(0).check();
    await byTestId(page, 'run-select').nth(1).check();
    await expect.poll(() => byTestId(page, 'compare-diff').textContent()).toContain('运行 2 相对 运行 1');
    await screenshot(page, 'runs-compare.zh-CN.png');
  });
});
