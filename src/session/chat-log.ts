import { LIMITS, type ChatMessage } from './protocol.js';

/**
 * One conversation's transcript and outbox, pure so ordering and de-duplication are unit-tested.
 * Local messages are the outbox until the remote acknowledges them: they are re-sent, in order,
 * every time the channel opens, and the receiver drops ids it has already seen, so each message
 * arrives exactly once and in the order it was written.
 */

export type EntryStatus = 'queued' | 'sent' | 'delivered' | 'received';

export interface ChatEntry {
  id: string;
  from: 'local' | 'remote';
  name: string;
  text: string;
  /** Milliseconds since the epoch, as the author's clock said. */
  ts: number;
  /** When it entered this log, by our clock: the display order (a peer's clock may be wrong). */
  at?: number;
  status: EntryStatus;
}

/** History kept per conversation; older entries go first, undelivered ones never. */
export const MAX_ENTRIES = 2_000;
/**
 * Trimming walks the whole list, so it runs once per this many entries beyond the last trim, not
 * on every message: a burst of 10,000 unacknowledged messages (none of which may go) made every
 * send walk thousands of entries. The log holds at most MAX_ENTRIES + TRIM_SLACK removable ones.
 */
export const TRIM_SLACK = 100;
/** Trimmed remote ids remembered to drop late re-sends (a few kilobytes). */
const FORGOTTEN_KEPT = 5_000;

/**
 * The most of one transcript the page stores, in JSON characters (browsers give an origin about 5
 * million): a few long conversations, or one peer's flood, must not take the whole store.
 */
export const TRANSCRIPT_BUDGET = 1_000_000;

/**
 * The most stored of a conversation we never wrote in, in JSON characters (still dozens of long
 * messages): anyone who can reach the page can start one, and a few ids flooding messages must
 * not fill the site's storage and push out the conversations we took part in.
 */
export const ONE_SIDED_TRANSCRIPT_BUDGET = 50_000;

/** Whether we wrote anything in this transcript (else it is one-sided: the remote's alone). */
export function wroteIn(entries: readonly ChatEntry[]): boolean {
  return entries.some((entry) => entry.from === 'local');
}

const inOutbox = (entry: ChatEntry) => entry.from === 'local' && entry.status !== 'delivered';

/**
 * Ever smaller versions of a transcript, for storage that cannot take the whole: each keeps every
 * undelivered message of ours (the outbox, which must survive a reload) and the newest half, then
 * quarter… of the rest, in order, down to the outbox alone.
 */
export function* shrinkingTranscripts(entries: readonly ChatEntry[]): Generator<ChatEntry[]> {
  const rest = entries.reduce((n, entry) => (inOutbox(entry) ? n : n + 1), 0);
  for (let keep = Math.floor(rest / 2); ; keep = Math.floor(keep / 2)) {
    let skip = rest - keep;
    yield entries.filter((entry) => inOutbox(entry) || skip-- <= 0);
    if (keep === 0) return;
  }
}

/**
 * The transcript as stored: all of it, or the largest shrunk version within its budget
 * (TRANSCRIPT_BUDGET characters, or ONE_SIDED_TRANSCRIPT_BUDGET for a conversation we never wrote in).
 */
export function storedTranscript(entries: readonly ChatEntry[], budget = wroteIn(entries) ? TRANSCRIPT_BUDGET : ONE_SIDED_TRANSCRIPT_BUDGET): string {
  let json = JSON.stringify(entries);
  if (json.length <= budget) return json;
  for (const smaller of shrinkingTranscripts(entries)) {
    json = JSON.stringify(smaller);
    if (json.length <= budget) break;
  }
  return json;
}

export class ChatLog {
  private list: ChatEntry[] = [];
  private byId = new Map<string, ChatEntry>();
  /** The length at which the next trim runs. */
  private trimAt = MAX_ENTRIES;
  /** Local entries not yet delivered, kept count of so asking is O(1) on every send and ack. */
  private undelivered = 0;

  /** How many local messages wait for their ack (what pending() would list). */
  get pendingCount(): number {
    return this.undelivered;
  }

  get entries(): readonly ChatEntry[] {
    return this.list;
  }

  private key(from: ChatEntry['from'], id: string): string {
    return `${from}:${id}`;
  }

