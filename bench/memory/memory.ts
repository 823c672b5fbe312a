/**
 * Memory benchmark: peak memory against file size, for CSV (short and long rows, 10 to 200 MB, read as
 * the CLI reads them, and 150 MB as the app's engine does) and JSON (weights files of numbers up to the
 * parameter cap; many small objects; a file over the size cap). Each case runs in a fresh process;
 * files are generated in a temporary folder and removed. Prints a Markdown table for
 * docs/performance.md. Usage: npm run bench:memory [-- --quick]
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from './generate.ts';
import type { FileKind } from './generate.ts';

const MB = 1024 * 1024;
const quick = process.argv.includes('--quick');
const dir = mkdtempSync(join(tmpdir(), 'bps-membench-'));
const measure = resolve(import.meta.dirname, 'measure.ts');

interface Row {
  kind: string;
  mode: string;
  size: number;
  above: number;
  seconds: number;
  outcome: string;
  limit: string;
}

function run(mode: string, file: string, warmup: string) {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', measure, mode, file, warmup],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as {
    size: number;
    above: number;
    seconds: number;
    outcome: string;
  };
}

const rows: Row[] = [];
function bench(kind: FileKind | 'json-oversize', sizes: number[], mode: string, limit: string) {
  const warmup = join(dir, `warmup-${kind}`);
  if (kind === 'json-oversize') generate('json-numbers', warmup, 5 * MB);
  else generate(kind, warmup, 5 * MB);
  for (const mb of sizes) {
    const file = join(dir, `${kind}-${mb}.${kind.startsWith('csv') ? 'csv' : 'json'}`);
    if (kind === 'json-oversize') {
      const fd = openSync(file, 'w');
      ftruncateSync(fd, mb * MB);
      closeSync(fd);
    } else generate(kind, file, mb * MB);
    const r = run(mode, file, warmup);
    rows.push({ kind, mode, ...r, limit });
    rmSync(file);
    const last = rows.at(-1)!;
    console.error(
      `${kind} ${mode} ${(last.size / MB).toFixed(0)} MB: +${(last.above / MB).toFixed(0)} MB (${(last.above / last.size).toFixed(2)}×), ${last.seconds.toFixed(1)} s, ${last.outcome}`,
    );
  }
}

const csvSizes = quick ? [10, 50] : [10, 50, 100, 200];
bench('csv-short', csvSizes, 'csv', '3×');
bench('csv-long', csvSizes, 'csv', '3×');
bench('csv-short', quick ? [50] : [150], 'csv-app', '3×');
bench('json-numbers', quick ? [10, 50] : [10, 50, 100, 168], 'json', '4×');
bench('json-objects', quick ? [10, 50] : [10, 50, 200, 250], 'json', 'one read buffer (1 MB)');
bench('json-oversize', [300], 'json', 'one read buffer (1 MB)');
rmSync(dir, { recursive: true, force: true });

const what: Record<string, string> = {
  'csv-short/csv': 'CSV, short rows (3 numbers and a label), CLI',
  'csv-long/csv': 'CSV, long rows (41 numbers), CLI',
  'csv-short/csv-app': 'CSV, short rows, app engine (bytes in memory + columns)',
  'json-numbers/json': 'JSON weights file of numbers, CLI',
  'json-objects/json': 'JSON of many small objects `[{},{},…]` (refused)',
  'json-oversize/json': 'JSON over the 256 MB cap (refused unread)',
};
console.log('| file | size | peak above baseline | × size | time | result | limit |');
console.log('| --- | ---: | ---: | ---: | ---: | --- | --- |');
for (const r of rows)
  console.log(
    `| ${what[`${r.kind}/${r.mode}`]} | ${(r.size / MB).toFixed(0)} MB | ${(r.above / MB).toFixed(0)} MB | ${(r.above / r.size).toFixed(2)} | ${r.seconds.toFixed(1)} s | ${r.outcome.replace(/\|/g, '/')} | ${r.limit} |`,
  );
