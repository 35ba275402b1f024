import type { DataConnection, Peer } from 'peerjs';
import { chunkSizeFor, RateMeter, safeMimeType, sanitizeFileName } from './chunking.js';
import { Emitter } from './emitter.js';
import { RtcError, type RtcErrorCode } from './errors.js';
import { FILE_LABEL, LIMITS, randomId, type ControlMessage, type FileCancelMessage, type FileOfferMessage } from './protocol.js';
import { createFileHash, type FileHash } from './file-hash.js';

/**
 * File transfer between this peer and one remote: the offer, hash and verdict travel on the
 * control channel, the bytes on their own raw `rtc-file` connection per file. The two channels
 * are separate RTCPeerConnections, so nothing is assumed about the order in which a file's
 * control messages and its bytes (or the connection itself) arrive.
 */

export interface FileTransferHost {
  /** PeerJS Peer, to open the raw connection. */
  readonly peer: Peer | null;
  readonly remoteId: string;
  /** Our control channel to remoteId; false when it is not open. */
  send(message: ControlMessage): boolean;
  /** Bytes; enforced on both sides. */
  readonly maxFileSize: number;
}

export type TransferStatus = 'sending' | 'receiving' | 'verifying' | 'done' | 'cancelled' | 'failed';
export type TransferEndReason = FileCancelMessage['reason'];

export interface Transfer {
  readonly id: string;
  readonly direction: 'out' | 'in';
  /** Sanitized. */
  readonly name: string;
  readonly size: number;
  /** Outgoing: the file's own type; incoming: the announced type if inert, else application/octet-stream. */
  readonly mime: string;
  /** Date.now() when offered or sent, to order transfers among chat messages. */
  readonly startedAt: number;
  bytes: number;
  status: TransferStatus;
  bytesPerSecond: number;
  reason?: TransferEndReason;
  /** Set when status is 'cancelled': which side stopped it. */
  cancelledBy?: 'local' | 'remote';
  /** Incoming, once verified. */
  file?: File;
}

export interface FileTransferEvents {
  /** Progress (at most ~10 per second per transfer) and every status change. */
  change: Transfer;
  /** An incoming file arrived whole and verified; `transfer.file` is set. */
  received: Transfer;
  error: RtcError;
}

const MiB = 1024 * 1024;
/** Backpressure: stop writing above HIGH, resume at LOW, so the channel never runs dry. */
const HIGH_WATER = 8 * MiB;
const LOW_WATER = 2 * MiB;
/** One file read (or one step through the loaded file) covers several chunks: fewer async reads, still bounded memory. */
const READ_SIZE = 1 * MiB;
/**
 * Files above the native hash's limit arrive as Blobs of this size, so a huge file is never one
 * buffer. Smaller ones go into one buffer: building Blobs during the transfer and reading them
 * all back to hash cost as much CPU as the bytes' own way on a two-core machine.
 */
const FOLD_SIZE = 8 * MiB;
/** Wait for the other half (offer ↔ connection, last byte ↔ file-end) or for the connection to open. */
const HALF_TIMEOUT_MS = 30_000;
/** Sender: how long the receiver may take to confirm after every byte left. */
const VERDICT_TIMEOUT_MS = 30_000;
/**
 * A transfer whose bytes stop moving for this long fails, on either side: a peer that offers a
 * file and then sends nothing more (or a receiver that stops reading) must not hold it open forever.
 */
const STALL_TIMEOUT_MS = 30_000;
/** After an unexpected close, how long a file-cancel in flight on the control channel may take. */
const CLOSE_GRACE_MS = 1_500;
const PROGRESS_INTERVAL_MS = 100;
/** Sender wakes this often while blocked on backpressure, to report progress on slow links. */
const POLL_MS = 250;
/** What a remote may make us hold before it has offered anything. */
const MAX_EARLY_CONNECTIONS = 4;
const MAX_EARLY_BYTES = 4 * MiB;
const MAX_ACTIVE_INCOMING = 16;
/**
 * Receive buffers (see Incoming.whole) held at once in this page. A peer that announces large
 * files and sends a byte of each makes us allocate no more than this; beyond it files arrive as
 * Blob parts, as larger ones always do.
 */
