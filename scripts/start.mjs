// `npm start`: builds the desktop app and opens it (`--dev`: the same with the renderer on Vite's dev
// server and hot reload). Where the desktop window cannot open (no Electron binary and no network to
// fetch one, a binary that cannot run here, no display), it says why in one line and serves the same
// app to the browser instead, as `npm run web` does (`--dev`: as `npm run dev:web` does), and prints
// its address. `--web` asks for the browser build directly. It never touches `require('electron')`,
// which would try to download a binary.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

/** Where the browser build is served (vite.config.ts sets the same ports and the isolation headers). */
export const WEB_ADDRESS = 'http://127.0.0.1:4173/';
export const DEV_WEB_ADDRESS = 'http://127.0.0.1:5173/';

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

/**
 * Desktop window or browser build, from what is known about this machine (a pure function).
 *
 * @param {{
 *   argv: readonly string[];
 *   env: Record<string, string | undefined>;
 *   platform: string;
 *   binary: string | null;
 *   downloadTried?: boolean;
 *   probe?: { ok: boolean; detail?: string } | null;
 * }} facts `binary`: the Electron executable found (after a download attempt when `downloadTried`);
 *   `probe`: whether it ran (`electron --version`), null when not tried yet.
 * @returns {{ mode: 'desktop'; dev: boolean; binary: string }
 *   | { mode: 'web'; dev: boolean; address: string; reason: 'asked' | 'no-display' | 'no-binary' | 'cannot-run'; detail?: string }
 *   | { mode: 'download'; dev: boolean }
 *   | { mode: 'probe'; dev: boolean; binary: string }}
 *   `download` and `probe`: find out more first (fetch the binary; run it once), then ask again.
 */
export function launchPlan({ argv, env, platform, binary, downloadTried = false, probe = null }) {
  const dev = argv.includes('--dev');
  const address = dev ? DEV_WEB_ADDRESS : WEB_ADDRESS;
  if (argv.includes('--web')) return { mode: 'web', dev, address, reason: 'asked' };
  // Linux without X11 or Wayland (a server, a container, an SSH session): Electron cannot open a window.
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return { mode: 'web', dev, address, reason: 'no-display' };
  if (!binary) {
    // CI never downloads at start (its network is not for that); elsewhere the first start fetches it.
    if (!downloadTried && !env.CI) return { mode: 'download', dev };
    return { mode: 'web', dev, address, reason: 'no-binary' };
  }
  if (!probe) return { mode: 'probe', dev, binary };
  if (!probe.ok)
    return {
      mode: 'web',
      dev,
      address,
      reason: 'cannot-run',
      ...(probe.detail ? { detail: probe.detail } : {}),
    };
  return { mode: 'desktop', dev, binary };
}

/**
 * The one line that says why the window did not open.
 *
 * @param {'asked' | 'no-display' | 'no-binary' | 'cannot-run'} reason
 * @param {string} [detail]
 */
export function whyNoWindow(reason, detail) {
  const head = 'Backprop Studio: ';
  switch (reason) {
    case 'asked':
      return `${head}starting the browser build, as asked (--web).`;
    case 'no-display':
      return `${head}no desktop window: there is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so the app runs in your browser instead.`;
    case 'no-binary':
      return `${head}no desktop window: the Electron binary is not installed and could not be downloaded, so the app runs in your browser instead.`;
    case 'cannot-run':
      return `${head}no desktop window: the Electron binary cannot run on this machine${detail ? ` (${detail})` : ''}, so the app runs in your browser instead.`;
  }
}

/** `electron --version`: whether the binary runs here at all (shared libraries, architecture). */
function probeBinary(binary) {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0) return { ok: true };
  const detail =
    `${r.error?.message ?? r.stderr ?? ''}`.trim().split('\n')[0] || `exit ${r.status ?? r.signal}`;
  return { ok: false, detail: detail.slice(0, 160) };
}

/** Resolves once `url` answers (the server printed its own banner; this line is the one to look for). */
async function answered(url, child) {
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function runWeb(plan) {
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  if (!plan.dev) {
    const build = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      stdio: 'inherit',
      cwd: root,
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  // vite.config.ts gives both servers 127.0.0.1, their port (strict) and the cross-origin isolation headers.
  const args = plan.dev ? [vite, '--logLevel', 'warn'] : [vite, 'preview', '--logLevel', 'warn'];
  const server = spawn(process.execPath, args, { stdio: 'inherit', cwd: root });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
  void answered(plan.address, server).then((ok) => {
    if (ok)
      console.log(
        `Backprop Studio is running at ${plan.address} (open it in your browser; Ctrl+C stops it).`,
      );
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const facts = { argv: process.argv.slice(2), env: process.env, platform: process.platform, binary: null };
  facts.binary = electronBinary();
  let plan = launchPlan(facts);
  if (plan.mode === 'download') {
    // First start after `npm install`: fetch the binary the way the electron package does (its
    // install.js downloads it); where there is no network this fails fast and we say so below.
    spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], {
      stdio: ['ignore', 'inherit', 'ignore'],
      timeout: 300_000,
    });
    facts.binary = electronBinary();
    facts.downloadTried = true;
    plan = launchPlan(facts);
  }
  if (plan.mode === 'probe') {
    facts.probe = probeBinary(plan.binary);
    plan = launchPlan(facts);
  }
  if (plan.mode === 'web') {
    console.error(whyNoWindow(plan.reason, plan.detail));
    runWeb(plan);
  } else if (plan.mode === 'desktop') {
    const r = spawnSync(join(root, 'node_modules/.bin/electron-vite'), [plan.dev ? 'dev' : 'preview'], {
      stdio: 'inherit',
      cwd: root,
      env: { ...process.env, ELECTRON_EXEC_PATH: plan.binary },
    });
    process.exit(r.status ?? 1);
  }
}
