/**
 * The WebAssembly the engine runs is the one its source describes: modules.ts is generated from
 * kernels.wat by `npm run build:wasm`, and an edit of the source that was not rebuilt fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateModules, MODULES_PATH } from '../../../scripts/build-wasm.mjs';

describe('compiled kernels', () => {
  it('match kernels.wat byte for byte (run npm run build:wasm after editing it)', async () => {
    const fresh = await generateModules();
    const stored = readFileSync(MODULES_PATH, 'utf8');
    // Compare module by module, so a failure names the variant rather than printing kilobytes of base64.
    const modules = (text: string) =>
      Object.fromEntries([...text.matchAll(/export const (\w+) =\s*'([^']*)'/g)].map((m) => [m[1], m[2]]));
    const want = modules(fresh);
    const have = modules(stored);
    expect(Object.keys(have)).toEqual(Object.keys(want));
    expect(Object.keys(want)).toHaveLength(4);
    for (const name of Object.keys(want)) expect(have[name] === want[name], `${name} is stale`).toBe(true);
    expect(stored).toBe(fresh);
  });
});
