/** Chromium captures 640×480 when no size is asked for, as captureLocalMedia() asks. */
export const DEFAULT_PICTURE = { width: 640, height: 480 } as const;

/**
 * Gets a video sender's encoder ready while a call rings, without sending anything.
 *
 * Chromium sets a sender's encoder up, and only then gives it bitrate, on the first frame it
 * sees. A camera frame that reaches an encoder without bitrate is dropped, so after answering
 * the first picture waits for the camera's second frame (≈ 35–50 ms later). While it rings, the
 * sender's encoding is switched off (`active: false`, so no RTP goes out) and then given one
 * black frame of the size the camera will deliver, from a canvas: the encoder is set up and,
 * once switched on, has bitrate before the camera's first frame arrives. (It also needs a start
 * bitrate that allows that size at once: sdp.ts.)
 *
 * Nothing of the camera goes near the sender until `release()`. If the browser refuses any
 * step, the sender is simply left empty, as without priming.
 */
export class SenderPrimer {
  private track: CanvasCaptureMediaStreamTrack | null = null;
  private switchedOff = false;
  private priming: Promise<void> = Promise.resolve();
  private finished = false;

  /** Starts priming `sender`, which must be negotiated and carry no track. */
  prime(sender: RTCRtpSender, size: { width?: number; height?: number } = DEFAULT_PICTURE): void {
    if (this.finished || this.switchedOff) return;
    this.priming = this.run(sender, size).catch(() => {});
  }

  private async run(sender: RTCRtpSender, size: { width?: number; height?: number }): Promise<void> {
    const parameters = sender.getParameters();
    if (!parameters.encodings?.length) return;
    for (const encoding of parameters.encodings) encoding.active = false;
    await sender.setParameters(parameters);
    this.switchedOff = true;
    if (this.finished || typeof document === 'undefined') return;
    const canvas = document.createElement('canvas');
    canvas.width = size.width || DEFAULT_PICTURE.width;
    canvas.height = size.height || DEFAULT_PICTURE.height;
    const context = canvas.getContext('2d');
    const track = canvas.captureStream?.(0).getVideoTracks()[0] as CanvasCaptureMediaStreamTrack | undefined;
    if (!context || !track) return;
    this.track = track;
    await sender.replaceTrack(track);
    if (this.finished) return;
    // A frame is captured only on request, and only once the track is on the sender does the
    // encoder see it.
    context.fillRect(0, 0, canvas.width, canvas.height);
    track.requestFrame();
  }

  /**
   * Puts `track` (the camera, the screen or nothing) on `sender` and switches its encoding back
   * on, in that order: the black frame is never sent. Resolves when both are done.
   */
  async release(sender: RTCRtpSender, track: MediaStreamTrack | null): Promise<void> {
    this.finished = true;
    await this.priming;
    try {
      await sender.replaceTrack(track);
      if (this.switchedOff) {
        const parameters = sender.getParameters();
        for (const encoding of parameters.encodings) encoding.active = true;
        await sender.setParameters(parameters);
        this.switchedOff = false;
      }
    } finally {
      this.stop();
    }
  }

  /** Stops the black frame's track; for the end of a call that never got released. */
  stop(): void {
    this.finished = true;
    this.track?.stop();
    this.track = null;
  }
}
