/** Chromium captures 640×480 when no size is asked for, as captureLocalMedia() asks. */
export const DEFAULT_PICTURE = { width: 640, height: 480 } as const;

/**
 * The first pictures after the answer are sent at half the camera's width and height, for
 * FAST_START.ms; then at full size. A key frame of a quarter of the pixels is encoded, sent and
 * decoded sooner, and on a busy machine that is what the first picture waits for: on 2 cores,
 * call setup took ≈ 20 % less (docs/performance.md). The picture sharpens a second later, with
 * one more key frame, as it does anyway while the bandwidth estimate ramps up.
 */
export const FAST_START = { scale: 2, ms: 1_000 } as const;

/**
 * How often, and how many times, priming asks the browser whether the encoder has seen its frame
 * before taking the frame off and switching on (PRIME_CHECK.ms × PRIME_CHECK.tries: 1 s at most).
 */
export const PRIME_CHECK = { ms: 100, tries: 10 } as const;

/**
 * Gets a video sender's encoder ready while a call rings, without sending anything.
 *
 * Chromium sets a sender's encoder up, and only then gives it bitrate, on the first frame it
 * sees. A camera frame that reaches an encoder without bitrate is dropped, so after answering
 * the first picture waits for the camera's second frame (≈ 35–50 ms later). And switching an
 * encoding on (`setParameters`) takes the browser 50–90 ms on a busy 2-core machine, so it
 * must not wait for the answer either. While it rings, on both sides:
 *
 * 1. The sender's encoding is switched off (`active: false`, so no RTP goes out).
 * 2. It is given a frame: the caller its running camera (its self-view shows while it rings);
 *    the callee, whose camera must not start before it answers, one black frame of the size its
 *    camera will deliver, from a canvas.
 * 3. Once the sender reports that the encoder saw a frame (its `media-source` stats), the frame
 *    comes off and the encoding is switched back on at the fast-start size (FAST_START). With no
 *    track on the sender, nothing is sent.
 *
 * At the answer each side then only puts its camera on (`release()`), and its first frame meets
 * an encoder that is set up, switched on and given bitrate. (It also needs a start bitrate that
 * allows that size at once: sdp.ts.) If the answer comes before step 3, `release()` (or the
 * callee's `switchOnEmpty()`) does the rest instead. If the browser refuses any step, the sender
 * is simply left empty, as without priming.
 */
export class SenderPrimer {
  /** The black frame's track, ours to stop. */
  private canvasTrack: CanvasCaptureMediaStreamTrack | null = null;
  /** The caller's own camera track, put on while switched off; not ours to stop. */
  private ownTrack: MediaStreamTrack | null = null;
  private primed = false;
  private switchedOff = false;
  private priming: Promise<void> = Promise.resolve();
  private finished = false;
  /** Ends priming's wait for the encoder early: a release is due, or the call ended. */
  private wake: (() => void) | null = null;
  private checkTimer: ReturnType<typeof setTimeout> | undefined;
  /** Puts the picture back to full size; set while the first pictures are sent small. */
  private restore: (() => Promise<void>) | null = null;
  private restoreTimer: ReturnType<typeof setTimeout> | undefined;
  /** The releases so far, in order; the next waits for them. */
  private releasing: Promise<void> = Promise.resolve();
  private stopped = false;

  /**
   * Starts priming `sender`, which must be negotiated and carry no track, with `own` (a live
   * camera track the call already has) or else a black frame of `size`.
   */
  prime(sender: RTCRtpSender, own: MediaStreamTrack | null, size: { width?: number; height?: number } = DEFAULT_PICTURE): void {
    if (this.finished || this.primed) return;
    this.primed = true;
    this.priming = this.run(sender, own?.readyState === 'live' ? own : null, size).catch(() => {});
  }

  private async run(sender: RTCRtpSender, own: MediaStreamTrack | null, size: { width?: number; height?: number }): Promise<void> {
    const parameters = sender.getParameters();
    if (!parameters.encodings?.length) return;
    for (const encoding of parameters.encodings) encoding.active = false;
    await sender.setParameters(parameters);
    this.switchedOff = true;
    if (this.finished) return;
    if (own) {
      await sender.replaceTrack(own);
      this.ownTrack = own;
    } else {
      if (typeof document === 'undefined') return;
      const canvas = document.createElement('canvas');
      canvas.width = size.width || DEFAULT_PICTURE.width;
      canvas.height = size.height || DEFAULT_PICTURE.height;
      const context = canvas.getContext('2d');
      const track = canvas.captureStream?.(0).getVideoTracks()[0] as CanvasCaptureMediaStreamTrack | undefined;
      if (!context || !track) return;
      this.canvasTrack = track;
      await sender.replaceTrack(track);
      if (this.finished) return;
      // A frame is captured only on request, and only once the track is on the sender does the
      // encoder see it.
      context.fillRect(0, 0, canvas.width, canvas.height);
      track.requestFrame();
    }
    // Switched on before the encoder saw a frame, the sender would be no better off than
    // unprimed (measured: worse). If it never reports one, the frame stays until the answer.
    if (!(await this.encoderSawFrame(sender))) return;
    await sender.replaceTrack(null);
    this.ownTrack = null;
    this.stopCanvas();
    if (this.finished) return;
    await this.switchOn(sender, true);
  }

