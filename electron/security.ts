/**
 * The security decisions of the shell as small pure functions: which URLs may be opened outside the
 * app, where the window may navigate, which IPC senders are trusted, and what the Content Security
 * Policy allows. Main wires them to Electron; the tests drive them from tables.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * The policy sent as a header by the app:// handler (the page repeats it in a meta tag). Scripts only
 * from the bundle; 'wasm-unsafe-eval' lets WebAssembly compile (engine kernels) without allowing
 * eval; inline styles are allowed because Svelte Flow and Chart.js position elements with them.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Splits a policy into directive → sources. */
export function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/** What is wrong with a policy for this app; empty when it is strict enough. */
export function cspProblems(policy: string): string[] {
  const d = parseCsp(policy);
  const problems: string[] = [];
  const scripts = d.get('script-src') ?? d.get('default-src');
  if (!scripts) problems.push('no script-src or default-src');
  for (const [name, sources] of d) {
    if (sources.includes("'unsafe-eval'")) problems.push(`${name} allows 'unsafe-eval'`);
    if (sources.includes('*')) problems.push(`${name} allows any origin`);
    if (sources.some((s) => /^(http|ws):/.test(s))) problems.push(`${name} allows plain http`);
  }
  for (const name of ['script-src', 'worker-src', 'default-src']) {
    const sources = d.get(name) ?? [];
    if (sources.includes("'unsafe-inline'")) problems.push(`${name} allows 'unsafe-inline'`);
    if (sources.includes('data:')) problems.push(`${name} allows data: URLs`);
  }
  if (d.get('object-src')?.join(' ') !== "'none'") problems.push("object-src is not 'none'");
  if (d.get('base-uri')?.join(' ') !== "'none'") problems.push("base-uri is not 'none'");
  return problems;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** `scheme://host[:port]` for http(s) and the app scheme; null for anything else. */
export function originOf(url: string): string | null {
  const u = parse(url);
  if (!u) return null;
  if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return APP_ORIGIN;
  return null;
}

/** Links that may leave the app for the system browser: https only, no credentials in the URL. */
export function isSafeExternalUrl(url: string): boolean {
  const u = parse(url);
  return !!u && u.protocol === 'https:' && !!u.hostname && !u.username && !u.password;
}

/** The window may only (re)load its own pages: the app bundle, or the dev server in development. */
export function isAllowedNavigation(url: string, allowedOrigins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && allowedOrigins.includes(origin);
}

/** What main knows about the sender of an IPC message. */
export interface SenderInfo {
  /** `webContents.id` of the sender. */
  webContentsId: number;
  /** URL of the sending frame (null when the frame is gone). */
  frameUrl: string | null;
  /** The sending frame is the top-level frame. */
  isMainFrame: boolean;
}

/** Trusted: the main window's top frame, showing the app's own origin. */
export function isTrustedSender(
  s: SenderInfo,
  expected: { webContentsId: number | null; origins: readonly string[] },
): boolean {
  if (expected.webContentsId === null || s.webContentsId !== expected.webContentsId) return false;
  if (!s.isMainFrame || s.frameUrl === null) return false;
  return isAllowedNavigation(s.frameUrl, expected.origins);
}

/** Permissions the window may be granted (none: the app needs no camera, location, notifications…). */
export const ALLOWED_PERMISSIONS: readonly string[] = [];

export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.includes(permission);
}
