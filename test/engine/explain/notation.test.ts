/** One notation for the explainer's numbers: "−" for minus, 1.2×10⁻⁵ for the tiny and huge, signed sums. */
import { describe, expect, it } from 'vitest';
import { fac, num, numFor, sum, term } from '../../../engine/explain/notation.ts';

describe('explainer notation', () => {
  it('writes numbers with a real minus sign and powers of ten in superscript', () => {
    expect(num(0.123456)).toBe('0.1235');
    expect(num(-0.36)).toBe('−0.36');
    expect(num(0)).toBe('0');
    expect(num(1.23456e-5)).toBe('1.235×10⁻⁵');
    expect(num(-3.25e-4, 3)).toBe('−3.25×10⁻⁴');
    expect(num(2e-7)).toBe('2×10⁻⁷');
    expect(num(1234567)).toBe('1.235×10⁶');
    expect(num(123456.7)).toBe('123500');
    expect(num(-Infinity)).toBe('−∞');
    for (const v of [1e-5, -2.5e-9, 1e12, -0.03]) expect(num(v)).not.toMatch(/[-e^]/);
  });

  it('brackets negative factors and subtracts negative terms', () => {
    expect(fac(-0.36)).toBe('(−0.36)');
    expect(fac(0.36)).toBe('0.36');
    expect(sum([term(0.5), term(-0.03), term(1e-5)])).toBe('0.5 − 0.03 + 1×10⁻⁵');
    expect(sum([term(-0.5), term(0.25)])).toBe('−0.5 + 0.25');
  });

  it('adds digits until an expression of the shown value is the true one', () => {
    const f = (x: number) => 1 - x * x;
    expect(numFor(0.5, f)).toBe('0.5');
    expect(numFor(0.99996, f)).toBe('0.99996');
    expect(numFor(-0.9999999, f)).toBe('−0.9999999');
    expect(numFor(1, f)).toBe('1');
  });
});
