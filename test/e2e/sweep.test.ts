/**
 * Sweeps in Chromium: a learning-rate sweep over three values on XOR from the runs view, its table of
 * finished runs and its chart, the three runs kept in the project (named by the sweep) and one of them
 * restored; a second sweep stopped after its first run finished keeps that run and shows the rest
 * stopped. Values are checked as they are typed.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { byTestId, dataScatter, screenshot, textOf, useApp } from './app.ts';

const app = useApp();

const texts = (page: Page, id: string) =>
  byTestId(page, id).evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
const runNames = (page: Page) =>
  byTestId(page, 'run-name').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
const rowStates = (page: Page) =>
  byTestId(page, 'sweep-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));

/** Opens the sweep form, on XOR (a small data set each run learns in a few epochs) or the spirals. */
async function openSweepForm(page: Page, xor = true): Promise<void> {
  if (xor) {
    const scatter = dataScatter(page);
    const spirals = await scatter.screenshot();
    await byTestId(page, 'dataset-select').selectOption('xor');
    await expect.poll(() => scatter.screenshot().then((b) => b.equals(spirals))).toBe(false);
  }
  await byTestId(page, 'mode-runs').click();
  await byTestId(page, 'sweep-new').click();
}

describe('sweeps', () => {
  it('sweeps the learning rate over three values: table, chart, kept runs, restore', async () => {
    // The spirals: the learning rates part in a few dozen epochs.
    const page = await app.open();
    await openSweepForm(page, false);

    // Values are checked as they are typed.
    const values = byTestId(page, 'sweep-setting1-values');
    await values.fill('0.01, abc');
    await expect.poll(() => byTestId(page, 'sweep-setting1-problem').textContent()).toContain('abc');
    expect(await byTestId(page, 'sweep-start').isDisabled()).toBe(true);
    await values.fill('0.01, 20');
    await expect.poll(() => byTestId(page, 'sweep-setting1-problem').textContent()).toContain('out of range');
    // A log-spaced range: 0.001 to 0.1 in three.
    await byTestId(page, 'sweep-setting1-range').check();
    await byTestId(page, 'sweep-setting1-from').fill('0.001');
    await byTestId(page, 'sweep-setting1-to').fill('0.1');
    await byTestId(page, 'sweep-setting1-count').fill('3');
    await expect.poll(() => byTestId(page, 'sweep-setting1-list').textContent()).toBe('0.001, 0.01, 0.1');
    await byTestId(page, 'sweep-epochs').fill('60');
    await expect.poll(() => byTestId(page, 'sweep-count').textContent()).toBe('3 runs');
    await byTestId(page, 'sweep-epochs').press('Tab');
    await screenshot(page, 'sweep-form.png');
    await byTestId(page, 'sweep-start').click();

    await expect.poll(() => rowStates(page), { timeout: 20_000 }).toEqual(['done', 'done', 'done']);
    await expect.poll(() => byTestId(page, 'sweep-chart').getAttribute('data-points')).toBe('3');
    expect(await byTestId(page, 'sweep-chart').getAttribute('data-log')).toBe('true');
    expect(await page.locator('[data-testid="sweep-row"][data-best="true"]').count()).toBe(1);
    for (const b of await texts(page, 'sweep-row-best')) expect(b).toMatch(/^[\d.]+ at epoch \d+$/);
    // Kept as they finish (side by side, in any order).
    await expect
      .poll(() => runNames(page).then((n) => n.sort()))
      .toEqual(['Sweep 1 · lr 0.001', 'Sweep 1 · lr 0.01', 'Sweep 1 · lr 0.1']);
    expect(await texts(page, 'run-record-state')).toEqual(['done', 'done', 'done']);
    expect(await texts(page, 'sweep-state')).toEqual(['Done']);

    // Sorting by the metric puts the highlighted run first.
    await byTestId(page, 'sweep-sort-best').click();
    expect(await byTestId(page, 'sweep-row').first().getAttribute('data-best')).toBe('true');
    await screenshot(page, 'sweep.png');

    // Saved and opened again, the sweep's results come back from its kept runs.
    const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'save').click()]);
    const fresh = await app.open();
    const [chooser] = await Promise.all([
      fresh.waitForEvent('filechooser'),
      fresh.getByRole('button', { name: 'Open…' }).click(),
    ]);
    await chooser.setFiles((await download.path())!);
    await byTestId(fresh, 'mode-runs').click();
    await expect.poll(() => rowStates(fresh)).toEqual(['done', 'done', 'done']);
    expect(await textOf(fresh, 'sweep-name')).toBe('Sweep 1');
    await expect.poll(() => byTestId(fresh, 'sweep-chart').getAttribute('data-points')).toBe('3');
    expect(await fresh.locator('[data-testid="sweep-row"][data-best="true"]').count()).toBe(1);

    // A kept run restores like any run: its learning rate goes back into the training panel.
    await page.getByLabel('Learning rate', { exact: true }).fill('0.05');
    await page.getByLabel('Learning rate', { exact: true }).press('Tab');
    const names = await runNames(page);
    await byTestId(page, 'run-restore').nth(names.indexOf('Sweep 1 · lr 0.1')).click();
    await expect.poll(() => page.getByLabel('Learning rate', { exact: true }).inputValue()).toBe('0.1');
  });

  it('stops a sweep after its first run: the finished run stays, the others are stopped', async () => {
    const page = await app.open();
    await openSweepForm(page);
    // The engine's refusal is shown with the form: this network has no dropout block.
    await byTestId(page, 'sweep-setting1-name').selectOption('dropout');
    await byTestId(page, 'sweep-start').click();
    await expect
      .poll(() => textOf(page, 'sweep-error'))
      .toBe('The network has no dropout block whose rate a sweep can change.');
    await byTestId(page, 'sweep-setting1-name').selectOption('width');
    // Two units per hidden layer train long before a thousand.
    await byTestId(page, 'sweep-setting1-values').fill('2, 512, 1024');
    await byTestId(page, 'sweep-epochs').fill('300');
    await byTestId(page, 'sweep-start').click();
    await expect.poll(() => byTestId(page, 'sweep-progress').getAttribute('data-state')).toBe('running');
    await expect.poll(() => textOf(page, 'sweep-left')).toMatch(/left/);
    expect(await textOf(page, 'sweep-lanes')).toMatch(/^\d+ runs? (side by side|at a time)$/);
    // Training waits while the sweep runs, and so does another sweep.
    await byTestId(page, 'sweep-new').click();
    expect(await byTestId(page, 'sweep-start').isDisabled()).toBe(true);
    await byTestId(page, 'sweep-new').click();
    expect(await byTestId(page, 'train').isDisabled()).toBe(true);
    expect(await byTestId(page, 'train').getAttribute('title')).toContain('A sweep is running');
    await expect.poll(() => rowStates(page).then((s) => s[0]), { timeout: 20_000 }).toBe('done');
    await byTestId(page, 'sweep-stop').click();
    await expect.poll(() => rowStates(page)).toEqual(['done', 'stopped', 'stopped']);
    expect(await texts(page, 'sweep-state')).toEqual(['Stopped']);
    await expect.poll(() => runNames(page)).toEqual(['Sweep 1 · width 2']);
    await expect.poll(() => byTestId(page, 'train').isDisabled()).toBe(false);
  });

  it('speaks Chinese: a sweep of two settings', async () => {
    const page = await app.open({ locale: 'zh-CN' });
    await byTestId(page, 'mode-runs').click();
    await byTestId(page, 'sweep-new').click();
    await byTestId(page, 'sweep-setting1-values').fill('0.003, 0.03, 0.3');
    await byTestId(page, 'sweep-two').check();
    await byTestId(page, 'sweep-setting2-values').fill('8, 32');
    await byTestId(page, 'sweep-epochs').fill('40');
    await expect.poll(() => byTestId(page, 'sweep-count').textContent()).toBe('6 次运行');
    await byTestId(page, 'sweep-start').click();
    await expect
      .poll(() => rowStates(page), { timeout: 20_000 })
      .toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    await expect.poll(() => byTestId(page, 'sweep-chart').getAttribute('data-points')).toBe('6');
    await expect.poll(() => runNames(page).then((n) => n.length)).toBe(6);
    expect(await runNames(page)).toContain('扫描 1 · 学习率 0.003 · 批大小 8');
    await screenshot(page, 'sweep.zh-CN.png');
  });
});
