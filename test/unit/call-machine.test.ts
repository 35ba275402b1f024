import { describe, expect, it } from 'vitest';
import {
  endMessageFor,
  initialCallState,
  localEndReason,
  nextCallState,
  type CallEndReason,
  type CallEvent,
  type CallMachineState,
  type CallPhase,
} from '../../src/session/call-machine.js';

type Direction = CallMachineState['direction'];

const PHASES: CallPhase[] = ['calling', 'ringing', 'connecting', 'connected', 'ended'];
const DIRECTIONS: Direction[] = ['outgoing', 'incoming'];
const END_REASONS: CallEndReason[] = [
  'hangup',
  'remote-hangup',
  'declined',
  'busy',
  'cancelled',
  'timeout',
  'unavailable',
  'connection-lost',
  'error',
];

/** The expected next phase for every non-`end` event; `null` means "ignored". */
const TRANSITIONS: Record<CallPhase, Record<Direction, Record<'answer' | 'accepted' | 'media-up', CallPhase | null>>> = {
  calling: {
    outgoing: { answer: null, accepted: 'connecting', 'media-up': null },
    incoming: { answer: null, accepted: null, 'media-up': null },
  },
  ringing: {
    outgoing: { answer: null, accepted: null, 'media-up': null },
    incoming: { answer: 'connecting', accepted: null, 'media-up': null },
  },
  connecting: {
    outgoing: { answer: null, accepted: null, 'media-up': 'connected' },
    incoming: { answer: null, accepted: null, 'media-up': 'connected' },
  },
  connected: {
    outgoing: { answer: null, accepted: null, 'media-up': null },
    incoming: { answer: null, accepted: null, 'media-up': null },
  },
  ended: {
    outgoing: { answer: null, accepted: null, 'media-up': null },
    incoming: { answer: null, accepted: null, 'media-up': null },
  },
};

const simpleRows = PHASES.flatMap((phase) =>
  DIRECTIONS.flatMap((direction) =>
    (['answer', 'accepted', 'media-up'] as const).map((event) => ({ phase, direction, event, next: TRANSITIONS[phase][direction][event] })),
  ),
);

describe('initialCallState', () => {
  it.each([
    ['outgoing', 'calling'],
    ['incoming', 'ringing'],
  ] as const)('%s starts in %s', (direction, phase) => {
    expect(initialCallState(direction)).toStrictEqual({ phase, direction });
  });
});

describe('nextCallState: transition table', () => {
  it('covers every phase × direction × event', () => {
    expect(simpleRows).toHaveLength(PHASES.length * DIRECTIONS.length * 3);
  });

  it.each(simpleRows)('$phase/$direction + $event → $next', ({ phase, direction, event, next }) => {
    const state: CallMachineState = { phase, direction };
    const result = nextCallState(state, { type: event } as CallEvent);
    if (next === null) {
      expect(result).toBeNull();
    } else {
      expect(result).toStrictEqual({ phase: next, direction });
    }
  });

  const endRows = PHASES.filter((p) => p !== 'ended').flatMap((phase) =>
    DIRECTIONS.flatMap((direction) => END_REASONS.map((reason) => ({ phase, direction, reason }))),
  );

  it.each(endRows)('$phase/$direction + end($reason) → ended', ({ phase, direction, reason }) => {
    expect(nextCallState({ phase, direction }, { type: 'end', reason })).toStrictEqual({ phase: 'ended', direction, reason });
  });

  it.each(DIRECTIONS.flatMap((direction) => END_REASONS.map((reason) => ({ direction, reason }))))(
    'ended/$direction + end($reason) → ignored (ended is terminal)',
    ({ direction, reason }) => {
      expect(nextCallState({ phase: 'ended', direction, reason: 'hangup' }, { type: 'end', reason })).toBeNull();
    },
  );

  it('does not mutate the state it is given', () => {
    const state: CallMachineState = { phase: 'calling', direction: 'outgoing' };
    const next = nextCallState(state, { type: 'accepted' });
    expect(next).not.toBe(state);
    expect(state).toStrictEqual({ phase: 'calling', direction: 'outgoing' });
    const ended = nextCallState(state, { type: 'end', reason: 'timeout' });
    expect(state).toStrictEqual({ phase: 'calling', direction: 'outgoing' });
    expect(ended).toStrictEqual({ phase: 'ended', direction: 'outgoing', reason: 'timeout' });
  });
});

describe('ended is terminal', () => {
  const events: CallEvent[] = [
    { type: 'answer' },
    { type: 'accepted' },
    { type: 'media-up' },
    ...END_REASONS.map((reason) => ({ type: 'end', reason }) as CallEvent),
  ];
  it.each(DIRECTIONS)('no event leaves ended (%s)', (direction) => {
    for (const event of events) {
      expect(nextCallState({ phase: 'ended', direction, reason: 'busy' }, event), JSON.stringify(event)).toBeNull();
    }
  });
});

