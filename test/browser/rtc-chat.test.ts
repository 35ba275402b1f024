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
