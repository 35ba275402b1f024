/**
 * The support launcher's default name in the built-in languages. It is in the script tag's first
 * download, which carries no string tables, so a page in German gets a German launcher before
 * anything else loads; the tables (en.ts, de.ts) take their `supportLauncher` from here.
 */
export const LAUNCHER_LABELS = { en: 'Chat with us', de: 'Chatte mit uns', fr: 'Discuter avec nous', es: 'Chatea con nosotros' } as const;

/** The built-in default for a language tag ("de-CH" → German), English for any other. */
export function launcherLabelFor(lang: string): string {
  const base = lang.toLowerCase().split('-')[0] as keyof typeof LAUNCHER_LABELS;
  return LAUNCHER_LABELS[base] ?? LAUNCHER_LABELS.en;
}
