/**
 * The export dialog in the browser build: nothing to export before training (and it says why), then
 * a TF.js export downloaded as its two files (model.json naming its weights shard, the shard holding
 * every parameter), the loading line copied, the format remembered after a reload, the keyboard
 * (Escape closes, focus starts inside), and the two files opened again with Import weights…; the ONNX
 * and PyTorch files the window writes (in its worker, under the page's CSP) run in ONNX Runtime and
 * PyTorch as the engine predicts. Screenshots of the dialog in English and Chinese.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { encodeRows } from '../../engine/data/apply.ts';
import { loadWeights } from '../../engine/formats/weights-file.ts';
import { modelFromWeights, predictAll } from '../../engine/model/infer.ts';
import {
  byTestId,
  flowNode,
  ready,
  recordToasts,
  screenshot,
  setField,
  textOf,
  useApp,
  waitForState,
} from './app.ts';

const app = useApp();

const run = promisify(execFile);

/** Each value within a relative 1e-5 of the engine's (absolute 1e-7 near zero). */
function expectClose(theirs: ArrayLike<number>, ours: ArrayLike<number>, what: string): void {
  expect(theirs.length, what).toBe(ours.length);
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(theirs[i]! - ours[i]!);
    expect(d <= 1e-5 * Math.abs(ours[i]!) + 1e-7, `${what} output ${i}: ${theirs[i]} vs ${ours[i]}`).toBe(
      true,
    );
  }
}

const dialogOpen = (page: Page) => page.locator('dialog[open]').count();

/** Trains the default network briefly on the default data. */
async function trainBriefly(page: Page): Promise<void> {
  await setField(page, 'Epochs', '20');
  await byTestId(page, 'train').click();
  await waitForState(page, 'done');
}

async function openExport(page: Page): Promise<void> {
  await byTestId(page, 'export').click();
  await expect.poll(() => dialogOpen(page)).toBe(1);
}

