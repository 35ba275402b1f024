/**
 * How many new connections remote peers may offer this page. PeerJS builds an RTCPeerConnection
 * for every OFFER the broker relays, before anything of ours sees it, and Chromium refuses to
 * make more than 500 until garbage collection frees closed ones, which on a quiet page can take
 * minutes. Without a budget, a few hundred OFFERs from one anonymous client (or a handful of
 * them) leave the page unable to connect to anyone: no chat, no call, no file.
 *
 * Legitimate use stays far below it: one control channel per conversation, one media connection
 * per call, one data connection per file (16 files at most in flight from one peer).
 */
export const OFFER_LIMITS = Object.freeze({
  /** New connections one remote peer may offer within the window. */
  perPeer: 24,
  /**
   * New connections all remote peers together may offer within the window. Peers we already
   * talk with are not held back by it (only by perPeer): a flood from fresh ids delays new
   * visitors, whose dialling retries, but not the conversations under way.
   */
  total: 60,
  windowMs: 60_000,
});

export interface OfferLimits {
  perPeer: number;
  total: number;
  windowMs: number;
}

/** Counts offers in a sliding window, per remote peer and in all; `take` says whether one more fits. */
export class OfferBudget {
  /** Arrival times of the offers taken within the window, oldest first, with who sent each. */
  private taken: { at: number; src: string }[] = [];
  private bySource = new Map<string, number>();

  constructor(
    private readonly limits: OfferLimits = OFFER_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether one more offer from `src` fits; `known` (a peer we already talk with) skips the total. */
  take(src: string, known = false): boolean {
    const t = this.now();
    while (this.taken.length > 0 && t - this.taken[0]!.at >= this.limits.windowMs) {
      const { src: old } = this.taken.shift()!;
      const left = this.bySource.get(old)! - 1;
      if (left === 0) this.bySource.delete(old);
      else this.bySource.set(old, left);
    }
    const mine = this.bySource.get(src) ?? 0;
    if (mine >= this.limits.perPeer || (!known && this.taken.length >= this.limits.total)) return false;
    this.taken.push({ at: t, src });
    this.bySource.set(src, mine + 1);
    return true;
  }

  /** Remote peers with offers in the window (bounded by `total`); tests read it. */
  get sources(): number {
    return this.bySource.size;
  }
}
