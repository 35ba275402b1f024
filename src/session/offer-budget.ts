/**
 * How many new connections peers we are not talking with may offer this page. PeerJS builds an
 * RTCPeerConnection for every OFFER the broker relays, before anything of ours sees it, and
 * Chromium refuses to make more than 500 until garbage collection frees closed ones, which on a
 * quiet page can take minutes. Without a budget, a few hundred junk OFFERs from one anonymous
 * client (or a handful of them) leave the page unable to connect to anyone: no chat, no call, no
 * file.
 *
 * A peer with an open control channel is not budgeted here: it went through a whole handshake,
 * it is a conversation the user can see, and its calls and files (one connection each, any
 * number over a long chat) must not fail; the broker limits how fast any client offers.
 * A stranger's first contact takes one or two connections (the control channel, a call).
 */
export const OFFER_LIMITS = Object.freeze({
  /** New connections one stranger may offer within the window. */
  perPeer: 8,
  /** New connections all strangers together may offer within the window: a flood from fresh ids delays new visitors (whose dialling retries), not the conversations under way. */
  total: 60,
  windowMs: 60_000,
});

export interface OfferLimits {
  perPeer: number;
  total: number;
  windowMs: number;
}

/** Counts strangers' offers in a sliding window, per peer and in all; `take` says whether one more fits. */
export class OfferBudget {
  /** Arrival times of the offers taken within the window, oldest first, with who sent each. */
  private taken: { at: number; src: string }[] = [];
  private bySource = new Map<string, number>();

  constructor(
    private readonly limits: OfferLimits = OFFER_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether one more offer from `src` fits; always for a peer we already talk with (`known`). */
  take(src: string, known = false): boolean {
    if (known) return true;
    const t = this.now();
    while (this.taken.length > 0 && t - this.taken[0]!.at >= this.limits.windowMs) {
      const { src: old } = this.taken.shift()!;
      const left = this.bySource.get(old)! - 1;
      if (left === 0) this.bySource.delete(old);
      else this.bySource.set(old, left);
    }
    const mine = this.bySource.get(src) ?? 0;
    if (mine >= this.limits.perPeer || this.taken.length >= this.limits.total) return false;
    this.taken.push({ at: t, src });
    this.bySource.set(src, mine + 1);
    return true;
  }

  /** Strangers with offers in the window (bounded by `total`); tests read it. */
  get sources(): number {
    return this.bySource.size;
  }
}
