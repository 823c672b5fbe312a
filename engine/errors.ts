/**
 * One catalogue of error codes. Errors cross process boundaries and reach the user as
 * `{ code, key, params, message, nodeId? }`: `key` and `params` name the words in
 * `locales/<lang>/engine.json`, and `message` is their English rendering (see `formatError`).
 */
import { hasMessage, renderMessage } from './i18n.ts';
import type { CataloguedMessage, MessageParams } from './i18n.ts';

export const ERROR_CODES = [
  // graph
  'GRAPH_EMPTY',
  'DUPLICATE_NODE_ID',
  'BAD_NODE',
  'UNKNOWN_INPUT',
  'CYCLE',
  'NO_INPUT',
  'MULTIPLE_INPUTS',
  'NO_OUTPUT',
  'MULTIPLE_OUTPUTS',
  'UNCONNECTED_NODE',
  'ARITY',
  'WIDTH_MISMATCH',
  'SHAPE_MISMATCH',
  'LOSS_ACTIVATION_MISMATCH',
  'SOFTMAX_NOT_AT_OUTPUT',
  'OUTPUT_WIDTH_MISMATCH',
  'INPUT_WIDTH_MISMATCH',
  'TOO_LARGE',
  // training
  'BAD_HYPERPARAMETER',
  'NON_FINITE',
  'NO_DATA',
  // data
  'CSV_EMPTY',
  'CSV_BINARY',
  'CSV_ENCODING',
  'CSV_RAGGED',
  'CSV_PARSE',
  'CSV_HEADER',
  'BAD_CELL',
  'UNKNOWN_COLUMN',
  'MISSING_COLUMN',
  'EXTRA_COLUMN',
  'BAD_TARGET',
  'NO_FEATURES',
  'UNKNOWN_DATASET',
  // files
  'BAD_FILE',
  'BAD_FORMAT',
  'UNSUPPORTED_VERSION',
  'NON_FINITE_EXPORT',
  'UNSUPPORTED_EXPORT',
  // engine host
  'BAD_REQUEST',
  'NO_DATA_LOADED',
  'NO_RUN',
  'BAD_STATE',
  'NOT_PLANAR',
  'ENGINE_CRASHED',
  'ENGINE_HUNG',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A user-facing error: what is wrong, and where (node, row, column, field). */
export interface EngineErrorInfo extends CataloguedMessage {
  code: ErrorCode;
  nodeId?: string;
  row?: number;
  column?: string;
  path?: string;
}

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly key?: string;
  readonly params?: MessageParams;
  readonly nodeId?: string;
  readonly row?: number;
  readonly column?: string;
  readonly path?: string;

  constructor(info: EngineErrorInfo) {
    super(info.message);
    this.name = 'EngineError';
    this.code = info.code;
    if (info.key !== undefined) this.key = info.key;
    if (info.params !== undefined) this.params = info.params;
    if (info.nodeId !== undefined) this.nodeId = info.nodeId;
    if (info.row !== undefined) this.row = info.row;
    if (info.column !== undefined) this.column = info.column;
    if (info.path !== undefined) this.path = info.path;
  }

  toInfo(): EngineErrorInfo {
    const info: EngineErrorInfo = { code: this.code, message: this.message };
    if (this.key !== undefined) info.key = this.key;
    if (this.params !== undefined) info.params = this.params;
    if (this.nodeId !== undefined) info.nodeId = this.nodeId;
    if (this.row !== undefined) info.row = this.row;
    if (this.column !== undefined) info.column = this.column;
    if (this.path !== undefined) info.path = this.path;
    return info;
  }
}

type Where = Omit<EngineErrorInfo, 'code' | 'message' | 'key' | 'params'>;

/**
 * The error for message `key` of the catalogue, its English text rendered from `params`. A `key` the
 * catalogue lacks is taken as the English message itself (call sites not converted yet), with no key.
 */
export function engineError(code: ErrorCode, key: string, params: MessageParams = {}, where: Where = {}) {
  if (!hasMessage(key)) return new EngineError({ code, message: key, ...where });
  return new EngineError({ code, key, params, message: renderMessage('en', key, params), ...where });
}

/** Shorthand for throwing a catalogued error: `fail('ARITY', 'graph.sameInputTwice', { id }, { nodeId: id })`. */
export function fail(code: ErrorCode, key: string, params: MessageParams = {}, where: Where = {}): never {
  throw engineError(code, key, params, where);
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: EngineErrorInfo };

/** Runs `fn`, turning an EngineError into an error value; anything else is a bug and is rethrown. */
export function attempt<T>(fn: () => T): Result<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof EngineError) return { ok: false, error: e.toInfo() };
    throw e;
  }
}