  /** Asks the sender every PRIME_CHECK.ms; false once a release is due or the call ended, or after PRIME_CHECK.tries. */
  private async encoderSawFrame(sender: RTCRtpSender): Promise<boolean> {
    for (let i = 0; i < PRIME_CHECK.tries; i++) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.checkTimer = setTimeout(resolve, PRIME_CHECK.ms);
      });
      clearTimeout(this.checkTimer);
      this.wake = null;
      if (this.finished) return false;
      if (await framesSeen(sender)) return !this.finished;
    }
    return false;
  }

  /**
   * Puts `track` (the camera, the screen or nothing) on `sender`, unless it is already on, and
   * switches its encoding on if priming left it off, in that order: the black frame is never
   * sent. With `fastStart` (a camera, not a screen, whose text must be legible from the first
   * frame), the first pictures are sent smaller, for FAST_START.ms from the moment the camera
   * goes on. Any other track (a screen, or none) goes out at full size from its first frame: the
   * size is put back before the track goes on. Calls run one after another, each resolving when
   * its track and encoding are done, so a screen shared while the first release still waits on
   * the browser is not left at the camera's fast-start size.
   */
  release(sender: RTCRtpSender, track: MediaStreamTrack | null, { fastStart = false } = {}): Promise<void> {
    return this.enqueue(() => this.releaseNow(sender, track, fastStart && !!track));
  }

  /**
   * The callee's answer, before its camera has opened. Priming has usually switched the encoding
   * on already; if the answer came first, this takes the black frame off and switches the
   * encoding on at the fast-start size now, while the camera starts, so that release() then only
   * puts the camera on. With no track, nothing is sent.
   */
  switchOnEmpty(sender: RTCRtpSender): Promise<void> {
    return this.enqueue(() => this.releaseNow(sender, null, true));
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.finished = true;
    this.wake?.();
    const done = this.releasing.then(step);
    this.releasing = done.catch(() => {});
    return done;
  }

  private async releaseNow(sender: RTCRtpSender, track: MediaStreamTrack | null, fastStart: boolean): Promise<void> {
    await this.priming;
    try {
      if (!fastStart) await this.restore?.();
      if (!track || track !== this.ownTrack) await sender.replaceTrack(track);
      if (this.switchedOff) await this.switchOn(sender, fastStart);
      // The small pictures last FAST_START.ms from the moment there is something to send.
      if (track && this.restore && this.restoreTimer === undefined && !this.stopped) {
        this.restoreTimer = setTimeout(() => void this.restore?.(), FAST_START.ms);
      }
    } finally {
      this.dropFrames();
    }
  }

  /** Switches the encodings on, at the fast-start size if asked; remembers how to put it back. */
  private async switchOn(sender: RTCRtpSender, fastStart: boolean): Promise<void> {
    const parameters = sender.getParameters();
    const scales = parameters.encodings.map((encoding) => encoding.scaleResolutionDownBy);
    for (const encoding of parameters.encodings) {
      encoding.active = true;
      if (fastStart) encoding.scaleResolutionDownBy = (encoding.scaleResolutionDownBy ?? 1) * FAST_START.scale;
    }
    await sender.setParameters(parameters);
    // Only once it worked: a refused switch-on is tried again by the next release.
    this.switchedOff = false;
    // The call may have ended while the browser worked: then nothing is left to put back.
    if (fastStart && !this.stopped) this.restore = () => this.fullSize(sender, scales);
  }

  /** Back to the sizes the encodings had before the fast start. */
  private async fullSize(sender: RTCRtpSender, scales: (number | undefined)[]): Promise<void> {
    clearTimeout(this.restoreTimer);
    this.restoreTimer = undefined;
    this.restore = null;
    try {
      const parameters = sender.getParameters();
      parameters.encodings.forEach((encoding, i) => {
        encoding.scaleResolutionDownBy = scales[i] ?? 1;
      });
      await sender.setParameters(parameters);
    } catch {
      // A sender whose connection closed meanwhile refuses; nothing is left to resize then.
    }
  }

  /** Stops the black frame's track and any pending return to full size: the call ended. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.restoreTimer);
    this.restore = null;
    this.dropFrames();
  }

  private dropFrames(): void {
    this.finished = true;
    this.wake?.();
    clearTimeout(this.checkTimer);
    this.stopCanvas();
    this.ownTrack = null;
  }

  private stopCanvas(): void {
    this.canvasTrack?.stop();
    this.canvasTrack = null;
  }
}

/** Whether `sender`'s encoder has been given a frame: its media-source stats count the frames it took in. */
async function framesSeen(sender: RTCRtpSender): Promise<boolean> {
  try {
    for (const report of (await sender.getStats()).values()) {
      if (report.type === 'media-source' && report.kind === 'video' && (report as { frames?: number }).frames! > 0) return true;
    }
  } catch {
    // A sender whose connection closed: nothing to prime.
  }
  return false;
}
