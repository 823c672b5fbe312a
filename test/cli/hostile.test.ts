/**
 * Big and hostile input at the command line: output checked before any work, one parameter limit,
 * temporary files that cannot be planted or left behind, numbers read as they are written, and
 * errors that name the file they come from.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, serializeProject } from '../../engine/formats/project-file.ts';
import { exportWeights, loadWeights, serializeWeights } from '../../engine/formats/weights-file.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import { run, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

const oneLine = (s: string) => s.trim().split('\n');

describe('train checks where its output goes before it trains', () => {
  it.each([
    ['a folder', () => (mkdirSync(tmp.path('outdir'), { recursive: true }), tmp.path('outdir')), 'EISDIR'],
    ['a missing folder', () => tmp.path('nowhere/w.json'), 'ENOENT'],
  ])('--out is %s: refused before the first epoch', (_name, out, code) => {
    const r = run('train', '--data', 'builtin:xor', '--layers', '4', '--epochs', '5', '--out', out());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`cannot be written \\(${code}\\)`));
    expect(r.stderr).not.toMatch(/Training on/);
    expect(oneLine(r.stderr)).toHaveLength(1);
  });

  it('init and predict check --out before reading their input too', () => {
    const i = run('init', '--data', 'builtin:xor', '--layers', '4', '--out', tmp.path('nowhere/i.json'));
    expect(i.code).toBe(2);
    expect(i.stderr).toMatch(/cannot be written \(ENOENT\)/);
    const p = run(
      'predict',
      '--weights',
      tmp.path('absent.json'),
      '--data',
      'x.csv',
      '--out',
      tmp.path('no/p.csv'),
    );
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/p\.csv: cannot be written \(ENOENT\)/);
  });
});

describe('one parameter limit: what a weights file can hold', () => {
  it('train refuses a network too large to save before training, naming the limit', () => {
    const r = run(
      'train',
      '--data',
      'builtin:xor',
      '--layers',
      '4096,4096',
      '--epochs',
      '1',
      '--out',
      tmp.path('big.json'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/more than 16,777,216 parameters/);
    expect(r.stderr).not.toMatch(/Training on/);
    expect(existsSync(tmp.path('big.json'))).toBe(false);
  });

  it('init refuses it too', () => {
    const r = run('init', '--data', 'builtin:xor', '--layers', '4096,4096', '--out', tmp.path('big.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/more than 16,777,216 parameters/);
  });
});

describe('temporary files', () => {
  it('are created exclusively with unpredictable names: a planted link is never followed', () => {
    const dir = tmp.path('shared');
    mkdirSync(dir, { recursive: true });
    const victim = tmp.path('victim.txt');
    writeFileSync(victim, 'keep me');
    // Every name the old scheme could have used for this process and a range of others.
    for (let pid = process.pid - 5; pid <= process.pid + 5; pid++)
      symlinkSync(victim, join(dir, `.w.json.${pid}.tmp`));
    const r = run('init', '--data', 'builtin:xor', '--layers', '3', '--out', join(dir, 'w.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(() => loadWeights(readFileSync(join(dir, 'w.json'), 'utf8'))).not.toThrow();
  });

  it('left by a killed write are removed by the next write to the same file', () => {
    const dir = tmp.path('stale');
    mkdirSync(dir, { recursive: true });
    // A process that has ended: its temporary file is stale.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadPid = Number(dead.stdout);
    const stale = `.w.json.${deadPid}.0123456789abcdef.bps-tmp`;
    const live = `.w.json.${process.ppid}.0123456789abcdef.bps-tmp`;
    writeFileSync(join(dir, stale), 'half a file');
    writeFileSync(join(dir, live), 'someone is writing this');
    writeFileSync(join(dir, '.other.json.1.tmp'), 'not ours');
    const r = run('init', '--data', 'builtin:xor', '--layers', '3', '--out', join(dir, 'w.json'));
    expect(r.code, r.stderr).toBe(0);
    const left = readdirSync(dir).sort();
    expect(left).not.toContain(stale);
    expect(left).toContain(live);
    expect(left).toContain('.other.json.1.tmp');
    expect(left).toContain('w.json');
  });
});

describe('numbers after an option', () => {
  it.each([
    [['--epochs', '-1'], /--epochs must be a whole number from 1 to 1,000,000 \(got "-1"\)/],
    [['--layers', '-5'], /--layers takes hidden layer widths .* got "-5"/],
    [['--lr', '-0.5'], /--lr must be a number from/],
    [['--validation-split', '-.2'], /--validation-split must be a number from 0 to 0.9/],
  ])('%j gives the allowed range', (args, message) => {
    const base = ['--data', 'builtin:xor', '--out', tmp.path('neg.json')];
    const withLayers = args[0] === '--layers' ? args : ['--layers', '4', ...args];
    const r = run('train', ...base, ...withLayers);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/ambiguous/);
  });

  it('an option that really is missing its value still says so', () => {
    const r = run('train', '--data', 'builtin:xor', '--layers', '--epochs', '3', '--out', tmp.path('x.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/Training on/);
  });
});

describe('errors name the file they come from', () => {
  const project = (outputs: number) =>
    serializeProject(
      createProject({
        name: 'wrong head',
        graph: buildMlp({ inputs: 0, hidden: [4], outputs, activation: 'tanh', head: 'softmax' }),
        data: {
          source: { kind: 'builtin', name: 'iris', samples: 150, noise: 0, seed: 1 },
          missing: 'drop',
          normalize: 'standard',
        },
      }),
    );

  it.each(['train', 'init'])('%s --project with a graph that does not fit the data', (command) => {
    writeFileSync(tmp.path('wrong.project.json'), project(7));
    const r = run(command, '--project', tmp.path('wrong.project.json'), '--out', tmp.path('w.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/wrong\.project\.json: /);
    expect(oneLine(r.stderr)).toHaveLength(1);
  });
});

describe('float32 numbers: read exactly what is written', () => {
  const file = () => {
    const graph = buildMlp({ inputs: 2, hidden: [], outputs: 1, activation: 'tanh', head: 'linear' });
    const w = exportWeights({
      graph,
      parameters: new Map([['dense1', { kernel: [0.5, -0.25], bias: [0] }]]),
      preprocessing: {
        features: [
          { name: 'x', kind: 'numeric', mean: 0, scale: 1, fill: null },
          { name: 'y', kind: 'numeric', mean: 0, scale: 1, fill: null },
        ],
        target: { name: 't', task: 'regression', mean: 0, scale: 1 },
        missing: 'drop',
        normalize: 'standard',
      },
    });
    return serializeWeights(w);
  };

  it('a kernel value beyond float32 is refused on read, naming the file and the value', () => {
    const text = file().replace(/0\.5\b/, '1e308');
    writeFileSync(tmp.path('f32.weights.json'), text);
    const r = run('inspect', tmp.path('f32.weights.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/f32\.weights\.json: .*parameters\.dense1\.kernel\.data\[0\]/);
    expect(r.stderr).toMatch(/float32/);
    const t = run(
      'train',
      '--init',
      tmp.path('f32.weights.json'),
      '--data',
      'builtin:plane',
      '--out',
      tmp.path('o.json'),
    );
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/f32\.weights\.json: /);
    expect(t.stderr).not.toMatch(/diverged/);
  });

  it('the largest float32 reads back', () => {
    const text = file().replace(/0\.5\b/, '3.4028234663852886e38');
    expect(loadWeights(text).parameters.get('dense1')!.kernel[0]).toBe(3.4028234663852886e38);
  });
});

describe('init takes the same data options as train', () => {
  it('--task, --normalize, --missing, --samples and --noise are accepted and used', () => {
    const common = [
      '--data',
      'builtin:gaussian',
      '--samples',
      '60',
      '--noise',
      '0.1',
      '--task',
      'regression',
    ];
    const opts = [...common, '--normalize', 'none', '--missing', 'impute', '--layers', '3', '--seed', '2'];
    const i = run('init', ...opts, '--out', tmp.path('i.json'));
    expect(i.code, i.stderr).toBe(0);
    const t = run('train', ...opts, '--epochs', '1', '--lr', '1e-12', '--out', tmp.path('t.json'));
    expect(t.code, t.stderr).toBe(0);
    const wi = loadWeights(readFileSync(tmp.path('i.json'), 'utf8'));
    const wt = loadWeights(readFileSync(tmp.path('t.json'), 'utf8'));
    expect(wi.preprocessing).toEqual(wt.preprocessing);
    expect(wi.preprocessing.target.task).toBe('regression');
    expect(wi.preprocessing.normalize).toBe('none');
    expect(wi.preprocessing.missing).toBe('impute');
  });
});
