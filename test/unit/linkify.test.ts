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

  it('strips a run of sentence punctuation however long, and keeps one inside the URL', () => {
    const dots = '.'.repeat(3990);
    expect(linkify(`https://a.example/x${dots}`)).toEqual([{ text: 'https://a.example/x', href: 'https://a.example/x' }, { text: dots }]);
    expect(linkify(`https://a.example/${dots}b`)).toEqual([{ text: `https://a.example/${dots}b`, href: `https://a.example/${dots}b` }]);
  });

  it('stays linear on a peer\'s long punctuation run inside a URL (it was quadratic: ≈ 10 ms a message)', () => {
    // 1,000 such messages, as a page of a flooded transcript renders them: ≈ 10 s before, ≈ 50 ms now.
    const text = `https://a${'.'.repeat(3990)}b`;
    const started = performance.now();
    for (let i = 0; i < 1000; i++) linkify(text);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('loses no text: the pieces join back to the input', () => {
    const input = 'x https://a.example/p?q=1, y (https://b.example) z javascript:void(0)';
    expect(linkify(input).map((p) => p.text).join('')).toBe(input);
  });
});
