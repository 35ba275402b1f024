/**
 * The call's state machine, pure so Vitest covers every transition in Node.
 * `Call` feeds it what happened; a `null` answer means "ignore this event in this phase",
 * which is how late or duplicated messages from a peer (an accept after a cancel, a second bye)
 * are kept from reviving or double-ending a call.
 */

export type CallPhase = 'calling' | 'ringing' | 'connecting' | 'connected' | 'ended';

/** Why a call ended, as reported in `rtc-ended`. */
export type CallEndReason =
  | 'hangup'
  | 'remote-hangup'
  | 'declined'
  | 'busy'
  | 'cancelled'
  | 'timeout'
  | 'unavailable'
  | 'connection-lost'
  | 'error';

export type CallEvent =
  | { type: 'answer' } // the callee (us) accepted
  | { type: 'accepted' } // the callee (remote) accepted
  | { type: 'media-up' } // ICE connected and remote media flowing
  | { type: 'end'; reason: CallEndReason };

export interface CallMachineState {
  phase: CallPhase;
  direction: 'outgoing' | 'incoming';
  reason?: CallEndReason;
}

export function initialCallState(direction: 'outgoing' | 'incoming'): CallMachineState {
  return { phase: direction === 'outgoing' ? 'calling' : 'ringing', direction };
}

export function nextCallState(state: CallMachineState, event: CallEvent): CallMachineState | null {
  const { phase, direction } = state;
  if (phase === 'ended') return null;
  switch (event.type) {
    case 'answer':
      return phase === 'ringing' && direction === 'incoming' ? { ...state, phase: 'connecting' } : null;
    case 'accepted':
      return phase === 'calling' && direction === 'outgoing' ? { ...state, phase: 'connecting' } : null;
    case 'media-up':
      return phase === 'connecting' ? { ...state, phase: 'connected' } : null;
    case 'end':
      return { ...state, phase: 'ended', reason: event.reason };
  }
}

/** The wire message that tells the remote side we are ending the call in this phase. */
export function endMessageFor(state: CallMachineState): 'cancel' | 'decline' | 'bye' {
  if (state.phase === 'calling') return 'cancel';
  if (state.phase === 'ringing') return 'decline';
  return 'bye';
}

/** The local reason when we end the call ourselves in this phase. */
export function localEndReason(state: CallMachineState): CallEndReason {
  if (state.phase === 'calling') return 'cancelled';
  if (state.phase === 'ringing') return 'declined';
  return 'hangup';
}
