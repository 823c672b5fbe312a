/** Runs the CLI in-process with captured output, in a temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../engine/cli/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command that answers at once (every command but `sweep`). */
export function run(...argv: string[]): CliResult {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    isTTY: false,
    columns: 80,
  });
  if (typeof code !== 'number') throw new Error(`${argv[0]} answers later: use runAsync`);
  return { code, stdout, stderr };
}

/** Runs any command, `sweep` included (its runs go to worker threads). */
export async function runAsync(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    isTTY: false,
    columns: 80,
  });
  return { code, stdout, stderr };
}

/** A fresh temporary folder; returns a path builder and a cleanup. */
export function tempDir(): { path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bps-cli-'));
  return { path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
