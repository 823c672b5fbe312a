import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the renderer's rune modules (*.svelte.ts) for test/renderer. The node environment would
  // make them server code; generate the client code the app runs, so $state and $derived are reactive.
  plugins: [
    svelte({
      configFile: resolve(import.meta.dirname, 'svelte.config.js'),
      dynamicCompileOptions: () => ({ generate: 'client' }),
    }),
  ],
  test: {
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/**'],
        },
      },
      {
        // Chromium against the browser build; the build runs once, and only when these tests run.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          hookTimeout: 30_000,
          // The page answers in milliseconds, but a loaded two-core machine can take seconds (a step
          // that waits for the engine while other processes hold both cores).
          expect: { poll: { timeout: 20_000, interval: 25 } },
        },
      },
    ],
  },
});
