/**
 * The window as it runs inside the desktop shell, in Chromium: the preload's bridge is replaced by a
 * stand-in typed by the same contract (electron/contract.ts) (files through tokens, the engine over a MessagePort handed over as
 * a window message, refusals as rejected calls whose message carries main's error). What is checked
 * is the window's side: that every refusal and failure reaches the person in their language, and that
 * nothing is marked saved that was not.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { BRIDGE_ERROR_PREFIX, ENGINE_PORT_MESSAGE } from '../../electron/contract.ts';
import type {
  DesktopBridge,
  DocumentState,
  FileKind,
  IpcErrorCode,
  IpcErrorParams,
} from '../../electron/contract.ts';
import type { MessageRef } from '../../engine/i18n.ts';
import { byTestId, exportWeightsFile, ready, textOf, useApp } from './app.ts';

const app = useApp();

/** What the stand-in records for the test (`window.__shell`), and how the test scripts failures. */
interface Shell {
  saves: { kind: FileKind | 'export'; name: string; token: string | null; size: number }[];
  asked: (FileKind | 'export')[];
  documents: DocumentState[];
  engines: number;
  worker: { terminate(): void } | null;
  exit: ((reason: MessageRef) => void) | null;
  saveError: { code: IpcErrorCode; params: IpcErrorParams } | null;
  saveCancelled: boolean;
}

/** The few page globals the stand-in uses (this file compiles without the DOM's types). */
interface PagePort {
  onmessage: ((e: { data: unknown }) => void) | null;
  postMessage(data: unknown): void;
}
interface PageGlobals {
  Worker: new (url: string, o: { type: 'module' }) => PagePort & { terminate(): void };
  MessageChannel: new () => { port1: unknown; port2: PagePort };
  postMessage(data: unknown, origin: string, transfer: unknown[]): void;
  backpropDesktop?: DesktopBridge;
  __shell?: Shell;
}

interface StandInOptions {
  workerUrl: string;
  portMessage: typeof ENGINE_PORT_MESSAGE;
  errorPrefix: typeof BRIDGE_ERROR_PREFIX;
}

/**
 * The stand-in bridge, typed by the desktop contract and run in the page before its own scripts (it
 * travels as its source text, so it uses nothing from this module but its argument). The engine is
 * the browser build's own worker, relayed through a MessageChannel whose port reaches the page as the
 * shell's does. `window.__shell` lets the test script failures and read what the window asked for.
 */
function installStandIn({ workerUrl, portMessage, errorPrefix }: StandInOptions): void {
  const page = globalThis as unknown as PageGlobals;
  const failure = (code: IpcErrorCode, params: IpcErrorParams) =>
    new Error(errorPrefix + JSON.stringify({ code, message: code, params }));
  const shell: Shell = (page.__shell = {
    saves: [],
    asked: [],
    documents: [],
    engines: 0,
    worker: null,
    exit: null,
    saveError: null,
    saveCancelled: false,
  });
  const bridge: DesktopBridge = {
    requestEngine() {
      shell.engines++;
      const worker = new page.Worker(workerUrl, { type: 'module' });
      const channel = new page.MessageChannel();
      channel.port2.onmessage = (e) => worker.postMessage(e.data);
      worker.onmessage = (e) => channel.port2.postMessage(e.data);
      shell.worker = worker;
      page.postMessage(portMessage, '*', [channel.port1]);
    },
    onEngineExit(listener) {
      shell.exit = listener;
      return () => {};
    },
    async openFile() {
      return null;
    },
    async openFiles() {
      return null;
    },
    async readToken() {
      return null;
    },
    async saveFile(kind, name, text, token) {
      shell.asked.push(kind);
      if (shell.saveError) throw failure(shell.saveError.code, shell.saveError.params);
      if (shell.saveCancelled) return null;
      shell.saves.push({ kind, name, token: token ?? null, size: text.length });
      return { token: `token-${shell.saves.length}`, name, kind };
    },
    async saveFiles(files) {
      shell.asked.push('export');
      if (shell.saveError) throw failure(shell.saveError.code, shell.saveError.params);
      if (shell.saveCancelled) return null;
      const size = files.reduce((n, f) => n + f.data.length, 0);
      shell.saves.push({ kind: 'export', name: files.map((f) => f.name).join(' '), token: null, size });
      return { names: files.map((f) => f.name) };
    },
    async recentFiles() {
      return [];
    },
    onMenu() {
      return () => {};
    },
    async droppedFile(file) {
      if (!/\.(csv|tsv|txt|json)$/i.test(file.name)) throw failure('UNSUPPORTED_FILE', { name: file.name });
      return null;
    },
    async setDocumentState(state) {
      shell.documents.push(state);
    },
    async writeRecovery() {},
    async readRecovery() {
      return null;
    },
    async clearRecovery() {},
  };
  page.backpropDesktop = bridge;
}

