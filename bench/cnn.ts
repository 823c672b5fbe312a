/**
 * `npm run bench:cnn` (also the last table of `npm run bench`): the LeNet-like CNN of
 * docs/examples/lenet.bps.json on real MNIST digits (28×28, batch 64, plain SGD at 0.01), ours against
 * TF.js (cpu and wasm backends) and ConvNetJS in the same run, at equal work. Ours and TF.js start
 * from the same weights and train the same batches: the loss after them must agree (exit 1 if not).
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { loadMnist } from '../engine/cli/image-sources.ts';
import { parseProject } from '../engine/formats/project-file.ts';
import type { Dataset } from '../engine/data/types.ts';
import { createTrainer } from '../engine/train/trainer.ts';
import type { Trainer } from '../engine/train/trainer.ts';
import { LENET, runConvNetJs, runTfjsCnn } from './cnn-peers.ts';
import type { CnnResult, CnnWeights, Digits } from './cnn-peers.ts';
import { useBackend } from './tfjs.ts';
import { median, now } from './timing.ts';

setFlagsFromString('--experimental-wasm-relaxed-simd');

/** Batches compared with TF.js (and timed for it: its cpu backend is slow), and batches timed for ours. */
const steps = (quick: boolean) => ({ STEPS: quick ? 2 : 4, OUR_STEPS: quick ? 16 : 128 });

function digits(n: number): Digits {
  const t = loadMnist();
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) x[i] = t.pixels[i]! / 255;
  const y = new Float32Array(n * 10);
  const labels = Uint8Array.from(t.labels.subarray(0, n));
  for (let i = 0; i < n; i++) y[i * 10 + labels[i]!] = 1;
  return { n, x, y, labels };
}

function trainer(data: Digits, rows: number, seed: number): Trainer {
  const project = parseProject(
    readFileSync(new URL('../docs/examples/lenet.bps.json', import.meta.url), 'utf8'),
  );
  const train: Dataset = {
    n: rows,
    nIn: 784,
    nOut: 10,
    x: data.x.subarray(0, rows * 784),
    y: data.y.subarray(0, rows * 10),
  };
  return createTrainer({
    graph: project.graph,
    train,
    config: {
      optimizer: { name: 'sgd', learningRate: LENET.learningRate },
      batchSize: LENET.batch,
      epochs: 1_000_000,
      validationSplit: 0,
      shuffle: false,
      seed,
    },
    task: 'classification',
  });
}

function weightsOf(t: Trainer): CnnWeights {
  return {
    kernels: t.model.layers.map((l) => Float32Array.from(l.kernel)),
    biases: t.model.layers.map((l) => Float32Array.from(l.bias ?? [])),
  };
}

/** Ours: the compared batches (loss after them), then `OUR_STEPS` batches timed, median of three. */
function runOurs(data: Digits, STEPS: number, OUR_STEPS: number): CnnResult & { init: CnnWeights } {
  trainer(data, LENET.batch * 4, 99).runEpoch(); // warm-up
  const rowsCompared = STEPS * LENET.batch;
  const compared = trainer(data, rowsCompared, 1);
  const init = weightsOf(compared);
  compared.runEpoch();
  const loss = compared.evaluate({
    n: rowsCompared,
    nIn: 784,
    nOut: 10,
    x: data.x.subarray(0, rowsCompared * 784),
    y: data.y.subarray(0, rowsCompared * 10),
  }).loss;
  const rows = OUR_STEPS * LENET.batch;
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = trainer(data, rows, 1);
    const t0 = now();
    t.runEpoch();
    times.push(now() - t0);
  }
  return { samplesPerSecond: rows / (median(times) / 1000), loss, init };
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '–');

export async function cnnTable(quick: boolean): Promise<boolean> {
  const { STEPS, OUR_STEPS } = steps(quick);
  const data = digits(Math.max(STEPS, OUR_STEPS) * LENET.batch);
  const ours = runOurs(data, STEPS, OUR_STEPS);
  await useBackend('wasm');
  const wasm = await runTfjsCnn(data, ours.init, STEPS, 1);
  await useBackend('cpu');
  const cpu = await runTfjsCnn(data, ours.init, STEPS, 1);
  const convnet = runConvNetJs(data, quick ? 4 : 16);
  const peers: [string, CnnResult][] = [
    ['TF.js wasm', wasm],
    ['TF.js cpu', cpu],
    ['ConvNetJS', convnet],
  ];
  console.log(
    `\nCNN: ${LENET.kernels.length} layers with weights (conv 5×5×6 same, pool, conv 5×5×16, pool, 120, 84, 10),`,
  );
  console.log(`28×28 MNIST digits, batch ${LENET.batch}, SGD ${LENET.learningRate}, samples/s (median):`);
  console.log(
    `  ours          ${fmt(ours.samplesPerSecond).padStart(8)}   loss after ${STEPS} batches ${ours.loss.toFixed(5)}`,
  );
  for (const [name, r] of peers)
    console.log(
      `  ${name.padEnd(13)} ${fmt(r.samplesPerSecond).padStart(8)}   ${
        r.note
          ? `cannot train it: ${r.note}`
          : Number.isFinite(r.loss)
            ? `loss ${r.loss.toFixed(5)}`
            : '(its own initial weights)'
      }`,
    );
  const best = Math.max(...peers.map(([, r]) => r.samplesPerSecond).filter(Number.isFinite));
  console.log(`  ours / best of them: ${(ours.samplesPerSecond / best).toFixed(1)}×`);
  const agrees = Math.abs(ours.loss - cpu.loss) <= 1e-3 * Math.max(1, Math.abs(cpu.loss));
  console.log(`  loss equal to TF.js cpu's (1e-3 relative): ${agrees ? 'yes' : 'NO'}`);
  return agrees;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`CPU: ${cpus()[0]?.model ?? '?'} (${cpus().length} cores), Node ${process.version}`);
  console.log(
    `Load average at start: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  const ok = await cnnTable(process.argv.includes('--quick'));
  process.exitCode = ok ? 0 : 1;
}
