/**
 * "Predict one row": an empty field predicts with the grey value it shows (and the answer says so), the
 * answer reads as a class with a percentage and a bar per class (or a value named after the target),
 * and a data set with many features gets a scrollable form with every one of them.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import zhCN from '../../locales/zh-CN/app.json' with { type: 'json' };
import { byTestId, parseShown, screenshot, textOf, useApp } from './app.ts';

const app = useApp();

/** One training step, so that there is a model to predict with. */
async function step(page: Page): Promise<void> {
  const before = parseShown(await textOf(page, 'step-count'));
  await byTestId(page, 'step').click();
  await expect.poll(async () => parseShown(await textOf(page, 'step-count'))).toBe(before + 1);
  await byTestId(page, 'predict-form').waitFor();
}

/** The class rows of the answer: class, exact probability, the percentage shown and the bar's width. */
async function classRows(page: Page) {
  const rows = byTestId(page, 'prediction').locator('li[data-class]');
  const out: { cls: string; p: number; shown: string; bar: number }[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const track = (await row.locator('.bar').boundingBox())!;
    const fill = (await row.locator('.bar > span').boundingBox())!;
    out.push({
      cls: (await row.getAttribute('data-class'))!,
      p: Number(await row.getAttribute('data-probability')),
      shown: ((await row.locator('.pct').textContent()) ?? '').trim(),
      bar: fill.width / track.width,
    });
  }
  return out;
}

/** Clicks Predict and waits for an answer different from `previous` (or for an error). */
async function predict(page: Page, previous: string | null = null): Promise<string> {
  const form = byTestId(page, 'predict-form');
  await form.getByRole('button', { name: 'Predict' }).click();
  const read = async () =>
    (await form.getByRole('alert').count())
      ? `error: ${await form.getByRole('alert').textContent()}`
      : (await byTestId(page, 'prediction').count())
        ? await byTestId(page, 'prediction').innerHTML()
        : '';
  await expect.poll(read).not.toBe(previous ?? '');
  const now = await read();
  expect(now, 'the prediction').not.toMatch(/^error: /);
  return now;
}

/** A CSV through the "CSV…" button. */
async function openCsv(page: Page, name: string, text: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), byTestId(page, 'open-csv').click()]);
  await chooser.setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

