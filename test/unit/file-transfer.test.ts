import { createHash, randomBytes } from 'node:crypto';
import type { DataConnection, Peer } from 'peerjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RtcError } from '../../src/session/errors.js';
import { FileTransfers, receiveBufferBytes, type FileTransferHost, type Transfer } from '../../src/session/file-transfer.js';
import { FILE_LABEL, type ControlMessage } from '../../src/session/protocol.js';

/**
 * FileTransfers between two fakes of PeerJS raw connections, to pin down every ordering of
 * control messages, connection and bytes, which the browser test cannot force.
 */

type Listener = (...args: unknown[]) => void;

class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  private queue: ArrayBuffer[] = [];
  private scheduled = false;

  constructor(private readonly owner: FakeConnection) {
    super();
  }

  send(data: ArrayBufferView): void {
    if (this.readyState !== 'open') throw new Error('InvalidStateError');
    this.queue.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
    this.bufferedAmount += data.byteLength;
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => this.flush(), 0);
  }

  /** "The network": delivers up to 1 MiB per task, so backpressure really happens. */
  private flush(): void {
    this.scheduled = false;
    let budget = 1024 * 1024;
    while (this.queue.length && budget > 0 && this.readyState === 'open') {
      const chunk = this.queue.shift()!;
      budget -= chunk.byteLength;
      const before = this.bufferedAmount;
      this.bufferedAmount -= chunk.byteLength;
      this.owner.other.deliver(chunk);
      if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold) {
        this.dispatchEvent(new Event('bufferedamountlow'));
      }
    }
    if (this.queue.length && this.readyState === 'open') {
      this.scheduled = true;
      setTimeout(() => this.flush(), 0);
    }
  }
}

class FakeConnection {
  open = false;
  closed = false;
  other!: FakeConnection;
  readonly dataChannel = new FakeChannel(this);
  readonly serialization = 'raw';
  /** What the remote's SCTP stack accepts, as RTCSctpTransport reports it (undefined: no transport yet). */
  peerConnection: { sctp: { maxMessageSize: number } | null } = { sctp: null };
  /** Sizes of the messages this end received. */
  readonly received: number[] = [];
  private listeners = new Map<string, Set<Listener>>();

  constructor(
    readonly peer: string,
    readonly label: string,
    readonly metadata: unknown,
  ) {}

  on(type: string, listener: Listener): this {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return this;
  }

  emit(type: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(...args);
  }

  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }

  get listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  openNow(): void {
    if (this.closed) return;
    this.open = true;
    this.dataChannel.readyState = 'open';
    this.emit('open');
  }

  deliver(data: unknown): void {
    if (data instanceof ArrayBuffer) this.received.push(data.byteLength);
    if (this.open) this.emit('data', data);
  }

  /** Like PeerJS: 'close' only if it was open; the other end learns a moment later. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dataChannel.readyState = 'closed';
    const wasOpen = this.open;
    this.open = false;
    if (wasOpen) this.emit('close');
    setTimeout(() => this.other.close(), 1);
  }
}

interface Side {
  transfers: FileTransfers;
  host: FileTransferHost & { maxFileSize: number };
  /** Control messages this side sent. */
  sent: ControlMessage[];
  errors: RtcError[];
  changes: Transfer[];
  /** Raw connections this side opened. */
  opened: FakeConnection[];
}

interface LinkOptions {
  maxA?: number;
  maxB?: number;
  /** Decide per control message whether to hold it back; release with `releaseHeld`. */
  hold?: (message: ControlMessage, from: 'a' | 'b') => boolean;
  /** When false, the remote end of a raw connection is not handed to adopt() automatically. */
  autoAdopt?: boolean;
  /** The max-message-size each end of a raw connection reports for its remote. */
  maxMessageSize?: number;
}

const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.useRealTimers();
});

/** A raw file connection from A for `fileId`, adopted by `b` and open (bytes go in with deliver()). */
function openRaw(b: Side, fileId: string): FakeConnection {
  const far = new FakeConnection('A', FILE_LABEL, { fileId });
  far.other = far;
  b.transfers.adopt(far as unknown as DataConnection);
  far.openNow();
  return far;
}

