/**
 * `npm run bench:ui [-- --seconds 60] [-- --no-build | --web DIR] [-- --why]`: the window during a long run. Builds the browser
 * app, opens it in Chromium at 1440×900, trains the two spirals (1,000,000 epochs: it never ends within the measurement) as fast as possible,
 * and prints, for stretches of the run, the frame rate (requestAnimationFrame intervals), the slowest
 * frames, the long tasks (PerformanceObserver "longtask", over 50 ms) and at the end how long Pause takes
 * from the click to the panel saying "paused". A measurement, not a test: it fails nothing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { chromiumLaunch } from '../test/e2e/launch.ts';
import { viteBuild } from '../test/e2e/global-setup.ts';
import { startStaticServer } from '../test/e2e/server.ts';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  return i < 0 ? undefined : (args[i]!.split('=')[1] ?? args[i + 1]);
};
const seconds = Number(arg('--seconds') ?? 60);
/** Stretches of the run to report, as [from, to] seconds after Train. */
const windows = [
  [0, 3],
  [27, 30],
  [seconds - 3, seconds],
].filter(
  ([a, b], i, all) =>
    a! >= 0 && b! <= seconds && (b! <= 3 || a! >= 3) && all.findIndex(([c]) => c === a) === i,
) as [number, number][];

/** Builds the browser app into `outDir`, or says why it could not. */
async function buildWeb(outDir: string): Promise<void> {
  const { code, output } = await viteBuild(outDir);
  if (code !== 0) throw new Error(`vite build exited ${code}:\n${output}`);
}

/** In the page: every frame's time and every long task, from now on. */
const INSTRUMENT = `(() => {
  const w = window;
  w.__frames = [];
  w.__long = [];
  const frame = (t) => { w.__frames.push(t); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__long.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: false });
  // Long animation frames name the scripts that made them long.
  w.__loaf = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        for (const s of e.scripts)
          if (s.duration >= 10)
            w.__loaf.push({ start: e.startTime, duration: s.duration, what: (s.sourceFunctionName || s.invoker || '?') + ' (' + s.invokerType + ')' });
    }).observe({ type: 'long-animation-frame', buffered: false });
  } catch {}
  w.__t0 = performance.now();
})()`;

/** In the page: clicks Pause and resolves with the ms until the panel shows the paused state. */
const PAUSE = `new Promise((resolve) => {
  const state = document.querySelector('[data-testid="run-state"]');
  const t0 = performance.now();
  const done = () => {
    if (state.dataset.state !== 'running') { observer.disconnect(); resolve(performance.now() - t0); return true; }
    return false;
  };
  const button = document.querySelector('[data-testid="pause"]');
  if (!button) { resolve(NaN); return; }
  const observer = new MutationObserver(done);
  observer.observe(state, { attributes: true, childList: true, characterData: true, subtree: true });
  button.click();
})`;

/** In the page: which scripts the long frames of a stretch spent their time in, the largest first. */
async function culprits(page: Page, from: number, to: number): Promise<string> {
  const { loaf, t0 } = (await page.evaluate('({ loaf: window.__loaf, t0: window.__t0 })')) as {
    loaf: { start: number; duration: number; what: string }[];
    t0: number;
  };
  const sum = new Map<string, { n: number; ms: number; max: number }>();
  for (const l of loaf) {
    if (l.start < t0 + from * 1000 || l.start > t0 + to * 1000) continue;
    const s = sum.get(l.what) ?? { n: 0, ms: 0, max: 0 };
    sum.set(l.what, { n: s.n + 1, ms: s.ms + l.duration, max: Math.max(s.max, l.duration) });
  }
  return [...sum]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 4)
    .map(([what, s]) => `${what}: ${s.n}× up to ${s.max.toFixed(0)} ms`)
    .join('; ');
}

interface Stretch {
  from: number;
  to: number;
  fps: number;
  p50: number;
  p95: number;
  worst: number;
  longTasks: number;
  longest: number;
  epoch: number;
}

const quantile = (v: number[], q: number): number =>
  v.length ? [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))]! : NaN;

