// Security gate for electronegativity, which always exits 0 and writes no severity into its SARIF.
//   node build/security/electronegativity-gate.mjs --scan      scan the shell (electron/, the page's
//                                                              CSP meta, package.json), then gate
//   node build/security/electronegativity-gate.mjs report.sarif gate an existing report
// Fails on any HIGH or MEDIUM finding, except manual-review notes listed with a reason in reviewed.json.
// Prints one line per finding and a last line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const here = dirname(new URL(import.meta.url).pathname);
const root = resolve(here, '../..');
const ELECTRON_VERSION = '45.5.0';

// Severities as electronegativity 1.10.3 assigns them; a rule not listed here counts as MEDIUM
// (fail closed). CSP_GLOBAL_CHECK is MEDIUM when no policy is found and LOW when one is found.
const LOW = new Set([
  'ALLOWPOPUPS_HTML_CHECK',
  'BLINK_FEATURES_HTML_CHECK',
  'BLINK_FEATURES_JS_CHECK',
  'EXPERIMENTAL_FEATURES_HTML_CHECK',
  'EXPERIMENTAL_FEATURES_JS_CHECK',
]);
const INFORMATIONAL = new Set([
  'CSP_HTML_CHECK',
  'CSP_JS_CHECK',
  'ELECTRON_VERSION_JSON_CHECK',
  'SECURITY_WARNINGS_DISABLED_JSON_CHECK',
  'SECURITY_WARNINGS_DISABLED_JS_CHECK',
]);
const HIGH = new Set([
  'CONTEXT_ISOLATION_JS_CHECK',
  'LIMIT_NAVIGATION_GLOBAL_CHECK',
  'LIMIT_NAVIGATION_JS_CHECK',
  'NODE_INTEGRATION_ATTACH_EVENT_JS_CHECK',
  'NODE_INTEGRATION_HTML_CHECK',
  'NODE_INTEGRATION_JS_CHECK',
  'AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK',
]);

export function severityOf(result) {
  const rule = result.ruleId;
  if (rule === 'CSP_GLOBAL_CHECK') return /no csp/i.test(result.message?.text ?? '') ? 'MEDIUM' : 'LOW';
  if (LOW.has(rule)) return 'LOW';
  if (INFORMATIONAL.has(rule)) return 'INFORMATIONAL';
  if (HIGH.has(rule)) return 'HIGH';
  return 'MEDIUM';
}

function fileOf(result) {
  return (result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '').replace(/^file:\/\//, '');
}

export function gate(sarif, reviewed) {
  const rows = [];
  for (const run of sarif.runs ?? []) {
    for (const r of run.results ?? []) {
      const severity = severityOf(r);
      const file = fileOf(r);
      const line = r.locations?.[0]?.physicalLocation?.region?.startLine ?? 0;
      const review = r.level === 'note' && reviewed.find((x) => x.rule === r.ruleId && x.file === file);
      const blocking = (severity === 'HIGH' || severity === 'MEDIUM') && !review;
      rows.push({
        rule: r.ruleId,
        severity,
        file,
        line,
        review: r.level === 'note',
        blocking,
        message: r.message?.text ?? '',
      });
    }
  }
  return rows;
}

function scan(out) {
  const stage = mkdtempSync(join(tmpdir(), 'bps-electronegativity-'));
  try {
    cpSync(join(root, 'electron'), join(stage, 'electron'), { recursive: true });
    cpSync(join(root, 'renderer/index.html'), join(stage, 'renderer/index.html'));
    cpSync(join(root, 'package.json'), join(stage, 'package.json'));
    const bin = join(root, 'node_modules/.bin/electronegativity');
    const args = [
      '-i',
      stage,
      '-e',
      ELECTRON_VERSION,
      '-x',
      'AvailableSecurityFixesGlobalCheck',
      '-r',
      '-v',
      'false',
      '-o',
      out,
    ];
    const r = spawnSync(bin, args, { stdio: ['ignore', 'ignore', 'inherit'], encoding: 'utf8' });
    if (r.status !== 0 || !existsSync(out)) {
      console.error(`electronegativity did not run (exit ${r.status}).`);
      process.exit(2);
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(here, 'electronegativity-gate.mjs')) {
  const arg = process.argv[2];
  if (!arg) {
    console.error('usage: electronegativity-gate.mjs --scan | report.sarif');
    process.exit(2);
  }
  const report = arg === '--scan' ? join(here, 'report.sarif') : arg;
  if (arg === '--scan') scan(report);
  const sarif = JSON.parse(readFileSync(report, 'utf8'));
  const reviewed = JSON.parse(readFileSync(join(here, 'reviewed.json'), 'utf8')).reviewed;
  const rows = gate(sarif, reviewed);
  for (const r of rows) {
    const status = r.blocking
      ? 'FAIL'
      : r.review && ['HIGH', 'MEDIUM'].includes(r.severity)
        ? 'reviewed'
        : 'ok';
    console.log(`${status.padEnd(8)} ${r.severity.padEnd(13)} ${r.rule}  ${r.file}:${r.line}  ${r.message}`);
  }
  const failed = rows.filter((r) => r.blocking).length;
  console.log(`${rows.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