const RECEIVE_BUFFER_BUDGET = 128 * MiB;
let receiveBuffersHeld = 0;

/** Bytes of receive buffers held now, across every transfer of the page (for tests). */
export function receiveBufferBytes(): number {
  return receiveBuffersHeld;
}
/** Finished transfers kept for display; older ones (and their received files) are let go. */
const MAX_FINISHED_KEPT = 100;
const MAX_REFUSED_REMEMBERED = 64;
/**
 * Refusals answered (file-cancel) and reported (rtc-error) per REFUSAL_WINDOW_MS; beyond that a
 * peer is flooding offers, and the rest are dropped in silence rather than costing an error event,
 * a render and a reply each.
 */
const MAX_REFUSALS_ANSWERED = 20;
const REFUSAL_WINDOW_MS = 5_000;

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const ACTIVE: ReadonlySet<TransferStatus> = new Set(['sending', 'receiving', 'verifying']);

const noop = () => {};

function isValidId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= LIMITS.maxIdLength && ID_PATTERN.test(value);
}

function closeQuietly(connection: DataConnection): void {
  try {
    connection.removeAllListeners();
    connection.close();
  } catch {
    // Already torn down by PeerJS.
  }
}

const CODES: Record<TransferEndReason, RtcErrorCode> = {
  cancelled: 'file-failed',
  'too-large': 'file-too-large',
  corrupt: 'file-corrupt',
  failed: 'file-failed',
};

/** What a transfer needs from its FileTransfers (which owns the protected emit). */
interface Context {
  readonly host: FileTransferHost;
  change(transfer: Transfer): void;
  received(transfer: Transfer): void;
  error(error: RtcError): void;
}

abstract class Job {
  connection: DataConnection | null = null;
  protected readonly meter = new RateMeter();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private lastEmit = 0;

  protected readonly hash: FileHash;

  constructor(
    protected readonly ctx: Context,
    readonly transfer: Transfer,
  ) {
    this.hash = createFileHash(transfer.size);
  }

  get active(): boolean {
    return ACTIVE.has(this.transfer.status);
  }

