/** The streams a CLI command writes to (injected so tests can capture them). */
export interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** stderr is a terminal: draw a progress bar. */
  isTTY: boolean;
  columns: number;
}
