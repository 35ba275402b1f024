import type { RtcChat } from '../../src/index.js';
import { BROKER, BUNDLE, equal, lib, until, uniqueId } from './helpers.js';

const { liveSessionCount } = lib;
await import(/* @vite-ignore */ BUNDLE);

/** The chat's own texts, read from its shadow root: the empty note and the input's placeholder. */
function texts(chat: RtcChat) {
  const root = chat.shadowRoot!;
  return {
    empty: root.querySelector('[part~="empty"]')?.textContent?.trim(),
    placeholder: root.querySelector<HTMLTextAreaElement>('[part~="input"]')?.placeholder,
  };
}

const german = { empty: 'Wähle jemanden zum Chatten.', placeholder: 'Nachricht schreiben…' };
const english = { empty: 'Choose someone to chat with.', placeholder: 'Write a message…' };
const french = { empty: 'Choisissez avec qui discuter.', placeholder: 'Écrivez un message…' };
const spanish = { empty: 'Elige con quién chatear.', placeholder: 'Escribe un mensaje…' };

afterEach(async () => {
  document.body.replaceChildren();
  document.documentElement.removeAttribute('lang');
  await until(() => liveSessionCount() === 0, 'sessions released');
});

describe('the elements\' language', () => {
  it('comes from the nearest lang attribute, across shadow roots, and follows the page when it changes', async () => {
    const wrapper = document.createElement('section');
    wrapper.lang = 'de-CH';
    const chat = document.createElement('rtc-chat') as RtcChat;
    chat.setAttribute('server', BROKER);
    chat.setAttribute('peer-id', uniqueId('lang'));
    wrapper.append(chat);
    document.body.append(wrapper);
    await until(() => texts(chat).placeholder === german.placeholder, 'German from the wrapper');
    equal(texts(chat), german);

    // A site's language switch: the wrapper changes, the element follows without anything else happening.
    for (const [lang, expected] of [['fr-CA', french], ['es', spanish]] as const) {
      wrapper.lang = lang;
      await until(() => texts(chat).placeholder === expected.placeholder, `${lang} after the wrapper changed`);
      equal(texts(chat), expected);
    }
    wrapper.lang = 'en';
    await until(() => texts(chat).placeholder === english.placeholder, 'English after the wrapper changed');
    equal(texts(chat), english);

    // No lang on the way up: <html lang> decides, and changing it reaches the element too.
    wrapper.removeAttribute('lang');
    document.documentElement.lang = 'de';
    await until(() => texts(chat).placeholder === german.placeholder, 'German from <html lang>');

    // Inside another element's shadow root, the host's language counts (as for :lang()).
    const host = document.createElement('div');
    host.lang = 'en';
    const inner = document.createElement('rtc-chat') as RtcChat;
    inner.setAttribute('server', BROKER);
    inner.setAttribute('peer-id', uniqueId('lang'));
    host.attachShadow({ mode: 'open' }).append(inner);
    document.body.append(host);
    await until(() => texts(inner).placeholder === english.placeholder, 'English from the shadow host');
    equal(texts(chat), german, 'the other element keeps <html lang>');
  });

  it('a right-to-left page mirrors the agent console: the list and its divider on the right', async () => {
    const wrapper = document.createElement('section');
    wrapper.dir = 'rtl';
    const inbox = document.createElement('rtc-inbox');
    inbox.setAttribute('server', BROKER);
    inbox.setAttribute('peer-id', uniqueId('rtl'));
    inbox.style.height = '400px';
    wrapper.append(inbox);
    document.body.append(wrapper);
    await (inbox as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    const aside = inbox.shadowRoot!.querySelector('aside')!;
    const detail = inbox.shadowRoot!.querySelector('[part~="detail"]')!;
    equal(getComputedStyle(aside).borderLeftWidth, '1px', 'the divider faces the conversation');
    equal(getComputedStyle(aside).borderRightWidth, '0px');
    equal(aside.getBoundingClientRect().left > detail.getBoundingClientRect().left, true, 'the list is on the right');
    wrapper.dir = 'ltr';
    equal(getComputedStyle(aside).borderRightWidth, '1px', 'and back on the left, left-to-right');
  });
});
