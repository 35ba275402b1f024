import type { DataConnection, MediaConnection, Peer, PeerError } from 'peerjs';
import { Call, type CallHost, type DevicePreferences } from './call.js';
import { Chat, TRANSCRIPT_KEY_PREFIX, type ChatHost, type ChatPersistence } from './chat.js';
import { defaultPeerId, fetchIceServers, peerServerOptions, peerToken, validatePeerId, validatePeerSecret } from './config.js';
import { Conversation, type ConversationHost } from './conversation.js';
import { Emitter } from './emitter.js';
import { RtcError } from './errors.js';
import { CONTROL_LABEL, FILE_LABEL, LIMITS, type ControlMessage, type Presence } from './protocol.js';
import { createSafePeer } from './safe-peer.js';

export type SessionStatus = 'connecting' | 'online' | 'offline' | 'failed';

export interface SessionEvents {
  status: SessionStatus;
  /** A call was created (dialled or ringing); it is `session.activeCall` now. */
  call: Call;
  /**
   * A control message from a conversation, for chat and the support widgets. `repeat`: a chat
   * message received before (the sender re-sends until it hears back), which changed nothing.
   */
  message: { conversation: Conversation; message: ControlMessage; repeat: boolean };
  conversation: Conversation;
  /** A conversation's channel opened or closed, or its first dial ended (the remote became reachable, went away, or proved unreachable). */
  link: Conversation;
  /** A remote peer opened a raw `rtc-file` connection (one file's bytes). */
  'file-connection': DataConnection;
  error: RtcError;
}

export interface SessionOptions {
  server: URL;
  /** Own id; a random one kept per tab when absent. */
  peerId?: string;
  /** ICE servers from the host; when absent the server's /rtc-config is asked. */
  iceServers?: RTCIceServer[];
  name?: string;
  /** Proves `peerId` is ours on a server that reserves it (`--reserved-ids`); sent with the broker token. */
  secret?: string;
}

const ID_TAKEN_RETRY_MS = 15_000;
/** How long a media offer that overtook its `ring` waits for it, and how many may wait. */
const EARLY_MEDIA_WAIT_MS = 5_000;
const MAX_EARLY_MEDIA = 3;

