/**
 * The app:// protocol that serves the built renderer (instead of file://, which would give the page
 * the whole disk as its origin). Requests map onto files under one root folder; anything that could
 * leave it (.., encoded dots, backslashes, drive letters, null bytes) is refused, not normalised.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security.ts';

export type AppRequest = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404 };

/** Maps an app:// URL onto a file under `root`, or says why not. */
export function resolveAppRequest(url: string, root: string): AppRequest {
  if (url.includes('\0') || url.includes('\\')) return { ok: false, status: 400 };
  // Dot segments are refused as written, before the URL parser can quietly resolve them.
  if (/%2e|%2f|%5c|%00/i.test(url) || /\/\.{1,2}(?=[/?#]|$)/.test(url)) return { ok: false, status: 403 };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400 };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { ok: false, status: 403 };
  if (u.username || u.password) return { ok: false, status: 403 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  if (!pathname.startsWith('/') || pathname.startsWith('//')) return { ok: false, status: 403 };
  const segments = pathname.slice(1).split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') return { ok: false, status: 403 };
    if (/[\0\\:*?"<>|]/.test(s) || s.includes('%')) return { ok: false, status: 403 };
  }
  const path = join(root, ...segments);
  const rel = relative(root, path);
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..'))
    return { ok: false, status: 403 };
  return { ok: true, path };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers on every app:// response: the policy, and no MIME sniffing. */
export function appResponseHeaders(path: string): Record<string, string> {
  return {
    'Content-Type': MIME[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/** The protocol handler: a Request in, a Response out (files read from `root`). */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const r = resolveAppRequest(request.url, root);
    if (!r.ok) return new Response(null, { status: r.status });
    try {
      const body = await readFile(r.path);
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: appResponseHeaders(r.path),
      });
    } catch {
      return new Response(null, { status: 404 });
    }
  };
}
