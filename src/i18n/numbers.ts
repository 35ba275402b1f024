/**
 * Numbers people read, in their language: "1,5 MB" in German, "1.5 MB" in English. Formatters are
 * made once per language and kind (Intl constructors are slow, and these run per row per render).
 */
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(lang: string, key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${lang}|${key}`;
  let made = formatters.get(id);
  if (!made) {
    try {
      made = new Intl.NumberFormat(lang || undefined, options);
    } catch {
      made = new Intl.NumberFormat(undefined, options); // a lang attribute that is no language tag
    }
    formatters.set(id, made);
  }
  return made;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];
/** French counts octets: "1,5 Mo". */
const OCTET_UNITS = ['o', 'Ko', 'Mo', 'Go', 'To'];

/** "512 B", "1.5 MB", "23 MB": one decimal below 10. */
export function formatBytes(bytes: number, lang: string): string {
  const units = /^fr\b/i.test(lang) ? OCTET_UNITS : BYTE_UNITS;
  if (bytes < 1024) return `${formatter(lang, 'int', { maximumFractionDigits: 0 }).format(bytes)} ${units[0]}`;
  let value = bytes / 1024;
  let unit = 1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value < 10 ? 'one' : 'int';
  return `${formatter(lang, digits, { maximumFractionDigits: digits === 'one' ? 1 : 0, minimumFractionDigits: digits === 'one' ? 1 : 0 }).format(value)} ${units[unit]}`;
}

/** A waiting time: "12 sec", "5 min", "1 hr 3 min" (the language's short unit names). */
export function formatDuration(ms: number, lang: string): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const unit = (name: 'second' | 'minute' | 'hour', n: number) => formatter(lang, name, { style: 'unit', unit: name, unitDisplay: 'short' }).format(n);
  if (seconds < 60) return unit('second', seconds);
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return unit('minute', minutes);
  return `${unit('hour', Math.floor(minutes / 60))} ${unit('minute', minutes % 60)}`;
}

/** A plain number with up to one decimal: "1.5", "1,5". */
export function formatDecimal(value: number, lang: string): string {
  return formatter(lang, 'decimal', { maximumFractionDigits: 1 }).format(value);
}
