import { describe, expect, it } from 'vitest';
import { KNOWN_OFFER_LIMITS, OFFER_LIMITS, OfferBudget, OfferGate } from '../../src/session/offer-budget.js';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('OfferBudget', () => {
  it('takes up to perPeer offers from one peer within the window, then refuses that peer only', () => {
    const c = clock();
    const budget = new OfferBudget({ perPeer: 3, total: 10, windowMs: 1_000 }, c.now);
    expect([1, 2, 3, 4].map(() => budget.take('mallory'))).toEqual([true, true, true, false]);
    expect(budget.take('alice')).toBe(true);
  });

  it('refuses everyone once the total is reached, whoever offered', () => {
    const c = clock();
    const budget = new OfferBudget({ perPeer: 3, total: 5, windowMs: 1_000 }, c.now);
    for (const src of ['a', 'b', 'c', 'd', 'e']) expect(budget.take(src)).toBe(true);
    expect(budget.take('f')).toBe(false);
  });

  it('gives a peer its offers back as they leave the window, and forgets peers with none in it', () => {
    const c = clock();
    const budget = new OfferBudget({ perPeer: 2, total: 4, windowMs: 1_000 }, c.now);
    budget.take('mallory');
    c.advance(500);
    budget.take('mallory');
    expect(budget.take('mallory')).toBe(false);
    c.advance(499);
    expect(budget.take('mallory')).toBe(false); // the first is 999 ms old: still in the window
    c.advance(1);
    expect(budget.take('mallory')).toBe(true);
    c.advance(5_000);
    budget.take('alice');
    expect(budget.sources).toBe(1);
  });

  it('lets a flood of 600 offers from many peers through only up to the total', () => {
    const c = clock();
    const budget = new OfferBudget(OFFER_LIMITS, c.now);
    let taken = 0;
    for (let i = 0; i < 600; i++) if (budget.take(`peer-${i % 30}`)) taken++;
    expect(taken).toBe(OFFER_LIMITS.total);
    expect(budget.sources).toBeLessThanOrEqual(OFFER_LIMITS.total);
  });

  it('has room for a stranger\'s first contact and a few retries of it', () => {
    const budget = new OfferBudget();
    for (let i = 0; i < 8; i++) expect(budget.take('new-visitor')).toBe(true);
  });
});

describe('OfferGate', () => {
  it('gives a known peer\'s calls and files their own, larger budget, past a total that strangers used up', () => {
    const c = clock();
    const gate = new OfferGate({ strangers: { perPeer: 2, total: 3, windowMs: 1_000 }, known: { perPeer: 5, total: Infinity, windowMs: 1_000 } }, c.now);
    for (const src of ['a', 'b', 'c']) expect(gate.admit(src, `dc_${src}`, false, true)).toBe(true);
    expect(gate.admit('visitor', 'dc_v', false, true)).toBe(false);
    // Known: five calls or files, then no more (anyone can become known by opening a panel).
    expect([1, 2, 3, 4, 5, 6].map((i) => gate.admit('visitor', `f${i}`, true, false))).toEqual([true, true, true, true, true, false]);
    // A known peer's new control channel counts as a stranger's (one or two a minute are plenty).
    expect(gate.admit('visitor', 'dc_again', true, true)).toBe(false);
  });

  it('remembers what it refused, so that connection\'s candidates can be dropped quietly', () => {
    const gate = new OfferGate({ strangers: { perPeer: 1, total: 10, windowMs: 60_000 } });
    gate.admit('mallory', 'dc_1', false, true);
    gate.admit('mallory', 'dc_2', false, true);
    expect(gate.wasRefused('mallory', 'dc_1')).toBe(false);
    expect(gate.wasRefused('mallory', 'dc_2')).toBe(true);
    for (let i = 0; i < 1_000; i++) gate.admit('mallory', `x${i}`, false, true);
    expect(gate.wasRefused('mallory', 'dc_2')).toBe(false); // forgotten: the memory is bounded
    expect(gate.wasRefused('mallory', 'x999')).toBe(true);
  });

  it('has room for what a person does over a long chat: 30 photos and a few calls in a minute', () => {
    const gate = new OfferGate();
    for (let i = 0; i < 34; i++) expect(gate.admit('visitor', `f${i}`, true, false)).toBe(true);
    expect(KNOWN_OFFER_LIMITS.perPeer).toBeLessThan(500);
  });
});
