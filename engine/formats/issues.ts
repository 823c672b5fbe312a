/**
 * Turns schema issues into EngineErrors that say where (`parameters.dense1.kernel.data[12]`) and what
 * is wrong, in words a person editing the file by hand can act on.
 */
import type * as z from 'zod';
import { engineError } from '../errors.ts';
import type { EngineError, ErrorCode } from '../errors.ts';
import { noun, renderMessage } from '../i18n.ts';
import type { MessageParam, MessageParams } from '../i18n.ts';

/** Message of a size cap in a schema (`.max(n, CAP)`): reported as TOO_LARGE rather than BAD_FILE. */
export const CAP = 'size cap';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['parameters', 'd1', 'kernel', 'data', 12]` → `parameters.d1.kernel.data[12]`; `[]` (the root) → ''. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** A formatted path as a message parameter: the root is "(top level)", in the reader's language. */
export function pathWords(path: string): MessageParam {
  return path === '' ? { key: 'issue.topLevel' } : path;
}

/** A short description of a JSON value for messages, as a catalogue message or the JSON itself. */
export function describe(v: unknown): MessageParam {
  if (v === undefined) return { key: 'issue.value.nothing' };
  if (v === null) return 'null';
  if (Array.isArray(v)) return { key: 'issue.value.list', params: { n: v.length } };
  if (typeof v === 'object') return { key: 'issue.value.object' };
  if (typeof v === 'number' && !Number.isFinite(v))
    return { key: 'issue.value.beyondFloat', params: { v: String(v) } };
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

/** zod's expected types, in words (`issue.expected.*`). */
const EXPECTED = ['number', 'int', 'string', 'boolean', 'array', 'object', 'record', 'tuple', 'null'];
const expected = (t: string): MessageParam => (EXPECTED.includes(t) ? { key: `issue.expected.${t}` } : t);

const count = (v: unknown): MessageParam =>
  Array.isArray(v)
    ? { key: v.length === 1 ? 'issue.value.oneItem' : 'issue.value.items', params: { n: v.length } }
    : describe(v);

interface Words {
  code: ErrorCode;
  /** The problem as a catalogue message (`issue.*`). */
  problem: MessageParam;
}

const bad = (key: string, params: MessageParams = {}): Words => ({
  code: 'BAD_FILE',
  problem: { key, params },
});

function words(issue: z.core.$ZodIssue): Words {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return bad('issue.missing', { expected: expected(issue.expected) });
      return bad('issue.wrongType', { expected: expected(issue.expected), got: describe(input) });
    case 'too_big': {
      const code: ErrorCode = issue.message === CAP ? 'TOO_LARGE' : 'BAD_FILE';
      const max = Number(issue.maximum);
      if (issue.origin === 'array')
        return { code, problem: { key: 'issue.tooManyItems', params: { count: count(input), max } } };
      if (issue.origin === 'string') return { code, problem: { key: 'issue.tooLong', params: { max } } };
      const key = issue.inclusive ? 'issue.atMost' : 'issue.lessThan';
      return { code, problem: { key, params: { got: describe(input), max } } };
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array') return bad('issue.tooFewItems', { count: count(input), min });
      if (issue.origin === 'string') return bad('issue.empty');
      return bad(issue.inclusive ? 'issue.atLeast' : 'issue.greaterThan', { got: describe(input), min });
    }
    case 'invalid_format':
      return bad(issue.format === 'datetime' ? 'issue.datetime' : 'issue.notValid');
    case 'unrecognized_keys':
      return bad('issue.unknownField');
    case 'invalid_union': {
      if ('discriminator' in issue && typeof issue.discriminator === 'string') {
        const options = ((issue as { options?: unknown[] }).options ?? []).map((o) => JSON.stringify(o));
        const got =
          typeof input === 'object' && input !== null
            ? (input as Record<string, unknown>)[issue.discriminator]
            : input;
        return bad('issue.oneOf', { options, got: describe(got) });
      }
      return bad('issue.noMatch', { got: describe(input) });
    }
    case 'invalid_value':
      return bad('issue.oneOf', {
        options: issue.values.map((v) => JSON.stringify(v)),
        got: describe(input),
      });
    case 'custom': {
      if (issue.message === CAP) return { code: 'TOO_LARGE', problem: { key: 'issue.tooManyEntries' } };
      const code = (issue.params?.['code'] as ErrorCode | undefined) ?? 'BAD_FILE';
      const key = issue.params?.['key'] as string | undefined;
      const values = (issue.params?.['values'] as MessageParams | undefined) ?? {};
      return { code, problem: { key: key ?? 'issue.notValid', params: values } };
    }
    default:
      // Kinds our schemas do not produce (multiples, keys, elements): zod's text would be English only.
      return bad('issue.notValid');
  }
}

/**
 * The words of a custom schema issue, from the catalogue: `message` is the English text (zod needs one),
 * `params.key` and `params.values` what `issueError` passes on.
 */
export function issueText(
  key: string,
  values: MessageParams = {},
  code?: ErrorCode,
): { message: string; params: Record<string, unknown> } {
  return { message: renderMessage('en', key, values), params: { key, values, ...(code ? { code } : {}) } };
}

/** The EngineError for the first issue of a failed parse; `what` names the file kind ("weights file"). */
export function issueError(error: z.core.$ZodError, what: string): EngineError {
  const issue = error.issues[0]!;
  const path: PropertyKey[] = [...issue.path];
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const where = formatPath(path);
  const { code, problem } = words(issue);
  const extra = error.issues.length - 1;
  const more = extra > 0 ? { key: 'issue.more', params: { n: extra } } : '';
  return engineError(
    code,
    'issue.invalid',
    { what: noun(what), where: pathWords(where), problem, more },
    { path: where },
  );
}
