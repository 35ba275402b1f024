import { describe, expect, it } from 'vitest';
import { formatBytes, formatDecimal, formatDuration } from '../../src/i18n/numbers.js';

describe('numbers in the element\'s language', () => {
  it('file sizes: one decimal below 10, the language\'s decimal mark', () => {
    expect([500, 1536, 10 * 1024 * 1024, 1.5 * 1024 ** 3].map((n) => formatBytes(n, 'en'))).toEqual(['500 B', '1.5 KB', '10 MB', '1.5 GB']);
    expect(formatBytes(1536, 'de')).toBe('1,5 KB');
    expect(formatBytes(3 * 1024 * 1024, 'de-CH')).toBe('3.0 MB'); // Swiss German writes a point
    // French counts octets.
    expect([500, 1536, 10 * 1024 * 1024].map((n) => formatBytes(n, 'fr-CA').replace(/\s/g, ' '))).toEqual(['500 o', '1,5 Ko', '10 Mo']);
    expect(formatBytes(1536, 'es')).toBe('1,5 KB');
  });

  it('waiting times with the language\'s short units', () => {
    expect([12_000, 5 * 60_000, 63 * 60_000].map((ms) => formatDuration(ms, 'en'))).toEqual(['12 sec', '5 min', '1 hr 3 min']);
    expect(formatDuration(63 * 60_000, 'de')).toBe('1 Std. 3 Min.');
  });

  it('plain numbers, and a lang that is no language tag falls back instead of throwing', () => {
    expect(formatDecimal(1.25, 'de')).toBe('1,3');
    expect(formatDecimal(1.25, 'en')).toBe('1.3');
    expect(formatBytes(1536, 'not a tag!')).toMatch(/^1[.,]5 KB$/);
  });
});
