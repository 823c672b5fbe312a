/** Main's refusals and failures as the window receives them from a rejected desktop bridge call. */
import { BRIDGE_ERROR_PREFIX, IPC_ERROR_CODES } from '../../../electron/contract.ts';
import type { IpcErrorCode, IpcErrorParams } from '../../../electron/contract.ts';

/** A desktop call that main refused or failed: its code and the facts it is worded from. */
export interface DesktopFailure {
  code: IpcErrorCode;
  params: IpcErrorParams;
}

/**
 * Reads main's error back out of a rejected bridge call (the bridge passes only an Error's message, so
 * the preload puts the error there as JSON); null for anything else.
 */
export function desktopFailure(e: unknown): DesktopFailure | null {
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  const at = message.indexOf(BRIDGE_ERROR_PREFIX);
  if (at < 0) return null;
  try {
    const v = JSON.parse(message.slice(at + BRIDGE_ERROR_PREFIX.length)) as Partial<DesktopFailure> | null;
    if (!v || !(IPC_ERROR_CODES as readonly unknown[]).includes(v.code)) return null;
    const p = (typeof v.params === 'object' && v.params) || {};
    const params: IpcErrorParams = {};
    if (typeof p.name === 'string') params.name = p.name;
    if (typeof p.mb === 'number') params.mb = p.mb;
    if (typeof p.errno === 'string') params.errno = p.errno;
    return { code: v.code as IpcErrorCode, params };
  } catch {
    return null;
  }
}
