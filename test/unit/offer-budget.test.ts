import { describe, expect, it } from 'vitest';
import { OFFER_LIMITS, OfferBudget } from '../../src/session/offer-budget.js';

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

  it('never holds back a peer we already talk with: its calls and files each take a connection', () => {
    const c = clock();
    const budget = new OfferBudget({ perPeer: 3, total: 5, windowMs: 1_000 }, c.now);
    for (const src of ['a', 'b', 'c', 'd', 'e']) budget.take(src);
    expect(budget.take('visitor')).toBe(false);
    for (let i = 0; i < 100; i++) expect(budget.take('visitor', true)).toBe(true);
    expect(budget.take('f')).toBe(false); // and it used none of the strangers' total
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
    for (let i = 0; i < 600; i++) if (budget.take(`peer-${i % 12}`)) taken++;
    expect(taken).toBe(OFFER_LIMITS.total);
    expect(budget.sources).toBeLessThanOrEqual(OFFER_LIMITS.total);
  });

  it('has room for a stranger\'s first contact and a few retries of it', () => {
    const budget = new OfferBudget();
    for (let i = 0; i < 8; i++) expect(budget.take('new-visitor')).toBe(true);
  });
});
