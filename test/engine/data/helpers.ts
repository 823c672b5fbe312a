import { EngineError } from '../../../engine/errors.ts';
import type { EngineErrorInfo } from '../../../engine/errors.ts';

/** The EngineError that `fn` throws, as plain info (fails the test if it does not throw one). */
export function errorOf(fn: () => unknown): EngineErrorInfo {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineError) return e.toInfo();
    throw e;
  }
  throw new Error('expected an EngineError, nothing was thrown');
}

/** UTF-8 bytes of a string (the test runner has TextEncoder). */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Rows of a row-major Float32Array as plain number arrays (for readable assertions). */
export function matrix(a: Float32Array, width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += width) out.push(Array.from(a.subarray(i, i + width)));
  return out;
}
