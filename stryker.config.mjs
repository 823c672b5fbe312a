// Mutation testing of the engine's numerics (`npm run mutation`; not part of `npm test`): the layer
// kinds, the losses, the optimisers and the graph walks, against the engine's unit tests.
// See docs/testing.md for the last score and the mutants that survive it.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'engine/layers/*.ts',
    '!engine/layers/kind.ts', // types only
    'engine/losses.ts',
    'engine/optimizers.ts',
    'engine/model/run.ts',
  ],
  // Static mutants (in values built when a module loads: the kinds' labels, editor fields, schemas)
  // would each need the whole suite; they are counted as ignored.
  ignoreStatic: true,
  // Two cores, shared: one test process per core.
  concurrency: 2,
  // A mutant that loops forever is cut off at 1.5 × its tests' own time + 10 s.
  timeoutMS: 10_000,
  // Inside .tmp/, which git, ESLint and Prettier already skip.
  tempDirName: '.tmp/stryker',
  ignorePatterns: ['/out', '/test-results', '/dist', '/coverage', '/docs/screenshots', '/.tmp'],
  // Re-runs only the mutants whose code or tests changed since the last run; `--force` runs all.
  incremental: true,
  incrementalFile: '.tmp/mutation/incremental.json',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: '.tmp/mutation/mutation.html' },
  jsonReporter: { fileName: '.tmp/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  thresholds: { high: 90, low: 75, break: null },
};
