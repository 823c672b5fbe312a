/**
 * The last few projects opened or saved, kept in the window's storage with their text so that the
 * toolbar's Recent menu reopens them.
 */
const RECENT_KEY = 'backprop-studio:recent';
/** Projects larger than this are not kept as recent projects. */
const MAX_RECENT_CHARS = 2_000_000;
const MAX_RECENT = 5;

export interface RecentProject {
  name: string;
  text: string;
}

/** The recent projects kept (malformed entries are skipped). */
export function readRecent(): RecentProject[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v)
      ? v
          .filter((x): x is RecentProject => typeof x?.name === 'string' && typeof x?.text === 'string')
          .slice(0, MAX_RECENT)
      : [];
  } catch {
    return [];
  }
}

/** `list` with `name` moved to the front, stored; unchanged when the project is too large to keep. */
export function rememberRecent(list: RecentProject[], name: string, text: string): RecentProject[] {
  if (text.length > MAX_RECENT_CHARS) return list;
  const next = [{ name, text }, ...list.filter((r) => r.name !== name)].slice(0, MAX_RECENT);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(next));
  } catch {
    // storage full
  }
  return next;
}
