/**
 * Vitest global setup for the end-to-end project: builds the browser app once per run with
 * `vite build` (what `npm run build:web` does) into a directory of this run's own, so the tests never
 * exercise a stale build and a build or test run going on at the same time in the same checkout
 * (which empties and rewrites out/web) cannot pull files out from under the pages. The tests learn the
 * directory with `inject('webRoot')`; teardown removes it.
 *
 * E2E_SKIP_BUILD=1 serves the existing out/web instead, to iterate quickly on the tests themselves.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { WEB_ROOT } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory holding this run's browser build. */
    webRoot: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');

/** `vite build` of the browser app into `outDir` (the production build, whatever NODE_ENV the caller has). */
export function viteBuild(outDir: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_ENV; // Vitest sets NODE_ENV=test; the build must be the production one
  delete env.VITEST;
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        resolve(ROOT, 'node_modules/vite/bin/vite.js'),
        'build',
        '--outDir',
        outDir,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.E2E_SKIP_BUILD && existsSync(join(WEB_ROOT, 'index.html'))) {
    project.provide('webRoot', WEB_ROOT);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'backprop-e2e-web-'));
  const started = Date.now();
  const { code, output } = await viteBuild(dir);
  if (code !== 0 || !existsSync(join(dir, 'index.html'))) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`vite build failed (exit ${code}):\n${output}`);
  }
  console.log(`e2e: built the browser app in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('webRoot', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
