/** `train` with early stopping and learning-rate schedules: the options, the summary and the weights file. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, serializeProject } from '../../engine/formats/project-file.ts';
import { loadWeights } from '../../engine/formats/weights-file.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import { run, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

const DATA = ['--data', 'builtin:xor', '--samples', '80', '--noise', '0.5', '--layers', '16'];
const LR = 0.02;

let n = 0;
/** Trains with `args` (and --json); the summary, stderr and the weights file written. */
function train(...args: string[]) {
  const out = tmp.path(`w${++n}.json`);
  const r = run('train', ...DATA, '--lr', String(LR), '--out', out, '--json', ...args);
  expect(r.stderr, r.stderr).toMatch(/Training on 64 rows \(16 for validation\)/);
  expect(r.code).toBe(0);
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  return { summary, stderr: r.stderr, weights: loadWeights(readFileSync(out, 'utf8')) };
}

const kernels = (w: ReturnType<typeof loadWeights>) =>
  [...w.parameters.values()].map((p) => [Array.from(p.kernel), Array.from(p.bias ?? [])]);

/** Two steps an epoch (64 rows, batch 32): the last step of epoch e is step 2e − 1 (0-based). */
const lastStep = (epochs: number) => 2 * epochs - 1;

describe('train --early-stopping', () => {
  let first: ReturnType<typeof train>;
  beforeAll(() => {
    first = train('--epochs', '300', '--early-stopping', '4');
  });

  it('stops when val_loss has not improved for P epochs and writes the best epoch’s weights', () => {
    const s = first.summary;
    expect(s.stopped_early).toBeGreaterThan(4);
    expect(s.stopped_early).toBeLessThan(300);
    expect(s.epochs).toBe(s.stopped_early);
    expect(s.best_epoch).toBe(s.stopped_early - 4);
    expect(s.restored_best).toBe(true);
    expect(s.best).toEqual({
      loss: expect.any(Number),
      val_loss: expect.any(Number),
      accuracy: expect.any(Number),
      val_accuracy: expect.any(Number),
    });
    expect(s.best.val_loss).toBeLessThanOrEqual(s.val_loss);
    expect(first.stderr).toContain(
      `Stopped early after epoch ${s.stopped_early}: val_loss had not improved for 4 epochs.`,
    );
    expect(first.stderr).toContain(`The weights are those of the best epoch, ${s.best_epoch} (val_loss `);
    expect(first.weights.metadata.training).toEqual({
      epochs: s.epochs,
      bestEpoch: s.best_epoch,
      loss: s.best.loss,
      valLoss: s.best.val_loss,
      accuracy: s.best.accuracy,
      valAccuracy: s.best.val_accuracy,
    });
    // Bit for bit the weights of the same run trained for best_epoch epochs.
    const plain = train('--epochs', String(s.best_epoch));
    expect(plain.summary.best_epoch).toBeNull();
    expect(plain.summary.stopped_early).toBeNull();
    expect(kernels(first.weights)).toEqual(kernels(plain.weights));
  });

  it('--no-restore-best writes the last epoch’s weights', () => {
    const r = train('--epochs', '300', '--early-stopping', '4', '--no-restore-best');
    expect(r.summary.stopped_early).toBe(first.summary.stopped_early);
    expect(r.summary.restored_best).toBe(false);
    expect(r.weights.metadata.training?.bestEpoch).toBeUndefined();
    const plain = train('--epochs', String(r.summary.stopped_early));
    expect(kernels(r.weights)).toEqual(kernels(plain.weights));
  });

  it('--monitor and --min-delta: a larger min delta stops no later', () => {
    const a = train('--epochs', '300', '--early-stopping', '3', '--monitor', 'val_accuracy');
    const b = train(
      '--epochs',
      '300',
      '--early-stopping',
      '3',
      '--monitor',
      'val_accuracy',
      '--min-delta',
      '0.05',
    );
    expect(a.stderr).toContain('val_accuracy had not improved for 3 epochs');
    expect(b.summary.stopped_early).toBeLessThanOrEqual(a.summary.stopped_early);
    expect(b.summary.best.val_accuracy).toBeLessThanOrEqual(a.summary.best.val_accuracy);
  });
});

describe('train --lr-schedule', () => {
  it('each schedule’s final learning rate is Keras’s formula at the last step', () => {
    expect(train('--epochs', '3').summary.lr).toBe(LR);
    expect(train('--epochs', '3', '--lr-schedule', 'exponential:10:0.5').summary.lr).toBe(
      LR * Math.pow(0.5, lastStep(3) / 10),
    );
    expect(train('--epochs', '3', '--lr-schedule', 'exponential:2:0.5:staircase').summary.lr).toBe(
      LR * Math.pow(0.5, Math.floor(lastStep(3) / 2)),
    );
    expect(train('--epochs', '5', '--lr-schedule', 'step:2:0.5').summary.lr).toBe(LR * 0.25);
    expect(train('--epochs', '3', '--lr-schedule', 'cosine:6').summary.lr).toBeCloseTo(
      LR * 0.5 * (1 + Math.cos((Math.PI * 5) / 6)),
      15,
    );
    // Warm-up of 2 steps, then 4 of decay: step 5 is decay step 3.
    expect(train('--epochs', '3', '--lr-schedule', 'cosine:4:0.1:2').summary.lr).toBeCloseTo(
      LR * (0.9 * 0.5 * (1 + Math.cos((Math.PI * 3) / 4)) + 0.1),
      15,
    );
    const plateau = train(
      '--epochs',
      '40',
      '--lr-schedule',
      'plateau:1:0.5',
      '--monitor',
      'val_loss',
    ).summary;
    expect(plateau.lr).toBeLessThan(LR);
    expect(Math.log2(LR / plateau.lr) % 1).toBeCloseTo(0, 9); // halved a whole number of times
  });
});

