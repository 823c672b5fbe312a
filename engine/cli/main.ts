/** backprop-studio: train, predict, init and inspect from a terminal. Exit 0 ok, 2 bad input, 1 a bug. */
import { EngineError } from '../errors.ts';
import { UsageError } from './io.ts';
import type { Io } from './io-types.ts';
import { initCommand, INIT_HELP } from './commands/init.ts';
import { inspectCommand, INSPECT_HELP } from './commands/inspect.ts';
import { predictCommand, PREDICT_HELP } from './commands/predict.ts';
import { trainCommand, TRAIN_HELP } from './commands/train.ts';

const VERSION = '0.1.0';

const MAIN_HELP = `Backprop Studio ${VERSION}: train small neural networks on CSV data and export their weights.

Usage: backprop-studio <command> [options]

Commands:
  train     train a network on a CSV (or built-in) dataset and write a weights file
  predict   run a weights file on new rows and write predictions as CSV
  init      write an untrained weights file for a network and dataset
  inspect   summarise a CSV, project or weights file

Run 'backprop-studio <command> --help' for a command's options.
`;

const COMMANDS: Record<string, { run: (argv: string[], io: Io) => number; help: string }> = {
  train: { run: trainCommand, help: TRAIN_HELP },
  predict: { run: predictCommand, help: PREDICT_HELP },
  init: { run: initCommand, help: INIT_HELP },
  inspect: { run: inspectCommand, help: INSPECT_HELP },
};

/** Runs one command line; returns the exit code. Never throws for user error. */
export function main(argv: string[], io: Io): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(
      `backprop-studio: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}.\n`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help);
    return 0;
  }
  try {
    return command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof EngineError) {
      io.stderr.write(`backprop-studio ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** Runs the process's command line and sets its exit code. */
export function runFromProcess(): void {
  const io: Io = {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns ?? 80,
  };
  let code: number;
  try {
    code = main(process.argv.slice(2), io);
  } catch (e) {
    process.stderr.write(
      `backprop-studio: internal error (please report it): ${(e as Error).stack ?? String(e)}\n`,
    );
    code = 1;
  }
  process.exitCode = code;
}
