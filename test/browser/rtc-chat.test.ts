import type { RtcChat } from '../../src/index.js';
import { BROKER, BUNDLE, assert, equal, lib, uniqueId, until } from './helpers.js';

const { liveSessionCount } = lib;
await import(/* @vite-ignore */ BUNDLE);

afterEach(async () => {
  document.body.replaceChildren();
  await until(() => liveSessionCount() === 0, 'sessions released');
});

/** A drag event carrying one file, as the browser sends them over the chat. */
function drag(type: 'dragover' | 'dragleave', target: Element, relatedTarget: EventTarget | null = null): DragEvent {
  const dataTransfer = new DataTransfer();
  dataTransfer.items.add(new File(['x'], 'a.txt', { type: 'text/plain' }));
  const event = new DragEvent(type, { bubbles: true, composed: true, cancelable: true, dataTransfer, relatedTarget });
  target.dispatchEvent(event);
  return event;
}

describe('<rtc-chat> drop area', () => {
  it('shows while files are over the chat, also moving between its parts, and goes when they leave it', async () => {
    const chat = document.createElement('rtc-chat') as RtcChat;
    chat.setAttribute('server', BROKER);
    chat.setAttribute('peer-id', uniqueId('drop'));
    chat.setAttribute('remote-id', uniqueId('nobody'));
    document.body.append(chat);
    await chat.updateComplete;
    const root = chat.shadowRoot!;
    const input = root.querySelector('[part~="input"]')!;
    const log = root.querySelector('[part~="log"]')!;
    const zone = () => root.querySelector('[part~="drop-zone"]');

    assert(drag('dragover', input).defaultPrevented, 'the drop is accepted');
    await chat.updateComplete;
    assert(zone(), 'the drop area shows');
    // From the message box to the log: still over the chat.
    drag('dragleave', input, log);
    await chat.updateComplete;
    assert(zone(), 'moving inside the chat keeps it');
    // Out of the chat, leaving from one of its parts (as it always does).
    drag('dragleave', log, document.body);
    await chat.updateComplete;
    equal(zone(), null, 'leaving the chat removes it');
  });

  it('accepts no drop without someone to send to', async () => {
    const chat = document.createElement('rtc-chat') as RtcChat;
    chat.setAttribute('server', BROKER);
    document.body.append(chat);
    await chat.updateComplete;
    const input = chat.shadowRoot!.querySelector('[part~="input"]')!;
    equal(drag('dragover', input).defaultPrevented, false, 'not accepted');
    await chat.updateComplete;
    equal(chat.shadowRoot!.querySelector('[part~="drop-zone"]'), null);
  });
});

describe('<rtc-chat> attributes', () => {
  /** Mounts a chat with `attributes` and collects its rtc-error events. */
  async function mountChat(attributes: Record<string, string>) {
    const chat = document.createElement('rtc-chat') as RtcChat;
    const errors: { code: string; message: string }[] = [];
    chat.addEventListener('rtc-error', (event) => errors.push((event as CustomEvent).detail));
    chat.setAttribute('server', BROKER);
    chat.setAttribute('peer-id', uniqueId('attr'));
    for (const [name, value] of Object.entries(attributes)) chat.setAttribute(name, value);
    document.body.append(chat);
    await chat.updateComplete;
    const input = chat.shadowRoot!.querySelector<HTMLTextAreaElement>('[part~="input"]')!;
    return { chat, errors, input };
  }

  it('takes a remote-id with spaces around it as the id', async () => {
    const { chat, errors, input } = await mountChat({ 'remote-id': '  bob-1 ' });
    equal(input.disabled, false, 'can write');
    equal(errors.length, 0);
    // The chat it holds is with "bob-1" (the session is shared by every user of the pair).
    const session = lib.acquireSession({ server: new URL(BROKER), peerId: chat.getAttribute('peer-id')! });
    try {
      equal([...session.chats.keys()].join(), 'bob-1');
    } finally {
      lib.releaseSession(session);
    }
  });

  it('reports a remote-id that is not an id, and offers nothing to write to', async () => {
    const { chat, errors, input } = await mountChat({ 'remote-id': 'bob and ann' });
    equal(errors.map((e) => e.code).join(), 'bad-attribute');
    assert(errors[0]!.message.includes('remote-id'), 'names the attribute');
    equal(input.disabled, true, 'nothing to write to');
    equal(chat.shadowRoot!.querySelector('[part~="empty"]')!.textContent!.trim(), 'Choose someone to chat with.');
    // Fixed: usable, without a reload.
    chat.setAttribute('remote-id', 'bob');
    await chat.updateComplete;
    equal(input.disabled, false, 'can write once fixed');
    // Broken again at run time: reported, and shown (the switch to another conversation clears old notices only).
    chat.setAttribute('remote-id', 'bob again!');
    await chat.updateComplete;
    equal(errors.length, 2);
    equal(chat.shadowRoot!.querySelector('[part~="notice"]')?.textContent?.trim(), 'This element is not set up correctly.');
  });

  it('reports a max-file-size or persist it cannot use, once each, and goes on with the default', async () => {
    const { chat, errors, input } = await mountChat({ 'remote-id': 'bob', 'max-file-size': '50MB', persist: 'None' });
    equal(errors.map((e) => e.code).join(), 'bad-attribute,bad-attribute');
    assert(errors.some((e) => e.message.startsWith('max-file-size')), 'max-file-size named');
    assert(errors.some((e) => e.message.startsWith('persist')), 'persist named');
    equal(input.disabled, false, 'still usable');
    chat.setAttribute('max-file-size', '0');
    await chat.updateComplete;
    equal(errors.length, 3, 'zero is not a size either');
  });
});

