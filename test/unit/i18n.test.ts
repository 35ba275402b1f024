import { describe, expect, it } from 'vitest';
import { BUILT_IN_LOCALES, format, formatPerson, registerTranslation, stringsFor } from '../../src/i18n/localize.js';
import { en } from '../../src/i18n/en.js';
import { LAUNCHER_LABELS, launcherLabelFor } from '../../src/i18n/launcher-label.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('built-in locales', () => {
  for (const [lang, strings] of Object.entries(BUILT_IN_LOCALES)) {
    it(`${lang} has every English key, with the same placeholders, and nothing else`, () => {
      expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(strings)) {
        expect(text.trim(), `${lang}.${key}`).not.toBe('');
        expect(placeholders(text), `${lang}.${key}`).toEqual(placeholders(en[key as keyof typeof en]));
      }
    });
  }

  it('picks the language by lang, falling back from region to language to English', () => {
    expect(stringsFor('de').call).toBe('Videoanruf');
    expect(stringsFor('de-CH').call).toBe('Videoanruf');
    expect(stringsFor('DE-at').hangup).toBe('Auflegen');
    expect(stringsFor('fr-CA').call).toBe('Appel vidéo');
    expect(stringsFor('es-MX').hangup).toBe('Colgar');
    expect(stringsFor('it').call).toBe('Video call');
    expect(stringsFor('').call).toBe('Video call');
  });

  it('registerTranslation adds a locale whose missing keys fall back to English', () => {
    registerTranslation('x-test', { call: 'Videochiamata' });
    expect(stringsFor('x-test').call).toBe('Videochiamata');
    expect(stringsFor('x-test').hangup).toBe('Hang up');
    expect(format(stringsFor('de').stateCalling, { name: '<b>Ada</b>' })).toBe('<b>Ada</b> wird angerufen…');
  });

  it('the launcher\'s first-download names cover every built-in language, and the tables use them', () => {
    expect(Object.keys(LAUNCHER_LABELS).sort()).toEqual(Object.keys(BUILT_IN_LOCALES).sort());
    for (const lang of Object.keys(BUILT_IN_LOCALES)) expect(stringsFor(lang).supportLauncher).toBe(launcherLabelFor(`${lang}-XX`));
    expect(launcherLabelFor('it')).toBe('Chat with us');
  });
});

describe('formatPerson', () => {
  it('capitalises the word for someone when it opens the sentence, in every built-in language', () => {
    expect(formatPerson(stringsFor('en'), en.stateRinging, '')).toBe('Someone is calling');
    expect(formatPerson(stringsFor('de'), stringsFor('de').stateRinging, null)).toBe('Jemand ruft an');
    expect(formatPerson(stringsFor('fr'), stringsFor('fr').endedRemoteHangup, undefined)).toBe("Quelqu'un a raccroché");
    expect(formatPerson(stringsFor('es'), stringsFor('es').stateRinging, '')).toBe('Alguien te está llamando');
  });

  it('leaves the word for someone lower-case inside a sentence', () => {
    expect(formatPerson(en, en.stateCalling, '')).toBe('Calling someone…');
    expect(formatPerson(en, en.endedCancelled, '')).toBe('Missed call from someone');
  });

  it('keeps a name as its owner wrote it, even a lower-case one at the start', () => {
    expect(formatPerson(en, en.stateRinging, 'van der Berg')).toBe('van der Berg is calling');
    expect(formatPerson(en, en.stateConnected, 'Noor')).toBe('In a call with Noor');
  });

  it('fills the other placeholders too', () => {
    expect(formatPerson(en, '{name} sent {count}', '', { count: 2 })).toBe('Someone sent 2');
  });
});
