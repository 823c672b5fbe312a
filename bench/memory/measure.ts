/**
 * One memory measurement, in a process of its own (so each starts from the same baseline): reads one
 * file the way the CLI (or the app's engine) does and prints one JSON line with the peak resident
 * memory above what the process held just before the read. Usage: measure.ts MODE FILE.
 *
 * Peak is the kernel's high-water mark (getrusage maxrss), so nothing is sampled during the read.
 */
import { readFileSync, statSync } from 'node:fs';
import { readCsvFile } from '../../engine/cli/data-source.ts';
import { readText, UsageError } from '../../engine/cli/io.ts';
import { readCsvInSlices } from '../../engine/data/csv-load.ts';
import { tableLength } from '../../engine/data/types.ts';
import { EngineError } from '../../engine/errors.ts';
import { loadWeights } from '../../engine/formats/weights-file.ts';

const [mode, file, warmup] = process.argv.slice(2) as [string, string, string];
const size = statSync(file).size;
const gc = (globalThis as { gc?: () => void }).gc;
await read(warmup);
gc?.();
const before = process.memoryUsage().rss;
const peakBefore = process.resourceUsage().maxRSS * 1024;
const started = performance.now();
let outcome: string;
let keep: unknown;
try {
  ({ keep, outcome } = await read(file));
} catch (e) {
  if (!(e instanceof UsageError || e instanceof EngineError)) throw e;
  outcome = `refused: ${e.message.slice(0, 90)}`;
}
const seconds = (performance.now() - started) / 1000;
const peak = process.resourceUsage().maxRSS * 1024;
void keep;
process.stdout.write(
  `${JSON.stringify({ mode, size, before, peakBefore, peak, above: Math.max(0, peak - before), seconds, outcome })}\n`,
);

/** Reads `path` as MODE says; a refusal is returned as the outcome. */
async function read(path: string): Promise<{ keep: unknown; outcome: string }> {
  try {
    if (mode === 'csv') {
      const t = readCsvFile(path);
      return { keep: t, outcome: `${tableLength(t)} rows` };
    }
    if (mode === 'csv-app') {
      // The app's engine: the file's bytes arrive whole, then are read in slices.
      const bytes = new Uint8Array(readFileSync(path));
      const t = await readCsvInSlices(bytes, { yieldToHost: () => Promise.resolve() });
      return { keep: t, outcome: `${tableLength(t)} rows` };
    }
    const w = loadWeights(readText(path));
    return { keep: w, outcome: `${w.compiled.paramCount} parameters` };
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof EngineError)) throw e;
    return { keep: null, outcome: `refused: ${e.message.slice(0, 90)}` };
  }
}