/** Broker reconnect backoff: 0.5 s, 1 s, 2 s … capped at 10 s, with jitter so tabs do not stampede. */
export function reconnectDelay(attempt: number): number {
  const base = Math.min(10_000, 500 * 2 ** attempt);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** The error text PeerJS gives for an unreachable peer names it at the end. */
function unavailablePeerId(error: PeerError<string>): string | undefined {
  return /peer (\S+)$/.exec(error.message)?.[1];
}

/**
 * One PeerJS Peer per (server, peer id) on a page, shared by every element naming that pair.
 * It keeps the broker connection alive, holds a Conversation per remote peer and the one active
 * call, and survives broker drops without touching calls already in progress.
 */
export class RtcSession extends Emitter<SessionEvents> implements CallHost, ConversationHost, ChatHost {
  readonly server: URL;
  readonly peerId: string;
  status: SessionStatus = 'connecting';
  private ownName = '';
  page?: { url: string; title: string };
  /** This peer's availability, told to every conversation (agents set it). */
  presence: Presence = 'online';
  peer: Peer | null = null;
  activeCall: Call | null = null;
  devices: DevicePreferences = {};
  /** Elements that can show a call (`<rtc-call>`); with none, nobody could answer a ring. */
  callViews = 0;
  /** Inbound messages dropped by validation; hosts and tests read it. */
  dropped = 0;
  lastError: RtcError | null = null;
  private idTaken = false;
  readonly conversations = new Map<string, Conversation>();
  readonly chats = new Map<string, Chat>();
  /** Where new chats keep their transcript; elements may ask for another. */
  chatPersistence: ChatPersistence = 'session';
  private lastBadMessageReport = 0;

  private iceServers: RTCIceServer[] | undefined;
  private secret: string | undefined;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  /** Media offers that came before their `ring`, by call id, waiting for it. */
  private earlyMedia = new Map<string, { media: MediaConnection; timer: ReturnType<typeof setTimeout> }>();
  private unreachableReported = false;

  constructor(options: SessionOptions) {
    super();
    this.server = options.server;
    this.peerId = validatePeerId(options.peerId || defaultPeerId(options.server));
    this.iceServers = options.iceServers;
    this.secret = options.secret === undefined ? undefined : validatePeerSecret(options.secret);
    this.ownName = (options.name ?? '').slice(0, LIMITS.maxNameLength);
    // Origin and path only: query strings and fragments can hold tokens a peer has no business seeing.
    if (typeof location !== 'undefined') this.page = { url: (location.origin + location.pathname).slice(0, 2048), title: document.title.slice(0, 300) };
  }

  async start(): Promise<void> {
    if (this.iceServers === undefined) {
      const fetched = await fetchIceServers(this.server);
      // An element may have named its own meanwhile (setIceServers): those win.
      this.iceServers ??= fetched;
    }
    if (this.destroyed) return;
    this.connect();
  }

  private connect(): void {
    const peer = createSafePeer(
      this.peerId,
      {
        ...peerServerOptions(this.server),
        token: peerToken(this.server, this.peerId, this.secret),
        config: { iceServers: this.iceServers ?? [] },
        debug: 0,
      },
      { onDropped: (reason) => this.countDropped(reason), isKnown: (peer) => this.conversations.get(peer)?.isOpen === true },
    );
    this.peer = peer;
    peer.on('open', () => {
      this.attempt = 0;
      this.unreachableReported = false;
      this.idTaken = false;
      this.setStatus('online');
    });
    peer.on('connection', (connection) => this.onConnection(connection));
    peer.on('call', (media) => this.onMedia(media));
    peer.on('disconnected', () => this.scheduleReconnect());
    peer.on('close', () => {
      // PeerJS destroys the Peer when the very first connection attempt fails; start a fresh one.
      if (this.peer === peer) this.scheduleReconnect();
    });
    peer.on('error', (error) => this.onPeerError(error));
  }

  private onPeerError(error: PeerError<string>): void {
    switch (error.type) {
      case 'peer-unavailable': {
        const remote = unavailablePeerId(error);
        if (remote) this.conversations.get(remote)?.markUnavailable();
        return;
      }
      case 'unavailable-id':
        // Another tab holds this id with another token: say so, and try again now and then,
        // so this tab takes over once the other one has gone.
        this.idTaken = true;
        this.fail(
          new RtcError(
            'id-taken',
            this.secret
              ? `The id "${this.peerId}" is already in use in another tab or device, or the server has another secret for it than peer-secret.`
              : `The id "${this.peerId}" is already in use in another tab or device (or the server reserves it: set peer-secret).`,
          ),
        );
        // (Quietly: the element keeps saying why until the claim succeeds.)
        this.retryTimer ??= setTimeout(() => this.claimAgain(false), ID_TAKEN_RETRY_MS);
        return;
      case 'invalid-id':
        this.fail(new RtcError('invalid-id', `The id "${this.peerId}" is not accepted by the server.`));
        return;
      case 'invalid-key':
        this.fail(new RtcError('broker-unreachable', 'The server refused our API key.'));
        return;
      case 'network':
      case 'server-error':
      case 'socket-error':
      case 'socket-closed':
        // Once per outage, not once per retry (PeerJS reports each failure two or three ways).
        if (!this.unreachableReported) {
          this.unreachableReported = true;
          this.report(new RtcError('broker-unreachable', `Cannot reach the server at ${this.server.origin}; retrying.`));
        }
        this.scheduleReconnect();
        return;
      default:
        // WebRTC-level errors belong to one connection; its close or ICE state ends what it must.
        return;
    }
  }

  private scheduleReconnect(): void {
    if (this.destroyed || this.status === 'failed' || this.retryTimer !== undefined) return;
    this.setStatus('offline');
    const delay = reconnectDelay(this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.destroyed) return;
      const peer = this.peer;
      if (peer && !peer.destroyed) {
        // Same Peer, same id and token: the broker takes us back and live P2P connections stay.
        if (peer.disconnected) peer.reconnect();
        return;
      }
      peer?.removeAllListeners();
      this.connect();
    }, delay);
  }

  private fail(error: RtcError): void {
    this.setStatus('failed');
    this.report(error);
  }

  private report(error: RtcError): void {
    this.lastError = error;
    this.emit('error', error);
  }

  private setStatus(status: SessionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }

  countDropped(reason: string): void {
    this.dropped++;
    // A flood of junk must not become a flood of events: one report per 5 s, with the running count.
    const now = Date.now();
    if (now - this.lastBadMessageReport < 5_000) return;
    this.lastBadMessageReport = now;
    this.report(new RtcError('bad-message', `Dropped an invalid message from a peer (${reason}); ${this.dropped} dropped so far.`));
  }

  /** Sets our availability and tells every open conversation. */
  setPresence(presence: Presence): void {
    if (presence === this.presence) return;
    this.presence = presence;
    for (const conversation of this.conversations.values()) conversation.send({ type: 'presence', status: presence });
  }

  /** ICE servers for the connections made from now on (those already up keep theirs). */
  setIceServers(iceServers: RTCIceServer[]): void {
    this.iceServers = iceServers;
    // PeerJS reads its options' config for every new RTCPeerConnection.
    if (this.peer) this.peer.options.config = { ...this.peer.options.config, iceServers };
  }

  /**
   * A new peer-secret: the host fetched it after the element connected, or the owner rotated it.
   * The Peer's token is what it sends on every claim of the id, reconnects included, so it is
   * updated at once. Connected, that is all (the secret is checked only when an id is claimed);
   * not connected (refused as id-taken, or the broker away), it claims the id again now.
   */
  setSecret(secret: string | undefined): void {
    const next = secret === undefined ? undefined : validatePeerSecret(secret);
    if (next === this.secret) return;
    this.secret = next;
    if (this.peer) this.peer.options.token = peerToken(this.server, this.peerId, next);
    if (this.destroyed || this.status === 'online' || !this.peer) return; // no Peer yet: start() will use it
    this.claimAgain(true);
  }

  /**
   * Claims our id at the broker again, now: with the same Peer when PeerJS kept it (its calls and
   * channels stay up), else with a new one (PeerJS destroys a Peer whose first claim failed).
   */
  private claimAgain(announce: boolean): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const peer = this.peer;
    if (this.destroyed || !peer) return;
    if (announce) this.setStatus('connecting');
    else this.status = 'connecting';
    if (!peer.destroyed) {
      if (peer.disconnected) peer.reconnect();
      return;
    }
    peer.removeAllListeners();
    this.connect();
  }

  /** The name sent to remote peers (cut to what a receiver accepts: a longer one would get every `hello` dropped). */
  get name(): string {
    return this.ownName;
  }

  set name(value: string) {
    const name = (value ?? '').slice(0, LIMITS.maxNameLength);
    if (name === this.ownName) return;
    this.ownName = name;
    // Remotes show the name from the latest hello: tell the open conversations now.
    for (const conversation of this.conversations.values()) conversation.announce();
  }

  get online(): boolean {
    return this.status === 'online';
  }

  /**
   * Another tab holds our id: from the broker's refusal until this tab gets the id itself,
   * including while it tries again (what is written meanwhile could not be kept here).
   */
  get elsewhere(): boolean {
    return this.idTaken;
  }

  onOnline(listener: () => void): () => void {
    return this.on('status', (status) => status === 'online' && listener());
  }

  /** The chat with `remoteId`, created (from its saved transcript) on first use. */
  chat(remoteId: string): Chat {
    let chat = this.chats.get(remoteId);
    if (!chat) {
      const key = `${TRANSCRIPT_KEY_PREFIX}${this.server.href}|${this.peerId}|${remoteId}`;
      chat = new Chat(this, remoteId, key, this.chatPersistence);
      this.chats.set(remoteId, chat);
    }
    return chat;
  }

  conversation(remoteId: string): Conversation {
    let conversation = this.conversations.get(remoteId);
    if (!conversation) {
      conversation = new Conversation(remoteId, this);
      this.conversations.set(remoteId, conversation);
      const current = conversation;
      current.on('message', (message) => this.onMessage(current, message));
      current.on('open', () => this.emit('link', current));
      current.on('close', () => this.emit('link', current));
      current.on('settle', () => this.emit('link', current));
      this.emit('conversation', current);
    }
    return conversation;
  }

  conversationIdle(conversation: Conversation): void {
    if (this.conversations.get(conversation.remoteId) !== conversation) return;
    this.conversations.delete(conversation.remoteId);
    // Nobody shows this chat and nothing waits to go out; its transcript is saved, so let it go too.
    this.chats.get(conversation.remoteId)?.dispose();
    this.chats.delete(conversation.remoteId);
    conversation.close();
  }

  private onConnection(connection: DataConnection): void {
    if (connection.label === FILE_LABEL && connection.serialization === 'raw') {
      this.emit('file-connection', connection);
      this.chat(connection.peer).files.adopt(connection);
      return;
    }
    if (connection.label !== CONTROL_LABEL || connection.serialization !== 'json') {
      // Not a label or serialization we speak; never leave it half-open.
      connection.close();
      return;
    }
    this.conversation(connection.peer).attach(connection);
  }

  private onMessage(conversation: Conversation, message: ControlMessage): void {
    let repeat = false;
    if (message.type === 'chat' || message.type === 'ack' || message.type === 'acks' || message.type === 'typing' || message.type.startsWith('file-')) {
      const chat = this.chat(conversation.remoteId);
      repeat = message.type === 'chat' && chat.log.hasRemote(message.id);
      // A page that shows no chat with this peer (a call-only page) cannot take a file: nobody would
      // see it, yet it would hold up to max-file-size in memory. Say no at once, as for a ring below.
      if (message.type === 'file-offer' && !chat.shown) chat.files.refuseOffer(message);
      else if (!chat.receive(message)) chat.files.receive(message);
    } else if (message.type === 'ring') {
      const busy = this.activeCall && !this.activeCall.ended;
      if (busy) {
        // Busy: tell the caller without disturbing the current call.
        if (this.activeCall!.id !== message.callId) conversation.send({ type: 'decline', callId: message.callId, reason: 'busy' });
      } else if (this.callViews === 0) {
        // A chat-only page cannot answer: say no at once instead of letting the caller wait.
        conversation.send({ type: 'decline', callId: message.callId, reason: 'declined' });
      } else {
        const call = Call.fromRing(this, conversation.remoteId, message);
        this.adoptCall(call);
        const early = this.takeEarlyMedia(message.callId);
        if (early && !call.adoptMedia(early)) early.close();
      }
    }
    this.emit('message', { conversation, message, repeat });
  }

  private onMedia(media: MediaConnection): void {
    const callId = (media.metadata as { callId?: unknown } | undefined)?.callId;
    const active = this.activeCall && !this.activeCall.ended ? this.activeCall : null;
    if (active && typeof callId === 'string' && callId === active.id && active.adoptMedia(media)) return;
    if (!active && typeof callId === 'string' && this.callViews > 0) {
      this.holdEarlyMedia(callId, media);
      return;
    }
    if (active || typeof callId === 'string' || this.callViews === 0) {
      // Busy, media for a call we never accepted, or no element to answer with: refuse.
      media.close();
      return;
    }
    this.adoptCall(Call.fromBareMedia(this, media));
  }

  /**
   * The caller sends its offer right after its `ring`, but the two travel different roads (the
   * broker and the data channel), so the offer may arrive first. It waits here for its ring, a
   * few at most, for a few seconds at most.
   */
  private holdEarlyMedia(callId: string, media: MediaConnection): void {
    this.takeEarlyMedia(callId)?.close();
    if (this.earlyMedia.size >= MAX_EARLY_MEDIA) {
      const [oldest] = this.earlyMedia.keys();
      this.takeEarlyMedia(oldest!)?.close();
    }
    const timer = setTimeout(() => this.takeEarlyMedia(callId)?.close(), EARLY_MEDIA_WAIT_MS);
    this.earlyMedia.set(callId, { media, timer });
  }

  private takeEarlyMedia(callId: string): MediaConnection | undefined {
    const early = this.earlyMedia.get(callId);
    if (!early) return undefined;
    this.earlyMedia.delete(callId);
    clearTimeout(early.timer);
    return early.media;
  }

  /** Starts a call to `remoteId`; one call at a time per session. */
  dial(remoteId: string, video: boolean): Call {
    if (this.activeCall && !this.activeCall.ended) throw new RtcError('connection-failed', 'A call is already in progress.');
    const call = Call.dial(this, remoteId, video);
    this.adoptCall(call);
    return call;
  }

  /** An element that shows calls came or went; when the last goes, its call must not run on unseen. */
  addCallView(): () => void {
    this.callViews++;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.callViews--;
      // A tick later, so moving the element in the DOM (remove + add in one task) keeps the call.
      setTimeout(() => {
        if (this.callViews === 0 && !this.destroyed) this.activeCall?.hangup();
      }, 0);
    };
  }

  private adoptCall(call: Call): void {
    this.activeCall = call;
    call.on('ended', () => {
      if (this.activeCall === call) this.activeCall = null;
    });
    this.emit('call', call);
  }

  /**
   * The page is going away for good: close every control channel and the broker socket now, so
   * remotes see us leave at once. A closing tab does not close them itself; they would look
   * online until the connection fails, some 20 s later. Chats are saved before (registry).
   */
  leave(): void {
    this.destroyed = true;
    this.closeConnections();
  }

  /** Closes every conversation's channels, the Peer and its broker socket. */
  private closeConnections(): void {
    clearTimeout(this.retryTimer);
    for (const conversation of this.conversations.values()) conversation.close();
    this.conversations.clear();
    const peer = this.peer;
    this.peer = null;
    peer?.removeAllListeners();
    peer?.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.activeCall?.hangup();
    for (const callId of [...this.earlyMedia.keys()]) this.takeEarlyMedia(callId)?.close();
    for (const chat of this.chats.values()) chat.dispose();
    this.chats.clear();
    this.closeConnections();
    this.removeAllListeners();
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }
}
