import { de } from './de.js';
import { en, type Strings } from './en.js';

/** Built-in locales; a page picks one with `lang` (on the element or on <html>). */
export const BUILT_IN_LOCALES = { en, de } as const;

const locales = new Map<string, Partial<Strings>>(Object.entries(BUILT_IN_LOCALES));

/** Adds or extends a locale; missing keys fall back to English. */
export function registerTranslation(lang: string, strings: Partial<Strings>): void {
  const key = lang.toLowerCase();
  locales.set(key, { ...locales.get(key), ...strings });
}

/** The strings for `lang` ("de-CH" → "de-ch", then "de", then English). */
export function stringsFor(lang: string | null | undefined): Strings {
  const wanted = (lang || (typeof document !== 'undefined' ? document.documentElement.lang : '') || 'en').toLowerCase();
  const exact = locales.get(wanted);
  const base = locales.get(wanted.split('-')[0]!);
  return { ...en, ...base, ...exact };
}

/** Fills `{name}` placeholders; values are plain text and rendered by Lit as text, never HTML. */
export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}
