import type { Peer, PeerOptions } from 'peerjs';
import { peerjs } from './peerjs.js';
import { isValidPeerId } from './config.js';
import { OfferGate } from './offer-budget.js';
import { CONTROL_LABEL, decodeJsonFrame, MalformedFrame } from './protocol.js';

/**
 * PeerJS trusts what arrives: its JSON connection throws on frames that are not JSON, and an
 * OFFER naming an unknown serialization throws inside its socket handler. Both would surface
 * as uncaught errors in the host page, so we register our own connection classes and guard
 * the one socket entry point they cannot reach.
 */

function isPeerClose(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || value instanceof MalformedFrame) return false;
  const peerData = (value as { __peerData?: { type?: unknown } }).__peerData;
  return typeof peerData === 'object' && peerData !== null && peerData.type === 'close';
}

/** JSON connection that turns undecodable frames into `MalformedFrame` instead of throwing. */
export class SafeJsonConnection extends peerjs.BufferedConnection {
  readonly serialization = 'json';
  private encoder = new TextEncoder();

  protected override _handleDataMessage({ data }: MessageEvent): void {
    const decoded = decodeJsonFrame(data);
    if (isPeerClose(decoded)) {
      this.close();
      return;
    }
    this.emit('data', decoded);
  }

  protected override _send(data: unknown): void {
    this._bufferedSend(this.encoder.encode(JSON.stringify(data)).buffer as ArrayBuffer);
  }
}

/** Raw connection: bytes in, bytes out; used for file transfer. */
export class RawConnection extends peerjs.BufferedConnection {
  readonly serialization = 'raw';

  protected override _handleDataMessage({ data }: MessageEvent): void {
    this.emit('data', data);
  }

  protected override _send(data: ArrayBuffer): void {
    this._bufferedSend(data);
  }
}

/**
 * Serializations we do not speak (PeerJS's binarypack default among them): the connection is
 * accepted so PeerJS stays consistent, never decoded, and closed by the session.
 */
export class UnsupportedConnection extends RawConnection {
  protected override _handleDataMessage(): void {}
}

const SERIALIZERS = {
  json: SafeJsonConnection,
  raw: RawConnection,
  binary: UnsupportedConnection,
  'binary-utf8': UnsupportedConnection,
  default: UnsupportedConnection,
};

type ServerMessage = { type?: unknown; src?: unknown; payload?: unknown };

/** True when PeerJS can handle this broker message without throwing. */
export function isHandleableServerMessage(message: unknown): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const { type, payload } = message as ServerMessage;
  if (typeof type !== 'string') return false;
  if (type === 'OPEN' || type === 'HEARTBEAT' || type === 'ID-TAKEN' || type === 'INVALID-KEY') return true;
  if (type === 'ERROR') return typeof payload === 'object' && payload !== null;
  // Everything else is relayed from another peer and names it.
  if (typeof (message as ServerMessage).src !== 'string') return false;
  if (type === 'EXPIRE' || type === 'LEAVE') return true;
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as Record<string, unknown>;
  if (typeof p.connectionId !== 'string') return false;
  if (type === 'OFFER') {
    if (typeof p.sdp !== 'object' || p.sdp === null) return false;
    if (p.type === 'media') return true;
    return p.type === 'data' && typeof p.serialization === 'string' && Object.hasOwn(SERIALIZERS, p.serialization);
  }
  if (type === 'ANSWER') return typeof p.sdp === 'object' && p.sdp !== null;
  if (type === 'CANDIDATE') return typeof p.candidate === 'object' && p.candidate !== null;
  return false;
}

export interface SafePeerHooks {
  /** Called for every broker message we refused to hand to PeerJS. */
  onDropped(reason: string): void;
  /** Whether we already talk with this peer (its new connections are not held back by the flood limit). */
  isKnown?(peer: string): boolean;
}

/** refusalOf's answer for what is dropped without counting (candidates of a connection we refused). */
export const QUIETLY = '';

/**
 * Why a broker message must not reach PeerJS (QUIETLY: dropped, but no news), or null when it may.
 * `hasConnection` says whether PeerJS has the connection a message names; `offers` budgets new ones.
 */
export function refusalOf(
  message: unknown,
  hasConnection: (peer: string, connectionId: string) => boolean,
  offers: OfferGate,
  isKnown: (peer: string) => boolean = () => false,
): string | null {
  if (!isHandleableServerMessage(message)) return 'malformed broker message';
  const { type, src, payload } = message as { type: string; src: string; payload: { connectionId: string; type?: string; label?: string } };
  // PeerJS keeps ANSWER/CANDIDATE for unknown connections forever; a peer could fill memory.
  if ((type === 'ANSWER' || type === 'CANDIDATE') && !hasConnection(src, payload.connectionId)) {
    return offers.wasRefused(src, payload.connectionId) ? QUIETLY : 'signalling for an unknown connection';
  }
  if (type !== 'OFFER') return null;
  // A broker other than ours may take any id (bidi overrides, 5,000 characters), and the id is
  // shown as the name of whoever has not sent one.
  if (!isValidPeerId(src)) return 'a connection from an invalid peer id';
  // Before PeerJS builds a peer connection for it (see offer-budget.ts).
  const control = payload.type === 'data' && payload.label === CONTROL_LABEL;
  if (!offers.admit(src, payload.connectionId, isKnown(src), control)) return 'too many new connections offered';
  return null;
}

export function createSafePeer(id: string, options: PeerOptions, hooks: SafePeerHooks, offers = new OfferGate()): Peer {
  const peer = new peerjs.Peer(id, { ...options, serializers: SERIALIZERS });
  const internal = peer as unknown as { _handleMessage(message: unknown): void };
  const original = internal._handleMessage.bind(peer);
  const hasConnection = (src: string, connectionId: string) => !!peer.getConnection(src, connectionId);
  internal._handleMessage = (message: unknown) => {
    const refusal = refusalOf(message, hasConnection, offers, hooks.isKnown);
    if (refusal !== null) {
      if (refusal !== QUIETLY) hooks.onDropped(refusal);
      return;
    }
    try {
      original(message);
    } catch {
      hooks.onDropped('broker message PeerJS could not handle');
    }
  };
  return peer;
}