/** Opens the app with the stand-in bridge installed before any of the page's own scripts run. */
async function openInShell(locale = 'en-US'): Promise<Page> {
  const root = inject('webRoot');
  const worker = readdirSync(join(root, 'assets')).find((f) => /^web-worker-.*\.js$/.test(f));
  if (!worker) throw new Error('the browser build has no engine worker');
  const page = await app.open({ locale });
  const options: StandInOptions = {
    workerUrl: `/assets/${worker}`,
    portMessage: ENGINE_PORT_MESSAGE,
    errorPrefix: BRIDGE_ERROR_PREFIX,
  };
  await page.context().addInitScript(installStandIn, options);
  await page.reload();
  await ready(page);
  expect(await page.evaluate('window.__shell.engines')).toBe(1);
  return page;
}

const toasts = (page: Page, kind: 'error' | 'info') =>
  page.locator(`.toast.${kind}`).allTextContents() as Promise<string[]>;

describe('inside the desktop shell', () => {
  it('a save the shell cannot write is told, in the person’s language, and the work stays unsaved', async () => {
    const page = await openInShell();
    await page.getByLabel('Project name').fill('Disk test');
    await expect.poll(() => byTestId(page, 'dirty').count()).toBe(1);

    await page.evaluate(
      `window.__shell.saveError = { code: 'WRITE_FAILED', params: { name: 'Disk-test.bps.json', errno: 'ENOSPC' } }`,
    );
    await byTestId(page, 'save').click();
    await expect
      .poll(() => toasts(page, 'error'))
      .toContain(
        'Disk-test.bps.json could not be saved: the disk is full. Your work is still open; save it somewhere else.',
      );
    expect(await byTestId(page, 'dirty').count()).toBe(1);
    expect(await toasts(page, 'info')).toEqual([]);

    // Saved elsewhere: now it is marked saved, and the shell hears that the window is clean.
    await page.evaluate('window.__shell.saveError = null');
    await byTestId(page, 'save').click();
    await expect.poll(() => toasts(page, 'info')).toContain('Saved Disk-test.bps.json.');
    expect(await byTestId(page, 'dirty').count()).toBe(0);
    expect(await page.evaluate('window.__shell.saves.map((s) => s.name)')).toEqual(['Disk-test.bps.json']);
    await expect
      .poll(() => page.evaluate('window.__shell.documents.at(-1)'))
      .toEqual({ edited: false, title: 'Disk test – Backprop Studio' });
  });

  it('in Chinese too; a cancelled export says nothing was exported', async () => {
    const page = await openInShell('zh-CN');
    await page.evaluate(
      `window.__shell.saveError = { code: 'WRITE_FAILED', params: { name: 'a.bps.json', errno: 'EACCES' } }`,
    );
    await byTestId(page, 'save').click();
    await expect
      .poll(() => toasts(page, 'error'))
      .toContain('无法保存 a.bps.json：没有权限。你的工作仍然打开着，请保存到其他位置。');

    // Train a little so that there are weights, then cancel the export's save dialog.
    await page.evaluate('window.__shell.saveError = null; window.__shell.saveCancelled = true');
    await byTestId(page, 'step').click();
    await expect.poll(() => page.locator('[data-testid="epoch"]').count()).toBeGreaterThan(0);
    await exportWeightsFile(page);
    await expect.poll(() => page.evaluate('window.__shell.asked')).toEqual(['project', 'weights']);
    await page.waitForTimeout(300);
    expect((await toasts(page, 'info')).filter((t) => t.includes('导出'))).toEqual([]);
    expect(await toasts(page, 'error')).toHaveLength(1); // only the failed save's
    expect(await page.evaluate('window.__shell.saves.length')).toBe(0);
  });

  it('an export goes to the shell as one request with all its files, which the dialog says replace their namesakes', async () => {
    const page = await openInShell();
    await byTestId(page, 'step').click();
    await expect.poll(() => page.locator('[data-testid="epoch"]').count()).toBeGreaterThan(0);
    await byTestId(page, 'export').click();
    await byTestId(page, 'export-format-tfjs').check();
    await expect.poll(() => byTestId(page, 'export-files').textContent()).toMatch(/group1-shard1of1\.bin/);
    expect(
      await page.getByText('the others go beside it, replacing files of the same names there').count(),
    ).toBe(1);
    await byTestId(page, 'export-confirm').click();
    await expect
      .poll(() => page.evaluate('window.__shell.saves'))
      .toEqual([
        { kind: 'export', name: 'model.json group1-shard1of1.bin', token: null, size: expect.any(Number) },
      ]);
    expect(await page.evaluate('window.__shell.asked')).toEqual(['export']);
    await expect.poll(() => toasts(page, 'info')).toContain('Exported model.json, group1-shard1of1.bin.');
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0);
  });

  it('a dropped file the shell refuses is named in the refusal and not opened', async () => {
    const page = await openInShell();
    const before = await byTestId(page, 'data-summary').textContent();
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.items.add(new File(['\\x89PNG'], 'photo.png', { type: 'image/png' }));
      document.querySelector('.app').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    await expect
      .poll(() => toasts(page, 'error'))
      .toContain('photo.png is not a CSV, project or weights file.');
    expect(await byTestId(page, 'data-summary').textContent()).toBe(before);
  });

  it('when the shell reports the engine gone, the window says why in its language and gets a new one', async () => {
    const page = await openInShell('zh-CN');
    for (let i = 1; i <= 2; i++) await byTestId(page, 'step').click();
    await expect.poll(async () => Number(await textOf(page, 'step-count'))).toBe(2);
    await page.evaluate(`(() => {
      window.__shell.worker.terminate();
      window.__shell.exit({ key: 'host.reason.exitCode', params: { code: 9 } });
    })()`);
    await expect
      .poll(() => toasts(page, 'error'))
      .toContain('引擎意外停止，已重新启动（退出码 9）。正在从最近的检查点恢复训练…');
    await expect.poll(() => page.evaluate('window.__shell.engines')).toBe(2);
    // The new engine has the run back (no checkpoint was taken in these few seconds, so from its first
    // step) and trains on.
    await expect.poll(() => toasts(page, 'info')).toContain('引擎已恢复，训练从最近的检查点继续。');
    await byTestId(page, 'step').click();
    await expect.poll(async () => Number(await textOf(page, 'step-count'))).toBeGreaterThan(0);
  });

  it('an engine that keeps stopping is not given the run back a third time; the data is, and training starts afresh', async () => {
    const page = await openInShell();
    await byTestId(page, 'step').click();
    await expect.poll(async () => Number(await textOf(page, 'step-count'))).toBe(1);
    for (let n = 1; n <= 3; n++) {
      await page.evaluate(`(() => {
        window.__shell.worker.terminate();
        window.__shell.exit({ key: 'host.reason.outOfMemory' });
      })()`);
      await expect.poll(() => page.evaluate('window.__shell.engines')).toBe(n + 1);
    }
    await expect
      .poll(() => toasts(page, 'error'))
      .toContain(
        'The engine stopped three times within a minute, so your run was not restored (it may be too large for this computer). The network, data and settings are unchanged: press Train to start a new run.',
      );
    expect(await toasts(page, 'error')).toContain(
      'The engine stopped unexpectedly and was restarted (it ran out of memory). Restoring your run from its last checkpoint…',
    );
    // The run is gone from the panel too (no stale "running"), and nothing claims it continues.
    await expect.poll(() => byTestId(page, 'run-state').getAttribute('data-state')).toBe('idle');
    expect((await toasts(page, 'info')).filter((x) => x.startsWith('The engine is back'))).toEqual([]);
    // The new engine has the data: a step makes a new run and takes it.
    await expect.poll(() => byTestId(page, 'step').isEnabled()).toBe(true);
    await byTestId(page, 'step').click();
    await expect.poll(async () => Number(await textOf(page, 'step-count'))).toBe(1);
    expect(await textOf(page, 'param-count')).toBe('Network: 114 parameters');
  });
});
