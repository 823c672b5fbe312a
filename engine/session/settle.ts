/** How the service answers: with a value, or with what went wrong as an error value (never a rejection). */
import { EngineError, engineError } from '../errors.ts';
import type { EngineErrorInfo, Result } from '../errors.ts';

/**
 * A thrown value as an error for the user: an EngineError as it is; anything else (a bug) as INTERNAL,
 * worded by the catalogue with the exception's own text kept as the technical detail.
 */
export function errorInfo(e: unknown): EngineErrorInfo {
  if (e instanceof EngineError) return e.toInfo();
  return engineError('INTERNAL', 'request.internal', { detail: String((e as Error)?.message ?? e) }).toInfo();
}

/** Turns a thrown error into an error value (see `errorInfo`). */
export function settle<T>(fn: () => T): Result<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, error: errorInfo(e) };
  }
}
