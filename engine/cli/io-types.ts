import type { Lang } from '../i18n.ts';

/** The streams a CLI command writes to (injected so tests can capture them). */
export interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** stderr is a terminal: draw a progress bar. */
  isTTY: boolean;
  columns: number;
  /** The environment whose LC_ALL / LC_MESSAGES / LANG pick the language (none: English). */
  env?: Record<string, string | undefined>;
  /** The language chosen (set by `main` from --lang or `env`). */
  lang?: Lang;
}
