import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Call, CallEvents } from '../session/call.js';
import { parseIceServers, resolveServerUrl } from '../session/config.js';
import type { Unsubscribe } from '../session/emitter.js';
import { RtcError } from '../session/errors.js';
import { acquireSession, releaseSession } from '../session/registry.js';
import type { RtcSession, SessionEvents } from '../session/rtc-session.js';

export interface SessionConfig {
  server: string | null;
  peerId: string | null;
  iceServers: string | null;
  name: string | null;
  /** The reserved id's secret (`peer-secret`); used when the session is made. */
  secret?: string | null;
}

export interface SessionCallbacks {
  status?(status: SessionEvents['status']): void;
  error?(error: RtcError): void;
  /** A new active call (dialled or ringing). */
  call?(call: Call): void;
  callEnded?(call: Call, detail: CallEvents['ended']): void;
  callError?(call: Call, error: RtcError): void;
  message?(detail: SessionEvents['message']): void;
}

/**
 * Binds an element to the shared RtcSession for its (server, peer-id): acquires it while the
 * element is connected, re-renders the host on every change, and releases it (and every
 * listener) in hostDisconnected.
 */
export class SessionController implements ReactiveController {
  session: RtcSession | null = null;
  /** Why there is no session: an attribute (server, peer-id, ice-servers) it could not be made with. */
  bindError: RtcError | null = null;
  /** The session's active call, followed for re-rendering. */
  call: Call | null = null;
  private disposers: Unsubscribe[] = [];
  private callDisposers: Unsubscribe[] = [];
  private boundKey = '';
  /** The secret this element last gave its session (peer-secret), so only its changes are passed on. */
  private boundSecret: string | null = null;
  /** The config of the last bind that could not make a session (JSON), so it is not retried as is. */
  private refusedConfig = '';

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly config: () => SessionConfig,
    private readonly callbacks: SessionCallbacks,
    /** Whether the host shows calls (it can answer a ring; its removal ends the call). */
    private readonly showsCalls = false,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.bind();
  }

  hostDisconnected(): void {
    this.unbind();
  }

  /**
   * Call when server, peer-id, ice-servers, name or peer-secret change: re-binds if the pair
   * changed or no session could be made before (a bad attribute, now maybe fixed); else passes
   * the name and the secret on to the session, which keeps its calls and chats.
   */
  configChanged(): void {
    if (!this.host.isConnected) return;
    const config = this.config();
    // The attributes no session could be made with, unchanged: their error has been reported.
    if (!this.session && JSON.stringify(config) === this.refusedConfig) return;
    if (`${config.server}|${config.peerId}|${config.iceServers}` !== this.boundKey || !this.session) {
      this.unbind();
      this.bind();
      return;
    }
    this.session.name = config.name ?? this.session.name;
    // Only a change of this element's own secret: elements sharing the session without one (the
    // console's inner call and chat) must not take away the one the console gave it.
    const secret = config.secret || null;
    if (secret === this.boundSecret) return;
    this.boundSecret = secret;
    try {
      this.session.setSecret(secret ?? undefined);
    } catch (error) {
      this.callbacks.error?.(error instanceof RtcError ? error : new RtcError('bad-attribute', String(error)));
    }
  }

  private bind(): void {
    const config = this.config();
    this.boundKey = `${config.server}|${config.peerId}|${config.iceServers}`;
    this.boundSecret = config.secret || null;
    let session: RtcSession;
    try {
      const server = resolveServerUrl(config.server);
      const iceServers = config.iceServers ? parseIceServers(config.iceServers) : undefined;
      session = acquireSession({ server, peerId: config.peerId ?? undefined, iceServers, name: config.name ?? undefined, ...(config.secret ? { secret: config.secret } : {}) });
    } catch (error) {
      // A bad attribute is the host's to fix; report it once the element is in the document.
      const rtcError = error instanceof RtcError ? error : new RtcError('bad-attribute', String(error));
      this.bindError = rtcError;
      this.refusedConfig = JSON.stringify(config);
      queueMicrotask(() => this.callbacks.error?.(rtcError));
      this.host.requestUpdate();
      return;
    }
    this.session = session;
    this.bindError = null;
    if (this.showsCalls) this.disposers.push(session.addCallView());
    const update = () => this.host.requestUpdate();
    this.disposers.push(
      session.on('status', (status) => {
        this.callbacks.status?.(status);
        update();
      }),
      session.on('error', (error) => {
        this.callbacks.error?.(error);
        update();
      }),
      session.on('call', (call) => this.follow(call)),
      session.on('message', (detail) => {
        this.callbacks.message?.(detail);
        if (detail.message.type === 'hello' || detail.message.type === 'presence') update();
      }),
      session.on('link', () => update()),
      session.on('conversation', () => update()),
    );
    if (session.activeCall && !session.activeCall.ended) this.follow(session.activeCall, false);
    if (session.status === 'online') queueMicrotask(() => this.session === session && this.callbacks.status?.('online'));
    update();
  }

  private follow(call: Call, announce = true): void {
    this.unfollow();
    // The same call again (the element moved, or re-bound to the same session): one listener is enough.
    if (this.lingering?.call === call) this.stopLingering();
    this.call = call;
    this.callDisposers.push(
      call.on('change', () => this.host.requestUpdate()),
      call.on('error', (error) => this.callbacks.callError?.(call, error)),
      call.on('ended', (detail) => {
        this.callbacks.callEnded?.(call, detail);
        this.unfollow();
        this.host.requestUpdate();
      }),
    );
    if (announce) this.callbacks.call?.(call);
    this.host.requestUpdate();
  }

  /** The call of a session let go of, heard until it ends (see unbind); dropped when followed again. */
  private lingering: { call: Call; off: Unsubscribe } | null = null;

  private stopLingering(): void {
    this.lingering?.off();
    this.lingering = null;
  }

  private unfollow(): void {
    for (const dispose of this.callDisposers.splice(0)) dispose();
    this.call = null;
  }

  private unbind(): void {
    // The call this element showed ends with it (it was its view), a moment later: the element
    // still says how, so a host that changed peer-id or server mid-call hears rtc-ended.
    const call = this.call;
    this.stopLingering();
    if (call && !call.ended) {
      const off = call.on('ended', (detail) => {
        this.stopLingering();
        this.callbacks.callEnded?.(call, detail);
        this.host.requestUpdate();
      });
      this.lingering = { call, off };
    }
    this.unfollow();
    for (const dispose of this.disposers.splice(0)) dispose();
    if (this.session) releaseSession(this.session);
    this.session = null;
  }
}
