import type { DataConnection, Peer } from 'peerjs';
import { Emitter } from './emitter.js';
import { RtcError } from './errors.js';
import { CONTROL_LABEL, PROTOCOL_VERSION, parseControlMessage, type ControlMessage, type HelloMessage, type Presence } from './protocol.js';

export interface ConversationEvents {
  message: ControlMessage;
  open: void;
  close: void;
  /** A channel closed while another is still open: whatever went out on it may be lost. */
  switch: void;
  /** An inbound frame failed validation (already counted by the session). */
  invalid: string;
  /** The first dial came to an end, opened or not: `settled` turned true. */
  settle: void;
}

export interface ConversationHost {
  readonly peer: Peer | null;
  readonly peerId: string;
  readonly name: string;
  readonly page?: { url: string; title: string };
  readonly presence: Presence;
  countDropped(reason: string): void;
  /** Nothing uses the conversation any more: the host closes and forgets it. */
  conversationIdle(conversation: Conversation): void;
}

/** How long an unused conversation keeps its channel, so a quick call-back or late message still lands. */
export const IDLE_LINGER_MS = 3_000;
/** A new channel nobody has used yet (a peer that connected and has not rung or chatted) gets longer. */
export const FIRST_USE_WAIT_MS = 30_000;

const CONNECT_TIMEOUT_MS = 15_000;
const MAX_CHANNELS = 3;
/** How long the answering side of a channel waits for a dialler that says nothing (see attach). */
export const SILENT_DIALLER_WAIT_MS = 300;

/**
 * Everything between this peer and one remote peer: the `rtc-control` channel (possibly two
 * while both sides dial at once; we listen on all and send on one both sides agree on), the
 * remote's name from `hello`, and the wait for the channel to open.
 */
