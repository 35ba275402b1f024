/** How long an answering side waits at most for the caller's picture before it shows its own. */
export const SELF_VIEW_WAIT_MS = 300;

interface GatedCall {
  readonly direction: 'incoming' | 'outgoing';
  readonly phase: string;
}

/**
 * Holds the answering side's self-view back until the caller's picture shows, at most
 * SELF_VIEW_WAIT_MS after the answer.
 *
 * Why: a self-view is a video player and a compositor layer fed 30 times a second. Started at
 * the answer, that work lands exactly while the camera's first picture is encoded and sent, and
 * on a busy machine (2 cores) the caller saw that picture ≈ 50 ms later (docs/performance.md).
 * The caller's camera has been running since it called, so its self-view costs nothing then.
 * Once the caller's picture shows here, media flows both ways and the self-view follows.
 */
export class SelfViewGate {
  /** The incoming call seen ringing: only its answer is held back, not a call met already answered. */
  private ringing: GatedCall | null = null;
  private waiting: GatedCall | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private watched: { video: HTMLVideoElement; handle: number } | null = null;

  /** `onOpen` runs when a held-back self-view may show (the element renders again). */
  constructor(private readonly onOpen: () => void) {}

  /**
   * Whether `call`'s self-view may show now. When an incoming call seen ringing is answered,
   * starts waiting for the first frame of `remoteVideo` (where the caller's picture shows).
   * A call met already answered (a preview, an element put on the page mid-call) shows at once.
   */
  allows(call: GatedCall | null, remoteVideo: HTMLVideoElement | undefined): boolean {
    const answered = call?.phase === 'connecting' || call?.phase === 'connected';
    if (!answered) {
      this.stop();
      this.ringing = call?.direction === 'incoming' && call.phase === 'ringing' ? call : null;
      return true;
    }
    if (call !== this.ringing) {
      if (call !== this.waiting) this.stop();
      return call !== this.waiting;
    }
    this.ringing = null;
    this.waiting = call;
    this.timer = setTimeout(() => this.release(), SELF_VIEW_WAIT_MS);
    if (remoteVideo && 'requestVideoFrameCallback' in remoteVideo) {
      this.watched = { video: remoteVideo, handle: remoteVideo.requestVideoFrameCallback(() => this.release()) };
    }
    return false;
  }

  /**
   * Stops waiting (the call ended, the element left the page) and forgets the ringing call: an
   * element put back on the page after the answer shows the self-view at once.
   */
  stop(): void {
    this.ringing = null;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.watched) this.watched.video.cancelVideoFrameCallback(this.watched.handle);
    this.watched = null;
    this.waiting = null;
  }

  private release(): void {
    if (!this.waiting) return;
    this.stop();
    this.onOpen();
  }
}
