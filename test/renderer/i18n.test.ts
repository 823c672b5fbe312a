import { afterEach, describe, expect, it } from 'vitest';
import {
  desktopErrorText,
  errorText,
  fmt,
  i18n,
  int,
  rate,
  systemLocale,
  t,
} from '../../renderer/src/lib/i18n.svelte.ts';
import { desktopFailure } from '../../renderer/src/lib/desktop-error.ts';
import { blockInfo } from '../../renderer/src/lib/blocks.ts';
import { formatError } from '../../engine/i18n.ts';

afterEach(() => i18n.set('en'));

describe('the renderer language', () => {
  it.each([
    [['zh-CN', 'en'], 'zh-CN'],
    [['en-GB', 'zh-TW'], 'zh-CN'],
    [['zh'], 'zh-CN'],
    [['de-DE', 'fr'], 'en'],
    [['zha'], 'en'], // Zhuang, not Chinese
    [[], 'en'],
  ] as const)('system languages %j → %s', (languages, want) => {
    expect(systemLocale(languages)).toBe(want);
  });

  it('switches at once, plurals and interpolation included', () => {
    expect(t('toolbar.save')).toBe('Save');
    expect(t('block.units', { count: 1, activation: 'tanh' })).toBe('1 unit · tanh');
    expect(t('block.units', { count: 3, activation: 'tanh' })).toBe('3 units · tanh');
    expect(blockInfo('dense').label).toBe('Dense');
    i18n.set('zh-CN');
    expect(t('toolbar.save')).toBe('保存');
    expect(t('block.units', { count: 1, activation: 'tanh' })).toBe('1 个神经元 · tanh');
    expect(t('graph.cycle', { source: 'a', target: 'b' })).toBe('连接 a → b 会形成环。');
    expect(blockInfo('dense').label).toBe('全连接');
  });

  it('formats numbers in the current locale', () => {
    expect(int(1234567)).toBe('1,234,567');
    expect(fmt(0.98765, 3)).toBe('0.988');
    expect(rate(54_321)).toBe('54.3k');
    i18n.set('zh-CN');
    expect(int(1234567)).toBe('1,234,567');
    expect(fmt(1234.5678)).toBe('1,235');
  });

  it('shows engine errors from their catalogue key, else their own message', () => {
    const info = { code: 'GRAPH_EMPTY', key: 'graph.empty', message: 'The network has no layers.' } as const;
    expect(errorText(info)).toBe('The network has no layers.');
    i18n.set('zh-CN');
    expect(errorText(info)).toBe(formatError(info, 'zh-CN'));
    expect(errorText({ code: 'INTERNAL', message: 'something odd' })).toBe('something odd');
  });
});

describe('desktop failures in the window', () => {
  const rejected = (code: string, params: Record<string, unknown>) =>
    new Error(`backprop-desktop-error:${JSON.stringify({ code, message: `${code} (log)`, params })}`);

  it('are worded from their code and facts, in the current language', () => {
    const e = rejected('WRITE_FAILED', { name: 'net.bps.json', errno: 'ENOSPC' });
    expect(desktopErrorText(e)).toBe(
      'net.bps.json could not be saved: the disk is full. Your work is still open; save it somewhere else.',
    );
    i18n.set('zh-CN');
    expect(desktopErrorText(e)).toBe(
      '无法保存 net.bps.json：磁盘已满。你的工作仍然打开着，请保存到其他位置。',
    );
    expect(desktopErrorText(rejected('UNSUPPORTED_FILE', { name: 'a.png' }))).toBe(
      'a.png 不是 CSV、项目或权重文件。',
    );
  });

  it('name a system error they have no words for by its code, and one without a code as unexpected', () => {
    expect(desktopErrorText(rejected('READ_FAILED', { name: 'x.csv', errno: 'ELOOP' }))).toBe(
      'x.csv could not be read: system error ELOOP.',
    );
    expect(desktopErrorText(rejected('IO_ERROR', {}))).toBe(
      'The file operation failed: an unexpected error.',
    );
    i18n.set('zh-CN');
    expect(desktopErrorText(rejected('IO_ERROR', {}))).toBe('文件操作失败：发生了意外错误。');
  });

  it('anything else is an unexpected error with its message; forged codes and facts are not trusted', () => {
    expect(desktopErrorText(new Error('boom'))).toBe('The desktop app could not do that: boom');
    expect(desktopFailure(rejected('NO_SUCH_CODE', {}))).toBeNull();
    expect(desktopFailure(new Error('backprop-desktop-error:{not json'))).toBeNull();
    expect(desktopFailure(rejected('NOT_A_FILE', { name: 7, extra: 'x', errno: 'EACCES' }))).toEqual({
      code: 'NOT_A_FILE',
      params: { errno: 'EACCES' },
    });
  });
});
