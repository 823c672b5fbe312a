/**
 * The end-to-end harness: one Chromium per test file, the browser build (made once per run by
 * global-setup.ts) served by our own static server, and a fresh browser context (own storage,
 * 1280×800, en-US) per test. Any uncaught error in the page fails the test that was running.
 *
 * In-page code runs through page.evaluate only, as strings (the tests are compiled without DOM
 * types): the app's CSP refuses the string eval that page.waitForFunction needs, and that refusal
 * would count as a page error.
 */
import { mkdirSync } from 'node:fs';
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
  // Let charts and canvases finish their frame before the capture.
  await nextFrames(page);
  await page.screenshot({ path: resolve(dir, name), animations: 'disabled', caret: 'hide' });
}

/** Waits for two animation frames in the page (in-page code is a string: the tests have no DOM types). */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}
