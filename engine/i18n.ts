/**
 * Message catalogues: `locales/<lang>/<namespace>.json`, nested objects of templates with i18next-style
 * `{{name}}` placeholders. The engine renders its English `message` from them; the CLI, the desktop
 * shell and the renderer render the same error in the user's language with `formatError`.
 */
import engineEn from '../locales/en/engine.json' with { type: 'json' };
import engineZh from '../locales/zh-CN/engine.json' with { type: 'json' };

export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

/** A message as data: a key and its parameters, rendered in whichever language is asked for. */
export interface MessageRef {
  key: string;
  params?: MessageParams;
}
export type MessageParam = string | number | boolean | null | MessageRef | MessageParam[];
export interface MessageParams {
  [name: string]: MessageParam;
}

/** A message as data on its way to the user: its English text and the catalogue words it was rendered from. */
export interface CataloguedMessage {
  /** English text, rendered from `key` and `params` when there is a key. */
  message: string;
  /** Message id in `locales/<lang>/engine.json`, e.g. `graph.node.unitsRange`. */
  key?: string;
  /** Values for the key's `{{placeholders}}`: plain JSON, nested messages as `{ key, params }`. */
  params?: MessageParams;
}

/** A catalogue file: templates, grouped by nested objects (`graph.node.unitsRange`). */
export interface Catalogue {
  [key: string]: string | Catalogue;
}

/** The language for a locale such as `zh_CN.UTF-8`, `zh-TW` or `en-GB`: zh* → zh-CN, else en. */
export function langFromLocale(locale: string | undefined | null): Lang {
  return /^zh\b|^zh[-_]/i.test(locale ?? '') ? 'zh-CN' : 'en';
}

/** The template at dotted `key`, if the catalogue has one. */
export function lookup(catalogue: Catalogue, key: string): string | undefined {
  let node: string | Catalogue | undefined = catalogue;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** Every dotted key of a catalogue. */
export function catalogueKeys(catalogue: Catalogue, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : catalogueKeys(v, `${prefix}${k}.`),
  );
}

const isRef = (v: MessageParam): v is MessageRef =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.key === 'string';

/** One namespace (`engine`, `cli`, `desktop`) in every language. */
export type Catalogues = Record<Lang, Catalogue>;

/**
 * A translator over namespaces searched in order: `t(lang, key, params)` fills `{{name}}` from params
 * (nested messages are rendered in the same language, lists joined by `common.listSeparator`); a key
 * the language lacks falls back to English, and a key English lacks renders as itself.
 */
export function createTranslator(...namespaces: Catalogues[]) {
  const find = (lang: Lang, key: string): string | undefined => {
    for (const ns of namespaces) {
      const found = lookup(ns[lang], key);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const t = (lang: Lang, key: string, params: MessageParams = {}): string => {
    const template = find(lang, key) ?? find('en', key);
    if (template === undefined) return key;
    const value = (v: MessageParam | undefined): string => {
      if (v === undefined) return '';
      if (Array.isArray(v)) return v.map(value).join(t(lang, 'common.listSeparator'));
      if (isRef(v)) return t(lang, v.key, v.params);
      return String(v);
    };
    return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) =>
      Object.hasOwn(params, name) ? value(params[name]) : `{{${name}}}`,
    );
  };
  return t;
}

/** The engine's catalogues (errors and the words they use). */
export const ENGINE_CATALOGUES: Catalogues = { en: engineEn, 'zh-CN': engineZh };

/** Renders an engine message in `lang`. */
export const renderMessage = createTranslator(ENGINE_CATALOGUES);

/** Whether the engine catalogue has `key` in English. */
export function hasMessage(key: string): boolean {
  return lookup(ENGINE_CATALOGUES.en, key) !== undefined;
}

/** An error for the user, in `lang`; errors without a catalogued key keep their English message. */
export function formatError(info: CataloguedMessage, lang: Lang): string {
  if (info.key === undefined || !hasMessage(info.key)) return info.message;
  return renderMessage(lang, info.key, info.params ?? {});
}

const NOUNS = new Map(
  Object.entries((engineEn as Catalogue)['noun'] as Record<string, string>).map(([k, v]) => [v, `noun.${k}`]),
);

/** An English noun the engine passes around ("weights file") as a catalogue message, so it translates. */
export function noun(what: string): MessageParam {
  const key = NOUNS.get(what);
  return key !== undefined ? { key } : what;
}
