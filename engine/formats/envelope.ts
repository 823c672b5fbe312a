/**
 * The two fields every file starts with: `format` says what it is, `version` which layout. Checked
 * before the schema so that a wrong or newer file gets a message about that, not about its fields.
 */
import { fail } from '../errors.ts';
import { noun } from '../i18n.ts';

/** `format` of a weights file. */
export const WEIGHTS_FORMAT = 'backprop-studio/weights';
/** `format` of a project file. */
export const PROJECT_FORMAT = 'backprop-studio/project';

const NAMES: Record<string, string> = { [WEIGHTS_FORMAT]: 'weights file', [PROJECT_FORMAT]: 'project file' };

/** Checks `format` and `version` of parsed JSON; throws BAD_FORMAT or UNSUPPORTED_VERSION. */
export function checkEnvelope(value: unknown, format: string, version: number): void {
  const what = noun(NAMES[format] ?? format);
  const where = { path: 'format' };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('BAD_FORMAT', 'file.notObject', { what, format }, where);
  const got = (value as Record<string, unknown>)['format'];
  if (got !== format) {
    const other = typeof got === 'string' ? NAMES[got] : undefined;
    if (other !== undefined)
      fail('BAD_FORMAT', 'file.otherKind', { what, other: noun(other), got: String(got) }, where);
    if (got === undefined) fail('BAD_FORMAT', 'file.noFormat', { what, format }, where);
    fail('BAD_FORMAT', 'file.wrongFormat', { what, got: JSON.stringify(got).slice(0, 80), format }, where);
  }
  const v = (value as Record<string, unknown>)['version'];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    fail(
      'BAD_FILE',
      'file.badVersion',
      { what, got: JSON.stringify(v) ?? { key: 'issue.value.nothing' } },
      { path: 'version' },
    );
  if (v > version)
    fail('UNSUPPORTED_VERSION', 'file.newerVersion', { what, v, version }, { path: 'version' });
}
