import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chime, RING_EVERY_MS } from '../../src/elements/chime.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('Chime', () => {
  it('rings now and every few seconds until stopped, once however often it is asked, and close() stops it', () => {
    vi.useFakeTimers();
    const play = vi.spyOn(Chime.prototype, 'play').mockImplementation(() => {});
    const chime = new Chime();
    chime.ring();
    chime.ring();
    expect(play).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(RING_EVERY_MS * 3);
    expect(play).toHaveBeenCalledTimes(4);
    chime.stopRinging();
    vi.advanceTimersByTime(RING_EVERY_MS * 3);
    expect(play).toHaveBeenCalledTimes(4);
    chime.ring();
    chime.close();
    expect(chime.ringing).toBe(false);
    vi.advanceTimersByTime(RING_EVERY_MS * 3);
    expect(play).toHaveBeenCalledTimes(5);
    expect(vi.getTimerCount()).toBe(0);
  });
});
