import type { ChatEntry } from '../../session/chat-log.js';
import type { Transfer } from '../../session/file-transfer.js';

export type Row = { kind: 'message'; at: number; entry: ChatEntry } | { kind: 'file'; at: number; transfer: Transfer };

/**
 * The newest `count` rows of a chat, oldest first: its messages in the order they arrived,
 * with its file transfers placed among them by time. Only the two lists' last `count` items
 * are looked at, so a render costs the same with 2,000 messages kept as with 20 (building and
 * sorting every row made each render of a long chat cost ≈ 1 ms before anything changed).
 * `hidden` counts the older rows left out.
 */
export function newestRows(entries: readonly ChatEntry[], transfers: readonly Transfer[], count: number): { rows: Row[]; hidden: number } {
  const rows: Row[] = [];
  let e = entries.length - 1;
  let f = transfers.length - 1;
  const eEnd = Math.max(-1, entries.length - 1 - count);
  const fEnd = Math.max(-1, transfers.length - 1 - count);
  while (rows.length < count && (e > eEnd || f > fEnd)) {
    const entry = e > eEnd ? entries[e]! : null;
    const transfer = f > fEnd ? transfers[f]! : null;
    const entryAt = entry ? (entry.at ?? entry.ts) : -Infinity;
    // On a tie the transfer is the later row: it was listed after the messages.
    if (transfer && (!entry || transfer.startedAt >= entryAt)) {
      rows.push({ kind: 'file', at: transfer.startedAt, transfer });
      f--;
    } else {
      rows.push({ kind: 'message', at: entryAt, entry: entry! });
      e--;
    }
  }
  rows.reverse();
  return { rows, hidden: entries.length + transfers.length - rows.length };
}

/** Characters left at which the composer's counter is read out (it shows on every keystroke; it is said only at these). */
const COUNTER_SAID_AT = [500, 100, 20, 0];

/** The smallest of COUNTER_SAID_AT that `left` has reached; -1 over the limit, null before the first. */
export function counterStep(left: number): number | null {
  if (left < 0) return -1;
  let step: number | null = null;
  for (const at of COUNTER_SAID_AT) if (left <= at) step = at;
  return step;
}