function link(options: LinkOptions = {}) {
  const held: Array<() => void> = [];
  const incoming: FakeConnection[] = [];
  const make = (self: 'a' | 'b', remoteId: string, max: number): Side => {
    const side: Side = { transfers: null!, host: null!, sent: [], errors: [], changes: [], opened: [] };
    const peer = {
      destroyed: false,
      disconnected: false,
      connect(remote: string, opts: { label: string; metadata: unknown }) {
        const local = new FakeConnection(remote, opts.label, opts.metadata);
        const far = new FakeConnection(self === 'a' ? 'A' : 'B', opts.label, opts.metadata);
        local.other = far;
        far.other = local;
        if (options.maxMessageSize !== undefined) {
          local.peerConnection.sctp = { maxMessageSize: options.maxMessageSize };
          far.peerConnection.sctp = { maxMessageSize: options.maxMessageSize };
        }
        side.opened.push(local);
        setTimeout(() => {
          if (options.autoAdopt === false) incoming.push(far);
          else target(self).transfers.adopt(far as unknown as DataConnection);
          setTimeout(() => {
            far.openNow();
            local.openNow();
          }, 1);
        }, 1);
        return local;
      },
    };
    side.host = {
      peer: peer as unknown as Peer,
      remoteId,
      maxFileSize: max,
      send: (message) => {
        side.sent.push(message);
        const deliver = () => target(self).transfers.receive(message);
        if (options.hold?.(message, self)) held.push(deliver);
        else setTimeout(deliver, 0);
        return true;
      },
    };
    side.transfers = new FileTransfers(side.host);
    side.transfers.on('error', (error) => side.errors.push(error));
    side.transfers.on('change', (transfer) => side.changes.push({ ...transfer }));
    cleanups.push(() => side.transfers.dispose());
    return side;
  };
  const a = make('a', 'B', options.maxA ?? 64 * 1024 * 1024);
  const b = make('b', 'A', options.maxB ?? 64 * 1024 * 1024);
  const target = (from: 'a' | 'b') => (from === 'a' ? b : a);
  return {
    a,
    b,
    incoming,
    releaseHeld: () => held.splice(0).forEach((deliver) => deliver()),
  };
}

