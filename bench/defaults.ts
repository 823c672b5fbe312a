/**
 * `npm run bench:defaults`: the training defaults on small public tables (test/fixtures/public, from
 * scikit-learn's bundled datasets). Each table trains with `train --layers 32 --epochs 150` and
 * otherwise the CLI's defaults (Adam at Keras's 0.001, batch 32, validation split 0.2, seed 1), then
 * the same at the former default rate 0.01, and scikit-learn's MLPRegressor / MLPClassifier with its
 * defaults (one hidden layer of 100, Adam 0.001, at most 200 iterations) on the same training and
 * validation rows, its inputs standardised as ours are (bench/defaults_sklearn.py, run with
 * /usr/bin/python3 or $PYTHON; skipped with a note when scikit-learn is missing). Every run is repeated
 * for seeds 1–5 (the split, the initial weights and the shuffling; scikit-learn's random_state): the
 * markdown table printed gives the validation R² (regression) or accuracy (classification) at the
 * default seed 1 and, in brackets, the mean over the five seeds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../engine/cli/main.ts';
import { splitIndices } from '../engine/data/split.ts';
import { DEFAULT_TRAINING } from '../engine/train/config.ts';

interface Table {
  name: string;
  file: string;
  task: 'regression' | 'classification';
}

const DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'public');
const TABLES: Table[] = [
  { name: 'diabetes', file: 'diabetes.csv', task: 'regression' },
  { name: 'wine_alcohol', file: 'wine_alcohol.csv', task: 'regression' },
  { name: 'iris', file: 'iris.csv', task: 'classification' },
  { name: 'wine', file: 'wine.csv', task: 'classification' },
  { name: 'breast_cancer', file: 'breast_cancer.csv', task: 'classification' },
];
const SEEDS = [1, 2, 3, 4, 5];
const OLD_RATE = 0.01;
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

/** Our validation score: `train --layers 32 --epochs 150 --seed S [--lr rate] --json`. */
function ours(t: Table, out: string, seed: number, rate?: number): number {
  let stdout = '';
  const argv = ['train', '--layers', '32', '--epochs', '150', '--data', join(DIR, t.file), '--out', out];
  const options = ['--seed', String(seed), ...(rate === undefined ? [] : ['--lr', String(rate)]), '--json'];
  const code = main([...argv, ...options], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: () => true },
    isTTY: false,
    columns: 80,
  });
  if (code !== 0) throw new Error(`train failed on ${t.file} (exit ${String(code)})`);
  const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  return t.task === 'regression' ? summary.val_r2! : summary.val_accuracy!;
}

function rowCount(t: Table): number {
  return readFileSync(join(DIR, t.file), 'utf8').trim().split('\n').length - 1;
}

/**
 * scikit-learn's scores for each seed on the rows ours holds out for it (the tables have no missing
 * cells, so no row is dropped before the split), or why there are none.
 */
function sklearn(t: Table): number[] | string {
  const file = join(DIR, t.file);
  const all = Array.from({ length: rowCount(t) }, (_, i) => i);
  const jobs = SEEDS.map((seed) => ({
    file,
    task: t.task,
    seed,
    ...splitIndices(all, DEFAULT_TRAINING.validationSplit, seed, DEFAULT_TRAINING.shuffle),
  }));
  let text: string;
  try {
    text = execFileSync(PYTHON, [join(import.meta.dirname, 'defaults_sklearn.py')], {
      input: JSON.stringify(jobs),
      encoding: 'utf8',
    });
  } catch (e) {
    return `${PYTHON} failed (${(e as Error).message.split('\n')[0] ?? ''})`;
  }
  const r = JSON.parse(text) as { scores?: number[]; skipped?: string };
  return r.scores ?? r.skipped ?? 'no scores';
}

/** "seed 1 (mean of the seeds)". */
function cell(scores: number[]): string {
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  return `${scores[0]!.toFixed(3)} (${mean.toFixed(3)})`;
}

const dir = mkdtempSync(join(tmpdir(), 'bps-defaults-'));
try {
  const rate = DEFAULT_TRAINING.optimizer.learningRate;
  const skips = new Set<string>();
  const lines = [
    `| table | rows | metric (validation) | ours, adam ${String(rate)} (default) | ours, adam ${String(OLD_RATE)} (former default) | scikit-learn MLP, its defaults |`,
    '| --- | ---: | --- | ---: | ---: | ---: |',
  ];
  for (const t of TABLES) {
    const now = SEEDS.map((s) => ours(t, join(dir, 'w.json'), s));
    const old = SEEDS.map((s) => ours(t, join(dir, 'w.json'), s, OLD_RATE));
    const sk = sklearn(t);
    if (typeof sk === 'string') skips.add(sk);
    const metric = t.task === 'regression' ? 'R²' : 'accuracy';
    const row = [
      t.name,
      String(rowCount(t)),
      metric,
      cell(now),
      cell(old),
      typeof sk === 'string' ? '—' : cell(sk),
    ];
    lines.push(`| ${row.join(' | ')} |`);
  }
  console.log(lines.join('\n'));
  console.log(`\nEach cell: seed 1 (mean over seeds ${SEEDS.join(', ')}).`);
  if (skips.size) console.log(`scikit-learn skipped: ${[...skips].join('; ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
