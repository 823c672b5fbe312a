/** The CLI's words: `locales/<lang>/cli.json`, then the engine's catalogue for the errors it reports. */
import cliEn from '../../locales/en/cli.json' with { type: 'json' };
import cliZh from '../../locales/zh-CN/cli.json' with { type: 'json' };
import { createTranslator, ENGINE_CATALOGUES, LANGS, langFromLocale } from '../i18n.ts';
import type { Catalogues, Lang, MessageParams } from '../i18n.ts';

export const CLI_CATALOGUES: Catalogues = { en: cliEn, 'zh-CN': cliZh };

const translate = createTranslator(CLI_CATALOGUES, ENGINE_CATALOGUES);

/** Renders one CLI message in a fixed language. */
export type Translate = (key: string, params?: MessageParams) => string;

/** The translator for `lang` (English when none was chosen). */
export function translator(lang: Lang = 'en'): Translate {
  return (key, params = {}) => translate(lang, key, params);
}

/** English, for messages built before the language is known (UsageError.message). */
export const english = translator('en');

/** The language of the environment: the first of LC_ALL, LC_MESSAGES, LANG that is set (zh* → zh-CN). */
export function langFromEnv(env: Record<string, string | undefined>): Lang {
  const locale = [env['LC_ALL'], env['LC_MESSAGES'], env['LANG']].find((v) => v !== undefined && v !== '');
  return langFromLocale(locale);
}

/** A `--lang` value, or undefined if it names no language we have. */
export function parseLang(v: string): Lang | undefined {
  return (LANGS as readonly string[]).includes(v) ? (v as Lang) : undefined;
}
