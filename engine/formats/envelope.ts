/**
 * The two fields every file starts with: `format` says what it is, `version` which layout. Checked
 * before the schema so that a wrong or newer file gets a message about that, not about its fields.
 */
import { fail } from '../errors.ts';

/** `format` of a weights file. */
export const WEIGHTS_FORMAT = 'backprop-studio/weights';
/** `format` of a project file. */
export const PROJECT_FORMAT = 'backprop-studio/project';

const NAMES: Record<string, string> = { [WEIGHTS_FORMAT]: 'weights file', [PROJECT_FORMAT]: 'project file' };

/** Checks `format` and `version` of parsed JSON; throws BAD_FORMAT or UNSUPPORTED_VERSION. */
export function checkEnvelope(value: unknown, format: string, version: number): void {
  const what = NAMES[format] ?? format;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(
      'BAD_FORMAT',
      `This is not a Backprop Studio ${what}: expected a JSON object with "format": "${format}".`,
      {
        path: 'format',
      },
    );
  const got = (value as Record<string, unknown>)['format'];
  if (got !== format) {
    const other = typeof got === 'string' ? NAMES[got] : undefined;
    const message =
      other !== undefined
        ? `This is a Backprop Studio ${other}, not a ${what} (its "format" is "${String(got)}").`
        : got === undefined
          ? `This is not a Backprop Studio ${what}: it has no "format" field (expected "${format}").`
          : `This is not a Backprop Studio ${what}: "format" is ${JSON.stringify(got).slice(0, 80)}, expected "${format}".`;
    fail('BAD_FORMAT', message, { path: 'format' });
  }
  const v = (value as Record<string, unknown>)['version'];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    fail(
      'BAD_FILE',
      `Invalid ${what}: version must be a whole number from 1 (got ${JSON.stringify(v) ?? 'nothing'}).`,
      {
        path: 'version',
      },
    );
  if (v > version)
    fail(
      'UNSUPPORTED_VERSION',
      `This ${what} has format version ${v}, made by a newer Backprop Studio; this one reads version ${version}. Update Backprop Studio to open it.`,
      { path: 'version' },
    );
}
