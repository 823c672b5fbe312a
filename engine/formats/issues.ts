/**
 * Turns schema issues into EngineErrors that say where (`parameters.dense1.kernel.data[12]`) and what
 * is wrong, in words a person editing the file by hand can act on.
 */
import type * as z from 'zod';
import { EngineError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';

/** Message of a size cap in a schema (`.max(n, CAP)`): reported as TOO_LARGE rather than BAD_FILE. */
export const CAP = 'size cap';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['parameters', 'd1', 'kernel', 'data', 12]` → `parameters.d1.kernel.data[12]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** A short description of a JSON value for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' && !Number.isFinite(v)) return `${v} (a number beyond the float64 range)`;
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

const EXPECTED: Record<string, string> = {
  number: 'a finite number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  tuple: 'a list',
  null: 'null',
};

const count = (v: unknown) =>
  Array.isArray(v) ? `${v.length} item${v.length === 1 ? '' : 's'}` : describe(v);

function words(issue: z.core.$ZodIssue): { code: ErrorCode; text: string } {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined)
        return {
          code: 'BAD_FILE',
          text: `is missing (expected ${EXPECTED[issue.expected] ?? issue.expected})`,
        };
      return {
        code: 'BAD_FILE',
        text: `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describe(input)}`,
      };
    case 'too_big': {
      const code: ErrorCode = issue.message === CAP ? 'TOO_LARGE' : 'BAD_FILE';
      const max = Number(issue.maximum);
      if (issue.origin === 'array') return { code, text: `has ${count(input)}; at most ${max} allowed` };
      if (issue.origin === 'string') return { code, text: `is longer than ${max} characters` };
      return {
        code,
        text: `is ${describe(input)}; it must be ${issue.inclusive ? 'at most' : 'less than'} ${max}`,
      };
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array')
        return { code: 'BAD_FILE', text: `has ${count(input)}; at least ${min} needed` };
      if (issue.origin === 'string') return { code: 'BAD_FILE', text: `must not be empty` };
      const bound = issue.inclusive ? 'at least' : 'greater than';
      return { code: 'BAD_FILE', text: `is ${describe(input)}; it must be ${bound} ${min}` };
    }
    case 'unrecognized_keys':
      return { code: 'BAD_FILE', text: `is not a known field (only the documented fields are allowed)` };
    case 'invalid_union': {
      if ('discriminator' in issue && typeof issue.discriminator === 'string') {
        const options = ((issue as { options?: unknown[] }).options ?? [])
          .map((o) => JSON.stringify(o))
          .join(', ');
        const got =
          typeof input === 'object' && input !== null
            ? (input as Record<string, unknown>)[issue.discriminator]
            : input;
        return { code: 'BAD_FILE', text: `must be one of ${options}; got ${describe(got)}` };
      }
      return { code: 'BAD_FILE', text: `does not match any allowed form (got ${describe(input)})` };
    }
    case 'invalid_value':
      return {
        code: 'BAD_FILE',
        text: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${describe(input)}`,
      };
    case 'custom':
      if (issue.message === CAP) return { code: 'TOO_LARGE', text: 'has too many entries' };
      return { code: (issue.params?.['code'] as ErrorCode | undefined) ?? 'BAD_FILE', text: issue.message };
    default:
      return { code: 'BAD_FILE', text: issue.message };
  }
}

/** The EngineError for the first issue of a failed parse; `what` names the file kind ("weights file"). */
export function issueError(error: z.core.$ZodError, what: string): EngineError {
  const issue = error.issues[0]!;
  const path: PropertyKey[] = [...issue.path];
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const where = formatPath(path);
  const { code, text } = words(issue);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return new EngineError({ code, message: `Invalid ${what}: ${where} ${text}.${more}`, path: where });
}