  protected setTimer(ms: number, onTimeout: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.active) onTimeout();
    }, ms);
  }

  protected clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Bytes started or went on moving: (re)arms the stall watchdog, until the last byte. */
  protected moving(bytes = this.transfer.bytes): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    if (bytes >= this.transfer.size) return;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.active) this.fail('failed', `"${this.transfer.name}" stalled: no data moved for ${STALL_TIMEOUT_MS / 1000} s.`);
    }, STALL_TIMEOUT_MS);
  }

  /** Records progress; emits at most every PROGRESS_INTERVAL_MS, with a trailing emit. */
  protected progress(bytes: number): void {
    if (bytes > this.transfer.bytes) this.moving(bytes);
    const now = performance.now();
    this.transfer.bytesPerSecond = this.meter.add(bytes - this.transfer.bytes, now);
    this.transfer.bytes = bytes;
    if (this.progressTimer !== undefined) return;
    const wait = this.lastEmit + PROGRESS_INTERVAL_MS - now;
    if (wait <= 0) this.emitChange();
    else
      this.progressTimer = setTimeout(() => {
        this.progressTimer = undefined;
        if (this.active) this.emitChange();
      }, wait);
  }

  protected emitChange(): void {
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    this.lastEmit = performance.now();
    this.ctx.change(this.transfer);
  }

  protected setStatus(status: TransferStatus): void {
    if (this.transfer.status === status) return;
    this.transfer.status = status;
    this.emitChange();
  }

  /** Ends the transfer once; every later stop is a no-op. */
  protected finish(status: 'done' | 'cancelled' | 'failed', reason?: TransferEndReason, by?: 'local' | 'remote'): boolean {
    if (!this.active) return false;
    this.transfer.status = status;
    if (reason) this.transfer.reason = reason;
    if (status === 'cancelled' && by) this.transfer.cancelledBy = by;
    this.release();
    this.stopped();
    this.emitChange();
    return true;
  }

  /** Subclass hook: drop buffers, wake waiters. */
  protected abstract stopped(): void;

  /** Clears timers and closes the raw connection; safe to call any time. */
  release(): void {
    this.clearTimer();
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const connection = this.connection;
    this.connection = null;
    if (connection) closeQuietly(connection);
  }

  /** The user (or dispose) stops it: tell the other side. */
  cancelLocal(): void {
    if (!this.active) return;
    this.tell('cancelled');
    this.finish('cancelled', 'cancelled', 'local');
  }

  /** The other side sent file-cancel. */
  cancelledByRemote(reason: TransferEndReason): void {
    const status = reason === 'cancelled' ? 'cancelled' : 'failed';
    if (!this.finish(status, reason, 'remote')) return;
    if (reason !== 'cancelled') this.ctx.error(new RtcError(CODES[reason], this.describe(reason)));
  }

  /** Something went wrong here: tell the other side, report it. */
  fail(reason: 'failed' | 'corrupt', message?: string): void {
    if (!this.active) return;
    this.tell(reason);
    this.finish('failed', reason);
    this.ctx.error(new RtcError(CODES[reason], message ?? this.describe(reason)));
  }

  protected tell(reason: TransferEndReason): void {
    try {
      this.ctx.host.send({ type: 'file-cancel', id: this.transfer.id, reason });
    } catch {
      // The control channel is gone; the raw connection closing tells the other side.
    }
  }

  private describe(reason: TransferEndReason): string {
    const name = `"${this.transfer.name}"`;
    switch (reason) {
      case 'too-large':
        return `${name} is larger than the receiver accepts.`;
      case 'corrupt':
        return `${name} arrived damaged (its checksum did not match).`;
      default:
        return `The transfer of ${name} failed.`;
    }
  }

  protected listen(connection: DataConnection, onData: (data: unknown) => void): void {
    this.connection = connection;
    connection.on('data', (data) => {
      try {
        onData(data);
      } catch (error) {
        this.fail('failed', `The transfer of "${this.transfer.name}" failed: ${String(error)}`);
      }
    });
    connection.on('close', () => this.connectionClosed());
    // PeerJS reports channel errors here; the close that follows is what counts.
    connection.on('error', noop);
  }

  /** The raw connection went away: a file-cancel may still be on its way, so wait a moment. */
  protected connectionClosed(): void {
    if (!this.active) return;
    this.setTimer(CLOSE_GRACE_MS, () => this.fail('failed', `The connection closed before "${this.transfer.name}" was complete.`));
  }
}

class Outgoing extends Job {
  private endSent = false;
  private channel: RTCDataChannel | null = null;
  private wake: (() => void) | null = null;
  /**
   * For the native hash: the file's blocks, read one after the other ahead of the sends into one
   * buffer (see readAhead()); the sends take their bytes from them.
   */
  private blocks: Promise<Uint8Array<ArrayBuffer>>[] = [];

  constructor(
    ctx: Context,
    transfer: Transfer,
    private readonly file: File,
  ) {
    super(ctx, transfer);
  }

