import { describe, expect, it } from 'vitest';
import { linkify } from '../../src/elements/rtc-chat/linkify.js';

describe('linkify', () => {
  it.each([
    ['plain text', [{ text: 'plain text' }]],
    ['see https://example.com/a?b=1.', [{ text: 'see ' }, { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' }, { text: '.' }]],
    ['(http://x.org)', [{ text: '(' }, { text: 'http://x.org', href: 'http://x.org/' }, { text: ')' }]],
    ['https://en.wikipedia.org/wiki/A_(b)', [{ text: 'https://en.wikipedia.org/wiki/A_(b)', href: 'https://en.wikipedia.org/wiki/A_(b)' }]],
    ['javascript:alert(1)', [{ text: 'javascript:alert(1)' }]],
    ['data:text/html,<script>alert(1)</script>', [{ text: 'data:text/html,<script>alert(1)</script>' }]],
    ['<img src=x onerror=alert(1)>', [{ text: '<img src=x onerror=alert(1)>' }]],
    ['a https://a.b b http://c.d', [{ text: 'a ' }, { text: 'https://a.b', href: 'https://a.b/' }, { text: ' b ' }, { text: 'http://c.d', href: 'http://c.d/' }]],
    ['https://x.y/"onmouseover="alert(1)', [{ text: 'https://x.y/', href: 'https://x.y/' }, { text: '"onmouseover="alert(1)' }]],
    ['ftp://files.example.com', [{ text: 'ftp://files.example.com' }]],
  ])('%j', (input, expected) => {
    expect(linkify(input)).toEqual(expected);
  });

  it('loses no text: the pieces join back to the input', () => {
    const input = 'x https://a.example/p?q=1, y (https://b.example) z javascript:void(0)';
    expect(linkify(input).map((p) => p.text).join('')).toBe(input);
  });
});
