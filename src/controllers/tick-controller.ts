import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Re-renders its host once a second while `running` (call timers); never outlives the host's connection. */
export class TickController implements ReactiveController {
  private timer: ReturnType<typeof setInterval> | undefined;
  private wanted = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly intervalMs = 1000,
  ) {
    host.addController(this);
  }

  set running(on: boolean) {
    this.wanted = on;
    if (on && this.timer === undefined) this.timer = setInterval(() => this.host.requestUpdate(), this.intervalMs);
    if (!on) this.stop();
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  hostConnected(): void {
    this.running = this.wanted;
  }

  hostDisconnected(): void {
    this.stop();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
