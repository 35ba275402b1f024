import { de } from './de.js';
import { en, type Strings } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { elementLanguage } from './language.js';

/** Built-in locales; a page picks one with `lang` (on the element or on <html>). */
export const BUILT_IN_LOCALES = { en, de, fr, es } as const;

const locales = new Map<string, Partial<Strings>>(Object.entries(BUILT_IN_LOCALES));

/** Adds or extends a locale; missing keys fall back to English. */
export function registerTranslation(lang: string, strings: Partial<Strings>): void {
  const key = lang.toLowerCase();
  locales.set(key, { ...locales.get(key), ...strings });
  merged.clear();
}

/** The language an element speaks: its own `lang`, else the page's; '' when neither says. */
export function languageOf(lang: string | null | undefined): string {
  return (lang || (typeof document !== 'undefined' ? document.documentElement.lang : '') || '').toLowerCase();
}

/** Merged tables by language: elements ask for their strings on every render, some per row. */
const merged = new Map<string, Strings>();

/** The strings for `lang` ("de-CH" → "de-ch", then "de", then English). Shared: do not modify. */
export function stringsFor(lang: string | null | undefined): Strings {
  const wanted = languageOf(lang) || 'en';
  let strings = merged.get(wanted);
  if (!strings) {
    strings = { ...en, ...locales.get(wanted.split('-')[0]!), ...locales.get(wanted) };
    merged.set(wanted, strings);
  }
  return strings;
}

/** Fills `{name}` placeholders; values are plain text and rendered by Lit as text, never HTML. */
export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}

/**
 * `format` for a sentence about a person: `{name}` is `name`, else the language's word for
 * someone, capitalised when it opens the sentence ("Someone is calling", not "someone is
 * calling"). Names are left as their owners wrote them.
 */
export function formatPerson(t: Strings, template: string, name: string | null | undefined, values: Record<string, string | number> = {}): string {
  if (name) return format(template, { ...values, name });
  const text = format(template, { ...values, name: t.someone });
  return template.startsWith('{name}') ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** The strings for `element`'s language (the nearest `lang`, across shadow roots, else English). */
export function stringsOf(element: Element): Strings {
  return stringsFor(elementLanguage(element));
}
