import { describe, expect, it } from 'vitest';
import { fitsInChatFrame, LIMITS } from '../../src/session/protocol.js';

/** The frame a receiver measures: the longest id and a long timestamp, UTF-8 encoded. */
const bytesOf = (text: string) =>
  new TextEncoder().encode(JSON.stringify({ type: 'chat', id: 'x'.repeat(LIMITS.maxIdLength), text, ts: Date.now() })).byteLength;

describe('fitsInChatFrame', () => {
  it.each([
    ['ASCII', 'a'],
    ['quotes and backslashes (2 characters each in JSON)', '"\\'],
    ['control characters (6 each)', '\u0001'],
    ['CJK (3 bytes each)', '語'],
    ['emoji (4 bytes per pair)', '😀'],
    ['lone surrogates (6 each)', '\ud800'],
  ])('agrees with building and measuring the frame, for %s around the limit', (_, unit) => {
    const around = Math.floor(LIMITS.maxMessageBytes / 6);
    for (const repeat of [1, around - 20, around, around + 20, Math.floor(LIMITS.maxMessageBytes / 3) - 60, Math.floor(LIMITS.maxMessageBytes / 3) + 10, LIMITS.maxMessageBytes]) {
      const text = unit.repeat(repeat);
      expect(fitsInChatFrame(text), `${repeat} × ${JSON.stringify(unit)}`).toBe(bytesOf(text) <= LIMITS.maxMessageBytes);
    }
  });
});
