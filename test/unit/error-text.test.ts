import { describe, expect, it } from 'vitest';
import { clearsWhenOnline, errorText } from '../../src/i18n/error-text.js';
import { BUILT_IN_LOCALES, stringsFor } from '../../src/i18n/localize.js';
import type { RtcErrorCode } from '../../src/session/errors.js';

// Every code of RtcErrorCode; the `satisfies` makes adding a code without listing it here a type error.
const CODES = {
  'permission-denied': 1,
  'no-device': 1,
  'device-busy': 1,
  'media-error': 1,
  'screen-share-failed': 1,
  'peer-unavailable': 1,
  'broker-unreachable': 1,
  'id-taken': 1,
  'invalid-id': 1,
  'bad-attribute': 1,
  'bad-message': 1,
  'connection-failed': 1,
  'no-remote-id': 1,
  'not-supported': 1,
  'file-too-large': 1,
  'file-corrupt': 1,
  'file-failed': 1,
  'message-too-long': 1,
  'storage-full': 1,
} satisfies Record<RtcErrorCode, 1>;
const codes = Object.keys(CODES) as RtcErrorCode[];

describe('errorText', () => {
  it('gives every error code people can see a text of its own in every built-in language', () => {
    const en = stringsFor('en');
    for (const code of codes.filter((c) => c !== 'bad-message')) {
      const english = errorText(en, { code });
      expect(english, code).toMatch(/\S/);
      // Filled in: no {placeholder} left for people to read.
      expect(english, code).not.toMatch(/\{\w+\}/);
      for (const lang of Object.keys(BUILT_IN_LOCALES).filter((l) => l !== 'en')) {
        const translated = errorText(stringsFor(lang), { code });
        expect(translated, `${lang} ${code}`).toMatch(/\S/);
        expect(translated, `${lang} ${code}`).not.toBe(english);
        expect(translated, `${lang} ${code}`).not.toMatch(/\{\w+\}/);
      }
    }
    // Distinct: a person can tell the errors apart.
    const texts = codes.filter((c) => c !== 'bad-message').map((code) => errorText(en, { code }));
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('shows people nothing for a peer\'s junk frames (the host still gets rtc-error)', () => {
    expect(errorText(stringsFor('en'), { code: 'bad-message' })).toBeNull();
  });

  it('fills the message length limit in', () => {
    expect(errorText(stringsFor('de'), { code: 'message-too-long' })).toBe('Nachrichten dürfen höchstens 4000 Zeichen lang sein.');
  });

  it('only server and id errors go away by themselves once the session is online again', () => {
    expect(codes.filter((code) => clearsWhenOnline({ code }))).toEqual(['broker-unreachable', 'id-taken']);
  });
});
