/**
 * `npm run bench [-- --quick] [-- --only W1,W3]`: trains W1–W4 with our engine, TF.js (wasm and cpu
 * backends) and brain.js in one run, every comparison at equal work, and prints samples/s:
 * - against TF.js: the same network, batch, optimiser, rows and initial weights; our loss must match
 *   theirs after the same epochs (the run exits 1 when it does not);
 * - against brain.js, at the work brain.js can do: batch 1, plain SGD, the same rows (it has no
 *   mini-batches, and its output layer and loss differ, which the table says);
 * then one core against two, the GFLOP/s of our matmul kernels, and the LeNet-like CNN on MNIST against
 * TF.js and ConvNetJS (bench/cnn.ts; `--only CNN` for it alone). `--no-peers` times only our engine.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runBrain } from './brain.ts';
import { cnnTable } from './cnn.ts';
import { matmulTable } from './matmul.ts';
import { runOurs, runOursPerSample, runPair } from './ours.ts';
import { median } from './timing.ts';
import type { RunResult } from './timing.ts';
import { runTfjs, useBackend, wasmSimd } from './tfjs.ts';
import { largestProduct, syntheticData, workloads } from './workloads.ts';
import { DEFAULT_MIN_MULTIPLY_ADDS } from '../engine/kernels/wasm/pool.ts';

// Relaxed SIMD is on by default from Node 22 and in Electron; Node 20 has it behind this flag.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.split('=')[1] ?? args[args.indexOf(onlyArg) + 1] ?? '').split(',') : null;
const budgetMs = quick ? 100 : 1500;
const noPeers = args.includes('--no-peers');

const fmt = (v: number): string =>
  !Number.isFinite(v)
    ? '–'
    : v >= 1e6
      ? `${(v / 1e6).toFixed(2)}M`
      : v >= 1e4
        ? `${(v / 1e3).toFixed(0)}k`
        : v >= 1e3
          ? `${(v / 1e3).toFixed(1)}k`
          : v.toFixed(0);

/** The first-step latency, measured in a fresh process so no code is warm. */
function firstStep(): number {
  const script = new URL('./first-step.ts', import.meta.url).pathname;
  return Number(execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' }).trim());
}

/** Loss agreement: same weights, same batches, float32 on both sides, so only rounding differs. */
function lossMatches(ours: number, ref: number): boolean {
  return Math.abs(ours - ref) <= 0.02 * Math.abs(ref) + 2e-3;
}

async function main(): Promise<void> {
  const ws = workloads(quick).filter((w) => !only || only.includes(w.id));
  console.log(`CPU: ${cpus()[0]?.model ?? '?'} (${cpus().length} cores), Node ${process.version}`);
  console.log(
    `Load average at start: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  const latencies: number[] = [];
  for (let i = 0; i < (quick ? 1 : 5); i++) latencies.push(firstStep());
  console.log(
    `First step of a fresh 2-8-8-1 network (compile, allocate, one batch, cold code): median ${median(latencies).toFixed(1)} ms of ${latencies.map((v) => v.toFixed(1)).join(', ')}`,
  );
  const rows: string[] = [];
  const perSample: string[] = [];
  let failed = false;
  for (const w of ws) {
    const data = syntheticData(w);
    const ours = runOurs(w, data, budgetMs);
    const skipped: RunResult = { samplesPerSecond: NaN, loss: ours.loss };
    if (!noPeers) await useBackend('wasm');
    const simd = noPeers || wasmSimd();
    const tw = noPeers ? skipped : await runTfjs(w, data, ours.init);
    if (!noPeers) await useBackend('cpu');
    const tc = noPeers ? skipped : await runTfjs(w, data, ours.init);
    const best = Math.max(tw.samplesPerSecond, tc.samplesPerSecond);
    const check = (ref: RunResult) => {
      const ok = lossMatches(ours.loss, ref.loss);
      if (!ok) failed = true;
      return ok;
    };
    const okW = check(tw);
    const okC = check(tc);
    rows.push(
      `| ${w.id} ${w.label} | ${fmt(ours.samplesPerSecond)} | ${fmt(tw.samplesPerSecond)}${simd ? '' : ' (no SIMD)'} | ` +
        `${fmt(tc.samplesPerSecond)} | ${(ours.samplesPerSecond / best).toFixed(1)}× | ` +
        `${ours.loss.toFixed(4)} / ${tw.loss.toFixed(4)} / ${tc.loss.toFixed(4)} ${okW && okC ? 'ok' : 'MISMATCH'} |`,
    );
    console.log(rows.at(-1));
    const one = runOursPerSample(w, data, budgetMs);
    const br = noPeers ? skipped : runBrain(w, data, budgetMs);
    const ourHead = `${w.head} + ${w.head === 'softmax' ? 'categorical' : 'binary'} cross-entropy`;
    perSample.push(
      `| ${w.id} ${w.sizes.join('-')}, ${one.note} | ${fmt(one.samplesPerSecond)} | ${fmt(br.samplesPerSecond)} | ` +
        `${(one.samplesPerSecond / br.samplesPerSecond).toFixed(2)}× | output: ours ${ourHead}, brain.js ${w.activation} + squared error |`,
    );
    console.log(perSample.at(-1));
  }
  console.log(
    `\nTraining samples/s against TF.js at equal work (same network, batch, optimiser, rows, initial weights), median over epochs (${quick ? 'quick run' : 'full run'}):\n`,
  );
  console.log('| workload | ours | TF.js wasm | TF.js cpu | ours / best TF.js | loss ours / wasm / cpu |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
  console.log(
    '\nTraining samples/s against brain.js at the work it can do: one sample per update, plain SGD, the same rows and hidden layers:\n',
  );
  console.log('| workload | ours, batch 1 | brain.js | ours / brain.js | what differs |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of perSample) console.log(r);
  // Both cores: the workloads large enough for the kernel pool, one core and two in turns.
  const pairs = ws.filter((w) => largestProduct(w) >= DEFAULT_MIN_MULTIPLY_ADDS);
  if (pairs.length > 0) {
    const load = loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
    console.log(
      `\nOne core against two (kernel pool), epochs in turns (speed-up: median over neighbouring pairs); load average before: ${load}\n`,
    );
    console.log('| workload | one core | two cores | speed-up | weights identical |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const w of pairs) {
      const r = await runPair(w, syntheticData(w), 4 * budgetMs);
      if (!r.identical) failed = true;
      console.log(
        `| ${w.id} ${w.label} | ${fmt(r.one)} | ${fmt(r.two)} | ${r.speedup.toFixed(2)}× | ${r.identical ? 'yes' : 'NO'} |`,
      );
    }
  }
  console.log('\nMatmul GFLOP/s, float32, one thread (the last row of each shape: two):\n');
  for (const line of await matmulTable(quick)) console.log(line);
  if (!noPeers && (!only || only.includes('CNN')) && !(await cnnTable(quick))) failed = true;
  if (failed) {
    console.error(
      '\nA loss differs from TF.js beyond rounding noise, or two cores did not give one core’s weights.',
    );
    process.exitCode = 1;
  }
}

await main();