describe('<rtc-chat> screen-reader announcements', () => {
  it('reads the characters left out when a step is reached, not on every keystroke', async () => {
    const chat = document.createElement('rtc-chat') as RtcChat;
    chat.setAttribute('server', BROKER);
    chat.setAttribute('remote-id', 'bob');
    document.body.append(chat);
    await chat.updateComplete;
    const root = chat.shadowRoot!;
    const input = root.querySelector<HTMLTextAreaElement>('[part~="input"]')!;
    const said = () => root.querySelector('.composer [aria-live]')!.textContent!.trim();
    const type = async (length: number) => {
      input.value = 'x'.repeat(length);
      input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      await chat.updateComplete;
    };
    await type(3000);
    equal(said(), '');
    await type(3501);
    equal(said(), '499 characters left');
    await type(3560);
    equal(said(), '499 characters left', 'the same step: nothing new to read out');
    // The visible counter follows every keystroke but is not itself read out.
    equal(root.querySelector('[part~="counter"]')!.textContent!.trim(), '440');
    equal(root.querySelector('[part~="counter"]')!.getAttribute('aria-hidden'), 'true');
    await type(3990);
    equal(said(), '10 characters left');
    await type(4001);
    equal(said(), 'Messages can be at most 4000 characters.');
  });

  it('names the sender of your own messages for screen readers ("You"), though not on screen, and lets each text find its direction', async () => {
    const chat = document.createElement('rtc-chat') as RtcChat;
    chat.setAttribute('server', BROKER);
    chat.setAttribute('peer-id', uniqueId('own'));
    chat.setAttribute('remote-id', uniqueId('nobody'));
    chat.setAttribute('persist', 'none');
    document.body.append(chat);
    await chat.updateComplete;
    await until(() => chat.send('مرحبا, this waits to go out') !== null, 'the chat takes the message');
    await until(() => !!chat.shadowRoot!.querySelector('[part~="message-local"]'), 'the message shown');
    const row = chat.shadowRoot!.querySelector('[part~="message-local"]')!;
    const sender = row.querySelector<HTMLElement>('[part~="sender"]')!;
    equal(sender.textContent!.trim(), 'You');
    // In the accessibility tree (display: none would take it out), but one clipped pixel on screen.
    assert(getComputedStyle(sender).display !== 'none', 'the name is not display: none');
    assert(sender.getBoundingClientRect().width <= 1, 'the name takes no room on screen');
    equal(row.querySelector('[part~="bubble"]')!.getAttribute('dir'), 'auto');
  });

  it('keeps the focus in the chat when a notice it was on goes away (Dismiss)', async () => {
    const chat = document.createElement('rtc-chat') as RtcChat;
    chat.setAttribute('server', BROKER);
    chat.setAttribute('peer-id', uniqueId('dismiss'));
    chat.setAttribute('remote-id', uniqueId('nobody'));
    chat.setAttribute('persist', 'none');
    chat.setAttribute('max-file-size', '1');
    document.body.append(chat);
    await chat.updateComplete;
    await chat.sendFile(new File(['too big'], 'big.txt')).catch(() => {}); // over max-file-size: a notice
    await until(() => !!chat.shadowRoot!.querySelector('[part~="notice"] [part~="dismiss-button"]'), 'the notice');
    const dismiss = chat.shadowRoot!.querySelector<HTMLButtonElement>('[part~="dismiss-button"]')!;
    dismiss.focus();
    dismiss.click();
    await until(() => !chat.shadowRoot!.querySelector('[part~="notice"][role="alert"]'), 'the notice gone');
    equal(chat.shadowRoot!.activeElement?.getAttribute('part'), 'input');
  });
});
