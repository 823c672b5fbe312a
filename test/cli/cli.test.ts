import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { exportWeights, loadWeights, serializeWeights } from '../../engine/formats/weights-file.ts';
import { layerWeights } from '../../engine/model/model.ts';
import { cnnGraph, cnnModel, cnnPreprocessing } from '../engine/formats/image-helpers.ts';
import { createProject, serializeProject } from '../../engine/formats/project-file.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import { DEFAULT_TRAINING } from '../../engine/train/config.ts';
import { modelFromWeights, predictAll } from '../../engine/model/infer.ts';
import { encodeRows } from '../../engine/data/apply.ts';
import { parseCsv } from '../../engine/data/csv.ts';
import { main } from '../../engine/cli/main.ts';
import { run, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);

const CSV = [
  'size,colour,price_band',
  ...Array.from({ length: 120 }, (_, i) => {
    const size = ((i * 37) % 100) / 10;
    const colour = ['red', 'green', 'blue'][i % 3];
    const band = size + (colour === 'red' ? 3 : 0) > 6 ? 'high' : 'low';
    return `${size},${colour},${band}`;
  }),
].join('\n');

describe('train', () => {
  it('--layers on a CSV: trains, writes a weights file that loads, ends with a JSON line', () => {
    writeFileSync(tmp.path('shop.csv'), CSV);
    const r = run(
      'train',
      '--data',
      tmp.path('shop.csv'),
      '--layers',
      '8',
      '--epochs',
      '150',
      '--seed',
      '3',
      '--out',
      tmp.path('shop.json'),
      '--json',
    );
    expect(r.stderr).toMatch(/Training on 96 rows \(24 for validation\), 4 inputs/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining([
        'epochs',
        'loss',
        'val_loss',
        'accuracy',
        'val_accuracy',
        'samples_per_second',
      ]),
    );
    expect(summary.epochs).toBe(150);
    expect(summary.val_accuracy).toBeGreaterThan(0.9);
    const w = loadWeights(readFileSync(tmp.path('shop.json'), 'utf8'));
    expect(w.preprocessing.target).toMatchObject({ name: 'price_band', classes: ['high', 'low'] });
    expect(w.preprocessing.features.map((f) => f.name)).toEqual(['size', 'colour']);
    expect(w.parameters.get('dense1')!.kernel).toHaveLength(4 * 8);
  });

  it('regression: --json reports r2 and val_r2; --normalize none keeps raw units', () => {
    const rows = Array.from({ length: 200 }, (_, i) => {
      const a = (i % 20) / 2;
      const b = Math.floor(i / 20);
      return `${a},${b},${2 * a - b + 5}`;
    });
    writeFileSync(tmp.path('lin.csv'), ['a,b,y', ...rows].join('\n'));
    const r = run(
      'train',
      '--data',
      tmp.path('lin.csv'),
      '--layers',
      'none',
      '--epochs',
      '200',
      '--optimizer',
      'sgd',
      '--lr',
      '0.05',
      '--out',
      tmp.path('lin.json'),
      '--json',
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout.trim());
    expect(s.val_r2).toBeGreaterThan(0.999);
    expect(s).toHaveProperty('r2');
    const raw = run(
      'train',
      '--data',
      tmp.path('lin.csv'),
      '--layers',
      'none',
      '--epochs',
      '5',
      '--lr',
      '0.001',
      '--optimizer',
      'sgd',
      '--normalize',
      'none',
      '--out',
      tmp.path('raw.json'),
    );
    expect(raw.code).toBe(0);
    const w = loadWeights(readFileSync(tmp.path('raw.json'), 'utf8'));
    expect(w.preprocessing.target).toMatchObject({ task: 'regression', mean: 0, scale: 1 });
    expect(w.preprocessing.features.every((f) => f.kind === 'numeric' && f.mean === 0 && f.scale === 1)).toBe(
      true,
    );
  });

  it('--init continues from a weights file with its preprocessing', () => {
    const first = run(
      'train',
      '--data',
      'builtin:circle',
      '--layers',
      '6',
      '--activation',
      'tanh',
      '--epochs',
      '3',
      '--out',
      tmp.path('c1.json'),
      '--json',
    );
    expect(first.code).toBe(0);
    const next = run(
      'train',
      '--data',
      'builtin:circle',
      '--init',
      tmp.path('c1.json'),
      '--epochs',
      '3',
      '--out',
      tmp.path('c2.json'),
      '--json',
    );
    expect(next.code).toBe(0);
    const a = loadWeights(readFileSync(tmp.path('c1.json'), 'utf8'));
    const b = loadWeights(readFileSync(tmp.path('c2.json'), 'utf8'));
    expect(b.preprocessing).toEqual(a.preprocessing);
    expect(JSON.parse(next.stdout).loss).toBeLessThan(JSON.parse(first.stdout).loss);
  });

  it('--project uses the project graph, mapping and settings', () => {
    const project = createProject({
      name: 'xor net',
      graph: buildMlp({ inputs: 0, hidden: [8], outputs: 1, activation: 'tanh', head: 'sigmoid' }),
      data: {
        source: { kind: 'builtin', name: 'xor', samples: 200, noise: 0, seed: 5 },
        missing: 'drop',
        normalize: 'standard',
      },
      training: {
        optimizer: { name: 'adam', learningRate: 0.03 },
        batchSize: 16,
        epochs: 60,
        validationSplit: 0.25,
        shuffle: true,
        seed: 9,
      },
    });
    writeFileSync(tmp.path('xor.project.json'), serializeProject(project));
    const r = run(
      'train',
      '--project',
      tmp.path('xor.project.json'),
      '--out',
      tmp.path('xor.json'),
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Training on 150 rows \(50 for validation\)/);
    const s = JSON.parse(r.stdout);
    expect(s.epochs).toBe(60);
    expect(s.val_accuracy).toBeGreaterThan(0.9);
  });

  it.each([
    [[], 0.001],
    [['--optimizer', 'adam'], 0.001],
    [['--optimizer', 'rmsprop'], 0.001],
    [['--optimizer', 'sgd'], 0.01],
    [['--optimizer', 'momentum'], 0.01],
    [['--optimizer', 'sgd', '--lr', '0.2'], 0.2],
  ])("%j: trains at Keras's default rate for the optimiser unless --lr gives one", (options, lr) => {
    const r = run(
      'train',
      '--layers',
      '4',
      '--data',
      'builtin:xor',
      '--samples',
      '40',
      '--epochs',
      '1',
      '--out',
      tmp.path('d.json'),
      '--json',
      ...options,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim()).lr).toBe(lr);
  });

  it("--optimizer different from the project's takes that optimiser's default rate, the same one keeps the project's", () => {
    const project = createProject({
      name: 'xor net',
      graph: buildMlp({ inputs: 0, hidden: [4], outputs: 1, activation: 'tanh', head: 'sigmoid' }),
      data: {
        source: { kind: 'builtin', name: 'xor', samples: 40, noise: 0, seed: 5 },
        missing: 'drop',
        normalize: 'standard',
      },
      training: { ...DEFAULT_TRAINING, optimizer: { name: 'adam', learningRate: 0.03 }, epochs: 1 },
    });
    writeFileSync(tmp.path('lr.project.json'), serializeProject(project));
    const lr = (...options: string[]) =>
      JSON.parse(
        run(
          'train',
          '--project',
          tmp.path('lr.project.json'),
          '--out',
          tmp.path('lr.json'),
          '--json',
          ...options,
        ).stdout.trim(),
      ).lr;
    expect(lr()).toBe(0.03);
    expect(lr('--optimizer', 'adam')).toBe(0.03);
    expect(lr('--optimizer', 'rmsprop')).toBe(0.001);
    expect(lr('--optimizer', 'momentum')).toBe(0.01);
  });

  it.each([
    [['--data', 'builtin:xor', '--out', 'x.json'], /exactly one of --project, --init or --layers/],
    [['--layers', '4', '--data', 'builtin:xor'], /--out W.json is required/],
    [['--layers', '4', '--out', 'x.json'], /--data D.csv is required/],
    [['--layers', '4,x', '--data', 'builtin:xor', '--out', 'x.json'], /--layers takes hidden layer widths/],
    [
      ['--layers', '4', '--data', 'builtin:xor', '--out', 'x.json', '--epochs', '1e12'],
      /--epochs must be a whole number/,
    ],
    [
      ['--layers', '4', '--data', 'builtin:xor', '--out', 'x.json', '--optimizer', 'adagrad'],
      /--optimizer must be one of sgd, momentum, rmsprop, adam/,
    ],
    [['--layers', '4', '--data', 'builtin:nope', '--out', 'x.json'], /builtin:nope: .*nope/],
    [['--layers', '4', '--data', 'missing.csv', '--out', 'x.json'], /missing.csv: no such file/],
    [['--layers', '4', '--data', 'builtin:xor', '--target', 'colour', '--out', 'x.json'], /colour/],
    [
      ['--layers', '4', '--data', 'builtin:xor', '--out', 'x.json', '--frobnicate'],
      /Unknown option '--frobnicate'/,
    ],
  ])('bad arguments exit 2 with one readable line: %j', (args, message) => {
    const r = run('train', ...args.map((a) => (a.endsWith('.json') ? tmp.path(a) : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a diverging run stops, says why, and keeps the last good weights', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},${i * 1e36}`);
    writeFileSync(tmp.path('huge.csv'), ['x,y', ...rows].join('\n'));
    const r = run(
      'train',
      '--data',
      tmp.path('huge.csv'),
      '--layers',
      'none',
      '--normalize',
      'none',
      '--optimizer',
      'sgd',
      '--lr',
      '1',
      '--epochs',
      '50',
      '--out',
      tmp.path('huge.json'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Training stopped at epoch \d+, step \d+/);
    expect(r.stderr).toMatch(/Wrote the last good weights/);
    expect(() => loadWeights(readFileSync(tmp.path('huge.json'), 'utf8'))).not.toThrow();
  });
});

describe('predict', () => {
  it('one row out per row in: label then one probability per class, same as the engine', () => {
    const input = 'colour,size\nred,1\nblue,9.5\ngreen,4\n';
    writeFileSync(tmp.path('new.csv'), input);
    const r = run('predict', '--weights', tmp.path('shop.json'), '--data', tmp.path('new.csv'));
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('prediction,p_high,p_low');
    expect(lines).toHaveLength(4);
    const w = loadWeights(readFileSync(tmp.path('shop.json'), 'utf8'));
    const enc = encodeRows(w.preprocessing, parseCsv(input), { requireTarget: false });
    const p = predictAll(modelFromWeights(w.graph, w.parameters), enc.x, enc.n);
    lines.slice(1).forEach((line, i) => {
      const [label, ph, pl] = line.split(',');
      expect(Number(ph)).toBeCloseTo(p[i * 2]!, 5);
      expect(Number(pl)).toBeCloseTo(p[i * 2 + 1]!, 5);
      expect(label).toBe(p[i * 2]! >= p[i * 2 + 1]! ? 'high' : 'low');
    });
  });

  it('--out writes the CSV atomically', () => {
    const r = run(
      'predict',
      '--weights',
      tmp.path('lin.json'),
      '--data',
      tmp.path('lin.csv'),
      '--out',
      tmp.path('pred.csv'),
    );
    expect(r.code).toBe(0);
    const lines = readFileSync(tmp.path('pred.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('prediction');
    expect(lines).toHaveLength(201);
    expect(Number(lines[1])).toBeCloseTo(5, 1); // a=0, b=0 → y=5
  });

  it.each([
    ['size\n1\n', /"colour"/],
    ['size,colour,weight\n1,red,3\n', /"weight"/],
    ['size,colour\n1,purple\n', /purple/],
    ['size,colour\nabc,red\n', /line 2, column "size"/i],
  ])('refuses %j naming the column', (csv, message) => {
    writeFileSync(tmp.path('bad.csv'), csv);
    const r = run('predict', '--weights', tmp.path('shop.json'), '--data', tmp.path('bad.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('init and inspect', () => {
  it('init writes an untrained weights file equal to a training run’s starting point', () => {
    const r = run(
      'init',
      '--layers',
      '5',
      '--data',
      'builtin:gaussian',
      '--seed',
      '4',
      '--out',
      tmp.path('init.json'),
    );
    expect(r.code, r.stderr).toBe(0);
    const w = loadWeights(readFileSync(tmp.path('init.json'), 'utf8'));
    expect(w.metadata.training?.epochs ?? 0).toBe(0);
    expect(w.compiled.paramCount).toBe(2 * 5 + 5 + 5 * 2 + 2);
  });

  it('inspect summarises a CSV, a weights file and a project', () => {
    const csv = run('inspect', tmp.path('shop.csv'));
    expect(csv.code).toBe(0);
    expect(csv.stdout).toMatch(/120 rows, 3 columns/);
    expect(csv.stdout).toMatch(/colour: text, 3 distinct/);
    expect(csv.stdout).toMatch(/classification, 2 classes \(high, low\)/);
    const w = run('inspect', tmp.path('shop.json'));
    expect(w.stdout).toMatch(/dense1 +dense +width 8 +40/);
    expect(w.stdout).toMatch(/total parameters: 58/);
    const p = run('inspect', tmp.path('xor.project.json'));
    expect(p.stdout).toMatch(/project "xor net"/);
    const j = run('inspect', tmp.path('shop.json'), '--json');
    expect(JSON.parse(j.stdout)).toMatchObject({ kind: 'weights', parameters: 58 });
  });

  it('inspect shows an image network: shapes per row and conv kernels in Keras layout', () => {
    const file = exportWeights({
      graph: cnnGraph(),
      parameters: layerWeights(cnnModel()),
      preprocessing: cnnPreprocessing(),
    });
    writeFileSync(tmp.path('cnn.json'), serializeWeights(file));
    const r = run('inspect', tmp.path('cnn.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/c1 +conv2d +width 6×5×3 +39 .*kernel \[3, 2, 2, 3\]/);
    expect(r.stdout).toMatch(/f +flatten +width 4 /);
  });

  it('inspect refuses garbage with a clear message', () => {
    writeFileSync(tmp.path('broken.json'), '{"format": "backprop-studio/weights", "version": 1, ');
    const r = run('inspect', tmp.path('broken.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken.json: .*line 1/);
    writeFileSync(tmp.path('bin.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 2, 3]));
    const b = run('inspect', tmp.path('bin.csv'));
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/bin.csv: /);
  });
});

describe('the installed command', () => {
  it('runs as a process: --help exits 0, a user error exits 2 with no stack trace', () => {
    // English whatever the machine's locale: the language comes from LC_ALL / LC_MESSAGES / LANG.
    const env = { ...process.env, LC_ALL: 'en_US.UTF-8' };
    const help = execFileSync(process.execPath, ['bin/backprop-studio.js', 'train', '--help'], {
      encoding: 'utf8',
      env,
    });
    expect(help).toMatch(/Usage: backprop-studio train/);
    const bad = spawnSync(
      process.execPath,
      ['bin/backprop-studio.js', 'predict', '--weights', 'nope.json', '--data', 'x.csv'],
      { encoding: 'utf8', env },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('backprop-studio predict: nope.json: no such file');
    const none = spawnSync(process.execPath, ['bin/backprop-studio.js'], { encoding: 'utf8', env });
    expect(none.status).toBe(2);
    expect(none.stdout).toMatch(/Commands:/);
  });
});

describe('languages', () => {
  it('--lang zh-CN prints the help in Chinese', () => {
    const r = run('--lang', 'zh-CN', 'train', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^用法：backprop-studio train/);
    expect(r.stdout).toContain('--activation A            --layers 的隐藏层激活函数');
    expect(run('--help', '--lang=zh-CN').stdout).toContain('命令：');
  });

  it('--lang zh-CN prints usage and engine errors in Chinese', () => {
    const missing = run('inspect', 'no-such-file.csv', '--lang', 'zh-CN');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('backprop-studio inspect：no-such-file.csv：文件不存在\n');
    const dir = tempDir();
    try {
      writeFileSync(dir.path('bad.csv'), 'x,y,label\n1,2,a\n3,4\n');
      const bad = run('--lang', 'zh-CN', 'inspect', dir.path('bad.csv'));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('第 3 行有 2 个字段，而表头有 3 个。');
      expect(run('inspect', dir.path('bad.csv')).stderr).toContain('Line 3 has 2 fields; the header has 3.');
    } finally {
      dir.cleanup();
    }
  });

  it('takes the language from LC_ALL, LC_MESSAGES or LANG, and refuses an unknown --lang', () => {
    let stdout = '';
    const io = (env: Record<string, string>) => ({
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stdout += s) },
      isTTY: false,
      columns: 80,
      env,
    });
    main(['--help'], io({ LANG: 'zh_CN.UTF-8' }));
    expect(stdout).toContain('用法：');
    stdout = '';
    main(['--help'], io({ LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' }));
    expect(stdout).toContain('Usage: backprop-studio');
    stdout = '';
    expect(main(['--lang', 'fr', '--help'], io({}))).toBe(2);
    expect(stdout).toBe('--lang must be one of en, zh-CN (got "fr")\n');
  });
});