  start(): void {
    const { host } = this.ctx;
    const { id, name, size, mime } = this.transfer;
    if (!host.send({ type: 'file-offer', id, name, size, mime })) {
      this.fail('failed', `Could not offer "${name}": not connected.`);
      return;
    }
    let connection: DataConnection | undefined;
    try {
      const peer = host.peer;
      if (peer && !peer.destroyed && !peer.disconnected) {
        connection = peer.connect(host.remoteId, { label: FILE_LABEL, serialization: 'raw', reliable: true, metadata: { fileId: id } });
      }
    } catch {
      connection = undefined;
    }
    if (!connection) {
      this.fail('failed', `Could not open a connection for "${name}".`);
      return;
    }
    this.listen(connection, noop);
    connection.on('open', () => {
      if (!this.active) return;
      this.clearTimer();
      void this.pump(connection);
    });
    this.setTimer(HALF_TIMEOUT_MS, () => this.fail('failed', `The connection for "${name}" did not open.`));
  }

  private async pump(connection: DataConnection): Promise<void> {
    const channel = connection.dataChannel;
    try {
      if (!channel || channel.readyState !== 'open') throw new Error('data channel not open');
      this.channel = channel;
      channel.bufferedAmountLowThreshold = LOW_WATER;
      channel.addEventListener('bufferedamountlow', this.onLow);
      this.meter.start(performance.now());
      this.moving();
      // Not earlier: loading the file at the offer held up PeerJS's offer on the main thread
      // (first byte ≈ 0.6 s after sendFile() instead of ≈ 0.3 s in the bench).
      if (this.hash.native) this.readAhead();
      const chunkSize = chunkSizeFor(connection.peerConnection?.sctp?.maxMessageSize);
      const size = this.file.size;
      let queued = 0;
      let next = size > 0 ? this.read(0) : null;
      while (queued < size) {
        const block = await next!;
        if (!this.sending(channel)) return;
        if (block.byteLength !== Math.min(READ_SIZE, size - queued)) throw new Error('the file changed while it was being sent');
        const end = queued + block.byteLength;
        // Read the next block while this one is hashed and sent.
        next = end < size ? this.read(end) : null;
        this.hash.update(block);
        for (let at = 0; at < block.byteLength; at += chunkSize) {
          while (channel.bufferedAmount > HIGH_WATER) {
            await this.sleep();
            if (!this.sending(channel)) return;
            this.progress(queued - channel.bufferedAmount);
          }
          const chunk = block.subarray(at, at + chunkSize);
          // Straight to the channel: PeerJS's send() buffers again and polls every 50 ms.
          channel.send(chunk);
          queued += chunk.byteLength;
        }
        this.progress(queued - channel.bufferedAmount);
      }
      // Every byte is queued (and the copy hashed): not needed during the drain and the wait for the verdict.
      this.blocks = [];
      // Drain, so progress is exact and the verdict timeout does not include queued bytes.
      channel.bufferedAmountLowThreshold = 0;
      while (channel.bufferedAmount > 0) {
        await this.sleep();
        if (!this.sending(channel)) return;
        this.progress(queued - channel.bufferedAmount);
      }
      this.progress(size);
      const sha256 = await this.hash.digest(this.file);
      if (!this.sending(channel)) return;
      this.endSent = true;
      if (!this.ctx.host.send({ type: 'file-end', id: this.transfer.id, sha256 })) {
        this.fail('failed', `Could not finish "${this.transfer.name}": not connected.`);
        return;
      }
      this.setTimer(VERDICT_TIMEOUT_MS, () => this.fail('failed', `The receiver did not confirm "${this.transfer.name}".`));
    } catch (error) {
      if (!this.active || this.endSent) return;
      if (channel?.readyState === 'open') this.fail('failed', `Could not send "${this.transfer.name}": ${String(error)}`);
      else this.connectionClosed();
    }
  }

