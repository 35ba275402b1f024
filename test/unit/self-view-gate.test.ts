import { afterEach, describe, expect, it, vi } from 'vitest';
import { SELF_VIEW_WAIT_MS, SelfViewGate } from '../../src/elements/rtc-call/self-view-gate.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A video element's frame callbacks, enough for the gate: present() shows a frame. */
function fakeVideo() {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  const video = {
    requestVideoFrameCallback(callback: () => void) {
      callbacks.set(next, callback);
      return next++;
    },
    cancelVideoFrameCallback(handle: number) {
      callbacks.delete(handle);
    },
  };
  const present = () => {
    const pending = [...callbacks.values()];
    callbacks.clear();
    pending.forEach((callback) => callback());
  };
  return { video: video as unknown as HTMLVideoElement, present, pending: () => callbacks.size };
}

const call = (direction: 'incoming' | 'outgoing', phase: string) => ({ direction, phase });

/** An incoming call the gate saw ringing, then answered: the call, and whether its self-view shows. */
function answer(gate: SelfViewGate, video: HTMLVideoElement | undefined, phase = 'connecting') {
  const answered = call('incoming', 'ringing');
  gate.allows(answered, video);
  answered.phase = phase;
  return { answered, allowed: gate.allows(answered, video) };
}

/** Fake timers, a gate whose onOpen is a spy, and a video to watch. */
function setUp() {
  vi.useFakeTimers();
  const onOpen = vi.fn();
  return { gate: new SelfViewGate(onOpen), onOpen, ...fakeVideo() };
}

describe('SelfViewGate', () => {
  it("holds an answered incoming call's self-view back until the caller's picture shows", () => {
    const { gate, onOpen, video, present, pending } = setUp();
    const ringing = call('incoming', 'ringing');
    expect(gate.allows(ringing, video)).toBe(true);
    expect(pending()).toBe(0);

    const answered = ringing;
    answered.phase = 'connecting';
    expect(gate.allows(answered, video)).toBe(false);
    expect(gate.allows(answered, video)).toBe(false);
    expect(pending()).toBe(1);
    present();
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(gate.allows(answered, video)).toBe(true);
    // Nothing is left waiting: no timer, no frame callback.
    expect(vi.getTimerCount()).toBe(0);
    expect(pending()).toBe(0);
    vi.advanceTimersByTime(SELF_VIEW_WAIT_MS * 2);
    expect(onOpen).toHaveBeenCalledTimes(1);
    // Connected later is the same call: it stays shown.
    answered.phase = 'connected';
    expect(gate.allows(answered, video)).toBe(true);
  });

  it('shows it anyway after SELF_VIEW_WAIT_MS when no picture comes (the caller has no camera on)', () => {
    const { gate, onOpen, video, pending } = setUp();
    const { answered, allowed } = answer(gate, video);
    expect(allowed).toBe(false);
    vi.advanceTimersByTime(SELF_VIEW_WAIT_MS - 1);
    expect(onOpen).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(gate.allows(answered, video)).toBe(true);
    expect(pending()).toBe(0);
  });

  it("never holds back the caller's self-view (its camera runs from the call on), nor a call met already answered", () => {
    vi.useFakeTimers();
    const gate = new SelfViewGate(() => {});
    const outgoing = call('outgoing', 'calling');
    expect(gate.allows(outgoing, fakeVideo().video)).toBe(true);
    outgoing.phase = 'connecting';
    expect(gate.allows(outgoing, fakeVideo().video)).toBe(true);
    expect(gate.allows(null, undefined)).toBe(true);
    // A preview, or an element put on the page in the middle of a call.
    expect(gate.allows(call('incoming', 'connected'), fakeVideo().video)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    // Answered with no video element to watch: the timer alone lets it show.
    const { answered, allowed } = answer(gate, undefined, 'connected');
    expect(allowed).toBe(false);
    vi.advanceTimersByTime(SELF_VIEW_WAIT_MS);
    expect(gate.allows(answered, undefined)).toBe(true);
  });

  it('stop() and the end of the call cancel the wait; the next answered call waits again', () => {
    const { gate, onOpen, video, pending } = setUp();
    expect(answer(gate, video).allowed).toBe(false);
    gate.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(pending()).toBe(0);

    // Off the page while it rang, back after the answer: nothing is held back any more.
    const third = call('incoming', 'ringing');
    gate.allows(third, video);
    gate.stop();
    third.phase = 'connecting';
    expect(gate.allows(third, video)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);

    const { answered: second, allowed } = answer(gate, video);
    expect(allowed).toBe(false);
    second.phase = 'ended';
    expect(gate.allows(second, video)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(pending()).toBe(0);
    vi.advanceTimersByTime(SELF_VIEW_WAIT_MS);
    expect(onOpen).not.toHaveBeenCalled();
  });
});
