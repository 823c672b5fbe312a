import { describe, expect, it } from 'vitest';
import { axisTick, fixed, fmt, integer, powerOfTen, rate } from '../../renderer/src/lib/format.ts';

// fmt uses the default locale; build the expected strings with its separators.
const parts = new Intl.NumberFormat().formatToParts(12345.6);
const G = parts.find((p) => p.type === 'group')?.value ?? '';
const D = parts.find((p) => p.type === 'decimal')?.value ?? '.';
/** '1,234.5' written with the locale's group and decimal separators. */
const n = (s: string) => s.replace(/[,.]/g, (c) => (c === ',' ? G : D));

describe('fmt', () => {
  const cases: [string, number | null | undefined, number | undefined, string][] = [
    ['null', null, undefined, '–'],
    ['undefined', undefined, undefined, '–'],
    ['NaN', NaN, undefined, '–'],
    ['+Infinity', Infinity, undefined, '∞'],
    ['−Infinity', -Infinity, undefined, '−∞'],
    ['zero', 0, undefined, '0'],
    ['negative zero', -0, undefined, '0'],
    ['an integer', 42, undefined, '42'],
    ['four significant digits', 3.14159265, undefined, n('3.142')],
    ['three when asked', 0.98765, 3, n('0.988')],
    ['thousands separated', 1234.5678, undefined, n('1,235')],
    ['rounded to the digits', 123456, undefined, n('123,500')],
    ['just under a million', 999_999, undefined, n('1,000,000')],
    ['negative', -1234.5678, undefined, n('-1,235')],
    ['small, all its significant digits', 0.0015, undefined, n('0.0015')],
    ['small, rounded to the digits', 0.012345678, undefined, n('0.01235')],
    ['smallest before exponents', 0.001, undefined, n('0.001')],
    ['small negative', -0.0012346, undefined, n('-0.001235')],
    ['tiny: exponent', 0.000123, undefined, '1.23e-4'],
    ['tiny negative: exponent', -0.000123, undefined, '-1.23e-4'],
    ['denormal', 5e-324, undefined, '4.94e-324'],
    ['a million: exponent', 1e6, undefined, '1.00e+6'],
    ['huge', 6.02214076e23, undefined, '6.02e+23'],
    ['largest double', Number.MAX_VALUE, undefined, '1.80e+308'],
    ['huge negative', -2.5e9, undefined, '-2.50e+9'],
  ];
  it.each(cases)('%s', (_name, v, digits, want) => {
    expect(digits === undefined ? fmt(v) : fmt(v, digits)).toBe(want);
  });
});

describe('rate', () => {
  const cases: [number, string][] = [
    [NaN, '–'],
    [Infinity, '∞'],
    [-Infinity, '−∞'],
    [0, '0'],
    [0.4, '0'],
    [12.5, '13'],
    [999.4, '999'],
    [999.6, '1.0k'],
    [1000, '1.0k'],
    [1049, '1.0k'],
    [1050, '1.1k'],
    [54_321, '54.3k'],
    [999_949, '999.9k'],
    [999_950, '1.00M'],
    [1e6, '1.00M'],
    [12_345_678, '12.35M'],
    [3e9, '3000.00M'],
  ];
  it.each(cases)('%d samples/s → %s', (v, want) => {
    expect(rate(v)).toBe(want);
  });
});

describe('in a given locale', () => {
  const cases: [string, string, number, string][] = [
    ['fmt', 'en-US', 1234.5678, '1,235'],
    ['fmt', 'de-DE', 1234.5678, '1.235'],
    ['fmt', 'zh-CN', 0.0015, '0.0015'],
    ['fmt', 'de-DE', 3.14159265, '3,142'],
    ['integer', 'en-US', 1234567, '1,234,567'],
    ['integer', 'zh-CN', 1234567, '1,234,567'],
    ['integer', 'de-DE', 1234567, '1.234.567'],
    ['rate', 'de-DE', 54_321, '54,3k'],
    ['rate', 'zh-CN', 12_345_678, '12.35M'],
  ];
  it.each(cases)('%s(%s, %d) → %s', (fn, locale, v, want) => {
    const f = {
      fmt: (x: number) => fmt(x, 4, locale),
      integer: (x: number) => integer(x, locale),
      rate: (x: number) => rate(x, locale),
    };
    expect(f[fn as keyof typeof f](v)).toBe(want);
  });
});

describe('fixed', () => {
  const cases: [number | null | undefined, number, string][] = [
    [0.97, 3, n('0.970')],
    [1, 3, n('1.000')],
    [0, 3, n('0.000')],
    [0.99951, 3, n('1.000')],
    [null, 3, '–'],
    [NaN, 3, '–'],
    [Infinity, 3, '∞'],
  ];
  it.each(cases)('%s to %i decimals', (v, digits, want) => expect(fixed(v, digits)).toBe(want));
});

describe('axisTick', () => {
  const log: [number, string][] = [
    [1e-6, '10⁻⁶'],
    [0.01, '10⁻²'],
    [1, '10⁰'],
    [10, '10¹'],
    [1000, '10³'],
    [2e-6, ''],
    [0.05, ''],
    [0, ''],
  ];
  it.each(log)('log axis: %s → "%s"', (v, want) => expect(axisTick(v, true, 'en')).toBe(want));
  const linear: [number, string, string][] = [
    [0.5, '0.5', '0.5'],
    [0, '0', '0'],
    [600, '600', '600'],
    [5000, '5K', '5000'],
    [12500, '12.5K', '1.25万'],
    [200000, '200K', '20万'],
  ];
  it.each(linear)('linear axis: %s → "%s" (en), "%s" (zh-CN)', (v, en, zh) => {
    expect(axisTick(v, false, 'en')).toBe(en);
    expect(axisTick(v, false, 'zh-CN')).toBe(zh);
  });
  it('writes any power of ten with superscripts', () => {
    expect(powerOfTen(-12)).toBe('10⁻¹²');
    expect(powerOfTen(45)).toBe('10⁴⁵');
  });
});
