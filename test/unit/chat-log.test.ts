import { describe, expect, it } from 'vitest';
import { ChatLog, MAX_ENTRIES, TRIM_SLACK } from '../../src/session/chat-log.js';

const chat = (id: string, text = id, ts = 1) => ({ type: 'chat' as const, id, text, ts });

describe('ChatLog outbox', () => {
  it('keeps unacknowledged local messages pending, oldest first, until acked', () => {
    const log = new ChatLog();
    for (const id of ['a', 'b', 'c']) log.addLocal(id, id, 'me', 1);
    expect(log.pending().map((e) => e.id)).toEqual(['a', 'b', 'c']);
    log.markSent('a');
    log.markSent('b');
    expect(log.entries.map((e) => e.status)).toEqual(['sent', 'sent', 'queued']);
    expect(log.markDelivered('b')).toBe(true);
    expect(log.markDelivered('b')).toBe(false);
    expect(log.pending().map((e) => e.id)).toEqual(['a', 'c']);
    log.markSent('b'); // a late "sent" never downgrades a delivered message
    expect(log.entries[1]!.status).toBe('delivered');
  });

  it('drops a remote message whose id it already has (exactly once), but not a local one with the same id', () => {
    const log = new ChatLog();
    expect(log.addRemote(chat('x', 'hi'), 'Bo')).not.toBeNull();
    expect(log.addRemote(chat('x', 'hi again'), 'Bo')).toBeNull();
    log.addLocal('x', 'mine', 'me', 2);
    expect(log.entries.map((e) => `${e.from}:${e.text}`)).toEqual(['remote:hi', 'local:mine']);
  });

  it('an ack for an unknown or remote id changes nothing', () => {
    const log = new ChatLog();
    log.addRemote(chat('r'), 'Bo');
    expect(log.markDelivered('r')).toBe(false);
    expect(log.markDelivered('nope')).toBe(false);
  });

  it('trims the oldest history past MAX_ENTRIES but never an undelivered local message', () => {
    const log = new ChatLog();
    log.addLocal('keep', 'waiting', 'me', 0);
    // The first trim comes with entry MAX_ENTRIES + 1; later ones every TRIM_SLACK entries.
    const total = MAX_ENTRIES + 1 + 3 * (TRIM_SLACK + 1);
    for (let i = 1; i < total; i++) {
      log.addRemote(chat(`r${i}`), 'Bo');
      expect(log.entries.length).toBeLessThanOrEqual(MAX_ENTRIES + TRIM_SLACK);
    }
    expect(log.entries.length).toBe(MAX_ENTRIES); // right after a trim
    expect(log.entries[0]!.id).toBe('keep');
    expect(log.entries[1]!.id).toBe(`r${total - MAX_ENTRIES + 1}`);
    expect(log.entries.at(-1)!.id).toBe(`r${total - 1}`);
    // The newest are de-duplicated, and so are trimmed ones: a peer whose receipt got lost re-sends
    // an old message, which must not show up again as new.
    expect(log.addRemote(chat(`r${total - 1}`), 'Bo')).toBeNull();
    expect(log.addRemote(chat('r1'), 'Bo')).toBeNull();
    expect(log.entries.at(-1)!.id).toBe(`r${total - 1}`);
  });

  it('keeps every undelivered message, however many, and trims history once they are delivered', () => {
    const log = new ChatLog();
    for (let i = 0; i < MAX_ENTRIES; i++) log.addRemote(chat(`old${i}`), 'Bo');
    for (let i = 0; i < 3 * MAX_ENTRIES; i++) log.addLocal(`m${i}`, 'burst', 'me', i);
    expect(log.pending().length).toBe(3 * MAX_ENTRIES);
    expect(log.entries.some((e) => e.id.startsWith('old'))).toBe(false); // history made room
    for (let i = 0; i < 3 * MAX_ENTRIES; i++) log.markDelivered(`m${i}`);
    for (let i = 0; i <= TRIM_SLACK; i++) log.addRemote(chat(`new${i}`), 'Bo');
    expect(log.entries.length).toBeGreaterThanOrEqual(MAX_ENTRIES);
    expect(log.entries.length).toBeLessThanOrEqual(MAX_ENTRIES + TRIM_SLACK);
    expect(log.entries.at(-1)!.id).toBe(`new${TRIM_SLACK}`);
  });

  it('round-trips through JSON, re-queues what was only "sent", and skips malformed entries', () => {
    const log = new ChatLog();
    log.addLocal('a', 'one', 'me', 1);
    log.markSent('a');
    log.addLocal('b', 'two', 'me', 2);
    log.markSent('b');
    log.markDelivered('b');
    log.addRemote(chat('c', 'three', 3), 'Bo');
    const saved = JSON.parse(JSON.stringify(log)) as unknown[];
    saved.push({ id: 5 }, null, 'x', { id: 'd', from: 'evil', name: '', text: '', ts: 1, status: 'sent' }, saved[0]);
    const restored = ChatLog.from(saved);
    expect(restored.entries.map((e) => `${e.id}:${e.status}`)).toEqual(['a:queued', 'b:delivered', 'c:received']);
    expect(restored.pending().map((e) => e.id)).toEqual(['a']);
    expect(ChatLog.from('garbage').entries).toEqual([]);
    expect(ChatLog.from({ length: 3 }).entries).toEqual([]);
  });

  it('clear() forgets everything, including what it had de-duplicated', () => {
    const log = new ChatLog();
    log.addRemote(chat('x'), 'Bo');
    log.clear();
    expect(log.entries).toEqual([]);
    expect(log.addRemote(chat('x'), 'Bo')).not.toBeNull();
  });
});

describe('ChatLog.pendingCount', () => {
  it('always equals pending().length, through sends, acks, duplicates, trims, clear and restore', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let log = new ChatLog();
    const local: string[] = [];
    for (let step = 0; step < 6_000; step++) {
      const r = random();
      if (r < 0.45) {
        const id = `l${step}`;
        local.push(id);
        log.addLocal(id, 'x', 'me', step);
      } else if (r < 0.6) log.markSent(local[Math.floor(random() * local.length)] ?? 'none');
      else if (r < 0.85) log.markDelivered(local[Math.floor(random() * local.length)] ?? 'none');
      else if (r < 0.98) log.addRemote(chat(`r${Math.floor(random() * 3_000)}`), 'Bo');
      else if (r < 0.99) log = ChatLog.from(JSON.parse(JSON.stringify(log)));
      else log.clear();
      expect(log.pendingCount).toBe(log.pending().length);
    }
  });
});
