import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Chat, type ChatHost } from '../../src/session/chat.js';
import type { Conversation } from '../../src/session/conversation.js';
import type { ControlMessage } from '../../src/session/protocol.js';

/**
 * Receipts: one `ack` per chat to a peer that never said v >= 2, batched `acks` to one that did.
 * The conversation is a stub that records what is sent; the browser tests cover the real one.
 */
function setup(remoteVersion: number) {
  const sent: ControlMessage[] = [];
  const conversation = {
    remoteVersion,
    remoteName: 'Bo',
    isOpen: true,
    send: (message: ControlMessage) => (sent.push(message), true),
    on: () => () => {},
    retain: () => () => {},
    connect: () => Promise.resolve(),
  } as unknown as Conversation;
  const host: ChatHost = {
    peer: null,
    name: 'Ann',
    online: true,
    elsewhere: false,
    conversation: () => conversation,
    onOnline: () => () => {},
  };
  const chat = new Chat(host, 'bo', 'test', 'none');
  const chats = (from: number, count: number) => {
    for (let i = from; i < from + count; i++) chat.receive({ type: 'chat', id: `m${i}`, text: `t${i}`, ts: i });
  };
  return { chat, sent, chats };
}

const ids = (messages: ControlMessage[]) => messages.flatMap((m) => (m.type === 'ack' ? [m.id] : m.type === 'acks' ? m.ids : []));

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Chat receipts', () => {
  it.each([0, 1])('to a peer whose hello said v:%i (or nothing): one ack per chat, at once, duplicates included', (version) => {
    const { chat, sent, chats } = setup(version);
    chats(0, 3);
    chats(1, 1);
    expect(sent).toEqual(['m0', 'm1', 'm2', 'm1'].map((id) => ({ type: 'ack', id })));
    chat.dispose();
  });

  it('to a v2 peer: the chats of 20 ms in one acks; a lone one as ack', () => {
    const { chat, sent, chats } = setup(2);
    chats(0, 3);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(sent).toEqual([{ type: 'acks', ids: ['m0', 'm1', 'm2'] }]);
    chats(3, 1);
    vi.advanceTimersByTime(20);
    expect(sent.at(-1)).toEqual({ type: 'ack', id: 'm3' });
    chat.dispose();
  });

  it('to a v2 peer: at most 100 ids per frame, the 100th sent at once', () => {
    const { chat, sent, chats } = setup(2);
    chats(0, 150);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'acks' });
    expect(ids(sent)).toHaveLength(100);
    vi.advanceTimersByTime(20);
    expect(sent).toHaveLength(2);
    expect(ids(sent)).toEqual(Array.from({ length: 150 }, (_, i) => `m${i}`));
    chat.dispose();
  });

  it('dispose sends what is waiting and leaves no timer behind', () => {
    const { chat, sent, chats } = setup(2);
    chats(0, 2);
    chat.dispose();
    expect(sent).toEqual([{ type: 'acks', ids: ['m0', 'm1'] }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an acks from the peer marks each of ours delivered', () => {
    const { chat } = setup(2);
    const a = chat.send('one');
    const b = chat.send('two');
    chat.receive({ type: 'acks', ids: [a.id, 'unknown', b.id] });
    expect(chat.log.entries.map((e) => e.status)).toEqual(['delivered', 'delivered']);
    expect(chat.log.pendingCount).toBe(0);
    chat.dispose();
  });
});
