// The primer's order of operations and its fast start, against a recording stand-in for an
// RTCRtpSender (the browser's own behaviour is covered end to end in test/e2e/call-flows.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAST_START, PRIME_CHECK, SenderPrimer } from '../../src/session/sender-primer.js';

interface Encoding {
  active?: boolean;
  scaleResolutionDownBy?: number;
}

/**
 * What a sender was asked to do, in order; `refuse` makes setParameters reject from then on. Its
 * stats say the encoder took a frame in once a track has been on it, unless `blind`.
 */
function fakeSender(encodings: Encoding[] = [{ active: true }]) {
  // `gate`: while set, setParameters waits for it, as a busy browser makes it wait.
  const state = { track: null as unknown, encodings, refuse: false, gate: null as Promise<void> | null, frames: 0, blind: false };
  const calls: string[] = [];
  const sender = {
    get track() {
      return state.track;
    },
    getParameters: () => ({ encodings: state.encodings.map((e) => ({ ...e })) }),
    setParameters: vi.fn(async (parameters: { encodings: Encoding[] }) => {
      if (state.gate) await state.gate;
      if (state.refuse) throw new DOMException('closed', 'InvalidStateError');
      state.encodings = parameters.encodings.map((e) => ({ ...e }));
      calls.push(`set ${state.encodings.map((e) => `${e.active ? 'on' : 'off'}×${e.scaleResolutionDownBy ?? 1}`).join(',')}`);
    }),
    replaceTrack: vi.fn(async (track: unknown) => {
      state.track = track;
      if (track && !state.blind) state.frames += 1;
      calls.push(`track ${(track as { id?: string } | null)?.id ?? 'none'}`);
    }),
  };
  /** Makes setParameters wait from now on; the function returned lets it (and later calls) go. */
  const hold = () => {
    let open!: () => void;
    state.gate = new Promise((resolve) => (open = resolve));
    return () => {
      state.gate = null;
      open();
    };
  };
  Object.assign(sender, {
    getStats: vi.fn(async () => new Map([['source', { type: 'media-source', kind: 'video', frames: state.frames }]])),
  });
  return { sender: sender as unknown as RTCRtpSender, state, calls, hold };
}