describe('predict one row', () => {
  it('predicts an empty field with the grey value it shows, and says so', async () => {
    const page = await app.open();
    await step(page);
    const form = byTestId(page, 'predict-form');
    const x1 = form.getByLabel('x1', { exact: true });
    const x2 = form.getByLabel('x2', { exact: true });
    // The grey value is the training mean, written as a number that can be typed back.
    const shown = [await x1.getAttribute('placeholder'), await x2.getAttribute('placeholder')];
    for (const v of shown) expect(Number.isFinite(Number(v)), `placeholder "${v}"`).toBe(true);
    expect(await form.textContent()).toContain('An empty field predicts with the value shown in grey');

    await predict(page);
    const fromEmpty = await classRows(page);
    expect(await textOf(page, 'prediction-defaults')).toBe(
      `Empty fields used: x1 = ${shown[0]}, x2 = ${shown[1]}.`,
    );

    // Typing the grey values in gives the very same answer, and no note about empty fields.
    await x1.fill(shown[0]!);
    await x2.fill(shown[1]!);
    await form.getByRole('button', { name: 'Predict' }).click();
    await expect.poll(() => byTestId(page, 'prediction-defaults').count()).toBe(0);
    expect(await classRows(page)).toEqual(fromEmpty);

    // One typed, one empty: only the empty one is named.
    await x2.fill('');
    await form.getByRole('button', { name: 'Predict' }).click();
    await expect.poll(() => textOf(page, 'prediction-defaults')).toBe(`Empty fields used: x2 = ${shown[1]}.`);
  });

  it('shows the predicted class, then each class as a percentage with a bar (predict.png)', async () => {
    const page = await app.open();
    await step(page);
    const form = byTestId(page, 'predict-form');
    await form.getByLabel('x1', { exact: true }).fill('0.5');
    await form.getByLabel('x2', { exact: true }).fill('-0.25');
    await predict(page);
    const answer = byTestId(page, 'prediction');
    const label = await answer.getAttribute('data-label');
    expect(await textOf(page, 'predicted-label')).toBe(label);
    expect(await answer.locator('.answer').innerText()).toMatch(
      /^Predicted: [01] \((\d{1,3}\.\d{2}%|> 99\.99%)\)$/,
    );

    const rows = await classRows(page);
    expect(rows.map((r) => r.cls)).toEqual(['0', '1']);
    expect(rows[0]!.p + rows[1]!.p).toBeCloseTo(1, 6);
    const best = rows.reduce((a, b) => (b.p > a.p ? b : a));
    expect(best.cls).toBe(label);
    for (const r of rows) {
      // Two decimals of a percent, or "< 0.01%" / "> 99.99%" for what would round to 0 or 100.
      expect(r.shown).toMatch(/^(\d{1,3}\.\d{2}%|< 0\.01%|> 99\.99%)$/);
      if (!/[<>]/.test(r.shown))
        expect(Math.abs(parseFloat(r.shown) - 100 * r.p)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(r.bar - r.p)).toBeLessThan(0.02);
    }
    await byTestId(page, 'prediction').scrollIntoViewIfNeeded();
    await screenshot(page, 'predict.png');
  });

  it('names the target and its value for a regression', async () => {
    const page = await app.open();
    await byTestId(page, 'dataset-select').selectOption('plane');
    await expect.poll(() => textOf(page, 'data-summary')).toContain('1,200 rows');
    await step(page);
    const form = byTestId(page, 'predict-form');
    await form.getByLabel('x1', { exact: true }).fill('1');
    await form.getByLabel('x2', { exact: true }).fill('2');
    await predict(page);
    const value = Number(await byTestId(page, 'prediction').getAttribute('data-value'));
    expect(Number.isFinite(value)).toBe(true);
    expect(await byTestId(page, 'prediction').innerText()).toMatch(/^Predicted y: -?[\d.,]+(e[+-]\d+)?$/);
    expect(Math.abs(parseShown(await textOf(page, 'predicted-value')) - value)).toBeLessThanOrEqual(
      Math.abs(value) * 1e-4 + 1e-9,
    );
  });

  it('shows every feature of a wide data set in a scrollable form', async () => {
    const page = await app.open();
    const names = Array.from({ length: 14 }, (_, i) => `f${i + 1}`);
    // 14 numbers and a colour (most often red), then the class.
    const lines = [[...names, 'colour', 'kind'].join(',')];
    const colours = ['red', 'green', 'red', 'blue', 'red'];
    for (let r = 0; r < 60; r++)
      lines.push(
        [...names.map((_, i) => ((r * (i + 3)) % 17) / 4), colours[r % 5], r % 2 ? 'a' : 'b'].join(','),
      );
    await openCsv(page, 'wide.csv', `${lines.join('\n')}\n`);
    await expect.poll(() => textOf(page, 'data-summary')).toBe('60 rows · 16 columns · 2 classes');
    await step(page);
    const fields = byTestId(page, 'predict-fields');
    expect(await fields.locator('input').count()).toBe(14);
    // An empty choice for a category predicts with the most common one, and says which.
    const colour = fields.locator('select');
    expect(await colour.inputValue()).toBe('');
    expect(await colour.locator('option').first().textContent()).toBe('most common: red');
    const { scroll, client } = (await page.evaluate(
      `(() => { const e = document.querySelector('[data-testid="predict-fields"]'); return { scroll: e.scrollHeight, client: e.clientHeight }; })()`,
    )) as { scroll: number; client: number };
    expect(scroll).toBeGreaterThan(client);
    const last = byTestId(page, 'predict-form').getByLabel('f14', { exact: true });
    await last.scrollIntoViewIfNeeded();
    await last.fill('2');
    await predict(page);
    expect(['a', 'b']).toContain(await byTestId(page, 'prediction').getAttribute('data-label'));
    expect(await textOf(page, 'prediction-defaults')).toMatch(
      /^Empty fields used: f1 = \S+, .*f13 = \S+, colour = red\.$/,
    );
  });

  it('reads in Chinese (predict.zh-CN.png)', async () => {
    const page = await app.open({ locale: 'zh-CN' });
    await step(page);
    const form = byTestId(page, 'predict-form');
    expect(await form.textContent()).toContain(zhCN.predict.emptyHint);
    await form.getByRole('button', { name: zhCN.predict.predict, exact: true }).click();
    await byTestId(page, 'prediction').waitFor();
    expect(await byTestId(page, 'prediction').locator('.answer').innerText()).toMatch(
      /^预测类别： [01] \((\d{1,3}\.\d{2}%|> 99\.99%)\)$/,
    );
    expect(await textOf(page, 'prediction-defaults')).toMatch(/^留空的字段使用了：x1 = \S+，x2 = \S+。$/);
    await byTestId(page, 'prediction-defaults').scrollIntoViewIfNeeded();
    await screenshot(page, 'predict.zh-CN.png');
  });
});