  /**
   * Reads the whole file into one buffer, one block after the other, as fast as the disk gives it
   * (faster than the channel sends), and starts the hash once it is complete, while the bytes are
   * still being sent. One read of the whole file took ≈ 0.9 s here before its first byte could be
   * used, and slowed the block reads the sends waited on meanwhile.
   */
  private readAhead(): void {
    const size = this.file.size;
    const whole = new Uint8Array(size);
    let previous: Promise<unknown> = Promise.resolve();
    for (let at = 0; at < size; at += READ_SIZE) {
      const block = previous.then(async () => {
        if (!this.active) throw new Error('stopped');
        const bytes = await this.file.slice(at, Math.min(at + READ_SIZE, size)).arrayBuffer();
        whole.set(new Uint8Array(bytes), at);
        // Shorter than asked when the file shrank since it was chosen: the send then fails.
        return whole.subarray(at, at + bytes.byteLength);
      });
      // A read still in flight when the transfer stops must not become an unhandled rejection.
      block.catch(noop);
      this.blocks.push(block);
      previous = block;
    }
    previous.then(() => {
      if (this.active) this.hash.digest(whole).catch(noop);
    }, noop);
  }

  /** The next block; shorter than asked only when the file shrank since it was chosen. */
  private read(offset: number): Promise<Uint8Array<ArrayBuffer>> {
    const ahead = this.blocks[offset / READ_SIZE];
    if (ahead) return ahead;
    const promise = this.file
      .slice(offset, Math.min(offset + READ_SIZE, this.file.size))
      .arrayBuffer()
      .then((bytes) => new Uint8Array(bytes));
    // A read still in flight when the transfer stops must not become an unhandled rejection.
    promise.catch(noop);
    return promise;
  }

  /** Still ours to send on; a closing channel is left to the close handler. */
  private sending(channel: RTCDataChannel | null): boolean {
    return this.active && !this.endSent && channel !== null && this.channel === channel && channel.readyState === 'open';
  }

  private readonly onLow = () => this.wake?.();

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), POLL_MS);
      this.wake = () => {
        this.wake = null;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  protected stopped(): void {
    this.channel?.removeEventListener('bufferedamountlow', this.onLow);
    this.channel = null;
    this.blocks = [];
    this.wake?.();
  }

  /** The receiver verified the hash. */
  confirmed(): void {
    if (!this.active || !this.endSent) return;
    this.transfer.bytes = this.transfer.size;
    this.finish('done');
  }

  protected override connectionClosed(): void {
    // After file-end the receiver closes once it has verified; its verdict is on the way.
    if (!this.active || this.endSent) return;
    this.stopped();
    super.connectionClosed();
  }
}

class Incoming extends Job {
  /**
   * For the native hash: the file's bytes, copied in as they arrive (its size is known and at
   * most NATIVE_HASH_MAX_BYTES). The digest and the File are both made from this one copy, at
   * the same time, instead of folding the bytes into Blobs and reading them all back to hash.
   */
  private whole: Uint8Array<ArrayBuffer> | null = null;
  private parts: ArrayBuffer[] = [];
  private partBytes = 0;
  private blobs: Blob[] = [];
  private expected: string | null = null;
  private hashing = false;

  start(): void {
    this.setTimer(HALF_TIMEOUT_MS, () => this.fail('failed', `"${this.transfer.name}" was offered but never sent.`));
    this.checkComplete();
  }

  attach(connection: DataConnection, early: ArrayBuffer[]): void {
    if (this.transfer.status === 'receiving') this.clearTimer();
    this.listen(connection, (data) => this.onData(data));
    this.meter.start(performance.now());
    this.moving();
    for (const chunk of early) this.onData(chunk);
  }

  private onData(data: unknown): void {
    if (!this.active) return;
    if (!(data instanceof ArrayBuffer)) {
      this.fail('corrupt', `"${this.transfer.name}" arrived damaged (unexpected data).`);
      return;
    }
    // Nothing to add (and after the last byte nothing must be allocated again).
    if (data.byteLength === 0) return;
    const bytes = this.transfer.bytes + data.byteLength;
    if (bytes > this.transfer.size) {
      this.fail('corrupt', `"${this.transfer.name}" is longer than announced.`);
      return;
    }
    // One buffer or Blob parts is chosen at the first byte (empty messages never get here), once.
    if (this.transfer.bytes === 0 && this.hash.native && receiveBuffersHeld + this.transfer.size <= RECEIVE_BUFFER_BUDGET) {
      this.whole = new Uint8Array(this.transfer.size);
      receiveBuffersHeld += this.transfer.size;
    }
    if (this.whole) {
      this.whole.set(new Uint8Array(data), this.transfer.bytes);
    } else {
      this.hash.update(new Uint8Array(data));
      this.parts.push(data);
      this.partBytes += data.byteLength;
      if (this.partBytes >= FOLD_SIZE) this.fold();
    }
    this.progress(bytes);
    this.checkComplete();
  }

