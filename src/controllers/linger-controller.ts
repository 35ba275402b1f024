import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A flag that stays on for a while after `trigger()` (e.g. keep a call's result on screen). */
export class LingerController implements ReactiveController {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ms: number,
  ) {
    host.addController(this);
  }

  get active(): boolean {
    return this.timer !== undefined;
  }

  trigger(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.host.requestUpdate();
    }, this.ms);
    this.host.requestUpdate();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
