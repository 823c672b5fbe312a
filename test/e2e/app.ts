/**
 * The end-to-end harness: one Chromium per test file, the browser build (made once per run by
 * global-setup.ts) served by our own static server, and a fresh browser context (own storage,
 * 1280×800, en-US) per test. Any uncaught error in the page fails the test that was running.
 *
 * In-page code runs through page.evaluate only, as strings (the tests are compiled without DOM
 * types): the app's CSP refuses the string eval that page.waitForFunction needs, and that refusal
 * would count as a page error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { chromiumLaunch } from './launch.ts';
import { startStaticServer } from './server.ts';
import type { StaticServer } from './server.ts';

export const VIEWPORT = { width: 1280, height: 800 };

export interface OpenOptions {
  colorScheme?: 'light' | 'dark';
  /** The browser's locale (navigator.languages), which the app's language follows: en-US unless set. */
  locale?: string;
}

export interface AppHarness {
  /** A new context and page showing the app once it is ready (data loaded, network checked). */
  open(options?: OpenOptions): Promise<Page>;
}

/** Registers the hooks of a test file: server and browser for the file, a context per `open`. */
export function useApp(): AppHarness {
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  let errors: string[] = [];

  beforeAll(async () => {
    server = await startStaticServer(inject('webRoot'));
    browser = await chromium.launch(chromiumLaunch);
  });

  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
    const seen = errors;
    errors = [];
    expect(seen, 'uncaught errors in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    async open(options = {}) {
      if (!browser || !server) throw new Error('useApp(): the browser is not running');
      const context = await browser.newContext({
        viewport: VIEWPORT,
        locale: options.locale ?? 'en-US',
        acceptDownloads: true,
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000); // a missing element fails the test soon, not at its timeout
      await page.emulateMedia({ colorScheme: options.colorScheme ?? 'light' });
      page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') console.warn(`[page console.error] ${m.text()}`);
      });
      await page.goto(server.url);
      await ready(page);
      return page;
    },
  };
}

/** Waits until the app is ready: data loaded, network checked (after opening or a reload). */
export async function ready(page: Page): Promise<void> {
  await byTestId(page, 'param-count').waitFor();
  await byTestId(page, 'data-summary').waitFor();
}

export const byTestId = (page: Page, id: string): Locator => page.locator(`[data-testid="${id}"]`);

export async function textOf(page: Page, id: string): Promise<string> {
  return ((await byTestId(page, id).textContent()) ?? '').trim();
}

/** A number as the app shows it (en-US grouping). */
export function parseShown(s: string): number {
  return Number(s.replace(/,/g, '').trim());
}

export const runState = (page: Page) => textOf(page, 'run-state');
export const epoch = async (page: Page) => parseShown(await textOf(page, 'epoch'));

/** Sets a labelled number field in the training panel the way a person does: type, then leave it. */
export async function setField(page: Page, label: string, value: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(value);
  await input.press('Tab');
}

/**
 * Reads `read` until it has given the same answer (compared as JSON) for `quietMs`, and returns that
 * answer: for boxes, positions and counters that settle a frame or an engine reply after the action
 * that changed them. Throws when it is still changing after `timeout`.
 */
export async function steady<T>(read: () => Promise<T>, quietMs = 200, timeout = 10_000): Promise<T> {
  const start = Date.now();
  let value = await read();
  let last = JSON.stringify(value);
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() - start > timeout) throw new Error(`still changing after ${timeout} ms: ${last}`);
    await new Promise((r) => setTimeout(r, 40));
    value = await read();
    const now = JSON.stringify(value);
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return value;
}

/** An element's box once it has stopped moving and resizing. */
export function steadyBox(
  locator: Locator,
): Promise<{ x: number; y: number; width: number; height: number }> {
  return steady(async () => {
    const box = await locator.boundingBox();
    if (!box) throw new Error(`${String(locator)} is not on screen`);
    return box;
  });
}

/** The scatter plot of the data (English page): its pixels tell which data set is loaded. */
export const dataScatter = (page: Page): Locator => page.locator('[aria-label="Data"] canvas');

/**
 * Records the text of every info toast (role "status") from now on, for reading later: a toast leaves
 * after a few seconds, which a slow poll can miss.
 */
export async function recordToasts(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(`(() => {
    const seen = (window.__toasts = []);
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) seen.push(n);
    }).observe(document.querySelector('.toasts'), { childList: true });
  })()`);
  return () =>
    page.evaluate(
      "window.__toasts.filter((n) => n.getAttribute('role') === 'status').map((n) => n.textContent.trim())",
    ) as Promise<string[]>;
}

export async function waitForState(page: Page, ...states: string[]): Promise<void> {
  await expect.poll(() => runState(page), { timeout: 20_000, interval: 25 }).toBeOneOf(states);
}

/** Counts of blocks and connections on the canvas. */
export async function graphCounts(page: Page): Promise<{ nodes: number; edges: number }> {
  return {
    nodes: await page.locator('.svelte-flow__node').count(),
    edges: await page.locator('.svelte-flow__edge').count(),
  };
}

/**
 * Screenshots for the docs go to test-results/screenshots on every run (so the code path is always
 * exercised without touching tracked files), and to docs/screenshots when UPDATE_SCREENSHOTS=1.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.UPDATE_SCREENSHOTS
    ? resolve(import.meta.dirname, '../../docs/screenshots')
    : resolve(import.meta.dirname, '../../test-results/screenshots');
  mkdirSync(dir, { recursive: true });
  // The capture is kept once two in a row, a few frames apart, are the same: the last engine replies
  // (results, decision map, a block's verdict) have landed and charts have drawn them.
  const capture = () => page.screenshot({ animations: 'disabled', caret: 'hide' });
  const start = Date.now();
  let shot = await capture();
  for (;;) {
    await nextFrames(page);
    const next = await capture();
    if (next.equals(shot)) break;
    if (Date.now() - start > 10_000) throw new Error(`${name}: the page is still changing after 10 s`);
    shot = next;
  }
  writeFileSync(resolve(dir, name), shot);
}

/** Waits for two animation frames in the page (in-page code is a string: the tests have no DOM types). */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

/** Exports the weights file through the export dialog (Export…, Weights JSON, Export). */
export async function exportWeightsFile(page: Page): Promise<void> {
  await byTestId(page, 'export').click();
  await byTestId(page, 'export-format-weights').check();
  await byTestId(page, 'export-confirm').click();
}

/** A block of the canvas, by id. */
export const flowNode = (page: Page, id: string): Locator =>
  page.locator(`.svelte-flow__node[data-id="${id}"]`);

/** The connection between two blocks of the canvas. */
export const flowEdge = (page: Page, source: string, target: string): Locator =>
  page.locator(`.svelte-flow__edge[data-id="e-${source}-${target}"]`);

/** The centre of an element once it has stopped moving. */
export async function centre(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await steadyBox(page.locator(selector));
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Drags a wire from a block's output handle, with real mouse moves, and lets go on another block's
 * input handle, or on the middle of its body (which connects too).
 */
export async function dragWire(
  page: Page,
  source: string,
  target: string,
  onto: 'handle' | 'body' = 'handle',
): Promise<void> {
  const from = await centre(page, `.svelte-flow__node[data-id="${source}"] .svelte-flow__handle.source`);
  const end = onto === 'handle' ? '.svelte-flow__handle.target' : '.head';
  const to = await centre(page, `.svelte-flow__node[data-id="${target}"] ${end}`);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
}
