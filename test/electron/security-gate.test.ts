import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const gate = join(import.meta.dirname, '../../build/security/electronegativity-gate.mjs');
const dir = mkdtempSync(join(tmpdir(), 'bps-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const result = (ruleId: string, level: 'warning' | 'note', file: string, text = 'finding') => ({
  ruleId,
  level,
  message: { text },
  locations: [{ physicalLocation: { artifactLocation: { uri: file }, region: { startLine: 3 } } }],
});

function run(results: unknown[]) {
  const file = join(dir, `r${Math.random().toString(36).slice(2)}.sarif`);
  writeFileSync(file, JSON.stringify({ version: '2.1.0', runs: [{ results }] }));
  const r = spawnSync(process.execPath, [gate, file], { encoding: 'utf8' });
  return { status: r.status, last: r.stdout.trim().split('\n').at(-1) };
}

describe('electronegativity gate', () => {
  it.each([
    [
      'a secure shell: low CSP note, reviewed notes',
      [
        result(
          'CSP_GLOBAL_CHECK',
          'note',
          'renderer/index.html',
          'One or more CSP directives detected seems to be vulnerable',
        ),
        result('OPEN_EXTERNAL_JS_CHECK', 'note', 'electron/app.ts'),
        result('PRELOAD_JS_CHECK', 'note', 'electron/window.ts'),
        result('ELECTRON_VERSION_JSON_CHECK', 'note', 'package.json'),
      ],
      0,
      '4 passed, 0 failed',
    ],
    [
      'no CSP at all',
      [
        result(
          'CSP_GLOBAL_CHECK',
          'warning',
          'file:///',
          'No CSP has been detected in the target application',
        ),
      ],
      1,
      '0 passed, 1 failed',
    ],
    [
      'contextIsolation off',
      [result('CONTEXT_ISOLATION_JS_CHECK', 'warning', 'electron/window.ts')],
      1,
      '0 passed, 1 failed',
    ],
    [
      'middle-click not disabled',
      [result('AUXCLICK_JS_CHECK', 'warning', 'electron/window.ts')],
      1,
      '0 passed, 1 failed',
    ],
    [
      'openExternal in a file nobody reviewed',
      [result('OPEN_EXTERNAL_JS_CHECK', 'note', 'electron/other.ts')],
      1,
      '0 passed, 1 failed',
    ],
    [
      'a reviewed rule reported as certain',
      [result('PRELOAD_JS_CHECK', 'warning', 'electron/window.ts')],
      1,
      '0 passed, 1 failed',
    ],
    [
      'an unknown rule fails closed',
      [result('SOME_NEW_CHECK', 'warning', 'electron/app.ts')],
      1,
      '0 passed, 1 failed',
    ],
    [
      'a low-severity finding',
      [result('EXPERIMENTAL_FEATURES_JS_CHECK', 'warning', 'electron/window.ts')],
      0,
      '1 passed, 0 failed',
    ],
  ])('%s → exit %i', (_name, results, status, last) => {
    expect(run(results)).toEqual({ status, last });
  });
});
