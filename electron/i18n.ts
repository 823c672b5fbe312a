/** The desktop shell's words (menus, dialogs): `locales/<lang>/desktop.json`, language from the OS locale. */
import desktopEn from '../locales/en/desktop.json' with { type: 'json' };
import desktopZh from '../locales/zh-CN/desktop.json' with { type: 'json' };
import { createTranslator, langFromLocale } from '../engine/i18n.ts';
import type { Catalogues, Lang, MessageParams } from '../engine/i18n.ts';
import type { FileKind } from './contract.ts';
import { FILTERS, MANY_FILTERS } from './files/service.ts';
import type { FileFilter } from './files/service.ts';

export const DESKTOP_CATALOGUES: Catalogues = { en: desktopEn, 'zh-CN': desktopZh };

const translate = createTranslator(DESKTOP_CATALOGUES);

export type DesktopTranslate = (key: string, params?: MessageParams) => string;

/** The translator for `lang`. */
export function desktopTranslator(lang: Lang = 'en'): DesktopTranslate {
  return (key, params = {}) => translate(lang, key, params);
}

/** The language for Electron's `app.getLocale()` (zh* → zh-CN, else en). */
export const desktopLang = (locale: string | undefined): Lang => langFromLocale(locale);

/** A dialog's file filters with their names in the user's language. */
export function fileFilters(kind: FileKind, t: DesktopTranslate): FileFilter[] {
  return FILTERS[kind].map((f) => ({ ...f, name: t(`dialog.filter.${kind}`) }));
}

/** An export's filter (the extension of the file the dialog asks for), named in the user's language. */
export function exportFilters(filters: FileFilter[], t: DesktopTranslate): FileFilter[] {
  return filters.map((f) => ({ ...f, name: t('dialog.filter.export', { ext: f.name }) }));
}

/** The filter of a dialog that picks a weights file or a TF.js model's files, in the user's language. */
export function modelFilters(t: DesktopTranslate): FileFilter[] {
  return MANY_FILTERS.weights.map((f) => ({ ...f, name: t('dialog.filter.weightsOrModel') }));
}
