/**
 * The renderer's catalogues (locales/<lng>/app.json): both languages have the same keys (plural forms
 * aside: each language has the forms its plural rules need) with the same {{variables}}, and every key
 * is used: a literal t('…') key somewhere in renderer/src, or one of the DYNAMIC_KEYS built at run time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DYNAMIC_KEYS } from './dynamic-keys.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const LANGS = ['en', 'zh-CN'] as const;
const PLURAL = /_(zero|one|two|few|many|other)$/;

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const catalogue = (lng: string) =>
  flatten(JSON.parse(readFileSync(join(ROOT, 'locales', lng, 'app.json'), 'utf8')) as Tree);

/** Keys without plural suffixes → their forms (suffixes, '' for none) and their variables. */
function byBase(entries: Map<string, string>): Map<string, { forms: Set<string>; vars: Set<string> }> {
  const out = new Map<string, { forms: Set<string>; vars: Set<string> }>();
  for (const [key, text] of entries) {
    const m = PLURAL.exec(key);
    const base = m ? key.slice(0, m.index) : key;
    const e = out.get(base) ?? { forms: new Set<string>(), vars: new Set<string>() };
    e.forms.add(m?.[1] ?? '');
    for (const v of text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)) e.vars.add(v[1]!);
    out.set(base, e);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sourceFiles(join(dir, d.name))
      : /\.(ts|svelte)$/.test(d.name)
        ? [join(dir, d.name)]
        : [],
  );
}

const SOURCES = sourceFiles(join(ROOT, 'renderer/src')).map((f) => ({
  file: f,
  text: readFileSync(f, 'utf8'),
}));
/** t('a.b'), t("a.b"), t(`a.b`) (no ${…}), and the same through td(). */
const LITERAL = /\bt[d]?\(\s*(?:'([^']+)'|"([^"]+)"|`([^`$]+)`)/g;
/** Keys built from a template: t(`blocks.${kind}.label`). */
const TEMPLATE = /\bt[d]?\(\s*`([^`]*\$\{[^`]*)`/g;

const literalKeys = new Set(
  SOURCES.flatMap(({ text }) => [...text.matchAll(LITERAL)].map((m) => m[1] ?? m[2] ?? m[3]!)),
);
const templates = SOURCES.flatMap(({ file, text }) =>
  [...text.matchAll(TEMPLATE)].map((m) => ({ file, template: m[1]! })),
);

const catalogues = Object.fromEntries(LANGS.map((l) => [l, byBase(catalogue(l))])) as Record<
  (typeof LANGS)[number],
  ReturnType<typeof byBase>
>;

describe('app catalogues', () => {
  it('have the same keys in English and Chinese', () => {
    const en = [...catalogues.en.keys()].sort();
    const zh = [...catalogues['zh-CN'].keys()].sort();
    expect(
      zh.filter((k) => !catalogues.en.has(k)),
      'only in zh-CN',
    ).toEqual([]);
    expect(
      en.filter((k) => !catalogues['zh-CN'].has(k)),
      'only in en',
    ).toEqual([]);
  });

  it.each(LANGS)('%s: plural keys have the forms the language needs', (lng) => {
    const needed = new Intl.PluralRules(lng).resolvedOptions().pluralCategories;
    const plural = [...catalogues.en].filter(([, e]) => !e.forms.has(''));
    const missing = plural.flatMap(([base]) => {
      const forms = catalogues[lng].get(base)?.forms ?? new Set();
      return needed.filter((c) => !forms.has(c)).map((c) => `${base}_${c}`);
    });
    expect(missing).toEqual([]);
  });

  it('use the same {{variables}} for each key in both languages', () => {
    const differ = [...catalogues.en].flatMap(([base, e]) => {
      const zh = catalogues['zh-CN'].get(base);
      const a = [...e.vars].sort().join(',');
      const b = [...(zh?.vars ?? [])].sort().join(',');
      return a === b ? [] : [`${base}: en {${a}} zh-CN {${b}}`];
    });
    expect(differ).toEqual([]);
  });

  it('have every key the code names', () => {
    const unknown = [...literalKeys, ...DYNAMIC_KEYS].filter((k) => !catalogues.en.has(k));
    expect(unknown).toEqual([]);
  });

  it('list the expansions of every key built at run time in DYNAMIC_KEYS', () => {
    expect(templates.length).toBeGreaterThan(0);
    const uncovered = templates.filter(({ template }) => {
      const re = new RegExp(
        `^${template
          .split(/\$\{[^}]*\}/)
          .map((p) => p.replace(/[.*+?^()[\]{}|\\]/g, '\\$&'))
          .join('[^.]+')}$`,
      );
      return !DYNAMIC_KEYS.some((k) => re.test(k));
    });
    expect(uncovered).toEqual([]);
  });

  it('have no unused keys', () => {
    const used = new Set([...literalKeys, ...DYNAMIC_KEYS]);
    expect([...catalogues.en.keys()].filter((k) => !used.has(k))).toEqual([]);
  });
});
