import type { CallEndReason } from './session/call-machine.js';
import type { RtcErrorCode } from './session/errors.js';

/** The value of `<rtc-call state>`. */
export type CallElementState = 'offline' | 'idle' | 'calling' | 'ringing' | 'connecting' | 'connected';

export interface RtcEventDetails {
  'rtc-ready': { peerId: string };
  'rtc-incoming': { from: string; name: string; video: boolean };
  'rtc-connected': { remoteId: string };
  'rtc-ended': { reason: CallEndReason; durationMs: number };
  'rtc-state': { state: CallElementState };
  'rtc-error': { code: RtcErrorCode; message: string };
  'rtc-message': { id: string; from: string; text: string; time: number };
  'rtc-file': { id: string; from: string; name: string; size: number; type: string; file: File };
  'rtc-typing': { from: string; typing: boolean };
  'rtc-unread': { count: number };
  /** `<rtc-support>`'s panel opened or closed. */
  'rtc-open': Record<string, never>;
  'rtc-close': Record<string, never>;
  /** `<rtc-inbox>`: a visitor wrote for the first time. */
  'rtc-conversation': { id: string };
}

export type RtcEventName = keyof RtcEventDetails;

/** Every rtc-* event: a CustomEvent that bubbles and crosses shadow roots, so hosts can listen anywhere. */
export class RtcEvent<K extends RtcEventName> extends CustomEvent<RtcEventDetails[K]> {
  constructor(type: K, detail: RtcEventDetails[K]) {
    super(type, { bubbles: true, composed: true, detail });
  }
}

export function dispatchRtc<K extends RtcEventName>(target: EventTarget, type: K, detail: RtcEventDetails[K]): void {
  target.dispatchEvent(new RtcEvent(type, detail));
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-ready': RtcEvent<'rtc-ready'>;
    'rtc-incoming': RtcEvent<'rtc-incoming'>;
    'rtc-connected': RtcEvent<'rtc-connected'>;
    'rtc-ended': RtcEvent<'rtc-ended'>;
    'rtc-state': RtcEvent<'rtc-state'>;
    'rtc-error': RtcEvent<'rtc-error'>;
    'rtc-message': RtcEvent<'rtc-message'>;
    'rtc-file': RtcEvent<'rtc-file'>;
    'rtc-typing': RtcEvent<'rtc-typing'>;
    'rtc-unread': RtcEvent<'rtc-unread'>;
    'rtc-open': RtcEvent<'rtc-open'>;
    'rtc-close': RtcEvent<'rtc-close'>;
    'rtc-conversation': RtcEvent<'rtc-conversation'>;
  }
}