const camera = { id: 'camera', readyState: 'live' } as unknown as MediaStreamTrack;
const screen = { id: 'screen', readyState: 'live' } as unknown as MediaStreamTrack;
/** Lets the primer's promise chains run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('SenderPrimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('switches the encoding off before the caller\'s own camera goes on, and only on again at release', async () => {
    const { sender, calls, primer } = await ringingCaller();
    expect(calls).toEqual(['set off×1', 'track camera']);
    await primer.release(sender, camera);
    // Already on the sender: no second replaceTrack, and no fast start unless asked for.
    expect(calls).toEqual(['set off×1', 'track camera', 'set on×1']);
    await vi.advanceTimersByTimeAsync(FAST_START.ms * 2);
    expect(calls).toHaveLength(3);
  });

  it('fast start: the first pictures go out at a smaller size, then at full size after FAST_START.ms', async () => {
    const { sender, calls } = fakeSender();
    const primer = new SenderPrimer();
    primer.prime(sender, null); // the callee: no camera yet, and no canvas in Node
    await primer.release(sender, camera, { fastStart: true });
    expect(calls).toEqual(['set off×1', 'track camera', `set on×${FAST_START.scale}`]);
    await vi.advanceTimersByTimeAsync(FAST_START.ms - 1);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.at(-1)).toBe('set on×1');
    expect(calls).toHaveLength(4);
  });

  /** The caller's primer, priming with its running camera; no check has run yet. */
  async function ringingCaller() {
    const fake = fakeSender();
    const primer = new SenderPrimer();
    primer.prime(fake.sender, camera);
    await settle();
    return { ...fake, primer };
  }

  /** The callee's primer, primed (no camera yet, and no canvas in Node) and switched on at the answer. */
  async function switchedOnEmpty() {
    const { sender, calls } = fakeSender();
    const primer = new SenderPrimer();
    primer.prime(sender, null);
    await primer.switchOnEmpty(sender);
    return { sender, calls, primer };
  }

  it("switchOnEmpty: at the callee's answer the black frame comes off and the encoding goes on while the camera opens; the camera then only goes on", async () => {
    const { sender, calls, primer } = await switchedOnEmpty();
    // No track while switched on: nothing can be sent before the camera's first frame.
    expect(calls).toEqual(['set off×1', 'track none', `set on×${FAST_START.scale}`]);
    await primer.release(sender, camera, { fastStart: true });
    expect(calls).toEqual(['set off×1', 'track none', `set on×${FAST_START.scale}`, 'track camera']);
    await vi.advanceTimersByTimeAsync(FAST_START.ms);
    expect(calls.at(-1)).toBe('set on×1');
    expect(calls).toHaveLength(5);
  });

  it('switchOnEmpty, then no camera after all: the picture size is put back at once', async () => {
    const { sender, calls, primer } = await switchedOnEmpty();
    await primer.release(sender, null, { fastStart: true });
    expect(calls).toEqual(['set off×1', 'track none', `set on×${FAST_START.scale}`, 'set on×1', 'track none']);
    await vi.advanceTimersByTimeAsync(FAST_START.ms * 2);
    expect(calls).toHaveLength(5);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fast start keeps a size the host chose: it halves it, then puts it back', async () => {
    const { sender, state } = fakeSender([{ active: true, scaleResolutionDownBy: 1.5 }]);
    const primer = new SenderPrimer();
    primer.prime(sender, camera);
    await primer.release(sender, camera, { fastStart: true });
    expect(state.encodings[0]!.scaleResolutionDownBy).toBe(1.5 * FAST_START.scale);
    await vi.advanceTimersByTimeAsync(FAST_START.ms);
    expect(state.encodings[0]!.scaleResolutionDownBy).toBe(1.5);
  });

  it('a screen shared during the fast start goes out at full size from its first frame, and the timer is spent', async () => {
    const { sender, calls } = fakeSender();
    const primer = new SenderPrimer();
    primer.prime(sender, camera);
    await primer.release(sender, camera, { fastStart: true });
    await primer.release(sender, screen);
    // The size is put back before the screen goes on.
    expect(calls.slice(-2)).toEqual(['set on×1', 'track screen']);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(FAST_START.ms * 2);
    expect(calls.slice(-2)).toEqual(['set on×1', 'track screen']);
  });

  it('a screen shared while the first release still waits on the browser is not left at the fast-start size', async () => {
    const { sender, state, calls, hold } = fakeSender();
    const primer = new SenderPrimer();
    primer.prime(sender, null);
    await settle();
    const open = hold();
    const first = primer.release(sender, camera, { fastStart: true });
    const second = primer.release(sender, screen);
    await settle();
    open();
    await Promise.all([first, second]);
    expect(calls).toEqual(['set off×1', 'track camera', `set on×${FAST_START.scale}`, 'set on×1', 'track screen']);
    expect(state.encodings).toEqual([{ active: true, scaleResolutionDownBy: 1 }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a call that ends while the switch-on still waits on the browser leaves no timer', async () => {
    const { sender, hold, primer } = await ringingCaller();
    const open = hold();
    const released = primer.release(sender, camera, { fastStart: true });
    await settle();
    primer.stop();
    open();
    await released;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a refused switch-on is tried again by the next release', async () => {
    const { sender, state, primer } = await ringingCaller();
    state.refuse = true;
    await expect(primer.release(sender, camera, { fastStart: true })).rejects.toThrow();
    state.refuse = false;
    await primer.release(sender, screen);
    expect(state.encodings).toEqual([{ active: true }]);
  });

  it('no fast start without a track (audio only) or without the encoding switched off', async () => {
    const empty = fakeSender();
    const first = new SenderPrimer();
    first.prime(empty.sender, null);
    await first.release(empty.sender, null, { fastStart: true });
    expect(empty.calls).toEqual(['set off×1', 'track none', 'set on×1']);

    // Priming never ran (the call was released before it could), so there is nothing to switch on.
    const unprimed = fakeSender();
    await new SenderPrimer().release(unprimed.sender, camera, { fastStart: true });
    expect(unprimed.calls).toEqual(['track camera']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() cancels the return to full size: a call that ended leaves no timer', async () => {
    const { sender, calls } = fakeSender();
    const primer = new SenderPrimer();
    primer.prime(sender, camera);
    await primer.release(sender, camera, { fastStart: true });
    expect(vi.getTimerCount()).toBe(1);
    primer.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(FAST_START.ms * 2);
    expect(calls.at(-1)).toBe(`set on×${FAST_START.scale}`);
  });

  it.each(['rejects', 'throws'])('a sender that closed before the return to full size %s quietly', async (how) => {
    const { sender, state } = fakeSender();
    const primer = new SenderPrimer();
    primer.prime(sender, camera);
    await primer.release(sender, camera, { fastStart: true });
    if (how === 'rejects') state.refuse = true;
    else
      sender.getParameters = () => {
        throw new DOMException('closed', 'InvalidStateError');
      };
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    await vi.advanceTimersByTimeAsync(FAST_START.ms);
    await vi.advanceTimersByTimeAsync(0);
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
  describe('switched on while it rings, once the encoder saw a frame', () => {
    it("the caller's camera comes off and the encoding goes on at the fast-start size; the answer only puts the camera back", async () => {
      const { sender, calls, state, primer } = await ringingCaller();
      expect(calls).toEqual(['set off×1', 'track camera']);
      await vi.advanceTimersByTimeAsync(PRIME_CHECK.ms);
      // Nothing on the sender while switched on: nothing can be sent before the answer.
      expect(calls).toEqual(['set off×1', 'track camera', 'track none', `set on×${FAST_START.scale}`]);
      expect(state.track).toBeNull();
      // It may ring much longer than the fast start lasts: the fast start counts from the answer.
      await vi.advanceTimersByTimeAsync(FAST_START.ms * 3);
      expect(calls).toHaveLength(4);
      expect(vi.getTimerCount()).toBe(0);
      await primer.release(sender, camera, { fastStart: true });
      expect(calls.slice(4)).toEqual(['track camera']);
      await vi.advanceTimersByTimeAsync(FAST_START.ms - 1);
      expect(calls).toHaveLength(5);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls.slice(5)).toEqual(['set on×1']);
    });

    it("the callee's black frame comes off the same way, and its canvas track is stopped", async () => {
      const track = { id: 'black', readyState: 'live', stop: vi.fn(), requestFrame: vi.fn() };
      const canvas = { width: 0, height: 0, getContext: () => ({ fillRect: vi.fn() }), captureStream: () => ({ getVideoTracks: () => [track] }) };
      vi.stubGlobal('document', { createElement: () => canvas });
      try {
        const { sender, calls } = fakeSender();
        const primer = new SenderPrimer();
        primer.prime(sender, null);
        await vi.advanceTimersByTimeAsync(PRIME_CHECK.ms);
        expect(calls).toEqual(['set off×1', 'track black', 'track none', `set on×${FAST_START.scale}`]);
        expect(track.requestFrame).toHaveBeenCalledOnce();
        expect(track.stop).toHaveBeenCalledOnce();
        // The answer: already on, so the camera only goes on.
        await primer.switchOnEmpty(sender);
        await primer.release(sender, camera, { fastStart: true });
        expect(calls.slice(4)).toEqual(['track none', 'track camera']);
        primer.stop();
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.unstubAllGlobals();
      }
    });

    it('a sender that never reports a frame keeps it until the answer, which then switches on as before', async () => {
      const { sender, calls, state } = fakeSender();
      state.blind = true;
      const primer = new SenderPrimer();
      primer.prime(sender, camera);
      await vi.advanceTimersByTimeAsync(PRIME_CHECK.ms * PRIME_CHECK.tries);
      expect(calls).toEqual(['set off×1', 'track camera']);
      expect(vi.getTimerCount()).toBe(0);
      await primer.release(sender, camera, { fastStart: true });
      expect(calls).toEqual(['set off×1', 'track camera', `set on×${FAST_START.scale}`]);
    });

    it('an answer before the check ends the wait at once', async () => {
      const { sender, calls, primer } = await ringingCaller();
      // No timer is advanced: a release that waited for the check would never resolve here.
      await primer.release(sender, camera, { fastStart: true });
      expect(calls).toEqual(['set off×1', 'track camera', `set on×${FAST_START.scale}`]);
      primer.stop();
      expect(vi.getTimerCount()).toBe(0);
    });

    it('a call that ends while priming waits leaves no timer and switches nothing on', async () => {
      const { calls, primer } = await ringingCaller();
      primer.stop();
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(PRIME_CHECK.ms * PRIME_CHECK.tries);
      expect(calls).toEqual(['set off×1', 'track camera']);
    });

    it('priming runs once, however often it is asked', async () => {
      const { sender, calls } = fakeSender();
      const primer = new SenderPrimer();
      primer.prime(sender, camera);
      primer.prime(sender, camera);
      await vi.advanceTimersByTimeAsync(PRIME_CHECK.ms);
      primer.prime(sender, camera);
      await vi.advanceTimersByTimeAsync(PRIME_CHECK.ms);
      expect(calls).toEqual(['set off×1', 'track camera', 'track none', `set on×${FAST_START.scale}`]);
    });
  });
});
