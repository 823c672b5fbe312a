import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createAppProtocolHandler, resolveAppRequest } from '../../electron/app-protocol.ts';
import {
  CONTENT_SECURITY_POLICY,
  cspProblems,
  isAllowedNavigation,
  isPermissionAllowed,
  isSafeExternalUrl,
  isTrustedSender,
  parseCsp,
} from '../../electron/security.ts';

vi.mock('electron', () => ({}));

describe('openExternal', () => {
  it.each([
    ['https://example.org/docs', true],
    ['https://github.com/x/y#readme', true],
    ['http://example.org/', false],
    ['file:///etc/passwd', false],
    ['file://server/share/x.exe', false],
    ['smb://server/share', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['vbscript:msgbox', false],
    ['ms-msdt:/id PCWDiagnostic', false],
    ['search-ms:query=x', false],
    ['mailto:a@b.c', false],
    ['ftp://example.org/', false],
    ['app://bundle/index.html', false],
    ['https://user:pass@example.org/', false],
    ['HTTPS://EXAMPLE.ORG/', true],
    [' https://example.org', true],
    ['https:', false],
    ['//example.org', false],
    ['not a url', false],
    ['', false],
  ])('%s → %s', (url, ok) => {
    expect(isSafeExternalUrl(url)).toBe(ok);
  });
});

describe('navigation', () => {
  const app = ['app://bundle'];
  const dev = ['app://bundle', 'http://localhost:5173'];
  it.each([
    ['app://bundle/index.html', app, true],
    ['app://bundle/', app, true],
    ['app://other/index.html', app, false],
    ['app://bundle.evil.com/index.html', app, false],
    ['https://evil.example/', app, false],
    ['http://localhost:5173/', app, false],
    ['http://localhost:5173/', dev, true],
    ['http://localhost:5174/', dev, false],
    ['file:///work/out/renderer/index.html', app, false],
    ['javascript:alert(1)', app, false],
    ['data:text/html,hi', app, false],
    ['about:blank', app, false],
    ['chrome://settings', app, false],
    ['', app, false],
  ])('%s (allowed %j) → %s', (url, origins, ok) => {
    expect(isAllowedNavigation(url, origins)).toBe(ok);
  });
});

describe('IPC senders', () => {
  const expected = { webContentsId: 7, origins: ['app://bundle'] };
  it.each([
    [{ webContentsId: 7, frameUrl: 'app://bundle/index.html', isMainFrame: true }, true],
    [{ webContentsId: 8, frameUrl: 'app://bundle/index.html', isMainFrame: true }, false],
    [{ webContentsId: 7, frameUrl: 'app://bundle/index.html', isMainFrame: false }, false],
    [{ webContentsId: 7, frameUrl: 'https://evil.example/', isMainFrame: true }, false],
    [{ webContentsId: 7, frameUrl: 'file:///etc/x.html', isMainFrame: true }, false],
    [{ webContentsId: 7, frameUrl: 'about:blank', isMainFrame: true }, false],
    [{ webContentsId: 7, frameUrl: null, isMainFrame: true }, false],
  ])('%j → %s', (sender, ok) => {
    expect(isTrustedSender(sender, expected)).toBe(ok);
  });
  it('trusts no one before the window exists', () => {
    expect(
      isTrustedSender(
        { webContentsId: 7, frameUrl: 'app://bundle/', isMainFrame: true },
        { webContentsId: null, origins: ['app://bundle'] },
      ),
    ).toBe(false);
  });
  it('grants no permission', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem'])
      expect(isPermissionAllowed(p)).toBe(false);
  });
});

