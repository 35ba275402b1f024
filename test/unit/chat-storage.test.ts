import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chat, TRANSCRIPT_KEY_PREFIX, evictableTranscripts, type ChatHost } from '../../src/session/chat.js';
import { ChatLog, ONE_SIDED_TRANSCRIPT_BUDGET, TRANSCRIPT_BUDGET, shrinkingTranscripts, storedTranscript, type ChatEntry } from '../../src/session/chat-log.js';
import type { Conversation } from '../../src/session/conversation.js';
import type { RtcError } from '../../src/session/errors.js';

/** A Storage that holds at most `capacity` characters (keys and values), as browsers do per origin. */
class SmallStorage implements Storage {
  private items = new Map<string, string>();
  constructor(public capacity: number) {}
  get length() {
    return this.items.size;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    let used = key.length + value.length;
    for (const [k, v] of this.items) if (k !== key) used += k.length + v.length;
    if (used > this.capacity) throw new DOMException('full', 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

function entry(i: number, from: 'local' | 'remote', status: ChatEntry['status'], text = `t${i}`): ChatEntry {
  return { id: `m${i}`, from, name: '', text, ts: i, at: i, status };
}

/** A Chat on a stub conversation that is never open: what it writes stays in its outbox. */
function chatOn(storage: Storage, key: string) {
  vi.stubGlobal('localStorage', storage);
  const conversation = { remoteVersion: 0, remoteName: '', isOpen: false, send: () => false, on: () => () => {}, retain: () => () => {}, connect: () => new Promise(() => {}) } as unknown as Conversation;
  const host: ChatHost = { peer: null, name: 'Ann', online: false, elsewhere: false, conversation: () => conversation, onOnline: () => () => {} };
  const chat = new Chat(host, 'bo', key, 'local');
  const errors: RtcError[] = [];
  chat.on('error', (error) => errors.push(error));
  return { chat, errors };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('storing transcripts', () => {
  it('shrinks a transcript by halves of its history, never dropping the outbox, down to the outbox alone', () => {
    const entries = [entry(0, 'local', 'queued'), ...Array.from({ length: 8 }, (_, i) => entry(i + 1, 'remote', 'received')), entry(9, 'local', 'sent')];
    const sizes = [...shrinkingTranscripts(entries)].map((list) => list.map((e) => e.id));
    expect(sizes).toEqual([
      ['m0', 'm5', 'm6', 'm7', 'm8', 'm9'],
      ['m0', 'm7', 'm8', 'm9'],
      ['m0', 'm8', 'm9'],
      ['m0', 'm9'],
    ]);
  });

  it('stores a transcript whole when it fits the budget, else its newest part with the whole outbox', () => {
    const small = [entry(0, 'remote', 'received')];
    expect(storedTranscript(small)).toBe(JSON.stringify(small));
    // A peer's flood: 1,300 messages of 4,000 characters (8 MB of JSON) and one message of ours waiting.
    const flood = [entry(-1, 'local', 'queued', 'mine'), ...Array.from({ length: 1300 }, (_, i) => entry(i, 'remote', 'received', 'x'.repeat(4000)))];
    const stored = storedTranscript(flood);
    expect(stored.length).toBeLessThanOrEqual(TRANSCRIPT_BUDGET);
    const log = ChatLog.from(JSON.parse(stored));
    expect(log.entries[0]).toMatchObject({ id: 'm-1', text: 'mine' });
    expect(log.entries.at(-1)!.id).toBe('m1299');
  });

  it('makes room by forgetting the conversation untouched longest, but never one with an outbox', () => {
    const storage = new SmallStorage(10_000);
    storage.setItem(`${TRANSCRIPT_KEY_PREFIX}old-with-outbox`, JSON.stringify([entry(1, 'local', 'queued')]));
    storage.setItem(`${TRANSCRIPT_KEY_PREFIX}older`, JSON.stringify([entry(5, 'remote', 'received')]));
    storage.setItem(`${TRANSCRIPT_KEY_PREFIX}newer`, JSON.stringify([entry(9, 'remote', 'received')]));
    storage.setItem('someone-else', 'x');
    // What Chat.saveWhenFull removes, in this order.
    const evictOldest = () => {
      const [oldest] = evictableTranscripts(storage, `${TRANSCRIPT_KEY_PREFIX}newer`);
      if (oldest !== undefined) storage.removeItem(oldest);
      return oldest !== undefined;
    };
    expect(evictOldest()).toBe(true);
    expect(storage.getItem(`${TRANSCRIPT_KEY_PREFIX}older`)).toBeNull();
    expect(evictOldest()).toBe(false);
    expect(storage.getItem(`${TRANSCRIPT_KEY_PREFIX}old-with-outbox`)).not.toBeNull();
    expect(storage.getItem('someone-else')).toBe('x');
  });

  it('keeps at most ONE_SIDED_TRANSCRIPT_BUDGET of a conversation we never wrote in, the newest of it', () => {
    const flood = Array.from({ length: 200 }, (_, i) => entry(i, 'remote', 'received', 'x'.repeat(1_000)));
    const json = storedTranscript(flood);
    expect(json.length).toBeLessThanOrEqual(ONE_SIDED_TRANSCRIPT_BUDGET);
    const kept = JSON.parse(json) as ChatEntry[];
    expect(kept.at(-1)!.id).toBe('m199');
    // Once we have written in it, the whole budget applies.
    expect(storedTranscript([...flood, entry(200, 'local', 'delivered')]).length).toBeGreaterThan(ONE_SIDED_TRANSCRIPT_BUDGET);
  });

  it('forgets conversations we never wrote in first, however recent, and for such a one only such others', () => {
    const storage = new SmallStorage(100_000);
    storage.setItem(`${TRANSCRIPT_KEY_PREFIX}we-talked`, JSON.stringify([entry(1, 'remote', 'received'), entry(2, 'local', 'delivered')]));
    storage.setItem(`${TRANSCRIPT_KEY_PREFIX}stranger-new`, JSON.stringify([entry(9, 'remote', 'received')]));
    storage.setItem(`${TRANSCRIPT_KEY_PREFIX}stranger-old`, JSON.stringify([entry(5, 'remote', 'received')]));
    const short = (keys: string[]) => keys.map((k) => k.slice(TRANSCRIPT_KEY_PREFIX.length));
    expect(short(evictableTranscripts(storage, 'none'))).toEqual(['stranger-old', 'stranger-new', 'we-talked']);
    expect(short(evictableTranscripts(storage, 'none', true))).toEqual(['stranger-old', 'stranger-new']);
  });

  it('a flood from ten ids that fills the store costs none of the conversations we took part in', () => {
    const storage = new SmallStorage(400_000);
    const ours = `${TRANSCRIPT_KEY_PREFIX}visitor1`;
    storage.setItem(ours, JSON.stringify([entry(1, 'remote', 'received', 'Where is my order?'), entry(2, 'local', 'delivered', 'On its way')]));
    for (let id = 0; id < 10; id++) {
      const { chat } = chatOn(storage, `${TRANSCRIPT_KEY_PREFIX}flood-${id}`);
      for (let i = 0; i < 300; i++) chat.receive({ type: 'chat', id: `f${id}-${i}`, text: 'x'.repeat(4_000), ts: i });
      chat.saveNow();
      chat.dispose();
    }
    expect(ChatLog.from(JSON.parse(storage.getItem(ours)!)).entries.map((e) => e.text)).toEqual(['Where is my order?', 'On its way']);
  });

  it('a full store: older conversations make room; what we wrote survives a reload', () => {
    const storage = new SmallStorage(2_000);
    const old = `${TRANSCRIPT_KEY_PREFIX}old`;
    storage.setItem(old, JSON.stringify([entry(1, 'remote', 'received', 'y'.repeat(1_200))]));
    const key = `${TRANSCRIPT_KEY_PREFIX}now`;
    const { chat, errors } = chatOn(storage, key);
    chat.send('z'.repeat(700));
    chat.saveNow();
    expect(storage.getItem(old)).toBeNull();
    expect(ChatLog.from(JSON.parse(storage.getItem(key)!)).entries.map((e) => e.text)).toEqual(['z'.repeat(700)]);
    expect(errors).toEqual([]);
    chat.dispose();
  });

  it('a store full of someone else\'s data: less of this conversation is kept, the outbox whole', () => {
    const storage = new SmallStorage(3_000);
    storage.setItem('the-site-s-own-data', 'x'.repeat(1_800)); // not ours to evict
    const key = `${TRANSCRIPT_KEY_PREFIX}now`;
    const { chat, errors } = chatOn(storage, key);
    for (let i = 0; i < 12; i++) chat.receive({ type: 'chat', id: `r${i}`, text: `reply ${i} ${'y'.repeat(60)}`, ts: i });
    chat.send('still to deliver');
    chat.saveNow();
    const stored = ChatLog.from(JSON.parse(storage.getItem(key)!)).entries;
    expect(stored.length).toBeLessThan(13);
    expect(stored.length).toBeGreaterThan(1);
    expect(stored.at(-1)!.text).toBe('still to deliver');
    // The newest of the rest, in order.
    expect(stored.slice(0, -1).map((e) => e.id)).toEqual(chat.log.entries.slice(13 - stored.length, 12).map((e) => e.id));
    expect(errors).toEqual([]);
    expect(storage.getItem('the-site-s-own-data')).not.toBeNull();
    chat.dispose();
  });

  it('says so once when not even the outbox fits, and again after a save has worked', () => {
    const storage = new SmallStorage(600);
    const key = `${TRANSCRIPT_KEY_PREFIX}now`;
    const { chat, errors } = chatOn(storage, key);
    chat.send('a'.repeat(700));
    chat.saveNow();
    chat.send('b');
    chat.saveNow();
    expect(errors.map((e) => e.code)).toEqual(['storage-full']);
    // The page still has every message.
    expect(chat.log.entries.map((e) => e.text.slice(0, 1))).toEqual(['a', 'b']);
    // Room again (the person cleared some): saved; full again later: said again.
    storage.capacity = 100_000;
    chat.saveNow();
    expect(ChatLog.from(JSON.parse(storage.getItem(key)!)).entries).toHaveLength(2);
    storage.capacity = 600;
    chat.send('c');
    chat.saveNow();
    expect(errors.map((e) => e.code)).toEqual(['storage-full', 'storage-full']);
    chat.dispose();
  });
});