function file(size: number, name = 'data.bin', type = 'application/octet-stream'): { file: File; sha256: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(randomBytes(size));
  return { file: new File([bytes], name, { type }), sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

function settled(side: Side, id: string): Promise<Transfer> {
  return new Promise((resolve) => {
    const check = (t: Transfer) => {
      if (t.id === id && !['sending', 'receiving', 'verifying'].includes(t.status)) {
        off();
        resolve(t);
      }
    };
    const off = side.transfers.on('change', check);
    const existing = side.transfers.transfers.find((t) => t.id === id);
    if (existing) check(existing);
  });
}

async function hashOf(blob: Blob): Promise<string> {
  return createHash('sha256')
    .update(new Uint8Array(await blob.arrayBuffer()))
    .digest('hex');
}

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 2_000 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('FileTransfers', () => {
  it('sends a multi-chunk file that arrives identical, and both sides end done', async () => {
    const { a, b } = link();
    const { file: f, sha256 } = file(3 * 1024 * 1024 + 123, 'photo.png', 'image/png');
    const received = new Promise<Transfer>((resolve) => b.transfers.on('received', resolve));
    const out = a.transfers.send(f);
    expect(out).toMatchObject({ direction: 'out', name: 'photo.png', size: f.size, mime: 'image/png', status: 'sending', bytes: 0 });
    const incoming = await received;
    expect(incoming).toMatchObject({ id: out.id, direction: 'in', status: 'done', bytes: f.size, name: 'photo.png', mime: 'image/png' });
    expect(incoming.file).toBeInstanceOf(File);
    expect(incoming.file!.name).toBe('photo.png');
    expect(incoming.file!.type).toBe('image/png');
    expect(await hashOf(incoming.file!)).toBe(sha256);
    expect(await settled(a, out.id)).toMatchObject({ status: 'done', bytes: f.size });
    expect(a.sent.map((m) => m.type)).toEqual(['file-offer', 'file-end']);
    expect(b.sent).toEqual([{ type: 'file-ok', id: out.id }]);
    expect(a.sent[1]).toEqual({ type: 'file-end', id: out.id, sha256 });
    await until(() => a.opened[0]!.closed && a.opened[0]!.other.closed, 'raw connection closed on both ends');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it.each([
    ['states nothing (no SCTP transport yet)', undefined, 64 * 1024],
    ['accepts 256 KiB, as Chrome does', 256 * 1024, 256 * 1024],
    ['accepts ~1 GiB, as Firefox does', 1_073_741_823, 256 * 1024],
    ['accepts any size', Infinity, 256 * 1024],
    ['accepts only 16 KiB', 16 * 1024, 16 * 1024],
  ])('sends chunks as large as the remote accepts, up to 256 KiB: remote %s', async (_, maxMessageSize, chunk) => {
    const { a, b } = link({ maxMessageSize });
    const { file: f, sha256 } = file(3 * 1024 * 1024 + 123);
    const received = new Promise<Transfer>((resolve) => b.transfers.on('received', resolve));
    a.transfers.send(f);
    expect(await hashOf((await received).file!)).toBe(sha256);
    const sizes = a.opened[0]!.other.received;
    expect(Math.max(...sizes)).toBe(chunk);
    expect(sizes.reduce((sum, n) => sum + n, 0)).toBe(f.size);
  });

  it('reads the file once, block by block into one copy that is both sent and hashed', async () => {
    const { a, b } = link({ maxMessageSize: 256 * 1024 });
    const { file: f, sha256 } = file(8 * 1024 * 1024);
    let read = 0;
    // Counts every byte read from the file, whole or in slices.
    const counted = new File([f], f.name, { type: f.type });
    const arrayBuffer = counted.arrayBuffer.bind(counted);
    counted.arrayBuffer = () => ((read += counted.size), arrayBuffer());
    const slice = counted.slice.bind(counted);
    counted.slice = (start?: number, end?: number) => {
      const part = slice(start, end);
      const partBuffer = part.arrayBuffer.bind(part);
      part.arrayBuffer = () => ((read += part.size), partBuffer());
      return part;
    };
    const received = new Promise<Transfer>((resolve) => b.transfers.on('received', resolve));
    a.transfers.send(counted);
    expect(await hashOf((await received).file!)).toBe(sha256);
    expect(read).toBe(f.size);
  });

  it('a file that shrinks while it is sent fails on the sender with a reason, and nothing arrives', async () => {
    const { a, b } = link({ maxMessageSize: 256 * 1024 });
    const { file: f } = file(4 * 1024 * 1024);
    const shrinking = new File([f], f.name, { type: f.type });
    const slice = shrinking.slice.bind(shrinking);
    // From the third block on, the file is shorter than when it was chosen.
    shrinking.slice = (start = 0, end?: number) => slice(start, start >= 2 * 1024 * 1024 ? (end ?? shrinking.size) - 1 : end);
    const out = a.transfers.send(shrinking);
    const sender = await settled(a, out.id);
    expect(sender.status).toBe('failed');
    expect(a.errors.map((e) => e.message).join()).toContain('changed');
    const receiver = await settled(b, out.id);
    expect(receiver.status).not.toBe('done');
    expect(receiver.file).toBeUndefined();
  });

  it('receives a natively hashed file into one buffer: no Blob is built or read back before the verdict', async () => {
    const { a, b } = link({ maxMessageSize: 256 * 1024 });
    const { file: f, sha256 } = file(9 * 1024 * 1024 + 5);
    const read = vi.spyOn(Blob.prototype, 'arrayBuffer');
    try {
      const received = new Promise<Transfer>((resolve) => b.transfers.on('received', resolve));
      a.transfers.send(f);
      const incoming = await received;
      // The sender reads its own file (and 1 MiB slices of it); the receiver reads nothing back whole.
      expect(read.mock.contexts.filter((blob) => blob !== f && (blob as Blob).size === f.size)).toEqual([]);
      expect(incoming.file!.size).toBe(f.size);
      expect(await hashOf(incoming.file!)).toBe(sha256);
    } finally {
      read.mockRestore();
    }
  });

  it('sends an empty file', async () => {
    const { a, b } = link();
    const received = new Promise<Transfer>((resolve) => b.transfers.on('received', resolve));
    const out = a.transfers.send(new File([], 'empty.txt', { type: 'text/plain' }));
    const incoming = await received;
    expect(incoming.file!.size).toBe(0);
    expect(incoming.file!.type).toBe('text/plain');
    expect(await settled(a, out.id)).toMatchObject({ status: 'done' });
    await until(() => a.opened[0]!.closed, 'raw connection closed');
  });

  it('sanitizes the name on both sides and makes an active type inert on the receiver', async () => {
    const { a, b } = link();
    const received = new Promise<Transfer>((resolve) => b.transfers.on('received', resolve));
    const out = a.transfers.send(file(10, '../../evil.html', 'text/html').file);
    expect(out.name).toBe('evil.html');
    const incoming = await received;
    expect(incoming.name).toBe('evil.html');
    expect(incoming.mime).toBe('application/octet-stream');
    expect(incoming.file!.type).toBe('application/octet-stream');
  });

  it('handles the raw connection arriving before the offer (with bytes already flowing)', async () => {
    const { a, b, releaseHeld } = link({ hold: (m) => m.type === 'file-offer' });
    const { file: f, sha256 } = file(200_000);
    const received = new Promise<Transfer>((resolve) => b.transfers.on('received', resolve));
    a.transfers.send(f);
    // Bytes reach B while it has never heard of the file.
    await until(() => a.transfers.transfers[0]!.bytes > 0, 'sender progress');
    expect(b.transfers.transfers).toEqual([]);
    releaseHeld();
    expect(await hashOf((await received).file!)).toBe(sha256);
  });

  it('handles file-end arriving before the last bytes, and waits in verifying for a late file-end', async () => {
    // file-end held: B has every byte first and must wait in 'verifying'.
    const { a, b, releaseHeld } = link({ hold: (m) => m.type === 'file-end' });
    const { file: f, sha256 } = file(300_000);
    const received = new Promise<Transfer>((resolve) => b.transfers.on('received', resolve));
    a.transfers.send(f);
    await until(() => b.transfers.transfers[0]?.status === 'verifying', 'receiver verifying');
    expect(b.transfers.transfers[0]!.bytes).toBe(f.size);
    // The sender sends file-end once its own hash of the file is done.
    await until(() => a.sent.some((m) => m.type === 'file-end'), 'file-end sent');
    releaseHeld();
    expect(await hashOf((await received).file!)).toBe(sha256);
  });

  it('file-end before the bytes: the receiver checks once the last byte is in', async () => {
    const { b } = link();
    const { bytes, sha256 } = file(100_000);
    b.transfers.receive({ type: 'file-offer', id: 'f1', name: 'x.bin', size: bytes.length, mime: '' });
    const far = openRaw(b, 'f1');
    far.deliver(bytes.slice(0, 60_000).buffer);
    b.transfers.receive({ type: 'file-end', id: 'f1', sha256 });
    const t = b.transfers.transfers[0]!;
    expect(t).toMatchObject({ status: 'receiving', bytes: 60_000 });
    far.deliver(bytes.slice(60_000).buffer);
    // Every byte is in: the hash of the whole file is checked (asynchronously), then done.
    expect(t).toMatchObject({ status: 'verifying', bytes: bytes.length });
    await until(() => t.status === 'done', 'done');
    expect(await hashOf(t.file!)).toBe(sha256);
    expect(b.sent).toEqual([{ type: 'file-ok', id: 'f1' }]);
  });

  it('a wrong hash fails with corrupt on both sides', async () => {
    const { a, b } = link({
      hold: (m) => {
        if (m.type === 'file-end') (m as { sha256: string }).sha256 = '0'.repeat(64);
        return false;
      },
    });
    const out = a.transfers.send(file(70_000).file);
    const sender = await settled(a, out.id);
    expect(sender).toMatchObject({ status: 'failed', reason: 'corrupt' });
    const receiver = await settled(b, out.id);
    expect(receiver).toMatchObject({ status: 'failed', reason: 'corrupt' });
    expect(receiver.file).toBeUndefined();
    expect(b.sent).toEqual([{ type: 'file-cancel', id: out.id, reason: 'corrupt' }]);
    expect(a.errors.map((e) => e.code)).toEqual(['file-corrupt']);
    expect(b.errors.map((e) => e.code)).toEqual(['file-corrupt']);
  });

  it('a peer that announces big files and sends a byte of each gets at most 128 MiB of buffers, all let go', () => {
    const { b } = link({ autoAdopt: false, maxB: 100 * 1024 * 1024 });
    const big = 64 * 1024 * 1024;
    const raws: FakeConnection[] = [];
    for (const id of ['h1', 'h2', 'h3', 'h4']) {
      b.transfers.receive({ type: 'file-offer', id, name: `${id}.bin`, size: big, mime: '' });
      const far = new FakeConnection('A', FILE_LABEL, { fileId: id });
      far.other = new FakeConnection('B', FILE_LABEL, null);
      far.other.other = far;
      b.transfers.adopt(far as unknown as DataConnection);
      far.openNow();
      far.deliver(new ArrayBuffer(1));
      far.deliver(new ArrayBuffer(0)); // an empty message adds nothing and allocates nothing
      raws.push(far);
    }
    // Two fit the page's budget; the others keep what arrived as Blob parts.
    expect(receiveBufferBytes()).toBe(2 * big);
    expect(b.transfers.transfers.every((t) => t.status === 'receiving' && t.bytes === 1)).toBe(true);
    b.transfers.dispose();
    expect(receiveBufferBytes()).toBe(0);
  });

  it('a finished transfer lets its receive buffer go, and an empty message after the last byte allocates nothing', async () => {
    const { a, b } = link({ maxMessageSize: 256 * 1024 });
    const { file: f } = file(2 * 1024 * 1024);
    const received = new Promise<Transfer>((resolve) => b.transfers.on('received', resolve));
    a.transfers.send(f);
    await until(() => b.transfers.transfers[0]?.bytes === f.size, 'every byte received');
    a.opened[0]!.other.deliver(new ArrayBuffer(0));
    expect((await received).file!.size).toBe(f.size);
    expect(receiveBufferBytes()).toBe(0);
  });

  it('more bytes than announced is corrupt', async () => {
    const { a, b } = link({ autoAdopt: false });
    b.transfers.receive({ type: 'file-offer', id: 'f1', name: 'x', size: 10, mime: '' });
    const far = new FakeConnection('A', FILE_LABEL, { fileId: 'f1' });
    far.other = new FakeConnection('B', FILE_LABEL, null);
    far.other.other = far;
    b.transfers.adopt(far as unknown as DataConnection);
    far.openNow();
    far.deliver(new ArrayBuffer(8));
    far.deliver(new ArrayBuffer(8));
    const t = b.transfers.transfers[0]!;
    expect(t).toMatchObject({ status: 'failed', reason: 'corrupt', bytes: 8 });
    expect(b.sent).toEqual([{ type: 'file-cancel', id: 'f1', reason: 'corrupt' }]);
    expect(far.closed).toBe(true);
    void a;
  });

  it('text on the raw connection is corrupt', () => {
    const { b } = link();
    b.transfers.receive({ type: 'file-offer', id: 'f1', name: 'x', size: 10, mime: '' });
    const far = openRaw(b, 'f1');
    far.deliver('hello');
    expect(b.transfers.transfers[0]).toMatchObject({ status: 'failed', reason: 'corrupt' });
  });

  it('refuses an offer over maxFileSize with too-large, and the sender stops', async () => {
    const { a, b } = link({ maxB: 1_000 });
    const out = a.transfers.send(file(5_000).file);
    expect(await settled(a, out.id)).toMatchObject({ status: 'failed', reason: 'too-large' });
    expect(b.sent).toEqual([{ type: 'file-cancel', id: out.id, reason: 'too-large' }]);
    expect(b.errors.map((e) => e.code)).toEqual(['file-too-large']);
    expect(a.errors.map((e) => e.code)).toEqual(['file-too-large']);
    expect(b.transfers.transfers).toEqual([]);
    await until(() => a.opened[0]!.closed && a.opened[0]!.other.closed, 'raw connection closed');
  });

  it('send() throws file-too-large above its own limit', () => {
    const { a } = link({ maxA: 100 });
    expect(() => a.transfers.send(file(101).file)).toThrowError(expect.objectContaining({ code: 'file-too-large' }) as Error);
    expect(a.transfers.transfers).toEqual([]);
    expect(a.sent).toEqual([]);
  });

  it('the receiver cancels: the sender stops at once and is cancelled by remote', async () => {
    const { a, b } = link();
    const out = a.transfers.send(file(8 * 1024 * 1024).file);
    await until(() => (b.transfers.transfers[0]?.bytes ?? 0) > 1024 * 1024, 'receiving');
    const incoming = b.transfers.transfers[0]!;
    b.transfers.cancel(incoming.id);
    expect(incoming).toMatchObject({ status: 'cancelled', reason: 'cancelled', cancelledBy: 'local' });
    expect(await settled(a, out.id)).toMatchObject({ status: 'cancelled', reason: 'cancelled', cancelledBy: 'remote' });
    const bytes = out.bytes;
    expect(bytes).toBeLessThan(out.size);
    const changes = a.changes.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(out.bytes).toBe(bytes);
    expect(a.changes.length).toBe(changes);
    expect(a.errors).toEqual([]);
  });

  it('the sender cancels: the receiver drops what it has', async () => {
    const { a, b } = link();
    const out = a.transfers.send(file(4 * 1024 * 1024).file);
    await until(() => (b.transfers.transfers[0]?.bytes ?? 0) > 0, 'receiving');
    a.transfers.cancel(out.id);
    expect(out).toMatchObject({ status: 'cancelled', cancelledBy: 'local' });
    expect(await settled(b, out.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'remote' });
    expect(b.transfers.transfers[0]!.file).toBeUndefined();
  });

  it('a raw connection closing mid-transfer fails both sides after a short grace', async () => {
    const { a, b } = link();
    const out = a.transfers.send(file(4 * 1024 * 1024).file);
    await until(() => (b.transfers.transfers[0]?.bytes ?? 0) > 0, 'receiving');
    a.opened[0]!.other.close();
    const [sender, receiver] = await Promise.all([settled(a, out.id), settled(b, out.id)]);
    expect(sender).toMatchObject({ status: 'failed', reason: 'failed' });
    expect(receiver).toMatchObject({ status: 'failed', reason: 'failed' });
    expect(a.errors.map((e) => e.code)).toContain('file-failed');
  }, 10_000);

  it('ignores unknown ids and non-file messages, and never throws on odd input', () => {
    const { a } = link();
    expect(a.transfers.receive({ type: 'chat', id: 'x', text: 'hi', ts: 1 })).toBe(false);
    expect(a.transfers.receive({ type: 'file-end', id: 'nope', sha256: '0'.repeat(64) })).toBe(true);
    expect(a.transfers.receive({ type: 'file-ok', id: 'nope' })).toBe(true);
    expect(a.transfers.receive({ type: 'file-cancel', id: 'nope', reason: 'cancelled' })).toBe(true);
    expect(a.transfers.receive({ type: 'file-offer', id: 'bad id!', name: 'x', size: 1, mime: '' })).toBe(true);
    expect(a.transfers.transfers).toEqual([]);
    expect(a.sent).toEqual([]);
    expect(() => a.transfers.adopt({ peer: 'B', label: FILE_LABEL, serialization: 'raw', metadata: null, close() {}, removeAllListeners() {} } as unknown as DataConnection)).not.toThrow();
  });

  it('a flood of refused offers gets 20 replies and errors per 5 s, not one each', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { b } = link({ maxB: 1_000 });
      for (let i = 0; i < 10_000; i++) b.transfers.receive({ type: 'file-offer', id: `big${i}`, name: 'x', size: 2_000, mime: '' });
      expect(b.sent).toHaveLength(20);
      expect(b.errors).toHaveLength(20);
      expect(b.transfers.transfers).toEqual([]);
      // A new window: a legitimate refusal later is answered again.
      vi.advanceTimersByTime(5_000);
      b.transfers.receive({ type: 'file-offer', id: 'later', name: 'x', size: 2_000, mime: '' });
      expect(b.sent.at(-1)).toEqual({ type: 'file-cancel', id: 'later', reason: 'too-large' });
      expect(b.errors).toHaveLength(21);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps at most 100 finished transfers, however many offers a peer sends', () => {
    const { b } = link();
    for (let i = 0; i < 150; i++) {
      b.transfers.receive({ type: 'file-offer', id: `f${i}`, name: `n${i}`, size: 5, mime: '' });
      b.transfers.receive({ type: 'file-cancel', id: `f${i}`, reason: 'cancelled' });
    }
    b.transfers.receive({ type: 'file-offer', id: 'live', name: 'live', size: 5, mime: '' });
    const list = b.transfers.transfers;
    expect(list.filter((t) => t.status !== 'receiving')).toHaveLength(100);
    expect(list.at(-1)!.name).toBe('live');
    expect(list[0]!.name).toBe('n50'); // the oldest finished ones went first
  });

  it('a file-ok before file-end is ignored', async () => {
    const { a } = link({ hold: () => true });
    const out = a.transfers.send(file(10).file);
    a.transfers.receive({ type: 'file-ok', id: out.id });
    expect(out.status).toBe('sending');
  });

  it('a duplicate offer id does not replace the transfer', () => {
    const { b } = link();
    b.transfers.receive({ type: 'file-offer', id: 'f1', name: 'one', size: 5, mime: '' });
    b.transfers.receive({ type: 'file-offer', id: 'f1', name: 'two', size: 50, mime: '' });
    expect(b.transfers.transfers.map((t) => t.name)).toEqual(['one']);
  });

  it('leaves connections from another peer alone and closes ones without a valid fileId', () => {
    const { b } = link();
    const stranger = new FakeConnection('Z', FILE_LABEL, { fileId: 'f1' });
    stranger.other = stranger;
    b.transfers.adopt(stranger as unknown as DataConnection);
    expect(stranger.closed).toBe(false);
    expect(stranger.listenerCount).toBe(0);
    for (const metadata of [null, 'f1', { fileId: 5 }, { fileId: '../x' }]) {
      const odd = new FakeConnection('A', FILE_LABEL, metadata);
      odd.other = odd;
      b.transfers.adopt(odd as unknown as DataConnection);
      expect(odd.closed, JSON.stringify(metadata)).toBe(true);
    }
  });

  it('emits progress at most every ~100 ms, plus every status change', async () => {
    const { a, b } = link();
    const started = performance.now();
    const out = a.transfers.send(file(16 * 1024 * 1024).file);
    await settled(a, out.id);
    const elapsed = performance.now() - started;
    for (const side of [a, b]) {
      const progressOnly = side.changes.filter((t, i, all) => i > 0 && t.status === all[i - 1]!.status).length;
      expect(progressOnly).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    }
    expect(b.changes.at(-1)!.bytes).toBe(out.size);
  });

  describe('timeouts (fake timers)', () => {
    it('an offer whose connection never comes fails after 30 s and tells the sender', () => {
      vi.useFakeTimers();
      const { b } = link();
      b.transfers.receive({ type: 'file-offer', id: 'f1', name: 'x', size: 5, mime: '' });
      vi.advanceTimersByTime(29_000);
      expect(b.transfers.transfers[0]!.status).toBe('receiving');
      vi.advanceTimersByTime(2_000);
      expect(b.transfers.transfers[0]).toMatchObject({ status: 'failed', reason: 'failed' });
      expect(b.sent).toEqual([{ type: 'file-cancel', id: 'f1', reason: 'failed' }]);
    });

    it('a connection whose offer never comes is closed after 30 s', () => {
      vi.useFakeTimers();
      const { b } = link();
      const far = openRaw(b, 'f9');
      vi.advanceTimersByTime(29_000);
      expect(far.closed).toBe(false);
      vi.advanceTimersByTime(2_000);
      expect(far.closed).toBe(true);
    });

    it('early bytes beyond the bound drop the connection', () => {
      vi.useFakeTimers();
      const { b } = link();
      const far = openRaw(b, 'f9');
      for (let i = 0; i < 64 && !far.closed; i++) far.deliver(new ArrayBuffer(65_536));
      expect(far.closed).toBe(false);
      far.deliver(new ArrayBuffer(1));
      expect(far.closed).toBe(true);
    });

    it('all bytes but no file-end fails after 30 s', () => {
      vi.useFakeTimers();
      const { b } = link();
      b.transfers.receive({ type: 'file-offer', id: 'f1', name: 'x', size: 4, mime: '' });
      const far = openRaw(b, 'f1');
      far.deliver(new ArrayBuffer(4));
      expect(b.transfers.transfers[0]!.status).toBe('verifying');
      vi.advanceTimersByTime(31_000);
      expect(b.transfers.transfers[0]).toMatchObject({ status: 'failed', reason: 'failed' });
    });

    it('bytes that stop moving fail the transfer after 30 s and tell the sender; slow bytes do not', () => {
      vi.useFakeTimers();
      const { b } = link();
      b.transfers.receive({ type: 'file-offer', id: 'f1', name: 'x', size: 300_000, mime: '' });
      const far = openRaw(b, 'f1');
      // A slow sender: a chunk every 20 s keeps it alive.
      for (let i = 0; i < 3; i++) {
        far.deliver(new ArrayBuffer(65_536));
        vi.advanceTimersByTime(20_000);
      }
      expect(b.transfers.transfers[0]).toMatchObject({ status: 'receiving', bytes: 3 * 65_536 });
      // Then nothing more.
      vi.advanceTimersByTime(10_001);
      expect(b.transfers.transfers[0]).toMatchObject({ status: 'failed', reason: 'failed' });
      expect(b.sent).toEqual([{ type: 'file-cancel', id: 'f1', reason: 'failed' }]);
      expect(b.errors.map((e) => e.code)).toEqual(['file-failed']);
      expect(far.closed).toBe(true);
    });

    it('dispose cancels, tells the other side, closes connections and clears every timer', () => {
      vi.useFakeTimers();
      const { a, b } = link({ autoAdopt: false });
      const out = a.transfers.send(file(1_000).file);
      b.transfers.receive({ type: 'file-offer', id: 'f1', name: 'x', size: 5, mime: '' });
      const early = new FakeConnection('A', FILE_LABEL, { fileId: 'f2' });
      early.other = early;
      b.transfers.adopt(early as unknown as DataConnection);
      a.transfers.dispose();
      b.transfers.dispose();
      expect(out).toMatchObject({ status: 'cancelled', cancelledBy: 'local' });
      expect(b.transfers.transfers[0]).toMatchObject({ status: 'cancelled', cancelledBy: 'local' });
      expect(a.sent.at(-1)).toEqual({ type: 'file-cancel', id: out.id, reason: 'cancelled' });
      expect(a.opened[0]!.closed).toBe(true);
      expect(early.closed).toBe(true);
      // Only the fakes' own "network" timers may remain.
      vi.runOnlyPendingTimers();
      vi.runOnlyPendingTimers();
      expect(vi.getTimerCount()).toBe(0);
      expect(() => a.transfers.send(file(1).file)).toThrow();
    });
  });
});