export class Conversation extends Emitter<ConversationEvents> {
  remoteName = '';
  remotePage?: { url: string; title: string };
  /** The remote's availability from hello / presence (agents set it). */
  remoteStatus: Presence = 'online';
  /** The protocol version the remote's last hello announced; 0 until one arrives (a plain PeerJS peer may never send it). */
  remoteVersion = 0;
  /** When the channel last opened, for "waiting since" in the agent console. */
  openedAt = 0;
  /**
   * Whether it is known if the remote can be reached: a channel has opened or a dial has failed.
   * Until then "not open" means "not tried yet", which a UI must not show as offline.
   */
  settled = false;
  private connections: DataConnection[] = [];
  private opened = new WeakSet<DataConnection>();
  /** Removes the watch on each connection's peer connection (see attach). */
  private stopWatching = new WeakMap<DataConnection, () => void>();
  private outgoing = new WeakSet<DataConnection>();
  private pending: { promise: Promise<void>; reject(error: RtcError): void } | null = null;
  private users = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly remoteId: string,
    private readonly host: ConversationHost,
  ) {
    super();
    this.scheduleIdle(FIRST_USE_WAIT_MS);
  }

  /** Marks the conversation in use (a call, a chat view); the returned function lets go. */
  retain(): () => void {
    this.users++;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) this.scheduleIdle(IDLE_LINGER_MS);
    };
  }

  private scheduleIdle(delay: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.users === 0) this.host.conversationIdle(this);
    }, delay);
  }

  /** Whether a channel is open and ready for our messages (an answered one once the dialler spoke). */
  get isOpen(): boolean {
    return this.connections.some((c) => c.open && this.opened.has(c));
  }

  /** Opens the control channel if needed; rejects with `peer-unavailable` when the remote is not on the broker. */
  connect(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    if (this.pending) return this.pending.promise;
    const peer = this.host.peer;
    if (!peer || peer.destroyed || peer.disconnected) {
      return Promise.reject(new RtcError('broker-unreachable', 'Not connected to the server.'));
    }
    let reject!: (error: RtcError) => void;
    let cleanup = () => {};
    const promise = new Promise<void>((resolve, rejectPromise) => {
      reject = rejectPromise;
      const timer = setTimeout(() => rejectPromise(new RtcError('peer-unavailable', `Could not reach ${this.remoteId}.`)), CONNECT_TIMEOUT_MS);
      const offOpen = this.on('open', () => resolve());
      cleanup = () => {
        clearTimeout(timer);
        offOpen();
      };
    })
      .catch((error: unknown) => {
        this.dropUnopened();
        throw error;
      })
      .finally(() => {
        cleanup();
        this.pending = null;
        this.settle();
      });
    this.pending = { promise, reject };
    let connection: DataConnection | undefined;
    try {
      connection = peer.connect(this.remoteId, { label: CONTROL_LABEL, serialization: 'json', reliable: true });
    } catch (error) {
      // RTCPeerConnection itself refused (bad ICE config, too many connections in the page).
      reject(new RtcError('connection-failed', `Could not open a connection: ${error instanceof Error ? error.message : String(error)}`));
      return promise;
    }
    if (connection) {
      this.outgoing.add(connection);
      this.attach(connection);
    } else reject(new RtcError('broker-unreachable', 'Not connected to the server.'));
    return promise;
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.emit('settle', undefined);
  }

  /** The broker told us the remote id is not connected. */
  markUnavailable(): void {
    this.pending?.reject(new RtcError('peer-unavailable', `${this.remoteId} is not online.`));
  }

  /** Adopts a control connection, outgoing or incoming. */
  attach(connection: DataConnection): void {
    // Both sides dialling at once makes two; more is a peer spamming offers. Keep the newest few.
    while (this.connections.length >= MAX_CHANNELS) {
      const oldest = this.connections.find((c) => !c.open) ?? this.connections[0]!;
      this.detach(oldest);
      oldest.close();
    }
    this.connections.push(connection);
    const ready = () => {
      if (this.opened.has(connection) || !connection.open) return;
      clearTimeout(waitForDialler);
      this.openedAt ||= Date.now();
      this.opened.add(connection);
      connection.send(this.hello());
      this.settle();
      this.emit('open', undefined);
    };
    // The dialler may send at once. The side that answers waits until it has heard the dialler:
    // in Chromium a message sent the moment the answering side's channel opens is sometimes lost
    // (seen under load: the dialler never got our hello), because the dialler's end is not ready
    // for it yet. Our dialler always says hello first; a plain PeerJS dialler may say nothing, so
    // after a short wait we go ahead anyway.
    let waitForDialler: ReturnType<typeof setTimeout> | undefined;
    const outgoing = this.outgoing.has(connection);
    const onOpen = () => {
      if (outgoing) ready();
      else waitForDialler = setTimeout(ready, SILENT_DIALLER_WAIT_MS);
    };
    if (connection.open) onOpen();
    else connection.on('open', onOpen);
    connection.on('data', (data) => {
      ready();
      this.receive(data);
    });
    connection.on('close', () => this.detach(connection));
    // PeerJS closes a connection when ICE fails, but a remote that vanished (its tab closed or
    // crashed) often leaves ICE "disconnected" for good while the connection as a whole fails:
    // without this the remote would look online for as long as the page stays open.
    const pc = connection.peerConnection;
    const onState = () => {
      if (pc!.connectionState !== 'failed' && pc!.connectionState !== 'closed') return;
      pc!.removeEventListener('connectionstatechange', onState);
      this.detach(connection);
      connection.close();
    };
    pc?.addEventListener('connectionstatechange', onState);
    this.stopWatching.set(connection, () => {
      clearTimeout(waitForDialler);
      pc?.removeEventListener('connectionstatechange', onState);
    });
    // PeerJS reports channel errors here; the close that follows is what we act on.
    connection.on('error', () => {});
  }

  private hello(): HelloMessage {
    const hello: HelloMessage = { type: 'hello', v: PROTOCOL_VERSION };
    if (this.host.name) hello.name = this.host.name;
    if (this.host.page) hello.page = this.host.page;
    if (this.host.presence !== 'online') hello.status = this.host.presence;
    return hello;
  }

  /** Says `hello` again on every open channel: our name changed, and the remote shows the latest. */
  announce(): void {
    for (const connection of this.connections) if (connection.open && this.opened.has(connection)) connection.send(this.hello());
  }

  /** A dial that failed leaves a half-made connection behind; close it so its RTCPeerConnection goes too. */
  private dropUnopened(): void {
    for (const connection of this.connections.filter((c) => !c.open)) {
      this.detach(connection);
      connection.close();
    }
  }

  private detach(connection: DataConnection): void {
    const index = this.connections.indexOf(connection);
    if (index === -1) return;
    this.connections.splice(index, 1);
    connection.removeAllListeners();
    this.stopWatching.get(connection)?.();
    // Whoever opens the next channel under this id says its own version (or nothing, like a plain client).
    if (this.connections.length === 0) this.remoteVersion = 0;
    if (!this.opened.has(connection)) return;
    this.emit(this.isOpen ? 'switch' : 'close', undefined);
  }

  private receive(data: unknown): void {
    const result = parseControlMessage(data);
    if (result.kind === 'invalid') {
      this.host.countDropped(result.reason);
      this.emit('invalid', result.reason);
      return;
    }
    if (result.kind === 'ignored') return;
    const message = result.message;
    if (message.type === 'hello') {
      this.remoteVersion = message.v;
      this.remoteName = message.name ?? '';
      this.remotePage = message.page;
      this.remoteStatus = message.status ?? 'online';
    } else if (message.type === 'presence') this.remoteStatus = message.status;
    this.emit('message', message);
  }

  /**
   * Sends on one open channel; false when none is open (callers decide whether to queue).
   * When both sides dialled at once there are two channels; both sides prefer the one dialled
   * by the smaller id, so a burst is not split across channels and reordered.
   */
  send(message: ControlMessage): boolean {
    const open = this.connections.filter((c) => c.open && this.opened.has(c));
    if (open.length === 0) return false;
    const wantOutgoing = this.host.peerId < this.remoteId;
    const preferred = open.find((c) => this.outgoing.has(c) === wantOutgoing) ?? open[open.length - 1]!;
    void preferred.send(message);
    return true;
  }

  close(): void {
    clearTimeout(this.idleTimer);
    this.pending?.reject(new RtcError('connection-failed', 'Conversation closed.'));
    for (const connection of [...this.connections]) {
      connection.removeAllListeners();
      this.stopWatching.get(connection)?.();
      connection.close();
    }
    this.connections = [];
    this.removeAllListeners();
  }
}
