// `npm start` picks the desktop window where it can open, and otherwise the browser build with one line
// saying why (scripts/start.mjs): the decision is a pure function of what the script found out.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary, launchPlan, whyNoWindow, WEB_ADDRESS } from '../../scripts/start.mjs';

const desktop = { argv: [], env: { DISPLAY: ':0' }, platform: 'linux', binary: '/e/electron' };

describe('npm start: desktop window or browser build', () => {
  it('opens the window where a binary runs and there is a display', () => {
    expect(launchPlan(desktop)).toEqual({ mode: 'probe', dev: false, binary: '/e/electron' });
    expect(launchPlan({ ...desktop, probe: { ok: true } })).toEqual({
      mode: 'desktop',
      dev: false,
      binary: '/e/electron',
    });
    expect(launchPlan({ ...desktop, env: { WAYLAND_DISPLAY: 'wayland-0' }, probe: { ok: true } }).mode).toBe(
      'desktop',
    );
    // macOS and Windows always have a display.
    expect(launchPlan({ ...desktop, env: {}, platform: 'darwin', probe: { ok: true } }).mode).toBe('desktop');
    expect(launchPlan({ ...desktop, argv: ['--dev'], probe: { ok: true } })).toMatchObject({
      mode: 'desktop',
      dev: true,
    });
  });

  it('fetches a missing binary once, then serves the browser build when that failed', () => {
    const missing = { ...desktop, binary: null };
    expect(launchPlan(missing)).toEqual({ mode: 'download', dev: false });
    expect(launchPlan({ ...missing, downloadTried: true })).toEqual({
      mode: 'web',
      dev: false,
      address: WEB_ADDRESS,
      reason: 'no-binary',
    });
    // CI does not download at start.
    expect(launchPlan({ ...missing, env: { DISPLAY: ':0', CI: '1' } })).toMatchObject({
      mode: 'web',
      reason: 'no-binary',
    });
  });

  it('serves the browser build where there is no display, without downloading', () => {
    for (const binary of [null, '/e/electron'])
      expect(launchPlan({ ...desktop, env: {}, binary })).toEqual({
        mode: 'web',
        dev: false,
        address: 'http://127.0.0.1:4173/',
        reason: 'no-display',
      });
    // --dev falls back to the dev server of the browser build.
    expect(launchPlan({ ...desktop, env: {}, argv: ['--dev'] })).toEqual({
      mode: 'web',
      dev: true,
      address: 'http://127.0.0.1:5173/',
      reason: 'no-display',
    });
  });

  it('serves the browser build when the binary cannot run, or when asked', () => {
    expect(launchPlan({ ...desktop, probe: { ok: false, detail: 'libnss3.so: cannot open' } })).toEqual({
      mode: 'web',
      dev: false,
      address: WEB_ADDRESS,
      reason: 'cannot-run',
      detail: 'libnss3.so: cannot open',
    });
    expect(launchPlan({ ...desktop, argv: ['--web'] })).toMatchObject({ mode: 'web', reason: 'asked' });
  });

  it('says why in one line', () => {
    for (const [reason, words] of [
      ['no-binary', 'not installed'],
      ['no-display', 'no display'],
      ['cannot-run', 'libnss3'],
      ['asked', '--web'],
    ] as const) {
      const line = whyNoWindow(reason, 'libnss3.so: cannot open');
      expect(line).toContain(words);
      expect(line).not.toContain('\n');
      expect(line).toMatch(/^Backprop Studio: /);
    }
  });

  it('finds the binary the way the electron package does, without downloading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bps-electron-'));
    expect(electronBinary({}, dir)).toBeNull();
    writeFileSync(join(dir, 'path.txt'), 'electron');
    expect(electronBinary({}, dir)).toBeNull();
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist/electron'), '');
    expect(electronBinary({}, dir)).toBe(join(dir, 'dist/electron'));
    expect(electronBinary({ ELECTRON_EXEC_PATH: join(dir, 'nope') }, dir)).toBeNull();
  });
});
