/**
 * The renderer's language: English or Simplified Chinese, following the system's languages until the
 * person picks one in the toolbar (remembered in localStorage). `t` reads the reactive locale, so
 * markup that calls it re-renders when the language changes. Keys are typed from the English
 * catalogue (see CustomTypeOptions below): a key that does not exist is a compile error.
 */
import i18next from 'i18next';
import type { TFunction } from 'i18next';
import type { EngineErrorInfo } from '../../../engine/errors.ts';
import { formatError, hasMessage, renderMessage } from '../../../engine/i18n.ts';
import en from '../../../locales/en/app.json' with { type: 'json' };
import zhCN from '../../../locales/zh-CN/app.json' with { type: 'json' };
import { desktopFailure } from './desktop-error.ts';
import { fmt as formatNumber, integer as formatInteger, rate as formatRate } from './format.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'app';
    resources: { app: typeof en };
  }
}

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_KEY = 'backprop-studio:locale';

const instance = i18next.createInstance();
void instance.init({
  resources: { en: { app: en }, 'zh-CN': { app: zhCN } },
  lng: 'en',
  fallbackLng: false,
  supportedLngs: [...LOCALES],
  load: 'currentOnly',
  ns: ['app'],
  defaultNS: 'app',
  initAsync: false,
  returnNull: false,
  interpolation: { escapeValue: false }, // Svelte escapes what it renders
});

/** The language the system asks for: any Chinese → zh-CN, anything else → English. */
export function systemLocale(languages: readonly string[] | undefined): Locale {
  return languages?.some((l) => /^zh(?![a-z])/i.test(l)) ? 'zh-CN' : 'en';
}

/** localStorage where there is one (not in Node, where the tests run this module). */
const storage = () =>
  (
    globalThis as {
      localStorage?: { getItem(k: string): string | null; setItem(k: string, v: string): void };
    }
  ).localStorage;

function stored(): Locale | null {
  try {
    const v = storage()?.getItem(LOCALE_KEY);
    return (LOCALES as readonly string[]).includes(v ?? '') ? (v as Locale) : null;
  } catch {
    return null;
  }
}

function initial(): Locale {
  const nav = (globalThis as { navigator?: { languages?: readonly string[] } }).navigator;
  return stored() ?? systemLocale(nav?.languages);
}

const fixed = Object.fromEntries(LOCALES.map((l) => [l, instance.getFixedT(l, 'app')])) as Record<
  Locale,
  TFunction<'app'>
>;

class I18n {
  /** The current language; reading it in markup or $derived makes that re-run when it changes. */
  locale = $state<Locale>(initial());

  /** Switches the language at once and remembers the choice. */
  set(l: Locale): void {
    this.locale = l;
    try {
      storage()?.setItem(LOCALE_KEY, l);
    } catch {
      // storage unavailable: the choice lasts for this window
    }
  }
}

export const i18n = new I18n();

/** Translates a catalogue key (type-checked) in the current language. */
export const t = ((...args: Parameters<TFunction<'app'>>) => {
  const f = fixed[i18n.locale] as unknown as (...a: unknown[]) => string;
  return f(...args);
}) as TFunction<'app'>;

/** A key built at run time (it must be listed in DYNAMIC_KEYS, test/renderer/dynamic-keys.ts, so the catalogue test counts it as used). */
export function td(key: string, options?: Record<string, unknown>): string {
  return (fixed[i18n.locale] as unknown as (k: string, o?: Record<string, unknown>) => string)(key, options);
}

/** Whether the app catalogue has `key` in the current language. */
export function has(key: string): boolean {
  return instance.exists(key, { lng: i18n.locale, ns: 'app' });
}

/**
 * An engine error in the current language: its catalogued message (`key` and `params`, rendered by the
 * engine's own translator), else the catalogue's `errors.<CODE>` entry, else the engine's English text.
 */
export function errorText(info: Pick<EngineErrorInfo, 'code' | 'message' | 'key' | 'params'>): string {
  if (info.key !== undefined) return formatError(info, i18n.locale);
  const byCode = `errors.${info.code}`;
  return hasMessage(byCode) ? renderMessage(i18n.locale, byCode, info.params ?? {}) : info.message;
}

/**
 * A failed desktop call in the current language: main's refusal or failure worded from its code and
 * facts (`desktopError.*`), anything else as an unexpected error with its message.
 */
export function desktopErrorText(e: unknown): string {
  const f = desktopFailure(e);
  if (!f) return t('desktopError.unexpected', { message: e instanceof Error ? e.message : String(e) });
  const { errno, ...facts } = f.params;
  const reason =
    errno === undefined
      ? t('desktopError.errnoUnknown')
      : has(`desktopError.errno.${errno}`)
        ? td(`desktopError.errno.${errno}`)
        : t('desktopError.errnoOther', { errno });
  return td(`desktopError.codes.${f.code}`, { ...facts, reason });
}

/** Numbers in the current locale (format.ts does the work). */
export const fmt = (v: number | null | undefined, digits?: number): string =>
  formatNumber(v, digits, i18n.locale);
export const int = (v: number): string => formatInteger(v, i18n.locale);
export const rate = (v: number): string => formatRate(v, i18n.locale);