describe('the export dialog', () => {
  it('exports a trained network as a TF.js model, copies its loading line, remembers the format; the files import again', async () => {
    const page = await app.open();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);

    // Before training there is nothing to export: the dialog says why and Export is off.
    await openExport(page);
    expect(await page.evaluate("document.activeElement.closest('dialog') !== null")).toBe(true);
    expect(await textOf(page, 'export-blocked')).toBe(
      'Train the network first: there are no trained weights to export.',
    );
    expect(await byTestId(page, 'export-confirm').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialogOpen(page)).toBe(0);

    await trainBriefly(page);
    await openExport(page);
    expect(await byTestId(page, 'export-blocked').count()).toBe(0);
    await byTestId(page, 'export-format-tfjs').check();
    await expect.poll(() => textOf(page, 'export-files')).toMatch(/model\.json\s*group1-shard1of1\.bin/);
    const summary = await textOf(page, 'export-summary');
    expect(summary).toContain('dense1 (Dense)');
    expect(summary).toMatch(/Total params: \d+/);

    // The loading line, copied with the button.
    const snippet = await textOf(page, 'export-snippet');
    expect(snippet).toBe("const model = await tf.loadLayersModel('file://./model.json');");
    await byTestId(page, 'export-copy').click();
    await expect.poll(() => textOf(page, 'export-copy')).toBe('Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(snippet);
    await screenshot(page, 'export-dialog.png');

    // Export: both files download; model.json names the shard, which holds every parameter.
    const toasts = await recordToasts(page);
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await byTestId(page, 'export-confirm').click();
    await expect.poll(() => downloads.length).toBe(2);
    const [model, shard] = downloads;
    expect(model!.suggestedFilename()).toBe('model.json');
    const json = JSON.parse(await readFile((await model!.path())!, 'utf8')) as {
      format: string;
      weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
    };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]!.paths).toEqual([shard!.suggestedFilename()]);
    const floats = json.weightsManifest[0]!.weights.reduce(
      (n, w) => n + w.shape.reduce((a, b) => a * b, 1),
      0,
    );
    expect((await readFile((await shard!.path())!)).byteLength).toBe(floats * 4);
    const params = Number((await textOf(page, 'param-count')).replace(/\D/g, ''));
    expect(floats).toBe(params);
    await expect.poll(() => dialogOpen(page)).toBe(0);
    await expect.poll(toasts).toContain('Exported model.json, group1-shard1of1.bin.');

    // The choice outlives the window.
    await page.reload();
    await ready(page);
    await openExport(page);
    expect(await byTestId(page, 'export-format-tfjs').isChecked()).toBe(true);
    expect(await textOf(page, 'export-snippet')).toBe(snippet);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialogOpen(page)).toBe(0);

    // The two files, picked together with Import weights…, bring the trained network back.
    const loaded = await recordToasts(page);
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Import weights…' }).click(),
    ]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles(
      await Promise.all(
        [model!, shard!].map(async (d) => ({
          name: d.suggestedFilename(),
          mimeType: 'application/octet-stream',
          buffer: await readFile((await d.path())!),
        })),
      ),
    );
    await expect.poll(loaded).toContain('Loaded model.json: press Train to continue from its weights.');
    await expect.poll(() => textOf(page, 'param-count')).toBe(`Network: ${params} parameters`);
  });

  it('a format that cannot express a block names it, and Export stays off', async () => {
    const page = await app.open();
    await flowNode(page, 'dense1').click();
    const inspector = page.getByRole('region', { name: 'Inspector' });
    await inspector.getByLabel('Activation').selectOption('elu');
    const alpha = inspector.getByLabel('α');
    await alpha.fill('0.5');
    await alpha.press('Tab');
    await trainBriefly(page);
    await openExport(page);
    await byTestId(page, 'export-format-tfjs').check();
    await expect.poll(() => textOf(page, 'export-error')).toContain('block "dense1" (dense)');
    expect(await byTestId(page, 'export-confirm').isDisabled()).toBe(true);
    expect(await byTestId(page, 'export-files').count()).toBe(0);
    // ONNX expresses it.
    await byTestId(page, 'export-format-onnx').check();
    await expect.poll(() => textOf(page, 'export-files')).toBe('untitled.onnx');
    expect(await byTestId(page, 'export-error').count()).toBe(0);
    expect(await byTestId(page, 'export-confirm').isEnabled()).toBe(true);
  });

  it('the ONNX and PyTorch files the window downloads run in ONNX Runtime and PyTorch as the engine predicts', async () => {
    const page = await app.open();
    await trainBriefly(page);

    /** Exports in one format and gives the downloaded files by name. */
    async function download(format: string, count: number): Promise<Map<string, Buffer>> {
      await openExport(page);
      await byTestId(page, `export-format-${format}`).check();
      await expect.poll(() => byTestId(page, 'export-confirm').isEnabled()).toBe(true);
      const downloads: Download[] = [];
      const listen = (d: Download) => downloads.push(d);
      page.on('download', listen);
      await byTestId(page, 'export-confirm').click();
      await expect.poll(() => downloads.length).toBe(count);
      page.off('download', listen);
      await expect.poll(() => dialogOpen(page)).toBe(0);
      const files = new Map<string, Buffer>();
      for (const d of downloads) files.set(d.suggestedFilename(), await readFile((await d.path())!));
      return files;
    }
    const weights = await download('weights', 1);
    const onnx = await download('onnx', 1);
    const pytorch = await download('pytorch', 2);
    expect([...onnx.keys()]).toEqual(['untitled.onnx']);
    expect([...pytorch.keys()].sort()).toEqual(['train_untitled.py', 'untitled_weights.npz']);

    // The engine's predictions from the weights file of the same run, on raw rows of the plane.
    const loaded = loadWeights([...weights.values()][0]!.toString('utf8'));
    expect(loaded.preprocessing.features.map((f) => f.name)).toEqual(['x1', 'x2']);
    const points = Array.from({ length: 25 }, (_, i) => [
      Math.fround(-6 + (i % 5) * 3),
      Math.fround(-6 + Math.floor(i / 5) * 3),
    ]);
    const table = { columns: ['x1', 'x2'], rows: points.map((p) => p.map(String)) };
    const encoded = encodeRows(loaded.preprocessing, table, { requireTarget: false });
    const ours = predictAll(modelFromWeights(loaded.graph, loaded.parameters), encoded.x, encoded.n);
    expect(ours.length).toBe(points.length * 2);

    // ONNX Runtime takes the raw rows.
    const session = await ort.InferenceSession.create([...onnx.values()][0]!);
    const result = await session.run({
      features: new ort.Tensor('float32', Float32Array.from(points.flat()), [points.length, 2]),
    });
    expectClose(result[session.outputNames[0]!]!.data as Float32Array, ours, 'ONNX Runtime');

    // The PyTorch script predicts the same rows from a CSV, with its weights beside it.
    const dir = await mkdtemp(join(tmpdir(), 'export-e2e-'));
    try {
      for (const [name, bytes] of pytorch) await writeFile(join(dir, name), bytes);
      await writeFile(join(dir, 'rows.csv'), `x1,x2\n${points.map((p) => p.join(',')).join('\n')}\n`);
      const { stdout } = await run('/usr/bin/python3', ['train_untitled.py', 'rows.csv', '--predict', '-'], {
        cwd: dir,
      });
      const { outputs } = JSON.parse(stdout) as { outputs: number[][] };
      expectClose(Float32Array.from(outputs.flat()), ours, 'PyTorch');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('in Chinese', async () => {
    const page = await app.open({ locale: 'zh-CN' });
    await setField(page, '训练轮数', '20');
    await byTestId(page, 'train').click();
    await expect
      .poll(() => byTestId(page, 'run-state').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('done');
    await openExport(page);
    await byTestId(page, 'export-format-tfjs').check();
    await expect.poll(() => textOf(page, 'export-files')).toMatch(/model\.json/);
    await expect.poll(() => byTestId(page, 'export-summary').count()).toBe(1);
    expect(await page.getByRole('button', { name: '导出', exact: true }).isEnabled()).toBe(true);
    await screenshot(page, 'export-dialog.zh-CN.png');
  });
});