describe('endMessageFor and localEndReason', () => {
  const rows: Array<{ phase: CallPhase; message: 'cancel' | 'decline' | 'bye'; reason: CallEndReason }> = [
    { phase: 'calling', message: 'cancel', reason: 'cancelled' },
    { phase: 'ringing', message: 'decline', reason: 'declined' },
    { phase: 'connecting', message: 'bye', reason: 'hangup' },
    { phase: 'connected', message: 'bye', reason: 'hangup' },
    { phase: 'ended', message: 'bye', reason: 'hangup' },
  ];
  const table = rows.flatMap((row) => DIRECTIONS.map((direction) => ({ ...row, direction })));

  it.each(table)('$phase/$direction: sends $message, reports $reason', ({ phase, direction, message, reason }) => {
    expect(endMessageFor({ phase, direction })).toBe(message);
    expect(localEndReason({ phase, direction })).toBe(reason);
  });
});

/** Feeds events in order; returns the state after each one (null entries are ignored events). */
function run(direction: Direction, events: CallEvent[]): { final: CallMachineState; steps: Array<CallPhase | null> } {
  let state = initialCallState(direction);
  const steps: Array<CallPhase | null> = [];
  for (const event of events) {
    const next = nextCallState(state, event);
    steps.push(next ? next.phase : null);
    if (next) state = next;
  }
  return { final: state, steps };
}

describe('scenarios', () => {
  it('outgoing: calling → accepted → media-up → local hangup', () => {
    const start = initialCallState('outgoing');
    expect(endMessageFor(start)).toBe('cancel');
    const { final, steps } = run('outgoing', [{ type: 'accepted' }, { type: 'media-up' }]);
    expect(steps).toEqual(['connecting', 'connected']);
    expect(endMessageFor(final)).toBe('bye');
    const reason = localEndReason(final);
    expect(reason).toBe('hangup');
    expect(nextCallState(final, { type: 'end', reason })).toStrictEqual({ phase: 'ended', direction: 'outgoing', reason: 'hangup' });
  });

  it('incoming: ringing → answer → media-up', () => {
    const { final, steps } = run('incoming', [{ type: 'answer' }, { type: 'media-up' }]);
    expect(steps).toEqual(['connecting', 'connected']);
    expect(final).toStrictEqual({ phase: 'connected', direction: 'incoming' });
  });

  it('incoming: remote accepted is not ours to send, so it does nothing while ringing', () => {
    const { final, steps } = run('incoming', [{ type: 'accepted' }, { type: 'media-up' }]);
    expect(steps).toEqual([null, null]);
    expect(final).toStrictEqual({ phase: 'ringing', direction: 'incoming' });
  });

  it('outgoing: a late accept after cancelling is ignored', () => {
    const start = initialCallState('outgoing');
    const cancelled = nextCallState(start, { type: 'end', reason: localEndReason(start) });
    expect(cancelled).toStrictEqual({ phase: 'ended', direction: 'outgoing', reason: 'cancelled' });
    expect(nextCallState(cancelled!, { type: 'accepted' })).toBeNull();
    expect(nextCallState(cancelled!, { type: 'media-up' })).toBeNull();
  });

  it('a double end is ignored and keeps the first reason', () => {
    const { final, steps } = run('outgoing', [
      { type: 'accepted' },
      { type: 'media-up' },
      { type: 'end', reason: 'remote-hangup' },
      { type: 'end', reason: 'connection-lost' },
      { type: 'end', reason: 'hangup' },
    ]);
    expect(steps).toEqual(['connecting', 'connected', 'ended', null, null]);
    expect(final).toStrictEqual({ phase: 'ended', direction: 'outgoing', reason: 'remote-hangup' });
  });

  it('duplicated accepts and media-ups do not skip or repeat phases', () => {
    const { final, steps } = run('outgoing', [
      { type: 'media-up' },
      { type: 'accepted' },
      { type: 'accepted' },
      { type: 'media-up' },
      { type: 'media-up' },
    ]);
    expect(steps).toEqual([null, 'connecting', null, 'connected', null]);
    expect(final.phase).toBe('connected');
  });

  it('incoming: declining while ringing sends decline and ends as declined', () => {
    const start = initialCallState('incoming');
    expect(endMessageFor(start)).toBe('decline');
    const { final, steps } = run('incoming', [{ type: 'end', reason: localEndReason(start) }, { type: 'answer' }]);
    expect(steps).toEqual(['ended', null]);
    expect(final).toStrictEqual({ phase: 'ended', direction: 'incoming', reason: 'declined' });
  });

  it('ending while connecting (ICE never came up) is a hangup with bye', () => {
    const { final } = run('incoming', [{ type: 'answer' }]);
    expect(final.phase).toBe('connecting');
    expect(endMessageFor(final)).toBe('bye');
    expect(localEndReason(final)).toBe('hangup');
    expect(nextCallState(final, { type: 'end', reason: 'timeout' })).toStrictEqual({ phase: 'ended', direction: 'incoming', reason: 'timeout' });
  });
});
