// The language observer is shared by every element and must go away with the last of them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { elementLanguage, LanguageController, languageObserverActive } from '../../src/i18n/language.js';

class FakeObserver {
  static live = 0;
  static last: FakeObserver | null = null;
  options: MutationObserverInit | undefined;
  constructor(readonly callback: () => void) {
    FakeObserver.last = this;
  }
  observe(_target: unknown, options: MutationObserverInit) {
    this.options = options;
    FakeObserver.live++;
  }
  disconnect() {
    FakeObserver.live--;
  }
}

function fakeHost() {
  const host = {
    updates: 0,
    controllers: [] as LanguageController[],
    addController(controller: LanguageController) {
      host.controllers.push(controller);
    },
    requestUpdate() {
      host.updates++;
    },
  };
  return host;
}

const saved = { MutationObserver: globalThis.MutationObserver, document: globalThis.document };
beforeEach(() => {
  Object.assign(globalThis, { MutationObserver: FakeObserver, document: { documentElement: {} } });
  FakeObserver.live = 0;
});
afterEach(() => Object.assign(globalThis, saved));

describe('LanguageController', () => {
  it('runs one observer of lang attributes while any element is connected, and re-renders them all', () => {
    const [a, b] = [fakeHost(), fakeHost()];
    const ca = new LanguageController(a as never);
    const cb = new LanguageController(b as never);
    expect(a.controllers).toEqual([ca]);
    ca.hostConnected();
    cb.hostConnected();
    expect(FakeObserver.live).toBe(1);
    expect(FakeObserver.last!.options).toEqual({ attributes: true, attributeFilter: ['lang'], subtree: true });
    FakeObserver.last!.callback();
    expect([a.updates, b.updates]).toEqual([1, 1]);
    ca.hostDisconnected();
    expect(languageObserverActive()).toBe(true);
    cb.hostDisconnected();
    expect(FakeObserver.live).toBe(0);
    expect(languageObserverActive()).toBe(false);
    // Connected again later: a new observer.
    ca.hostConnected();
    expect(FakeObserver.live).toBe(1);
    ca.hostDisconnected();
    expect(FakeObserver.live).toBe(0);
  });
});

describe('elementLanguage', () => {
  class FakeShadowRoot {
    constructor(readonly host: unknown) {}
  }
  const savedShadowRoot = globalThis.ShadowRoot;
  beforeEach(() => Object.assign(globalThis, { ShadowRoot: FakeShadowRoot }));
  afterEach(() => Object.assign(globalThis, { ShadowRoot: savedShadowRoot }));

  const node = (lang: string | null, root: unknown = {}) => ({
    closest: () => (lang === null ? null : { getAttribute: () => lang }),
    getRootNode: () => root,
  });

  it('takes the nearest lang, lowercased, and crosses shadow roots to their hosts', () => {
    expect(elementLanguage(node('de-CH') as never)).toBe('de-ch');
    const host = node('fr');
    expect(elementLanguage(node(null, new FakeShadowRoot(host)) as never)).toBe('fr');
    expect(elementLanguage(node(null) as never)).toBe('');
    expect(elementLanguage(node('') as never)).toBe('');
  });
});
