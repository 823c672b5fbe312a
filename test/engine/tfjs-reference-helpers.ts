/** Shared by the TF.js reference suites: the cpu backend setup and a tolerance check. */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, vi } from 'vitest';

/** Registers a beforeAll that selects TF.js's cpu backend (float32) quietly. */
export function useTfjsCpu(): void {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    // The cpu backend's first write prints a tip about tfjs-node to stderr; keep the test output quiet.
    const quiet = vi.spyOn(console, 'warn').mockImplementation(() => {});
    tf.tensor1d([0]).dispose();
    quiet.mockRestore();
  });
}

/** Fails with the worst offending index when any |a − e| > atol + rtol·|e|; refuses all-zero references. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol = 1e-4,
  atol = 1e-5,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const excess = Math.abs(actual[i]! - e) - (atol + rtol * Math.abs(e));
    scale = Math.max(scale, Math.abs(e));
    if (!(excess <= worst)) [worst, at] = [excess, i];
  }
  expect(scale, `${what}: the reference is all zeros, nothing is compared`).toBeGreaterThan(atol);
  const msg = at < 0 ? '' : `${what}[${at}]: ours ${actual[at]} vs reference ${expected[at]}`;
  expect(msg, msg).toBe('');
}
