/**
 * The part of papaparse's API the engine uses, declared without Node's types: @types/papaparse pulls
 * in `node`, which would let Node globals slip into engine code unnoticed. tsconfig.engine.json maps
 * `papaparse` here; everywhere else the full @types/papaparse applies.
 */
declare module 'papaparse' {
  interface ParseError {
    type: string;
    code: string;
    message: string;
    row?: number;
  }
  interface ParseConfig {
    delimiter?: string;
    delimitersToGuess?: string[];
    skipEmptyLines?: boolean | 'greedy';
    preview?: number;
  }
  interface ParseResult<T> {
    data: T[];
    errors: ParseError[];
    meta: { delimiter: string };
  }
  interface UnparseConfig {
    newline?: string;
  }
  const Papa: {
    parse<T>(text: string, config?: ParseConfig): ParseResult<T>;
    unparse(data: { fields: string[]; data: string[][] }, config?: UnparseConfig): string;
  };
  export default Papa;
}
