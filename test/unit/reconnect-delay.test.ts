import { afterEach, describe, expect, it, vi } from 'vitest';
import { reconnectDelay } from '../../src/session/rtc-session.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The delay without jitter: 500 ms · 2^attempt, at most 10 s. */
const BASES: Array<[number, number]> = [
  [0, 500],
  [1, 1000],
  [2, 2000],
  [3, 4000],
  [4, 8000],
  [5, 10_000], // 16 000 capped
  [6, 10_000],
  [10, 10_000],
  [100, 10_000],
  [2000, 10_000], // 2^2000 is Infinity; still capped
];

describe('reconnectDelay', () => {
  it.each(BASES)('attempt %i: no jitter at the midpoint → %i ms', (attempt, base) => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(reconnectDelay(attempt)).toBe(base);
  });

  it.each(BASES)('attempt %i: lowest jitter is −20 %% of %i ms', (attempt, base) => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(reconnectDelay(attempt)).toBe(Math.round(base * 0.8));
  });

  it.each(BASES)('attempt %i: highest jitter approaches +20 %% of %i ms', (attempt, base) => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999999);
    const delay = reconnectDelay(attempt);
    expect(delay).toBeLessThanOrEqual(Math.round(base * 1.2));
    expect(delay).toBeGreaterThanOrEqual(Math.round(base * 1.2) - 1);
  });

  it.each(BASES)('attempt %i: 500 real draws stay within ±20 %% of %i ms and vary', (attempt, base) => {
    const delays = Array.from({ length: 500 }, () => reconnectDelay(attempt));
    for (const delay of delays) {
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
      expect(delay).toBeLessThanOrEqual(Math.ceil(base * 1.2));
    }
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('never exceeds 12 s (the 10 s cap plus 20 % jitter), however many attempts', () => {
    for (let attempt = 0; attempt < 60; attempt++) {
      for (let i = 0; i < 20; i++) expect(reconnectDelay(attempt)).toBeLessThanOrEqual(12_000);
    }
  });

  it('doubles from one attempt to the next until the cap (same jitter)', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.25);
    const delays = [0, 1, 2, 3, 4, 5, 6].map(reconnectDelay);
    expect(delays).toEqual([450, 900, 1800, 3600, 7200, 9000, 9000]);
  });
});
