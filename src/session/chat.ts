import { ChatLog, shrinkingTranscripts, storedTranscript, wroteIn, type ChatEntry } from './chat-log.js';
import type { Conversation } from './conversation.js';
import { Emitter, type Unsubscribe } from './emitter.js';
import { RtcError } from './errors.js';
import { FileTransfers, type Transfer } from './file-transfer.js';
import type { Peer } from 'peerjs';
import { LIMITS, cleanText, fitsInChatFrame, randomId, type ControlMessage } from './protocol.js';

/** Every stored transcript's key starts with this (see RtcSession.chat). */
export const TRANSCRIPT_KEY_PREFIX = 'rtc-elements:chat:';
/** At most this many other conversations are forgotten to make room for one save. */
const MAX_EVICTIONS = 50;

/** Stored JSON, or null when there is none or it does not parse (storage is user-editable). */
function parseStored(raw: string | null | undefined): unknown {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

/**
 * Stored transcripts that may be forgotten to make room, in the order to forget them: those we
 * never wrote in first (anyone can start one), then the rest; the longest untouched first within
 * each; never one with an outbox, nor `except`. `oneSidedOnly`: only those we never wrote in (to
 * make room for another such one, which must not cost a conversation we took part in).
 */
export function evictableTranscripts(storage: Storage, except: string, oneSidedOnly = false): string[] {
  const found: { key: string; at: number; wrote: boolean }[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (!key?.startsWith(TRANSCRIPT_KEY_PREFIX) || key === except) continue;
    const log = ChatLog.from(parseStored(storage.getItem(key)));
    if (log.pendingCount > 0) continue;
    const wrote = wroteIn(log.entries);
    if (wrote && oneSidedOnly) continue;
    const last = log.entries.at(-1);
    found.push({ key, at: last ? (last.at ?? last.ts) : 0, wrote });
  }
  return found.sort((a, b) => Number(a.wrote) - Number(b.wrote) || a.at - b.at).map((entry) => entry.key);
}

export interface ChatEvents {
  change: void;
  /** A new message from the remote peer (never a re-sent duplicate). */
  message: ChatEntry;
  typing: boolean;
  error: RtcError;
}

export interface ChatHost {
  readonly peer: Peer | null;
  readonly name: string;
  readonly online: boolean;
  /** True while another tab holds our id: that tab owns the stored transcript. */
  readonly elsewhere: boolean;
  conversation(remoteId: string): Conversation;
  onOnline(listener: () => void): Unsubscribe;
}

/** Where transcripts persist: per tab (default), per site, or not at all. */
export type ChatPersistence = 'session' | 'local' | 'none';

/** Delays between attempts to reach an offline remote while messages wait: 2 s doubling to 30 s. */
function retryDelay(attempt: number): number {
  return Math.min(30_000, 2_000 * 2 ** attempt);
}

const TYPING_SEND_EVERY_MS = 3_000;
const SAVE_EVERY_MS = 200;
const SAVE_COST_FACTOR = 25;
const TYPING_SHOWN_FOR_MS = 6_000;
/**
 * Receipts for chats that arrive within this long go out together in one `acks` (to peers that
 * understand it): one receipt frame per message cost the receiver of a 10,000-message burst about
 * a third of its time. ✓✓ shows at most this much later, which nobody can see.
 */
const ACK_BATCH_MS = 20;

/**
 * The chat with one remote peer: transcript, outbox, acks, typing, unread count and persistence.
 * It exists as soon as a message arrives, element or not, so nothing is lost; while an element
 * holds it or messages wait in the outbox it keeps the conversation (the control channel) open.
 */
export class Chat extends Emitter<ChatEvents> {
  log: ChatLog;
  remoteTyping = false;
  unread = 0;
  /**
   * Whether this side dials the remote to deliver its outbox. Agents turn it off: visitors dial
   * them, and a console re-dialling every visitor who left would churn connections all day.
   */
  autoDial = true;
  /** Largest file in bytes this side sends or accepts (the element's max-file-size). */
  maxFileSize = 100 * 1024 * 1024;
  readonly files: FileTransfers;
  private holders = 0;
  private releaseConversation: (() => void) | null = null;
  private disposers: Unsubscribe[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private acks: string[] = [];
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private retryAttempt = 0;
  private dialling = false;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTypingSent = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly conversation: Conversation;

  constructor(
    private readonly host: ChatHost,
    readonly remoteId: string,
    private readonly storageKey: string,
    private persistence: ChatPersistence = 'session',
  ) {
    super();
    this.log = ChatLog.from(this.load());
    this.conversation = host.conversation(remoteId);
    const chat = this;
    this.files = new FileTransfers({
      get peer() {
        return host.peer;
      },
      remoteId,
      send: (message) => this.conversation.send(message),
      get maxFileSize() {
        return chat.maxFileSize;
      },
    });
    this.disposers.push(
      this.conversation.on('open', () => this.flush()),
      // Messages marked sent on a channel that died may never have arrived: send them again.
      this.conversation.on('switch', () => this.flush()),
      // The other side went away: dial again (with backoff) while we are held or have work.
      this.conversation.on('close', () => this.ensureConnected()),
      // A file in flight keeps the channel it is announced and confirmed on.
      this.files.on('change', () => this.updateHold()),
      host.onOnline(() => this.ensureConnected()),
    );
    this.updateHold();
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', this.onStorage);
      this.disposers.push(() => window.removeEventListener('storage', this.onStorage));
    }
  }

  /** Another tab of the site wrote this transcript: a tab that is not the connected one shows it. */
  private onStorage = (event: StorageEvent) => {
    if (event.key !== this.storageKey || this.persistence !== 'local' || !this.host.elsewhere) return;
    this.log = ChatLog.from(parseStored(event.newValue));
    this.emit('change', undefined);
  };

  private storage(): Storage | null {
    try {
      if (this.persistence === 'none') return null;
      return this.persistence === 'local' ? localStorage : sessionStorage;
    } catch {
      return null;
    }
  }

  private load(): unknown {
    try {
      return parseStored(this.storage()?.getItem(this.storageKey));
    } catch {
      return null;
    }
  }

  /** How long the last save took: a big transcript is saved less often (see save()). */
  private lastSaveMs = 0;

  /**
   * Saves at most every SAVE_EVERY_MS, however many messages a burst brings (and at once on
   * dispose), and at most every SAVE_COST_FACTOR × the last save's duration, so saving never takes
   * more than a few percent of the page's time (a 10,000-message burst saved a growing transcript
   * 5 times a second: a fifth of the sender's time).
   */
  private save(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = setTimeout(() => this.saveNow(), Math.max(SAVE_EVERY_MS, SAVE_COST_FACTOR * this.lastSaveMs));
  }

  /** Writes the transcript now (a closing page, or a message the person just wrote). */
  saveNow(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    // The tab holding our id owns the stored transcript; a stale copy here must not overwrite it.
    if (this.host.elsewhere) return;
    const storage = this.storage();
    if (!storage) return;
    const started = performance.now();
    const json = storedTranscript(this.log.toJSON());
    const saved = this.write(storage, json) || this.saveWhenFull(storage, json);
    this.lastSaveMs = performance.now() - started;
    if (saved) this.storageFullReported = false;
    else if (!this.storageFullReported) {
      // Once per episode: the transcript stays in memory for this page, and people must know it.
      this.storageFullReported = true;
      this.emit('error', new RtcError('storage-full', 'The transcript could not be saved: this browser\'s storage for the site is full.'));
    }
  }

  private storageFullReported = false;

  private write(storage: Storage, json: string): boolean {
    try {
      storage.setItem(this.storageKey, json);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The site's storage is full: make room by forgetting other conversations (those we never wrote
   * in first, the longest untouched first, never one with an outbox; and for a conversation we
   * never wrote in, only such others), then keep less of this one, down to its outbox alone.
   */
  private saveWhenFull(storage: Storage, json: string): boolean {
    for (const key of evictableTranscripts(storage, this.storageKey, !wroteIn(this.log.entries)).slice(0, MAX_EVICTIONS)) {
      storage.removeItem(key);
      if (this.write(storage, json)) return true;
    }
    for (const smaller of shrinkingTranscripts(this.log.toJSON())) if (this.write(storage, JSON.stringify(smaller))) return true;
    return false;
  }

  setPersistence(persistence: ChatPersistence): void {
    if (persistence === this.persistence) return;
    this.persistence = persistence;
    this.save();
  }

  /** An element shows this chat; the returned function lets go. */
  hold(): () => void {
    this.holders++;
    this.updateHold();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders--;
      this.updateHold();
    };
  }

  /** Keeps the control channel while someone looks at the chat or messages wait to go out. */
  private updateHold(): void {
    const busy = this.files.transfers.some((t) => t.status === 'sending' || t.status === 'receiving' || t.status === 'verifying');
    const needed = this.holders > 0 || busy || this.log.pendingCount > 0;
    if (needed && !this.releaseConversation) {
      this.releaseConversation = this.conversation.retain();
      this.ensureConnected();
    } else if (!needed && this.releaseConversation) {
      this.releaseConversation();
      this.releaseConversation = null;
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
  }

  send(text: string): ChatEntry {
    // The tab holding our id owns the stored transcript: a message kept only here would be lost.
    if (this.host.elsewhere) throw new RtcError('id-taken', 'This chat is open in another tab; write from there.');
    // The receiver strips these anyway; stripping here keeps what we show equal to what they see.
    const trimmed = cleanText(text).replace(/\s+$/, '');
    if (!trimmed.trim()) throw new RtcError('message-too-long', 'An empty message was not sent.');
    if (trimmed.length > LIMITS.maxTextLength) {
      throw new RtcError('message-too-long', `Messages can be at most ${LIMITS.maxTextLength} characters.`);
    }
    // A frame the receiver would drop would be re-sent forever, never acknowledged.
    if (!fitsInChatFrame(trimmed)) throw new RtcError('message-too-long', 'This message is too large to send; please shorten it.');
    const entry = this.log.addLocal(randomId(), trimmed, this.host.name, Date.now());
    this.setLocalTyping(false);
    this.transmit(entry);
    this.updateHold();
    this.changed();
    // Saved with the usual throttle; a reload or close within it is covered by the pagehide
    // save (registry.ts). Saving the whole transcript on every send made chat latency grow
    // with history.
    return entry;
  }

  private transmit(entry: ChatEntry): void {
    if (this.conversation.send({ type: 'chat', id: entry.id, text: entry.text, ts: entry.ts })) this.log.markSent(entry.id);
    else this.ensureConnected();
  }

  /** Re-sends everything unacknowledged, in order; the receiver drops what it already has. */
  private flush(): void {
    this.retryAttempt = 0;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const pending = this.log.pending();
    for (const entry of pending) {
      if (!this.conversation.send({ type: 'chat', id: entry.id, text: entry.text, ts: entry.ts })) break;
      this.log.markSent(entry.id);
    }
    if (pending.length) this.changed();
  }

  /** Dials the remote while messages wait or someone looks at the chat, backing off while it is away. */
  private ensureConnected(): void {
    // One dial at a time: every failed send lands here, and each extra dial would mean one more flush.
    if (!this.autoDial || this.dialling || this.conversation.isOpen || this.retryTimer !== undefined || !this.releaseConversation || !this.host.online) return;
    this.dialling = true;
    this.conversation
      .connect()
      .then(
        () => this.flush(),
        () => {
          if (!this.releaseConversation || this.conversation.isOpen) return;
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.ensureConnected();
          }, retryDelay(this.retryAttempt++));
        },
      )
      .finally(() => (this.dialling = false));
  }

  /** Whether an element shows this chat (files offered to a chat nobody sees are refused). */
  get shown(): boolean {
    return this.holders > 0;
  }

  /** True while messages wait because the other side cannot be reached. */
  get waiting(): boolean {
    return !this.conversation.isOpen && this.log.pendingCount > 0;
  }

  /** Opens the channel if needed (the offer travels on it), then sends the file's bytes on their own. */
  async sendFile(file: File): Promise<Transfer> {
    if (file.size > this.maxFileSize) {
      throw new RtcError('file-too-large', `${file.name} is larger than the ${Math.round(this.maxFileSize / 1048576)} MB limit.`);
    }
    if (this.host.elsewhere) throw new RtcError('id-taken', 'This chat is open in another tab; send files from there.');
    const release = this.conversation.retain();
    try {
      await this.conversation.connect();
      return this.files.send(file);
    } finally {
      release();
    }
  }

  /** Handles chat, ack and typing messages; false for anything else. */
  receive(message: ControlMessage): boolean {
    switch (message.type) {
      case 'chat': {
        // Always acknowledge, duplicates included: the sender re-sends until it hears back.
        this.acknowledge(message.id);
        const entry = this.log.addRemote(message, this.conversation.remoteName);
        if (!entry) return true;
        this.remoteTyping = false;
        clearTimeout(this.typingTimer);
        this.unread++;
        this.emit('message', entry);
        this.changed();
        return true;
      }
      case 'ack':
      case 'acks': {
        let changed = false;
        for (const id of message.type === 'ack' ? [message.id] : message.ids) changed = this.log.markDelivered(id) || changed;
        if (changed) {
          this.updateHold();
          this.changed();
        }
        return true;
      }
      case 'typing':
        this.remoteTyping = message.on;
        clearTimeout(this.typingTimer);
        // A peer that vanishes mid-sentence must not look like it types forever.
        if (message.on) this.typingTimer = setTimeout(() => this.setRemoteTyping(false), TYPING_SHOWN_FOR_MS);
        this.emit('typing', message.on);
        this.emit('change', undefined);
        return true;
      default:
        return false;
    }
  }

  /** One receipt per chat to a peer that knows only `ack`; batched in `acks` to one that said v ≥ 2. */
  private acknowledge(id: string): void {
    if (this.conversation.remoteVersion < 2) {
      this.conversation.send({ type: 'ack', id });
      return;
    }
    this.acks.push(id);
    if (this.acks.length >= LIMITS.maxAckIds) this.sendAcks();
    else this.ackTimer ??= setTimeout(() => this.sendAcks(), ACK_BATCH_MS);
  }

  /** A receipt that cannot go now is not kept: the sender re-sends on the next channel and hears back then. */
  private sendAcks(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    const ids = this.acks.splice(0);
    if (ids.length === 1) this.conversation.send({ type: 'ack', id: ids[0]! });
    else if (ids.length > 1) this.conversation.send({ type: 'acks', ids });
  }

  private setRemoteTyping(on: boolean): void {
    if (this.remoteTyping === on) return;
    this.remoteTyping = on;
    this.emit('typing', on);
    this.emit('change', undefined);
  }

  /** Called on each keystroke; sends at most one "typing" every few seconds, and one "stopped". */
  setLocalTyping(on: boolean): void {
    const now = Date.now();
    if (on && now - this.lastTypingSent < TYPING_SEND_EVERY_MS) return;
    if (!on && this.lastTypingSent === 0) return;
    this.lastTypingSent = on ? now : 0;
    this.conversation.send({ type: 'typing', on });
  }

  markRead(): void {
    if (this.unread === 0) return;
    this.unread = 0;
    this.emit('change', undefined);
  }

  clear(): void {
    this.log.clear();
    this.unread = 0;
    this.updateHold();
    this.changed();
  }

  private changed(): void {
    this.save();
    this.emit('change', undefined);
  }

  dispose(): void {
    if (this.saveTimer !== undefined) this.saveNow();
    this.sendAcks();
    clearTimeout(this.retryTimer);
    clearTimeout(this.typingTimer);
    for (const dispose of this.disposers.splice(0)) dispose();
    this.files.dispose();
    this.releaseConversation?.();
    this.releaseConversation = null;
    this.removeAllListeners();
  }
}
