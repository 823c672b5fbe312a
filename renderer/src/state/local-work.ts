/**
 * Where a window keeps work between sessions: unsaved work for crash recovery (the desktop shell's
 * recovery files, or the browser's storage) and, in the browser, the last few projects opened or saved.
 */
import { desktop } from '../lib/desktop.ts';

const RECOVERY_KEY = 'backprop-studio:recovery';
const RECENT_KEY = 'backprop-studio:recent';
/** Projects larger than this are not copied into browser storage as recent projects. */
const MAX_RECENT_CHARS = 2_000_000;

export interface RecentProject {
  name: string;
  text: string;
}

/** Keeps `text` (the project `name`) for recovery; rejects when the desktop shell cannot write it (browser storage is best effort). */
export async function writeRecovery(text: string, name: string): Promise<void> {
  const bridge = desktop();
  if (bridge) return bridge.writeRecovery(text, name.slice(0, 200));
  try {
    localStorage.setItem(RECOVERY_KEY, text);
  } catch {
    // storage full: recovery in the browser is best effort
  }
}

/** Work an earlier session left unsaved, if any. */
export async function readRecovery(): Promise<string | null> {
  const bridge = desktop();
  try {
    return bridge ? await bridge.readRecovery() : localStorage.getItem(RECOVERY_KEY);
  } catch {
    return null;
  }
}

/** Forgets the recovery copy (after a save, or when the person discards it). */
export function clearRecovery(): void {
  const bridge = desktop();
  if (bridge) void bridge.clearRecovery().catch(() => undefined);
  else localStorage.removeItem(RECOVERY_KEY);
}

/** The recent projects kept in browser storage (at most five; malformed entries are skipped). */
export function readRecent(): RecentProject[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v)
      ? v
          .filter((x): x is RecentProject => typeof x?.name === 'string' && typeof x?.text === 'string')
          .slice(0, 5)
      : [];
  } catch {
    return [];
  }
}

/** `list` with `name` moved to the front, stored; unchanged when the project is too large to keep. */
export function rememberRecent(list: RecentProject[], name: string, text: string): RecentProject[] {
  if (text.length > MAX_RECENT_CHARS) return list;
  const next = [{ name, text }, ...list.filter((r) => r.name !== name)].slice(0, 5);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(next));
  } catch {
    // storage full
  }
  return next;
}
