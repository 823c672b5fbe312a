import { configDefaults, defineConfig } from 'vitest/config';

// The engine's unit tests alone, for the mutation run (stryker.config.mjs): no renderer, no browser.
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    include: ['test/engine/**/*.test.ts'],
    exclude: [...configDefaults.exclude],
  },
});
