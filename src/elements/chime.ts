/**
 * A short two-tone chime for new messages and calls. Browsers allow audio once the person has
 * interacted with the page; before that it stays silent and the badges still tell.
 */
export class Chime {
  private audio: AudioContext | null = null;

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
    void this.audio?.close();
    this.audio = null;
  }
}
