/** Option parsing for the CLI on node:util's parseArgs, with messages a person can act on. */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './io.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Joins a negative number to the option before it (`--epochs -1` → `--epochs=-1`): parseArgs takes
 * `-1` for an option and calls the argument ambiguous, where the person should hear the allowed range.
 */
function joinNegatives(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
    const takesValue = name !== undefined && Object.hasOwn(options, name) && options[name]!.type === 'string';
    if (takesValue && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Parses `argv` strictly: unknown options and stray arguments are UsageErrors naming them. */
export function parse(command: string, argv: string[], options: Options, positionals = 0) {
  try {
    const r = parseArgs({
      args: joinNegatives(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: positionals > 0,
      strict: true,
    });
    if (r.positionals.length > positionals)
      throw new UsageError('args.unexpected', { arg: String(r.positionals[positionals]) });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const first = (e as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError('args.parse', { detail: first.replace(/\.$/, ''), command });
  }
}

/** A whole number option within [min, max]. */
export function intOption(name: string, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError('args.int', { name, min, max: max.toLocaleString('en'), value: String(v) });
  return n;
}

/** A number option within [min, max] (bounds inclusive unless `openMax`). */
export function numOption(
  name: string,
  v: unknown,
  min: number,
  max: number,
  openMax = false,
): number | undefined {
  if (v === undefined) return undefined;
  const n =
    typeof v === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < min || (openMax ? n >= max : n > max))
    throw new UsageError('args.number', {
      name,
      min,
      max,
      exclusive: openMax ? { key: 'args.exclusive' } : '',
      value: String(v),
    });
  return n;
}

/** One of a fixed set of words. */
export function choice<T extends string>(name: string, v: unknown, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly unknown[]).includes(v))
    throw new UsageError('args.choice', { name, allowed: [...allowed], value: String(v) });
  return v as T;
}

/** A comma-separated list of layer widths, e.g. "32,16". */
export function layersOption(v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  if (s === '' || s === 'none') return [];
  const parts = s.split(',').map((p) => p.trim());
  const widths = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (widths.some((w) => !Number.isInteger(w) || w < 1 || w > 16384))
    throw new UsageError('args.layers', { value: s });
  return widths;
}