describe('a project’s own settings', () => {
  it('are used, changed by the options, or turned off with none', () => {
    const project = createProject({
      name: 'xor',
      graph: buildMlp({ inputs: 0, hidden: [16], outputs: 2, activation: 'tanh', head: 'softmax' }),
      data: {
        source: { kind: 'builtin', name: 'xor', samples: 80, noise: 0.5, seed: 1 },
        missing: 'drop',
        normalize: 'standard',
      },
      training: {
        optimizer: { name: 'adam', learningRate: LR },
        batchSize: 32,
        epochs: 300,
        validationSplit: 0.2,
        shuffle: true,
        seed: 1,
        earlyStopping: { patience: 4 },
        lrSchedule: { type: 'step', dropEvery: 1000, factor: 0.5 },
      },
    });
    const file = tmp.path('p.project.json');
    writeFileSync(file, serializeProject(project));
    const go = (...args: string[]) => {
      const r = run('train', '--project', file, '--out', tmp.path(`p${++n}.json`), '--json', ...args);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    };
    const own = go();
    expect(own.stopped_early).toBeGreaterThan(4);
    expect(own.best_epoch).toBe(own.stopped_early - 4);
    expect(own.lr).toBe(LR);
    const longer = go('--early-stopping', '8');
    expect(longer.best_epoch).toBe(longer.stopped_early - 8);
    const off = go('--early-stopping', 'none', '--epochs', '12', '--lr-schedule', 'step:4:0.5');
    expect(off).toMatchObject({ epochs: 12, stopped_early: null, best_epoch: null, restored_best: false });
    expect(off.lr).toBe(LR * 0.25);
    expect(go('--epochs', '3', '--early-stopping', 'none', '--lr-schedule', 'none').lr).toBe(LR);
  });
});

describe('bad values: a clear error, nothing written', () => {
  it.each([
    [['--early-stopping', '-1'], '--early-stopping must be a whole number from 0 to 1,000,000 (got "-1")'],
    [['--early-stopping', 'soon'], '--early-stopping must be a whole number'],
    [['--early-stopping', '2', '--monitor', 'f1'], '--monitor must be one of val_loss, loss'],
    [['--min-delta', '0.1'], '--min-delta goes with --early-stopping P'],
    [['--no-restore-best'], '--no-restore-best goes with --early-stopping P'],
    [['--early-stopping', '2', '--min-delta', '-1'], '--min-delta must be a number from 0'],
    [['--monitor', 'loss'], '--monitor goes with --early-stopping P or --lr-schedule plateau'],
    [['--lr-schedule', 'cosine'], '--lr-schedule takes step:EVERY:FACTOR'],
    [['--lr-schedule', 'exponential:10:0.5:stairs'], '(got "exponential:10:0.5:stairs")'],
    [['--lr-schedule', 'step:2.5:0.5'], '--lr-schedule takes'],
    [['--lr-schedule', 'warm:1'], '--lr-schedule takes'],
    [['--lr-schedule', 'exponential:10:1.5'], 'The decay rate must be above 0 and at most 1 (got 1.5).'],
    [['--lr-schedule', 'step:0:0.5'], "The step decay's interval must be a whole number of epochs from 1"],
    [['--lr-schedule', 'plateau:1:1'], "The plateau's factor must be above 0 and below 1 (got 1)."],
    [['--lr-schedule', 'cosine:10:2'], "The cosine decay's alpha must be from 0 to 1 (got 2)."],
    [
      ['--early-stopping', '2', '--validation-split', '0'],
      'This run has no val_loss to watch; it reports loss, accuracy.',
    ],
  ])('%j', (args, message) => {
    const out = tmp.path(`bad${++n}.json`);
    const r = run('train', ...DATA, '--epochs', '2', '--out', out, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('in Chinese too', () => {
    const out = tmp.path('zh.json');
    const a = run('--lang', 'zh-CN', 'train', ...DATA, '--out', out, '--lr-schedule', 'warm');
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--lr-schedule 的写法是');
    const b = run('--lang', 'zh-CN', 'train', ...DATA, '--out', out, '--lr-schedule', 'plateau:1:1');
    expect(b.stderr).toContain('平台期衰减的因子必须大于 0 且小于 1（当前为 1）');
    const c = run('--lang', 'zh-CN', 'train', ...DATA, '--out', out, '--no-restore-best');
    expect(c.stderr).toContain('--no-restore-best 需要与 --early-stopping P 一起使用');
    expect(existsSync(out)).toBe(false);
  });
});

describe('train --help', () => {
  it('lists every new option in both languages', () => {
    for (const lang of ['en', 'zh-CN']) {
      const help = run('--lang', lang, 'train', '--help').stdout;
      for (const option of [
        '--early-stopping P',
        '--monitor M',
        '--min-delta X',
        '--no-restore-best',
        '--lr-schedule S',
      ])
        expect(help).toContain(option);
      for (const form of [
        'step:EVERY:FACTOR',
        'exponential:STEPS:RATE[:staircase]',
        'cosine:STEPS[:ALPHA[:WARMUP]]',
        'plateau[:PATIENCE[:FACTOR]]',
      ])
        expect(help).toContain(form);
    }
  });
});