async function stretch(page: Page, from: number, to: number): Promise<Stretch> {
  const { frames, long, t0 } = (await page.evaluate(
    '({ frames: window.__frames, long: window.__long, t0: window.__t0 })',
  )) as { frames: number[]; long: { start: number; duration: number }[]; t0: number };
  const a = t0 + from * 1000;
  const b = t0 + to * 1000;
  const inside = frames.filter((t) => t >= a && t <= b);
  const gaps = inside.slice(1).map((t, i) => t - inside[i]!);
  const tasks = long.filter((l) => l.start >= a && l.start <= b);
  const epoch = Number(
    ((await page.locator('[data-testid="epoch"]').textContent()) ?? '0').replace(/\D/g, ''),
  );
  return {
    from,
    to,
    fps: inside.length > 1 ? ((inside.length - 1) * 1000) / (inside.at(-1)! - inside[0]!) : 0,
    p50: quantile(gaps, 0.5),
    p95: quantile(gaps, 0.95),
    worst: gaps.length ? Math.max(...gaps) : NaN,
    longTasks: tasks.length,
    longest: tasks.length ? Math.max(...tasks.map((l) => l.duration)) : 0,
    epoch,
  };
}

/** The page's main-thread tasks from a Chrome trace: wall and processor (thread) time in ms. */
function mainThreadTasks(trace: Buffer, _start: number): { at: number; wall: number; cpu: number }[] {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return [];
  return events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name.endsWith('RunTask'))
    .map((e) => ({ at: e.ts / 1000, wall: (e.dur ?? 0) / 1000, cpu: (e.tdur ?? 0) / 1000 }));
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

async function main(): Promise<void> {
  console.log(
    `CPU: ${cpus()[0]?.model ?? '?'} (${cpus().length} cores), load ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  let root = arg('--web') ?? join(ROOT, 'out/web');
  let cleanup = () => {};
  if (!arg('--web') && (!args.includes('--no-build') || !existsSync(join(root, 'index.html')))) {
    root = mkdtempSync(join(tmpdir(), 'backprop-bench-ui-'));
    cleanup = () => rmSync(root, { recursive: true, force: true });
    await buildWeb(root);
  }
  const server = await startStaticServer(root);
  const browser = await chromium.launch(chromiumLaunch);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(server.url);
    await page.locator('[data-testid="param-count"]').waitFor();
    await page.locator('[data-testid="dataset-select"]').selectOption('spirals');
    await page.locator('[data-testid="data-summary"]').filter({ hasText: '500 rows' }).waitFor();
    const epochs = page.getByLabel('Epochs', { exact: true });
    await epochs.fill('1000000');
    await epochs.press('Tab');
    await page.evaluate(INSTRUMENT);
    // The main thread's tasks with the processor time each took: on a busy machine a task's wall time
    // includes the time the thread waited for a core, its processor time does not.
    await browser.startTracing(page, { categories: ['toplevel', '__metadata'] });
    const traceStart = (await page.evaluate('performance.timeOrigin + performance.now()')) as number;
    await page.locator('[data-testid="train"]').click();
    const results: Stretch[] = [];
    for (const [from, to] of windows) {
      const now = (await page.evaluate('(performance.now() - window.__t0) / 1000')) as number;
      if (to > now) await page.waitForTimeout((to - now) * 1000 + 50);
      results.push(await stretch(page, from, to));
      if (args.includes('--why'))
        console.log(`  ${from}–${to} s, scripts in long frames: ${await culprits(page, from, to)}`);
      process.stderr.write(`  ${to} s…\n`);
    }
    const pause = (await page.evaluate(PAUSE)) as number;
    const cpu = mainThreadTasks(await browser.stopTracing(), traceStart);
    const state = await page.locator('[data-testid="run-state"]').getAttribute('data-state');
    const f = (v: number, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '–');
    console.log(
      `\nSpirals, 2-8-8-2 default network, 1,000,000 epochs as fast as possible, 1440×900, Chromium headless\n`,
    );
    console.log(
      '| seconds after Train | epoch reached | fps | frame p50 ms | frame p95 ms | worst frame ms | long tasks | longest task ms |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of results)
      console.log(
        `| ${r.from}–${r.to} | ${r.epoch} | ${f(r.fps)} | ${f(r.p50, 1)} | ${f(r.p95, 1)} | ${f(r.worst)} | ${r.longTasks} | ${f(r.longest)} |`,
      );
    console.log(`\nPause after ${seconds} s: ${f(pause)} ms from the click to "${state}" on screen.`);
    const over = cpu.filter((t) => t.cpu > 50);
    console.log(
      `Main-thread tasks over the run: ${cpu.length}; longest ${f(Math.max(0, ...cpu.map((t) => t.cpu)))} ms of processor time ` +
        `(${over.length} over 50 ms), longest ${f(Math.max(0, ...cpu.map((t) => t.wall)))} ms of wall time.`,
    );
    if (args.includes('--why'))
      for (const t of over)
        console.log(`  a task of ${f(t.cpu)} ms at ${f((t.at - cpu[0]!.at) / 1000, 1)} s into the trace`);
  } finally {
    await browser.close();
    await server.close();
    cleanup();
  }
}

await main();
