import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Chat, ChatEvents } from '../session/chat.js';
import type { Unsubscribe } from '../session/emitter.js';
import type { Transfer } from '../session/file-transfer.js';
import type { RtcSession } from '../session/rtc-session.js';

export interface ChatCallbacks {
  message?(entry: ChatEvents['message']): void;
  typing?(on: boolean): void;
  error?(error: ChatEvents['error']): void;
  /** A file arrived and was verified. */
  received?(transfer: Transfer): void;
}

const RENDER_EVERY_MS = 50;

/**
 * Holds the Chat for (session, remote-id) while the element is connected: keeps its channel
 * open, re-renders on change, and lets go (listeners and hold) on disconnect or re-target.
 */
export class ChatController implements ReactiveController {
  chat: Chat | null = null;
  private disposers: Unsubscribe[] = [];
  private target: { session: RtcSession; remoteId: string } | null = null;
  private renderTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly callbacks: ChatCallbacks,
  ) {
    host.addController(this);
  }

  /** Binds to `session.chat(remoteId)`; call whenever either may have changed. */
  sync(session: RtcSession | null, remoteId: string | null): void {
    if (this.target?.session === session && this.target?.remoteId === remoteId && (this.chat || !session || !remoteId)) return;
    this.release();
    if (!session || !remoteId) return;
    this.target = { session, remoteId };
    const chat = session.chat(remoteId);
    this.chat = chat;
    this.disposers.push(
      chat.hold(),
      chat.on('change', () => this.scheduleRender()),
      chat.on('message', (entry) => this.callbacks.message?.(entry)),
      chat.on('typing', (on) => this.callbacks.typing?.(on)),
      chat.on('error', (error) => this.callbacks.error?.(error)),
      chat.files.on('change', () => this.scheduleRender()),
      chat.files.on('received', (transfer) => this.callbacks.received?.(transfer)),
      chat.files.on('error', (error) => this.callbacks.error?.(error)),
    );
    this.host.requestUpdate();
  }

  /**
   * A burst of messages arrives one task each; rendering after every one would freeze the page,
   * so changes are rendered at most every RENDER_EVERY_MS.
   */
  private scheduleRender(): void {
    if (this.renderTimer !== undefined) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.host.requestUpdate();
    }, RENDER_EVERY_MS);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.release();
  }

  private release(): void {
    clearTimeout(this.renderTimer);
    this.renderTimer = undefined;
    for (const dispose of this.disposers.splice(0)) dispose();
    this.chat = null;
    this.target = null;
  }
}
