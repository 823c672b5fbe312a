/**
 * Early stopping and a learning-rate schedule in Chromium: a refused value says why and is not taken;
 * a run on XOR with early stopping (patience 5) and a step decay (halving every 8 epochs) ends before
 * its epochs, the best epoch is marked on the loss and accuracy charts, and the learning rate's chart
 * shows the drops; a rate set by hand while training is marked on the charts. Training is seeded, so
 * where the run stops does not depend on speed.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { byTestId, dataScatter, screenshot, setField, useApp, waitForState } from './app.ts';

const app = useApp();

/** Types into a field of the schedule settings and leaves it, as a person does. */
async function typeIn(page: Page, id: string, value: string): Promise<void> {
  const input = byTestId(page, id);
  await input.fill(value);
  await input.press('Tab');
}

/** XOR, loaded when the scatter plot has changed from the spirals shown first. */
async function chooseXor(page: Page): Promise<void> {
  const scatter = dataScatter(page);
  const spirals = await scatter.screenshot();
  await byTestId(page, 'dataset-select').selectOption('xor');
  await expect.poll(() => scatter.screenshot().then((b) => b.equals(spirals))).toBe(false);
}

const LR = 0.05;
const EVERY = 8;
const PATIENCE = 5;

const labelsOf = async (page: Page, id: string) =>
  ((await byTestId(page, id).getAttribute('data-labels')) ?? '').split('\n');

describe('early stopping and learning-rate schedules', () => {
  it('stop the run at a plateau, mark its best epoch and draw the decaying rate (early-stopping.png)', async () => {
    const page = await app.open();
    await chooseXor(page);
    await setField(page, 'Epochs', '500');
    await setField(page, 'Learning rate', String(LR));
    expect(await byTestId(page, 'lr-cell').count()).toBe(0); // a constant rate has no chart

    await byTestId(page, 'early-stopping').selectOption('on');
    expect(await byTestId(page, 'es-monitor').inputValue()).toBe('val_loss');
    expect(await byTestId(page, 'es-patience').inputValue()).toBe('10');
    expect(await byTestId(page, 'es-restore').isChecked()).toBe(true);
    // A value the engine refuses: its message, and the field keeps what was typed until it is put right.
    await typeIn(page, 'es-patience', '-1');
    await expect
      .poll(() => byTestId(page, 'es-error').textContent())
      .toBe('Patience must be a whole number of epochs from 0 to 1,000,000 (got -1).');
    expect(await byTestId(page, 'es-patience').inputValue()).toBe('-1');
    await typeIn(page, 'es-patience', String(PATIENCE));
    await expect.poll(() => byTestId(page, 'es-error').count()).toBe(0);
    await typeIn(page, 'es-min-delta', '0.0005');

    await byTestId(page, 'lr-schedule').selectOption('step');
    await typeIn(page, 'lr-dropEvery', '0');
    await expect.poll(() => byTestId(page, 'lr-error').textContent()).toMatch(/interval.*\(got 0\)/);
    await typeIn(page, 'lr-dropEvery', String(EVERY));
    await typeIn(page, 'lr-factor', '0.5');
    await expect.poll(() => byTestId(page, 'lr-error').count()).toBe(0);
    // Another schedule and back: the step decay's settings are still there.
    await byTestId(page, 'lr-schedule').selectOption('cosine');
    expect(await byTestId(page, 'lr-decaySteps').inputValue()).toBe('1000');
    await byTestId(page, 'lr-schedule').selectOption('step');
    expect(await byTestId(page, 'lr-dropEvery').inputValue()).toBe(String(EVERY));
    expect(await byTestId(page, 'lr-factor').inputValue()).toBe('0.5');

    await byTestId(page, 'train').click();
    await waitForState(page, 'done');
    const stopped = byTestId(page, 'early-stopped');
    await expect.poll(() => stopped.getAttribute('data-stopped').then(Number)).toBeGreaterThan(0);
    const stoppedAt = Number(await stopped.getAttribute('data-stopped'));
    const best = Number(await stopped.getAttribute('data-best'));
    expect(stoppedAt).toBeLessThan(500);
    expect(best).toBe(stoppedAt - PATIENCE); // as many epochs as the patience without an improvement
    expect(await stopped.textContent()).toContain(`Stopped early at epoch ${stoppedAt}; best epoch ${best}.`);
    await expect.poll(() => byTestId(page, 'epoch').textContent()).toBe(String(stoppedAt));

    // The best epoch is marked on the loss and accuracy charts, with its number in the legend.
    await expect.poll(() => labelsOf(page, 'loss-chart')).toContain(`best epoch ${best}`);
    expect(await labelsOf(page, 'metric-chart')).toContain(`best epoch ${best}`);

    // The learning rate of each epoch: halved every EVERY epochs, to the epoch the run stopped at.
    const lr = async () =>
      JSON.parse((await byTestId(page, 'lr-cell').getAttribute('data-lr')) ?? '[]') as [number, number][];
    await expect.poll(async () => (await lr()).at(-1)?.[0]).toBe(stoppedAt);
    const rates = await lr();
    for (const [epoch, rate] of rates)
      expect(rate).toBeCloseTo(LR * 0.5 ** Math.floor((epoch - 1) / EVERY), 12);
    expect(rates.length).toBe(stoppedAt);
    expect(stoppedAt).toBeGreaterThan(EVERY); // at least one drop on the chart
    expect(Number(await byTestId(page, 'lr-chart').getAttribute('data-points'))).toBe(stoppedAt + 2);

    await screenshot(page, 'early-stopping.png');
  });

  it('marks a learning rate set by hand while the run trains', async () => {
    const page = await app.open();
    await chooseXor(page);
    await setField(page, 'Epochs', '1000');
    // A watchable pace, so the run is still going when the rate is changed.
    await byTestId(page, 'pace').selectOption({ label: '200 steps/s' });
    await byTestId(page, 'train').click();
    await waitForState(page, 'running');
    await expect.poll(() => byTestId(page, 'epoch').textContent().then(Number)).toBeGreaterThanOrEqual(1);
    expect(await labelsOf(page, 'loss-chart')).not.toContain('learning rate set by hand');
    await setField(page, 'Learning rate', '0.001');
    await expect
      .poll(() => byTestId(page, 'loss-chart').locator('..').getAttribute('data-lr-changes'))
      .toBe('1');
    await expect.poll(() => labelsOf(page, 'loss-chart')).toContain('learning rate set by hand');
    await expect.poll(() => labelsOf(page, 'metric-chart')).toContain('learning rate set by hand');
    // The rate now changes, so its chart is drawn, with the change marked too.
    await expect.poll(() => labelsOf(page, 'lr-chart')).toContain('learning rate set by hand');
    await byTestId(page, 'stop').click();
    await waitForState(page, 'stopped', 'done');
  });
});
