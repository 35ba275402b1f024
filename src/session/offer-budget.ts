/**
 * How many new connections remote peers may offer this page. PeerJS builds an RTCPeerConnection
 * for every OFFER the broker relays, before anything of ours sees it, and Chromium refuses to
 * make more than 500 until garbage collection frees closed ones, which on a quiet page can take
 * minutes. Without a budget, a few hundred junk OFFERs from one anonymous client (or a handful of
 * them) leave the page unable to connect to anyone: no chat, no call, no file.
 *
 * A stranger's first contact takes one or two connections (the control channel, a call). A
 * console that reloads is re-dialled by every visitor whose panel is open; those beyond the total
 * retry (with backoff) a minute later at most.
 */
export const OFFER_LIMITS = Object.freeze({
  /** New connections one stranger (or a known peer's new control channel) may offer within the window. */
  perPeer: 8,
  /** …and all of those together: a flood from fresh ids delays new visitors, not the conversations under way. */
  total: 120,
  windowMs: 60_000,
});

/**
 * Calls and files of a peer with an open control channel: one connection each, many over a long
 * chat (a visitor dropping 30 photos), so a far larger allowance, but not an unlimited one: anyone
 * can open a support panel and become a known peer.
 */
export const KNOWN_OFFER_LIMITS = Object.freeze({ perPeer: 120, total: Number.POSITIVE_INFINITY, windowMs: 60_000 });

export interface OfferLimits {
  perPeer: number;
  total: number;
  windowMs: number;
}

/** Counts offers in a sliding window, per peer and in all; `take` says whether one more fits. */
export class OfferBudget {
  /** Arrival times of the offers taken within the window, oldest first, with who sent each. */
  private taken: { at: number; src: string }[] = [];
  private bySource = new Map<string, number>();

  constructor(
    private readonly limits: OfferLimits = OFFER_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether one more offer from `src` fits. */
  take(src: string): boolean {
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

  /** Peers with offers in the window; tests read it. */
  get sources(): number {
    return this.bySource.size;
  }
}

/** Connections refused are remembered this long (by count), so their ICE candidates are dropped quietly. */
const REFUSED_REMEMBERED = 256;

/**
 * Decides on each OFFER with the two budgets above, and remembers what it refused: the refused
 * peer goes on sending that connection's ICE candidates, which are no news.
 */
export class OfferGate {
  private refused = new Set<string>();
  readonly strangers: OfferBudget;
  readonly known: OfferBudget;

  constructor(limits: { strangers?: OfferLimits; known?: OfferLimits } = {}, now: () => number = Date.now) {
    this.strangers = new OfferBudget(limits.strangers ?? OFFER_LIMITS, now);
    this.known = new OfferBudget(limits.known ?? KNOWN_OFFER_LIMITS, now);
  }

  /** Whether to take this OFFER: `known` (an open control channel with `src`), `control` (it opens another). */
  admit(src: string, connectionId: string, known: boolean, control: boolean): boolean {
    if ((known && !control ? this.known : this.strangers).take(src)) return true;
    this.refused.add(`${src} ${connectionId}`);
    if (this.refused.size > REFUSED_REMEMBERED) this.refused.delete(this.refused.values().next().value!);
    return false;
  }

  wasRefused(src: string, connectionId: string): boolean {
    return this.refused.has(`${src} ${connectionId}`);
  }
}
