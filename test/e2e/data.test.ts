/** Loading CSV files through the file picker: the messages for bad files, and a good file end to end. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { byTestId, recordToasts, screenshot, textOf, useApp, waitForState } from './app.ts';

const app = useApp();

/** Clicks "CSV…" and picks a file in the chooser that opens. */
async function openCsv(page: Page, name: string, text: string): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), byTestId(page, 'open-csv').click()]);
  await chooser.setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

/** 60 fruit: two measurements, a colour (one value missing) and the kind, three classes. */
function fruitCsv(): string {
  const kinds = [
    { fruit: 'apple', w: 150, d: 7.5, colours: ['red', 'green'] },
    { fruit: 'orange', w: 130, d: 7.0, colours: ['orange'] },
    { fruit: 'lemon', w: 90, d: 5.5, colours: ['yellow', 'green'] },
  ];
  const rows = ['weight_g,diameter_cm,colour,fruit'];
  for (let i = 0; i < 60; i++) {
    const k = kinds[i % 3]!;
    const w = k.w + ((i * 37) % 21) - 10;
    const d = (k.d + (((i * 13) % 11) - 5) / 10).toFixed(1);
    const colour = i === 7 ? '' : k.colours[i % k.colours.length]!;
    rows.push(`${w},${d},${colour},${k.fruit}`);
  }
  return `${rows.join('\n')}\n`;
}

describe('CSV files', () => {
  it('a ragged row: the message names the row, and the data already loaded stays', async () => {
    const page = await app.open();
    await openCsv(page, 'ragged.csv', 'x1,x2,label\n1,2,a\n3,4,b\n5,6\n7,8,a\n');
    await expect
      .poll(() => textOf(page, 'data-error'))
      .toBe('ragged.csv: Line 4 has 2 fields; the header has 3.');
    expect(await byTestId(page, 'data-error').getAttribute('role')).toBe('alert');
    // Nothing was replaced: the spirals are still there to train on.
    expect(await textOf(page, 'data-summary')).toBe('500 rows · 3 columns · 2 classes');
    expect(await byTestId(page, 'dataset-select').inputValue()).toBe('spirals');
    expect(await byTestId(page, 'train').isEnabled()).toBe(true);
  });

  it('text in a numeric column: the message names the row and the column (data-error.png)', async () => {
    const page = await app.open();
    const rows = ['x1,x2,label'];
    for (let i = 0; i < 30; i++) rows.push(`${i},${i * 2},${i % 2 ? 'a' : 'b'}`);
    rows[7] = '6,12abc,a'; // spreadsheet row 8 (the header is row 1)
    await openCsv(page, 'measurements.csv', `${rows.join('\n')}\n`);
    await expect
      .poll(() => textOf(page, 'data-error'))
      .toBe(
        'measurements.csv: Line 8, column "x2": "12abc" is not a number; the rest of the column is numeric.',
      );
    // The rows are read and shown (the table marks the cell), but there is nothing to train on. The
    // table opens once the app has also re-checked the network against the new data.
    expect(await textOf(page, 'data-summary')).toBe('30 rows · 3 columns');
    expect(await page.getByRole('option', { name: 'measurements.csv' }).count()).toBe(1);
    await expect.poll(() => byTestId(page, 'data-table').isVisible()).toBe(true);
    expect(await byTestId(page, 'data-table').textContent()).toContain('line 8: “12abc”');
    expect(await byTestId(page, 'train').isEnabled()).toBe(false);
    await screenshot(page, 'data-error.png');
  });

  it('a good CSV loads: rows, columns and classes, the table, a network that fits; it trains (data-csv.png)', async () => {
    const page = await app.open();
    const csv = fruitCsv();
    const toasts = await recordToasts(page);
    await openCsv(page, 'fruit.csv', csv);
    await expect.poll(() => textOf(page, 'data-summary')).toBe('60 rows · 4 columns · 3 classes');
    expect(await byTestId(page, 'data-error').count()).toBe(0);
    expect(await byTestId(page, 'dataset-select').locator('option:checked').textContent()).toBe('fruit.csv');
    // The output layer follows the data: three softmax units, and the app says so (in a toast that
    // leaves after a few seconds, so it is read from the record).
    await expect.poll(toasts).toContain('The output layer now has 3 units for 3 classes.');
    expect(await textOf(page, 'block-dense3')).toContain('3 units · softmax');
    // Inputs: two numbers and four one-hot colours = 6 → 8 → 8 → 3: 56 + 72 + 27 parameters.
    await expect.poll(() => textOf(page, 'param-count')).toBe('Network: 155 parameters');

    // A file opened with the button shows its table (once it is in and the network re-checked): a
    // click on "Show" while that is still going on would race the app to the same switch.
    const table = byTestId(page, 'data-table');
    await expect.poll(() => table.isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Hide columns and rows' }).count()).toBe(1);
    expect(await table.locator('th').allTextContents()).toEqual([
      'weight_g',
      'diameter_cm',
      'colour',
      'fruit',
    ]);
    const meta = await table.locator('tr.meta td').allTextContents();
    expect(meta[0]).toMatch(/^number/);
    expect(meta[2]).toMatch(/^text · 1 missing/);
    // The preview shows the file's first rows as written.
    const lines = csv.trim().split('\n');
    for (let i = 0; i < 3; i++)
      expect((await table.locator('tbody tr').nth(i).locator('td').allTextContents()).join(',')).toBe(
        lines[i + 1],
      );
    await screenshot(page, 'data-csv.png');

    await byTestId(page, 'train').click();
    await waitForState(page, 'done');
    // 59 rows once the one with a missing colour is dropped: 12 held out for validation. A short run
    // can show "done" before its first results arrive.
    await expect
      .poll(() => page.getByRole('region', { name: 'Results' }).textContent())
      .toMatch(/on 12 rows/);
  });
});