  private fold(): void {
    if (this.parts.length === 0) return;
    this.blobs.push(new Blob(this.parts));
    this.parts = [];
    this.partBytes = 0;
  }

  /** The sender's hash arrived. */
  ended(sha256: string): void {
    if (!this.active || this.expected !== null) return;
    this.expected = sha256;
    this.checkComplete();
  }

  private checkComplete(): void {
    if (!this.active || this.transfer.bytes !== this.transfer.size) return;
    if (this.expected === null) {
      if (this.transfer.status !== 'verifying') {
        this.setStatus('verifying');
        this.setTimer(HALF_TIMEOUT_MS, () => this.fail('failed', `"${this.transfer.name}" arrived without its checksum.`));
      }
      return;
    }
    if (this.hashing) return;
    this.hashing = true;
    this.fold();
    // The digest first: it copies the bytes and hashes them off the main thread while the File is made.
    const whole = this.whole;
    const digest = whole ? this.hash.digest(whole) : null;
    const file = new File(whole ? [whole] : this.blobs, this.transfer.name, { type: this.transfer.mime });
    this.releaseBuffer();
    if (this.transfer.status !== 'verifying') this.setStatus('verifying');
    (digest ?? this.hash.digest(file)).then(
      (actual) => this.verdict(file, actual),
      (error: unknown) => this.active && this.fail('failed', `"${this.transfer.name}" could not be checked: ${String(error)}`),
    );
  }

  private verdict(file: File, actual: string): void {
    if (!this.active) return;
    if (actual !== this.expected) {
      this.fail('corrupt');
      return;
    }
    this.transfer.file = file;
    this.blobs = [];
    this.transfer.bytes = this.transfer.size;
    this.ctx.host.send({ type: 'file-ok', id: this.transfer.id });
    this.finish('done');
    this.ctx.received(this.transfer);
  }

  protected override connectionClosed(): void {
    // Every byte is here; only file-end is missing, and its own timeout runs.
    if (this.transfer.bytes === this.transfer.size) return;
    super.connectionClosed();
  }

  private releaseBuffer(): void {
    if (!this.whole) return;
    receiveBuffersHeld -= this.whole.byteLength;
    this.whole = null;
  }

  protected stopped(): void {
    this.releaseBuffer();
    this.parts = [];
    this.partBytes = 0;
    if (this.transfer.status !== 'done') this.blobs = [];
  }
}

interface EarlyConnection {
  connection: DataConnection;
  chunks: ArrayBuffer[];
  bytes: number;
  timer: ReturnType<typeof setTimeout>;
}

export class FileTransfers extends Emitter<FileTransferEvents> {
  private readonly jobs = new Map<string, Outgoing | Incoming>();
  /** Raw connections that arrived before their offer. */
  private readonly early = new Map<string, EarlyConnection>();
  /** Offers we refused, so their connections are closed on arrival instead of waited for. */
  private readonly refused = new Set<string>();
  private readonly ctx: Context;
  private disposed = false;

  constructor(private readonly host: FileTransferHost) {
    super();
    this.ctx = {
      host,
      change: (transfer) => this.emit('change', transfer),
      received: (transfer) => this.emit('received', transfer),
      error: (error) => this.emit('error', error),
    };
  }