describe('app:// protocol paths', () => {
  const root = join(sep, 'app', 'out', 'renderer');
  it.each([
    ['app://bundle/index.html', join(root, 'index.html')],
    ['app://bundle/', join(root, 'index.html')],
    ['app://bundle', join(root, 'index.html')],
    ['app://bundle/assets/index-abc.js', join(root, 'assets', 'index-abc.js')],
    ['app://bundle/assets/index-abc.js?v=1#x', join(root, 'assets', 'index-abc.js')],
    ['app://bundle/assets/a%20b.png', join(root, 'assets', 'a b.png')],
  ])('%s → a file under the root', (url, path) => {
    expect(resolveAppRequest(url, root)).toEqual({ ok: true, path });
  });

  it.each([
    'app://bundle/../../etc/passwd',
    'app://bundle/assets/../../../etc/passwd',
    'app://bundle/%2e%2e/%2e%2e/etc/passwd',
    'app://bundle/%2E%2E/secret',
    'app://bundle/.%2e/secret',
    'app://bundle/assets%2f..%2f..%2fsecret',
    'app://bundle/..%5c..%5csecret',
    'app://bundle/..\\..\\secret',
    'app://bundle/assets\\index.js',
    'app://bundle//etc/passwd',
    'app://bundle/C:/Windows/win.ini',
    'app://bundle/assets/c:secret',
    'app://bundle/index.html%00.png',
    'app://bundle/index.html\0',
    'app://bundle/./index.html',
    'app://bundle/assets/',
    'app://other/index.html',
    'app://user:pw@bundle/index.html',
    'file:///etc/passwd',
    'https://bundle/index.html',
    'app://bundle/%E0%A4%A',
    'not a url',
  ])('%s is refused', (url) => {
    expect(resolveAppRequest(url, root).ok).toBe(false);
  });

  const dir = mkdtempSync(join(tmpdir(), 'bps-proto-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('serves files with the policy header and refuses the rest', async () => {
    const site = join(dir, 'renderer');
    mkdirSync(join(site, 'assets'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html>');
    writeFileSync(join(site, 'assets', 'a.js'), 'export {}');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    const handle = createAppProtocolHandler(site);
    const page = await handle(new Request('app://bundle/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe('<!doctype html>');
    expect((await handle(new Request('app://bundle/assets/a.js'))).headers.get('content-type')).toMatch(
      /javascript/,
    );
    expect((await handle(new Request('app://bundle/missing.js'))).status).toBe(404);
    // Request() resolves dot segments itself; either way nothing outside the root is served.
    for (const url of [
      'app://bundle/%2e%2e/secret.txt',
      'app://bundle/../secret.txt',
      'app://bundle/assets/../../secret.txt',
    ])
      expect([403, 404]).toContain((await handle(new Request(url))).status);
    expect((await handle(new Request('app://bundle/index.html', { method: 'POST', body: 'x' }))).status).toBe(
      405,
    );
  });
});

describe('Content Security Policy', () => {
  it('the policy main sends has no problems', () => {
    expect(cspProblems(CONTENT_SECURITY_POLICY)).toEqual([]);
    const d = parseCsp(CONTENT_SECURITY_POLICY);
    expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('the page repeats a policy at least as strict in its meta tag', () => {
    const html = readFileSync(join(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    expect(cspProblems(meta!)).toEqual([]);
  });

  it.each([
    [
      "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'",
      "script-src allows 'unsafe-inline'",
    ],
    [
      "default-src 'self'; script-src 'self' 'unsafe-eval'; object-src 'none'; base-uri 'none'",
      "script-src allows 'unsafe-eval'",
    ],
    [
      "default-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'",
      "default-src allows 'unsafe-inline'",
    ],
    ["default-src *; object-src 'none'; base-uri 'none'", 'default-src allows any origin'],
    [
      "script-src 'self' http://cdn.example; object-src 'none'; base-uri 'none'",
      'script-src allows plain http',
    ],
    ["script-src 'self' data:; object-src 'none'; base-uri 'none'", 'script-src allows data: URLs'],
    [
      "worker-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'",
      "worker-src allows 'unsafe-inline'",
    ],
    ["script-src 'self'; base-uri 'none'", "object-src is not 'none'"],
    ["script-src 'self'; object-src 'none'", "base-uri is not 'none'"],
    ["style-src 'self'; object-src 'none'; base-uri 'none'", 'no script-src or default-src'],
  ])('%s → %s', (policy, problem) => {
    expect(cspProblems(policy)).toContain(problem);
  });
});
