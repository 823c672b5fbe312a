// Prints "N passed, N failed" from Vitest's JSON report; a failed step before Vitest counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

const [file, statusArg] = process.argv.slice(2);
const status = Number(statusArg ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
if (file && existsSync(file)) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed = (r.numFailedTests ?? 0) + (r.numRuntimeErrors ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (status !== 0 && failed === 0) failed = 1; // a suite failed to load, or a later step failed
} else if (status !== 0) {
  failed = 1; // lint or type check failed before the tests ran
}
if (status === 0 && passed === 0) failed = Math.max(failed, 1); // a run that tested nothing is a failure
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