  private push(entry: ChatEntry): void {
    if (entry.from === 'local' && entry.status !== 'delivered') this.undelivered++;
    this.list.push(entry);
    this.byId.set(this.key(entry.from, entry.id), entry);
    if (this.list.length > this.trimAt) this.trim();
  }

  private trim(): void {
    const keep: ChatEntry[] = [];
    let excess = this.list.length - MAX_ENTRIES;
    for (const entry of this.list) {
      const undelivered = entry.from === 'local' && entry.status !== 'delivered';
      if (excess > 0 && !undelivered) {
        excess--;
        this.byId.delete(this.key(entry.from, entry.id));
        if (entry.from === 'remote') this.forgetRemote(entry.id);
      } else keep.push(entry);
    }
    this.list = keep;
    this.trimAt = Math.max(keep.length, MAX_ENTRIES) + TRIM_SLACK;
  }

  addLocal(id: string, text: string, name: string, ts: number): ChatEntry {
    const entry: ChatEntry = { id, from: 'local', name, text, ts, at: ts, status: 'queued' };
    this.push(entry);
    return entry;
  }

  /**
   * Ids of remote messages trimmed from the log, newest last (at most FORGOTTEN_KEPT): a peer whose
   * receipt got lost re-sends an old message, which must not show up again as new.
   */
  private forgotten = new Set<string>();

  private forgetRemote(id: string): void {
    this.forgotten.add(id);
    if (this.forgotten.size > FORGOTTEN_KEPT) this.forgotten.delete(this.forgotten.values().next().value!);
  }

  /** Whether this remote id was received already (kept, or trimmed but remembered): a re-send. */
  hasRemote(id: string): boolean {
    return this.byId.has(this.key('remote', id)) || this.forgotten.has(id);
  }

  /** Adds a remote message; null when this id was already received (a re-send). */
  addRemote(message: ChatMessage, name: string): ChatEntry | null {
    if (this.hasRemote(message.id)) return null;
    const entry: ChatEntry = { id: message.id, from: 'remote', name, text: message.text, ts: message.ts, at: Date.now(), status: 'received' };
    this.push(entry);
    return entry;
  }

  markSent(id: string): void {
    const entry = this.byId.get(this.key('local', id));
    if (entry && entry.status === 'queued') entry.status = 'sent';
  }

  /** An ack arrived; true when it changed something. */
  markDelivered(id: string): boolean {
    const entry = this.byId.get(this.key('local', id));
    if (!entry || entry.status === 'delivered') return false;
    entry.status = 'delivered';
    this.undelivered--;
    return true;
  }

  /** Local messages not yet acknowledged, oldest first: what to (re)send when the channel opens. */
  pending(): ChatEntry[] {
    return this.list.filter((e) => e.from === 'local' && e.status !== 'delivered');
  }

  clear(): void {
    this.list = [];
    this.byId.clear();
    this.trimAt = MAX_ENTRIES;
    this.undelivered = 0;
  }

  toJSON(): ChatEntry[] {
    return this.list;
  }

  /** Restores a saved transcript, skipping anything malformed (storage is user-editable). */
  static from(saved: unknown): ChatLog {
    const log = new ChatLog();
    if (!Array.isArray(saved)) return log;
    for (const raw of saved) {
      if (typeof raw !== 'object' || raw === null) continue;
      const e = raw as Partial<ChatEntry>;
      const valid =
        typeof e.id === 'string' &&
        (e.from === 'local' || e.from === 'remote') &&
        typeof e.name === 'string' &&
        typeof e.text === 'string' &&
        e.text.length <= LIMITS.maxTextLength &&
        typeof e.ts === 'number' &&
        Math.abs(e.ts) <= 8.64e15 &&
        (e.status === 'queued' || e.status === 'sent' || e.status === 'delivered' || e.status === 'received');
      if (!valid || log.byId.has(log.key(e.from!, e.id!))) continue;
      // A message that was "sent" before the reload may not have arrived: it is re-sent, so show it queued.
      const status = e.status === 'sent' ? 'queued' : e.status!;
      const at = typeof e.at === 'number' && Math.abs(e.at) <= 8.64e15 ? e.at : e.ts!;
      log.push({ id: e.id!, from: e.from!, name: e.name!, text: e.text!, ts: e.ts!, at, status });
    }
    return log;
  }
}
