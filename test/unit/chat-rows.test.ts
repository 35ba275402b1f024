import { describe, expect, it } from 'vitest';
import type { ChatEntry } from '../../src/session/chat-log.js';
import type { Transfer } from '../../src/session/file-transfer.js';
import { counterStep, newestRows, type Row } from '../../src/elements/rtc-chat/rows.js';

const entry = (id: string, at: number): ChatEntry => ({ id, from: 'remote', name: 'Bo', text: id, ts: at, at, status: 'received' });
const transfer = (id: string, startedAt: number) => ({ id, startedAt }) as unknown as Transfer;
const ids = (rows: Row[]) => rows.map((row) => (row.kind === 'message' ? row.entry.id : `f:${row.transfer.id}`));

/** What the element drew before: every row, stably sorted by time, the newest `count`. */
function reference(entries: ChatEntry[], transfers: Transfer[], count: number) {
  const all: Row[] = [
    ...entries.map((e): Row => ({ kind: 'message', at: e.at ?? e.ts, entry: e })),
    ...transfers.map((t): Row => ({ kind: 'file', at: t.startedAt, transfer: t })),
  ].sort((a, b) => a.at - b.at);
  const hidden = Math.max(0, all.length - count);
  return { rows: all.slice(hidden), hidden };
}

describe('newestRows', () => {
  it('is empty for an empty chat', () => {
    expect(newestRows([], [], 200)).toEqual({ rows: [], hidden: 0 });
  });

  it('places transfers among messages by time, a tie after the message, and counts the rest as hidden', () => {
    const entries = [entry('a', 1), entry('b', 3), entry('c', 5)];
    const transfers = [transfer('x', 3), transfer('y', 6)];
    expect(ids(newestRows(entries, transfers, 10).rows)).toEqual(['a', 'b', 'f:x', 'c', 'f:y']);
    const newest = newestRows(entries, transfers, 3);
    expect(ids(newest.rows)).toEqual(['f:x', 'c', 'f:y']);
    expect(newest.hidden).toBe(2);
  });

  it('uses ts when a message has no arrival time', () => {
    const old = { ...entry('a', 0), at: undefined, ts: 10 };
    expect(ids(newestRows([old], [transfer('x', 5)], 10).rows)).toEqual(['f:x', 'a']);
  });

  it('matches sorting every row, for random chats and windows', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 300; round++) {
      let time = 0;
      const entries: ChatEntry[] = [];
      const transfers: Transfer[] = [];
      const n = Math.floor(random() * 400);
      for (let i = 0; i < n; i++) {
        time += Math.floor(random() * 3); // equal times happen
        if (random() < 0.15) transfers.push(transfer(`t${i}`, time));
        else entries.push(entry(`m${i}`, time));
      }
      const count = 1 + Math.floor(random() * 250);
      const got = newestRows(entries, transfers, count);
      const want = reference(entries, transfers, count);
      expect(ids(got.rows)).toEqual(ids(want.rows));
      expect(got.hidden).toBe(want.hidden);
    }
  });
});

describe('counterStep', () => {
  it('changes only at 500, 100, 20 and 0 characters left, and over the limit: the counter is read out then, not on every keystroke', () => {
    const steps = [4000, 501, 500, 499, 101, 100, 57, 21, 20, 3, 0, -1, -40].map(counterStep);
    expect(steps).toEqual([null, null, 500, 500, 500, 100, 100, 100, 20, 20, 0, -1, -1]);
  });
});