  /** A peer sending offer after offer must not grow the list (and the Blobs it holds) forever. */
  private prune(): void {
    let finished = 0;
    for (const job of this.jobs.values()) if (!job.active) finished++;
    for (const [id, job] of this.jobs) {
      if (finished <= MAX_FINISHED_KEPT) break;
      if (job.active) continue;
      this.jobs.delete(id);
      finished--;
    }
  }

  get transfers(): Transfer[] {
    return [...this.jobs.values()].map((job) => job.transfer);
  }

  /** Offers `file` to the remote and sends it; throws `file-too-large` above maxFileSize. */
  send(file: File): Transfer {
    if (this.disposed) throw new RtcError('file-failed', 'File transfer was closed.');
    const name = sanitizeFileName(file.name);
    if (file.size > this.host.maxFileSize || file.size > LIMITS.maxFileSize) {
      throw new RtcError('file-too-large', `"${name}" is larger than ${this.host.maxFileSize} bytes.`);
    }
    let id = randomId();
    while (this.jobs.has(id)) id = randomId();
    const type = file.type.trim().toLowerCase();
    const transfer: Transfer = {
      id,
      direction: 'out',
      name,
      size: file.size,
      mime: type.length <= LIMITS.maxMimeLength ? type : '',
      startedAt: Date.now(),
      bytes: 0,
      status: 'sending',
      bytesPerSecond: 0,
    };
    const job = new Outgoing(this.ctx, transfer, file);
    this.jobs.set(id, job);
    this.prune();
    this.emit('change', transfer);
    job.start();
    return transfer;
  }

  /** Stops a transfer in either direction and tells the other side. */
  cancel(id: string): void {
    this.jobs.get(id)?.cancelLocal();
  }

  /** Handles a file-* control message from the remote; true when it was one. */
  receive(message: ControlMessage): boolean {
    switch (message.type) {
      case 'file-offer':
      case 'file-end':
      case 'file-ok':
      case 'file-cancel':
        break;
      default:
        return false;
    }
    if (this.disposed) return true;
    try {
      const job = this.jobs.get(message.id);
      switch (message.type) {
        case 'file-offer':
          this.onOffer(message);
          break;
        case 'file-end':
          if (job instanceof Incoming) job.ended(message.sha256);
          break;
        case 'file-ok':
          if (job instanceof Outgoing) job.confirmed();
          break;
        case 'file-cancel':
          if (job) job.cancelledByRemote(message.reason);
          else this.dropEarly(message.id);
          break;
      }
    } catch {
      // A remote's message must never throw into the session; the transfer's timeouts clean up.
    }
    return true;
  }

  private onOffer(offer: FileOfferMessage): void {
    const { id } = offer;
    if (!isValidId(id) || this.jobs.has(id) || this.refused.has(id)) return;
    const name = sanitizeFileName(offer.name);
    const activeIncoming = [...this.jobs.values()].filter((job) => job instanceof Incoming && job.active).length;
    if (offer.size > this.host.maxFileSize || activeIncoming >= MAX_ACTIVE_INCOMING) {
      const tooLarge = offer.size > this.host.maxFileSize;
      if (!this.mayAnswerRefusal()) {
        this.remember(id);
        return;
      }
      this.refuse(id, tooLarge ? 'too-large' : 'failed');
      this.emit(
        'error',
        tooLarge
          ? new RtcError('file-too-large', `"${name}" (${offer.size} bytes) is larger than ${this.host.maxFileSize} bytes.`)
          : new RtcError('file-failed', `Refused "${name}": too many transfers at once.`),
      );
      return;
    }
    const transfer: Transfer = {
      id,
      direction: 'in',
      name,
      size: offer.size,
      mime: safeMimeType(offer.mime),
      startedAt: Date.now(),
      bytes: 0,
      status: 'receiving',
      bytesPerSecond: 0,
    };
    const job = new Incoming(this.ctx, transfer);
    this.jobs.set(id, job);
    this.prune();
    this.emit('change', transfer);
    job.start();
    const early = this.early.get(id);
    if (early && job.active) {
      this.early.delete(id);
      clearTimeout(early.timer);
      early.connection.removeAllListeners();
      job.attach(early.connection, early.chunks);
    }
  }

