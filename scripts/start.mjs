// `npm start`: builds the desktop app and opens it (`--dev`: the same with the renderer on Vite's dev
// server and hot reload). Where no Electron binary is installed it says so in one line, without
// touching `require('electron')`, which would try to download one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

/** The Electron executable, or null, found the way the electron package finds it (without downloading). */
export function electronBinary(env = process.env, dir = join(root, 'node_modules/electron')) {
  if (env.ELECTRON_EXEC_PATH) return existsSync(env.ELECTRON_EXEC_PATH) ? env.ELECTRON_EXEC_PATH : null;
  const pathFile = join(dir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron');
    return existsSync(p) ? p : null;
  }
  if (!name) return null;
  const p = join(dir, 'dist', name);
  return existsSync(p) ? p : null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dev = process.argv.includes('--dev');
  let binary = electronBinary();
  if (!binary && !process.env.CI) {
    // First start after `npm install`: fetch the binary the way the electron package does (its
    // install.js downloads it); where there is no network this fails fast and we say so below.
    const install = spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], {
      stdio: ['ignore', 'inherit', 'ignore'],
      timeout: 300_000,
    });
    if (install.status === 0) binary = electronBinary();
  }
  if (!binary) {
    console.error(
      'Backprop Studio: the Electron binary is not installed and could not be downloaded, so the desktop window cannot open; run `npm run web` for the same app in your browser.',
    );
    process.exit(1);
  }
  const r = spawnSync(join(root, 'node_modules/.bin/electron-vite'), [dev ? 'dev' : 'preview'], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, ELECTRON_EXEC_PATH: binary },
  });
  process.exit(r.status ?? 1);
}
