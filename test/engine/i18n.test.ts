/** formatError: one engine error, rendered in English (its message) or Chinese. */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../engine/data/csv.ts';
import { prepareData } from '../../engine/data/prepare.ts';
import { attempt } from '../../engine/errors.ts';
import type { EngineErrorInfo } from '../../engine/errors.ts';
import { loadWeights } from '../../engine/formats/weights-file.ts';
import { compileGraph } from '../../engine/graph/compile.ts';
import { buildMlp } from '../../engine/graph/builders.ts';
import type { GraphNode } from '../../engine/graph/types.ts';
import { formatError, langFromLocale } from '../../engine/i18n.ts';

function error<T>(fn: () => T): EngineErrorInfo {
  const r = attempt(fn);
  if (r.ok) throw new Error('expected an EngineError');
  return r.error;
}

describe('formatError', () => {
  it('renders a compile error naming the node', () => {
    const graph = buildMlp({ inputs: 2, hidden: [3], outputs: 2, activation: 'relu', head: 'softmax' });
    const nodes = graph.nodes.map((n) =>
      n.type === 'output' ? { ...n, inputs: ['nowhere'] } : n,
    ) as GraphNode[];
    const e = error(() => compileGraph({ nodes }));
    expect(e).toMatchObject({ code: 'UNKNOWN_INPUT', key: 'graph.unknownInput' });
    expect(formatError(e, 'en')).toBe(e.message);
    expect(e.message).toMatch(/takes input from "nowhere", which does not exist/);
    const zh = formatError(e, 'zh-CN');
    expect(zh).toContain(`模块“${e.nodeId}”的输入来自“nowhere”`);
  });

  it('renders a nested message (a bad node) in the same language', () => {
    const graph = buildMlp({ inputs: 2, hidden: [3], outputs: 2, activation: 'relu', head: 'softmax' });
    const nodes = graph.nodes.map((n) => (n.type === 'dense' ? { ...n, units: 0 } : n));
    const e = error(() => compileGraph({ nodes }));
    expect(e.message).toMatch(/units must be a whole number from 1 to 16384\.$/);
    expect(formatError(e, 'zh-CN')).toMatch(/^模块“.+”：单元数必须是 1 到 16384 之间的整数。$/);
  });

  it('renders a CSV error naming row and column', () => {
    const raw = parseCsv('x,y,label\n1,2,a\n3,oops,b\n5,6,a\n7,8,b\n');
    const e = error(() => prepareData(raw, { target: 'label', validationSplit: 0, seed: 1 }));
    expect(e).toMatchObject({ code: 'BAD_CELL', row: 3, column: 'y' });
    expect(e.message).toBe('Line 3, column "y": "oops" is not a number; the rest of the column is numeric.');
    expect(formatError(e, 'zh-CN')).toBe('第 3 行，“y”列：“oops”不是数字；该列其余的值都是数字。');
  });

  it('renders schema issues with their path and the file kind', () => {
    const e = error(() => loadWeights('{"format":"backprop-studio/weights","version":1}'));
    expect(e.message).toMatch(/^Invalid weights file: /);
    expect(formatError(e, 'zh-CN')).toMatch(/^权重文件无效：/);
  });

  it('keeps the message of an error without a key', () => {
    const info: EngineErrorInfo = { code: 'INTERNAL', message: 'Something broke.' };
    expect(formatError(info, 'zh-CN')).toBe('Something broke.');
  });

  it.each([
    ['zh_CN.UTF-8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['en_GB.UTF-8', 'en'],
    ['C', 'en'],
    [undefined, 'en'],
  ])('%s → %s', (locale, lang) => {
    expect(langFromLocale(locale)).toBe(lang);
  });
});
