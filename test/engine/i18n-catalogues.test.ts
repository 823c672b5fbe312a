/**
 * The message catalogues: English and Chinese have the same keys with the same {{params}}, every key the
 * code uses exists, and every key a catalogue holds is used somewhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueKeys, lookup } from '../../engine/i18n.ts';
import type { Catalogue } from '../../engine/i18n.ts';

const root = join(import.meta.dirname, '../..');
const load = (lang: string, ns: string) =>
  JSON.parse(readFileSync(join(root, 'locales', lang, `${ns}.json`), 'utf8')) as Catalogue;
const params = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

function sources(dir: string, skip: (path: string) => boolean = () => false): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (skip(rel)) return [];
    if (statSync(join(root, rel)).isDirectory()) return sources(rel, skip);
    return rel.endsWith('.ts') ? [readFileSync(join(root, rel), 'utf8')] : [];
  });
}

/** Literals shaped like keys that are not message keys (paths inside files). */
const NOT_KEYS = new Set(['graph.nodes']);

/** Keys written as literals ('graph.cycle') and prefixes of keys built in templates (`request.state.${s}`). */
function referenced(code: string[], groups: Set<string>) {
  const literals = new Set<string>();
  const prefixes = new Set<string>();
  for (const text of code) {
    for (const m of text.matchAll(/['"`]([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+)['"`]/g))
      if (groups.has(m[1]!.split('.')[0]!) && !NOT_KEYS.has(m[1]!)) literals.add(m[1]!);
    for (const m of text.matchAll(/`([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*\.)\$\{/g))
      if (groups.has(m[1]!.split('.')[0]!)) prefixes.add(m[1]!);
  }
  return { literals, prefixes };
}

const NAMESPACES = [
  // engine: everything in engine/ but the CLI (own catalogue); the renderer uses it through formatError.
  { ns: 'engine', code: () => sources('engine', (p) => p.startsWith(join('engine', 'cli'))) },
  { ns: 'cli', code: () => sources(join('engine', 'cli')) },
  { ns: 'desktop', code: () => sources('electron') },
];

describe('message catalogues', () => {
  it.each(NAMESPACES)('$ns: en and zh-CN have the same keys and the same {{params}}', ({ ns }) => {
    const en = load('en', ns);
    const zh = load('zh-CN', ns);
    expect(catalogueKeys(zh).sort()).toEqual(catalogueKeys(en).sort());
    for (const key of catalogueKeys(en)) {
      expect(params(lookup(zh, key)!), `${ns}:${key}`).toEqual(params(lookup(en, key)!));
      expect(lookup(zh, key)!.trim(), `${ns}:${key} is empty`).not.toBe('');
    }
  });

  it.each(NAMESPACES)('$ns: every key the code names exists', ({ ns, code }) => {
    const en = load('en', ns);
    const engine = load('en', 'engine');
    const { literals, prefixes } = referenced(code(), new Set(Object.keys(en)));
    expect(literals.size).toBeGreaterThan(10);
    const missing = [...literals].filter(
      (k) => lookup(en, k) === undefined && lookup(engine, k) === undefined,
    );
    expect(missing).toEqual([]);
    for (const p of prefixes)
      expect(
        catalogueKeys(en).some((k) => k.startsWith(p)),
        p,
      ).toBe(true);
  });

  it.each(NAMESPACES)('$ns: every key is used', ({ ns, code }) => {
    const en = load('en', ns);
    const text = code();
    const { literals, prefixes } = referenced(text, new Set(Object.keys(en)));
    const all = text.join('\n');
    const unused = catalogueKeys(en).filter(
      (k) =>
        !literals.has(k) &&
        ![...prefixes].some((p) => k.startsWith(p)) &&
        // nouns are passed as the English words themselves and looked up by `noun()`
        !(k.startsWith('noun.') && all.includes(`'${lookup(en, k)}'`)),
    );
    expect(unused).toEqual([]);
  });

  it('the CLI catalogue does not shadow engine keys', () => {
    const engine = new Set(catalogueKeys(load('en', 'engine')));
    expect(catalogueKeys(load('en', 'cli')).filter((k) => engine.has(k))).toEqual([]);
  });
});
