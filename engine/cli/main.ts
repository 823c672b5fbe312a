/** backprop-studio: train, predict, init, inspect, export and import from a terminal. Exit 0 ok, 2 bad input, 1 a bug. */
import { EngineError } from '../errors.ts';
import { EXPORT_FORMAT_IDS } from '../formats/exports.ts';
import { nodeThreads } from '../host/node-threads.ts';
import { formatError } from '../i18n.ts';
import type { Lang } from '../i18n.ts';
import { langFromEnv, parseLang, translator } from './i18n.ts';
import type { Translate } from './i18n.ts';
import { UsageError } from './io.ts';
import type { Io } from './io-types.ts';
import { exportCommand, exportHelp } from './commands/export.ts';
import { importCommand, importHelp } from './commands/import.ts';
import { initCommand, initHelp } from './commands/init.ts';
import { inspectCommand, inspectHelp } from './commands/inspect.ts';
import { predictCommand, predictHelp } from './commands/predict.ts';
import { sweepCommand, sweepHelp } from './commands/sweep.ts';
import { trainCommand, trainHelp } from './commands/train.ts';

const VERSION = '0.1.0';

const COMMANDS: Record<
  string,
  { run: (argv: string[], io: Io) => number | Promise<number>; help: (t: Translate) => string }
> = {
  train: { run: trainCommand, help: trainHelp },
  sweep: { run: sweepCommand, help: sweepHelp },
  predict: { run: predictCommand, help: predictHelp },
  init: { run: initCommand, help: initHelp },
  inspect: { run: inspectCommand, help: inspectHelp },
  export: { run: exportCommand, help: exportHelp },
  import: { run: importCommand, help: importHelp },
};

/** Takes the global `--lang en|zh-CN` (or `--lang=…`) out of `argv`, wherever it is. */
function takeLang(argv: string[]): { argv: string[]; lang?: string } {
  const rest: string[] = [];
  let lang: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--lang') lang = argv[++i] ?? '';
    else if (a.startsWith('--lang=')) lang = a.slice('--lang='.length);
    else rest.push(a);
  }
  return lang === undefined ? { argv: rest } : { argv: rest, lang };
}

/**
 * Runs one command line; returns the exit code, or a promise of it for a command that works in worker
 * threads (`sweep`). Never throws (or rejects) for user error.
 */
export function main(argvIn: string[], ioIn: Io): number | Promise<number> {
  const { argv, lang: asked } = takeLang(argvIn);
  const lang: Lang = (asked !== undefined ? parseLang(asked) : undefined) ?? langFromEnv(ioIn.env ?? {});
  const io: Io = { ...ioIn, lang };
  const t = translator(lang);
  if (asked !== undefined && parseLang(asked) === undefined) {
    io.stderr.write(`${t('main.badLang', { value: asked })}\n`);
    return 2;
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(t('help.main', { version: VERSION, formats: EXPORT_FORMAT_IDS.join(', ') }));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`${t('main.unknownCommand', { name, commands: Object.keys(COMMANDS).join(', ') })}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help(t));
    return 0;
  }
  const refused = (e: unknown) => {
    if (e instanceof UsageError || e instanceof EngineError) {
      const message = e instanceof UsageError ? t(e.key, e.params) : formatError(e, lang);
      io.stderr.write(`${t('main.error', { command: name, message })}\n`);
      return 2;
    }
    throw e;
  };
  try {
    const code = command.run(rest, io);
    return typeof code === 'number' ? code : code.catch(refused);
  } catch (e) {
    return refused(e);
  }
}

/** Runs the process's command line and sets its exit code. */
export function runFromProcess(): void {
  const io: Io = {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns ?? 80,
    env: process.env,
    // Large networks train and predict on both cores here (a helper thread shares their largest
    // products; `main` alone, as tests call it, uses one).
    threads: nodeThreads,
  };
  const internal = (e: unknown) => {
    const lang = langFromEnv(process.env);
    process.stderr.write(
      `${translator(lang)('main.internal', { stack: (e as Error).stack ?? String(e) })}\n`,
    );
    return 1;
  };
  let code: number | Promise<number>;
  try {
    code = main(process.argv.slice(2), io);
  } catch (e) {
    code = internal(e);
  }
  if (typeof code === 'number') process.exitCode = code;
  else void code.catch(internal).then((c) => (process.exitCode = c));
}
