/**
 * JSON too big for memory is refused before anything is built from it: one pass over the text counts
 * values, strings and objects or lists against FILE_LIMITS, and JSON.parse never runs on a file that
 * exceeds them. The CLI refuses a file over the size cap before reading it.
 */
import { closeSync, mkdtempSync, openSync, ftruncateSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { readJson } from '../../../engine/formats/json-read.ts';
import { scanJson } from '../../../engine/formats/json-locate.ts';
import { FILE_LIMITS, parseProject, parseWeights } from '../../../engine/formats/index.ts';
import { createEngineService } from '../../../engine/session/service.ts';
import { run } from '../../cli/helpers.ts';
import { expectEngineError, xorWeightsText } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'bps-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const list = (item: string, n: number) => `[${Array.from({ length: n }, () => item).join(',')}]`;

describe('counted before parsing', () => {
  it.each([
    [
      'many small objects',
      () => list('{}', FILE_LIMITS.containers + 1),
      /more than 200,000 objects and lists/,
    ],
    ['many small lists', () => list('[]', FILE_LIMITS.containers + 1), /objects and lists/],
    ['many short strings', () => list('"a"', FILE_LIMITS.strings + 1), /more than 1,000,000 strings/],
    ['too many numbers', () => `[${'0,'.repeat(FILE_LIMITS.values)}0]`, /more than 33,554,432 values/],
  ])('%s: TOO_LARGE, and JSON.parse never runs', (_name, make, message) => {
    const text = make();
    const parse = vi.spyOn(JSON, 'parse');
    expectEngineError(() => parseWeights(text), 'TOO_LARGE', { message });
    expectEngineError(() => parseProject(text), 'TOO_LARGE', { message });
    expect(parse).not.toHaveBeenCalled();
  });

  it('a syntax error is reported even past a cap, where it is', () => {
    const text = `${list('{}', FILE_LIMITS.containers + 1).slice(0, -1)},}`;
    const e = expectEngineError(() => readJson(text, 'weights file'), 'BAD_FILE', {
      message: 'not valid JSON',
    });
    expect(e.path).toMatch(/^line 1, column \d+$/);
  });

  it('counts what a real file holds', () => {
    const r = scanJson(xorWeightsText());
    expect(r.kind).toBe('ok');
    const parsed = JSON.parse(xorWeightsText()) as unknown;
    let values = 0;
    let containers = 0;
    const walk = (v: unknown) => {
      if (v !== null && typeof v === 'object') {
        containers++;
        for (const x of Object.values(v)) walk(x);
      } else values++;
    };
    walk(parsed);
    expect(r).toMatchObject({ kind: 'ok', containers, values: values + containers });
  });

  it('the app engine reads through the same reader', async () => {
    const api = createEngineService({ yieldToHost: () => Promise.resolve() });
    const parse = vi.spyOn(JSON, 'parse');
    const r = await api.importProject(list('{}', FILE_LIMITS.containers + 1));
    expect(!r.ok && r.error.code).toBe('TOO_LARGE');
    const w = await api.inspectWeights(list('{}', FILE_LIMITS.containers + 1));
    expect(!w.ok && w.error.code).toBe('TOO_LARGE');
    expect(parse).not.toHaveBeenCalled();
  });
});

describe('the CLI refuses by size before reading', () => {
  it.each(['big.weights.json', 'big.project.json'])('inspect %s (300 MB, sparse)', (name) => {
    const path = join(dir, name);
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 300 * 1024 * 1024);
    closeSync(fd);
    const r = run('inspect', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the file is larger than 256 MB/);
    rmSync(path);
  });

  it('train --init refuses it the same way', () => {
    const path = join(dir, 'big.json');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 300 * 1024 * 1024);
    closeSync(fd);
    writeFileSync(join(dir, 'd.csv'), 'x,y\n1,a\n2,b\n');
    const r = run('train', '--init', path, '--data', join(dir, 'd.csv'), '--out', join(dir, 'o.json'));
    expect(r.stderr).toMatch(/big\.json: the file is larger than 256 MB/);
    rmSync(path);
  });
});

describe('long lists of numbers are built without JSON.parse boxing each one', () => {
  it('read the same values as JSON.parse, whatever their spelling and spacing', () => {
    const numbers = Array.from(
      { length: 3000 },
      (_, i) => [`${i}`, `-${i}.5e-3`, ` 1E3 `, '-0', '0.1'][i % 5]!,
    );
    const text = `{"a": [${numbers.join(',')}], "b": [1, 2]}`;
    expect(readJson(text, 'weights file')).toEqual(JSON.parse(text));
    expect(readJson(`[${numbers.join(',')}]`, 'weights file')).toEqual(JSON.parse(`[${numbers.join(',')}]`));
  });

  it('a value beyond float32 deep in a long kernel is refused at its index', () => {
    const f = JSON.parse(xorWeightsText()) as {
      parameters: Record<string, { kernel: { shape: number[]; data: number[] } }>;
    };
    const id = Object.keys(f.parameters)[0]!;
    const k = f.parameters[id]!.kernel;
    // The same layer, made long: its input is widened in a copy of the file that only the reader sees.
    const long = Array.from({ length: 4000 }, () => 0.5);
    long[3210] = 1e308;
    k.data = long;
    const e = expectEngineError(() => parseWeights(JSON.stringify(f)), 'BAD_FILE', { message: 'float32' });
    expect(e.path).toBe(`parameters.${id}.kernel.data[3210]`);
  });
});

describe('the CLI counts objects and lists while it reads', () => {
  it('a file of millions of {} is refused after the first megabyte or so, naming the file', () => {
    const path = join(dir, 'objects.json');
    writeFileSync(path, `[${'{},'.repeat(20_000_000)}{}]`);
    const r = run('inspect', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/objects\.json: The weights file holds more than 200,000 objects and lists/);
    rmSync(path);
  });
});
