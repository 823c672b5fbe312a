import type { Lang } from '../i18n.ts';
import type { ThreadOptions } from '../kernels/wasm/pool.ts';

/** The streams a CLI command writes to and what the process lends it (injected so tests can set them). */
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
  /** A helper thread for large networks' products (the process's worker threads; none: one thread). */
  threads?: ThreadOptions | null;
}