  /** Says no to an offer before anything of it is kept (the page shows no chat to receive it in). */
  refuseOffer(offer: FileOfferMessage): void {
    if (!isValidId(offer.id) || this.jobs.has(offer.id) || this.refused.has(offer.id)) return;
    if (this.mayAnswerRefusal()) this.refuse(offer.id, 'failed');
    else this.remember(offer.id);
  }

  private refuse(id: string, reason: TransferEndReason): void {
    this.host.send({ type: 'file-cancel', id, reason });
    this.remember(id);
  }

  /** A refused offer: its connection is closed on arrival, not waited for. */
  private remember(id: string): void {
    this.refused.add(id);
    if (this.refused.size > MAX_REFUSED_REMEMBERED) this.refused.delete(this.refused.values().next().value!);
    this.dropEarly(id);
  }

  private refusalWindow = { start: 0, count: 0 };

  /** Whether another refused offer gets its reply and error, or the peer is flooding (see MAX_REFUSALS_ANSWERED). */
  private mayAnswerRefusal(): boolean {
    const now = Date.now();
    if (now - this.refusalWindow.start >= REFUSAL_WINDOW_MS) this.refusalWindow = { start: now, count: 0 };
    return ++this.refusalWindow.count <= MAX_REFUSALS_ANSWERED;
  }

  /**
   * Takes an incoming raw `rtc-file` connection (metadata `{ fileId }`). Connections from a peer
   * other than host.remoteId are left untouched: they belong to another FileTransfers.
   */
  adopt(connection: DataConnection): void {
    try {
      if (connection.peer !== this.host.remoteId) return;
      const fileId = (connection.metadata as { fileId?: unknown } | null | undefined)?.fileId;
      if (this.disposed || connection.label !== FILE_LABEL || connection.serialization !== 'raw' || !isValidId(fileId)) {
        closeQuietly(connection);
        return;
      }
      const job = this.jobs.get(fileId);
      if (job) {
        if (job instanceof Incoming && job.active && job.connection === null) job.attach(connection, []);
        else closeQuietly(connection);
        return;
      }
      if (this.refused.has(fileId) || this.early.has(fileId) || this.early.size >= MAX_EARLY_CONNECTIONS) {
        closeQuietly(connection);
        return;
      }
      this.holdEarly(fileId, connection);
    } catch {
      closeQuietly(connection);
    }
  }

  /** Keeps a connection whose offer has not arrived yet, with a bounded number of bytes. */
  private holdEarly(fileId: string, connection: DataConnection): void {
    const entry: EarlyConnection = {
      connection,
      chunks: [],
      bytes: 0,
      timer: setTimeout(() => this.dropEarly(fileId), HALF_TIMEOUT_MS),
    };
    this.early.set(fileId, entry);
    connection.on('data', (data) => {
      if (!(data instanceof ArrayBuffer) || entry.bytes + data.byteLength > MAX_EARLY_BYTES) {
        this.dropEarly(fileId);
        return;
      }
      entry.chunks.push(data);
      entry.bytes += data.byteLength;
    });
    connection.on('close', () => this.dropEarly(fileId));
    connection.on('error', noop);
  }

  private dropEarly(fileId: string): void {
    const entry = this.early.get(fileId);
    if (!entry) return;
    this.early.delete(fileId);
    clearTimeout(entry.timer);
    closeQuietly(entry.connection);
  }

  /** Cancels active transfers (telling the remote), closes every connection, clears every timer. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const job of this.jobs.values()) {
      job.cancelLocal();
      job.release();
    }
    for (const fileId of [...this.early.keys()]) this.dropEarly(fileId);
    this.refused.clear();
  }
}
