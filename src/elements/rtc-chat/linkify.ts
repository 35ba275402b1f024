/**
 * Splits plain text into text and http(s) link pieces. Nothing else ever becomes a link
 * (no javascript:, data:, or bare domains), and pieces are rendered by Lit as text, so a
 * peer's message can never become HTML.
 */
export type TextPiece = { text: string; href?: undefined } | { text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = '.,;:!?)]}';

/**
 * The run of TRAILING characters at the end of `raw`, found from the end: a regex anchored only at
 * `$` rescans from every position of a long run that is not at the end (quadratic for a peer's
 * "https://a....b").
 */
function trailingOf(raw: string): string {
  let end = raw.length;
  while (end > 0 && TRAILING.includes(raw[end - 1]!)) end--;
  return raw.slice(end);
}

export function linkify(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let raw = match[0];
    const trailing = trailingOf(raw);
    // Keep a closing parenthesis that belongs to the URL, e.g. a Wikipedia link.
    if (trailing && !(trailing.startsWith(')') && raw.includes('('))) raw = raw.slice(0, raw.length - trailing.length);
    const start = match.index;
    let href: string | null = null;
    try {
      const url = new URL(raw);
      if (url.protocol === 'http:' || url.protocol === 'https:') href = url.href;
    } catch {
      href = null;
    }
    if (!href) continue;
    if (start > last) pieces.push({ text: text.slice(last, start) });
    pieces.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}
