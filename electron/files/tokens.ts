/**
 * Opaque file tokens: the window never sees a path. Main grants a token when the person picks a file
 * in a dialog, drops one on the window, or reopens a recent one, and keeps token → path here. A token
 * only reaches the file it was granted for, and only for what the grant allows.
 */
import { randomUUID } from 'node:crypto';
import type { FileKind } from '../contract.ts';

export type Access = 'read' | 'write' | 'read-write';

export interface Grant {
  path: string;
  kind: FileKind;
  access: Access;
}

export interface TokenStore {
  /** A token for `path`; the same file and kind get the same token, with the access widened. */
  grant(path: string, kind: FileKind, access: Access): string;
  get(token: string): Grant | undefined;
  canRead(token: string): boolean;
  canWrite(token: string): boolean;
  size(): number;
}

const TOKEN_RE = /^[0-9a-f-]{36}$/;

/** Tokens look like UUIDs; anything else is refused before a lookup. */
export function isTokenShape(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_RE.test(token);
}

function widen(a: Access, b: Access): Access {
  return a === b ? a : 'read-write';
}

export function createTokenStore(newToken: () => string = randomUUID): TokenStore {
  const grants = new Map<string, Grant>();
  const byFile = new Map<string, string>();
  const get = (token: string) => (isTokenShape(token) ? grants.get(token) : undefined);
  return {
    grant(path, kind, access) {
      const key = `${kind}\0${path}`;
      const known = byFile.get(key);
      if (known) {
        const g = grants.get(known)!;
        g.access = widen(g.access, access);
        return known;
      }
      const token = newToken();
      grants.set(token, { path, kind, access });
      byFile.set(key, token);
      return token;
    },
    get,
    canRead: (token) => {
      const a = get(token)?.access;
      return a === 'read' || a === 'read-write';
    },
    canWrite: (token) => {
      const a = get(token)?.access;
      return a === 'write' || a === 'read-write';
    },
    size: () => grants.size,
  };
}
