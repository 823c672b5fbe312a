/**
 * The app in English and in Simplified Chinese: it follows the browser's language, the toolbar switch
 * changes every word at once and is remembered after a reload, and the main path (spirals, train,
 * Inside backprop) reads in both, without text spilling out of the toolbar at 1280×800. Screenshots of
 * each main screen in both languages go to docs/screenshots with UPDATE_SCREENSHOTS=1.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import en from '../../locales/en/app.json' with { type: 'json' };
import zhCN from '../../locales/zh-CN/app.json' with { type: 'json' };
import { byTestId, ready, screenshot, textOf, useApp } from './app.ts';

const app = useApp();
const WORDS = { en, 'zh-CN': zhCN } as const;
type Lang = keyof typeof WORDS;

/** The run's state whatever the language shows (the word on screen is translated). */
const runState = (page: Page) => byTestId(page, 'run-state').getAttribute('data-state');
const htmlLang = (page: Page) => page.evaluate('document.documentElement.lang') as Promise<string>;

/** Elements of the toolbar whose text is cut off or pushed past its edge. */
async function overflowing(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const bar = document.querySelector('.toolbar');
    const edge = bar.getBoundingClientRect().right;
    return [...bar.querySelectorAll('button, select, input, span')]
      .filter((el) => el.getBoundingClientRect().width > 0)
      .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > edge + 0.5)
      .map((el) => el.outerHTML.slice(0, 80));
  })()`)) as string[];
}

async function expectLanguage(page: Page, lang: Lang): Promise<void> {
  const w = WORDS[lang];
  await expect.poll(() => page.getByRole('button', { name: w.toolbar.open, exact: true }).count()).toBe(1);
  expect(await byTestId(page, 'mode-explain').textContent()).toBe(w.toolbar.explain);
  expect(await page.getByRole('heading', { name: w.train.title, exact: true }).count()).toBe(1);
  expect(await byTestId(page, 'language').inputValue()).toBe(lang);
  expect(await htmlLang(page)).toBe(lang);
  expect(await overflowing(page)).toEqual([]);
}

/** The main path in one language: spirals, a short training run, the data table, Inside backprop. */
async function mainPath(page: Page, lang: Lang, shots: { main: string; explain: string; data?: string }) {
  const w = WORDS[lang];
  await byTestId(page, 'dataset-select').selectOption('spirals');
  await expect.poll(() => textOf(page, 'data-summary')).toContain(lang === 'en' ? '500 rows' : '500 行');
  const epochs = page.getByLabel(w.train.epochs, { exact: true });
  await epochs.fill('500');
  await epochs.press('Tab');
  await byTestId(page, 'train').click();
  await expect.poll(() => runState(page), { timeout: 30_000 }).toBe('done');
  expect(await textOf(page, 'run-state')).toBe(w.train.states.done);
  await expect.poll(() => byTestId(page, 'confusion-matrix').count()).toBe(1);
  await screenshot(page, shots.main);

  if (shots.data) {
    await page.getByRole('button', { name: w.data.showTable }).click();
    await byTestId(page, 'data-table').scrollIntoViewIfNeeded();
    expect(await byTestId(page, 'data-table').textContent()).toContain(w.table.number);
    await screenshot(page, shots.data);
    await page.getByRole('button', { name: w.data.hideTable }).click();
  }

  await byTestId(page, 'mode-explain').click();
  await expect.poll(() => textOf(page, 'explain-frame')).toContain(w.explain.phases.forward);
  for (let i = 0; i < 4; i++) await byTestId(page, 'explain-next').click();
  await expect.poll(() => textOf(page, 'explain-frame')).toContain(w.explain.phases.forward);
  await byTestId(page, 'compare-methods').click();
  await byTestId(page, 'methods-table').waitFor();
  // On to the first backward frame, where the chain rule is written out.
  for (let i = 0; i < 3; i++) await byTestId(page, 'explain-next').click();
  await expect.poll(() => textOf(page, 'explain-frame')).toContain(w.explain.phases.backward);
  expect(await byTestId(page, 'explain-step').textContent()).toContain(w.explain.tags.backward);
  await screenshot(page, shots.explain);
  await byTestId(page, 'mode-network').click();
}

describe('the app in two languages', () => {
  it('follows an English browser, and switches to Chinese at once and for good', async () => {
    const page = await app.open({ locale: 'en-US' });
    await expectLanguage(page, 'en');
    await mainPath(page, 'en', { main: 'main.en.png', explain: 'explain.en.png' });

    await byTestId(page, 'language').selectOption('zh-CN');
    await expectLanguage(page, 'zh-CN');
    // Numbers and words that were already on screen change too, without another action.
    expect(await textOf(page, 'run-state')).toBe(zhCN.train.states.done);
    expect(await textOf(page, 'param-count')).toMatch(/^网络：共 \S+ 个参数$/);

    await page.reload();
    await ready(page);
    await expectLanguage(page, 'zh-CN');
  });

  it('follows a Chinese browser, and switches to English at once and for good', async () => {
    const page = await app.open({ locale: 'zh-CN' });
    await expectLanguage(page, 'zh-CN');
    await mainPath(page, 'zh-CN', {
      main: 'main.zh-CN.png',
      explain: 'explain.zh-CN.png',
      data: 'data.zh-CN.png',
    });

    await byTestId(page, 'language').selectOption('en');
    await expectLanguage(page, 'en');
    expect(await textOf(page, 'run-state')).toBe('done');

    await page.reload();
    await ready(page);
    await expectLanguage(page, 'en');
  });

  it('announces a block moved with the arrow keys in the current language', async () => {
    const page = await app.open({ locale: 'zh-CN' });
    const block = page.locator('.svelte-flow__node[data-id="dense1"]');
    await block.click();
    await block.focus();
    await page.keyboard.press('ArrowRight');
    const live = page.locator('.a11y-live-msg');
    await expect
      .poll(() => live.textContent())
      .toMatch(/^已将选中的模块向右移动。新位置：x [\d,.-]+，y [\d,.-]+。$/);
    await byTestId(page, 'language').selectOption('en');
    await block.focus();
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => live.textContent())
      .toMatch(/^Moved the selected block down\. New position: x [\d,.-]+, y [\d,.-]+\.$/);
  });

  it('names every block, template and diagram column in Chinese, and Svelte Flow’s controls too', async () => {
    const page = await app.open({ locale: 'zh-CN' });
    /** Latin words: two letters or more, apart from the names of functions and formats kept as they are. */
    const latin = (texts: string[]) =>
      texts
        .flatMap((s) => s.match(/[A-Za-z]{2,}/g) ?? [])
        .filter((w) => !['tanh', 'softmax', 'sigmoid'].includes(w));

    const blocks = await page.locator('.palette [data-testid^="palette-"]').allTextContents();
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    expect(latin(blocks)).toEqual([]);
    expect(await byTestId(page, 'palette-dropout').textContent()).toBe(zhCN.blocks.dropout.label);
    expect(latin(await page.locator('.palette [data-testid^="template-"]').allTextContents())).toEqual([]);

    // Svelte Flow's own controls and minimap are labelled in Chinese.
    const flowLabels = (await page.evaluate(
      `[...document.querySelectorAll('.svelte-flow__controls, .svelte-flow__controls button, .svelte-flow__minimap svg')].map((e) => e.getAttribute('aria-label') ?? e.querySelector('title')?.textContent ?? '')`,
    )) as string[];
    expect(flowLabels.length).toBeGreaterThanOrEqual(4);
    expect(latin(flowLabels)).toEqual([]);

    // Inside backprop: each column is named by its activation or its kind of block, in Chinese.
    await byTestId(page, 'step').click();
    await expect.poll(() => textOf(page, 'step-count')).toBe('1');
    await byTestId(page, 'mode-explain').click();
    await expect.poll(() => page.locator('svg.diagram text.kind').count()).toBeGreaterThan(3);
    const kinds = await page.locator('svg.diagram text.kind').allTextContents();
    expect(kinds).toContain(zhCN.blocks.input.label);
    expect(kinds).toContain(zhCN.blocks.output.label);
    expect(latin(kinds)).toEqual([]);
  });

  it('labels blocks and connections for screen readers in Chinese', async () => {
    const page = await app.open({ locale: 'zh-CN' });
    await expect.poll(() => page.locator('.svelte-flow__edge').count()).toBe(4);
    const labels = (await page.evaluate(
      `[...document.querySelectorAll('.svelte-flow__node, .svelte-flow__edge')].map((e) => [e.getAttribute('aria-roledescription'), e.getAttribute('aria-label') ?? ''].join(' '))`,
    )) as string[];
    expect(labels.some((l) => l.includes('从 input 到 dense1 的连接'))).toBe(true);
    expect(labels.every((l) => !/\b(node|edge|Edge from)\b/.test(l))).toBe(true);
  });

  it('names an unnamed project in the current language, and keeps a name the person gave it', async () => {
    const page = await app.open({ locale: 'en-US' });
    const name = (lang: Lang) => page.getByLabel(WORDS[lang].toolbar.projectName, { exact: true });
    expect(await name('en').inputValue()).toBe(en.app.untitled);
    await byTestId(page, 'language').selectOption('zh-CN');
    await expect.poll(() => name('zh-CN').inputValue()).toBe(zhCN.app.untitled);
    expect(await byTestId(page, 'dirty').count()).toBe(0);
    await byTestId(page, 'language').selectOption('en');
    await expect.poll(() => name('en').inputValue()).toBe(en.app.untitled);
    await name('en').fill('Spirals study');
    await byTestId(page, 'language').selectOption('zh-CN');
    await expect.poll(() => name('zh-CN').inputValue()).toBe('Spirals study');
  });
});
