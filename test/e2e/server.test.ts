/** The static server the browser tests use: content types, and no way out of its directory. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside, startStaticServer } from './server.ts';
import type { StaticServer } from './server.ts';

let dir: string;
let server: StaticServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backprop-e2e-server-'));
  mkdirSync(join(dir, 'site/assets'), { recursive: true });
  writeFileSync(join(dir, 'secret.txt'), 'outside the root');
  const files: Record<string, string> = {
    'index.html': '<!doctype html><title>t</title>',
    'assets/app.js': 'export {};',
    'assets/worker.mjs': 'export {};',
    'assets/kernels.wasm': '\0asm',
    'assets/style.css': 'body{}',
    'assets/data.json': '{}',
    'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'site', name), text);
  server = await startStaticServer(join(dir, 'site'));
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A request exactly as written (fetch would normalise `..` away before sending it). */
function rawGet(path: string): Promise<string> {
  const { port, hostname } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`),
    );
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('end', () => resolve(data.split('\r\n')[0]!));
    socket.on('error', reject);
  });
}

describe('static server', () => {
  it.each([
    ['', 'text/html; charset=utf-8'],
    ['index.html', 'text/html; charset=utf-8'],
    ['assets/app.js', 'text/javascript; charset=utf-8'],
    ['assets/worker.mjs', 'text/javascript; charset=utf-8'],
    ['assets/kernels.wasm', 'application/wasm'],
    ['assets/style.css', 'text/css; charset=utf-8'],
    ['assets/data.json', 'application/json; charset=utf-8'],
    ['icon.svg', 'image/svg+xml'],
  ])('serves /%s as %s', async (path, type) => {
    const r = await fetch(server.url + path);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(type);
  });

  it('answers 404 for a missing file and 405 for anything but GET and HEAD', async () => {
    expect((await fetch(`${server.url}nope.js`)).status).toBe(404);
    expect((await fetch(`${server.url}assets/`)).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    const head = await fetch(`${server.url}assets/app.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('10');
  });

  it('refuses paths that climb out of the root, however they are spelt', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%5csecret.txt',
    ])
      expect(await rawGet(path), path).toBe('HTTP/1.1 403 Forbidden');
    expect(await rawGet('/%E0%A4%A')).toBe('HTTP/1.1 403 Forbidden'); // malformed escape
    expect(resolveInside('/srv/web', '/a/../../etc/passwd')).toBeNull();
    expect(resolveInside('/srv/web', '/a/b.js?x=1#y')).toBe('/srv/web/a/b.js');
    expect(resolveInside('/srv/web', '/')).toBe('/srv/web/index.html');
  });
});
