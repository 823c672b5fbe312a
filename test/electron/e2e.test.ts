// The desktop app end to end through playwright-core's Electron driver: open the window, train XOR,
// save the project, open it again. Needs an Electron binary; where none is installed the test is
// reported as skipped (never passed) and says why on one line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const root = join(import.meta.dirname, '../..');

/** The Electron executable as the electron package would find it, without its download fallback. */
function electronBinary(): { path: string | null; reason: string } {
  const env = process.env.ELECTRON_EXEC_PATH;
  if (env)
    return existsSync(env)
      ? { path: env, reason: '' }
      : { path: null, reason: `ELECTRON_EXEC_PATH=${env} does not exist` };
  const pathFile = join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return { path: null, reason: 'node_modules/electron/path.txt is missing' };
  const bin = join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? { path: bin, reason: '' } : { path: null, reason: `${bin} is missing` };
}

const binary = electronBinary();
if (!binary.path) console.log(`SKIPPED: Electron binary not installed (${binary.reason})`);

describe('desktop app', () => {
  it.skipIf(!binary.path)(
    'opens, trains XOR, saves and reopens a project',
    async () => {
      const build = spawnSync(join(root, 'node_modules/.bin/electron-vite'), ['build'], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(build.status, build.stderr).toBe(0);
      const work = mkdtempSync(join(tmpdir(), 'bps-e2e-'));
      const target = join(work, 'xor.bps.json');
      const app = await _electron.launch({
        executablePath: binary.path!,
        args: [root],
        cwd: root,
        env: { ...process.env, BACKPROP_USER_DATA: join(work, 'user-data') } as Record<string, string>,
      });
      try {
        const page = await app.firstWindow();
        const byId = (id: string) => page.locator(`[data-testid="${id}"]`);
        await byId('param-count').waitFor({ timeout: 30_000 });

        // The page is the bundle on app://, with no Node and only the bridge.
        expect(page.url()).toBe('app://bundle/index.html');
        expect(await page.evaluate('[typeof require, typeof process]')).toEqual(['undefined', 'undefined']);
        expect(await page.evaluate('typeof window.backpropDesktop.openFile')).toBe('function');

        await byId('dataset-select').selectOption('xor');
        await expect.poll(async () => (await byId('data-summary').textContent()) ?? '').toMatch(/\d/);
        await byId('train').click();
        await expect.poll(async () => byId('run-state').textContent(), { timeout: 60_000 }).toBe('done');

        // Dialogs answer with our file, as a person would pick it.
        await app.evaluate(({ dialog }, file) => {
          dialog.showSaveDialog = (async () => ({
            canceled: false,
            filePath: file,
          })) as typeof dialog.showSaveDialog;
          dialog.showOpenDialog = (async () => ({
            canceled: false,
            filePaths: [file],
          })) as typeof dialog.showOpenDialog;
        }, target);
        await byId('save').click();
        await expect.poll(() => existsSync(target), { timeout: 10_000 }).toBe(true);
        const saved = JSON.parse(readFileSync(target, 'utf8')) as { format: string };
        expect(saved.format).toMatch(/backprop/);

        await page.getByRole('button', { name: 'Open…' }).click();
        await expect.poll(async () => (await byId('param-count').textContent()) ?? '').toMatch(/\d/);
        expect(
          await page.evaluate('window.backpropDesktop.recentFiles().then((r) => r.map((f) => f.name))'),
        ).toContain('xor.bps.json');
      } finally {
        await app.close();
        rmSync(work, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
