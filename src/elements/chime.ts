/**
 * A short two-tone chime for new messages and calls. Browsers allow audio once the person has
 * interacted with the page; before that it stays silent and the badges still tell.
 */
/** How often a ringing call chimes again: a phone rings until it is answered, not once. */
export const RING_EVERY_MS = 3_000;

export class Chime {
  private audio: AudioContext | null = null;
  private ringTimer: ReturnType<typeof setInterval> | undefined;

  /** Chimes now and every RING_EVERY_MS until stopRinging() (or close()). Ringing twice is one ring. */
  ring(): void {
    if (this.ringTimer !== undefined) return;
    this.play();
    this.ringTimer = setInterval(() => this.play(), RING_EVERY_MS);
  }

  stopRinging(): void {
    clearInterval(this.ringTimer);
    this.ringTimer = undefined;
  }

  get ringing(): boolean {
    return this.ringTimer !== undefined;
  }

  play(): void {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      for (const [i, freq] of [880, 660].entries()) {
        const start = ctx.currentTime + i * 0.15;
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.08, start);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.14);
        osc.connect(gain).connect(ctx.destination);
        osc.start(start);
        osc.stop(start + 0.15);
      }
    } catch {
      // No audio output: nothing to do.
    }
  }

  close(): void {
    this.stopRinging();
    void this.audio?.close();
    this.audio = null;
  }
}
