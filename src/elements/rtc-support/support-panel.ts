import { css, html, nothing, type PropertyValues, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { LingerController } from '../../controllers/linger-controller.js';
import { defineElement } from '../../define.js';
import type { CallElementState } from '../../events.js';
import { format, formatPerson, stringsOf } from '../../i18n/localize.js';
import { LanguageController } from '../../i18n/language.js';
import { outlineButton, tokens } from '../../styles/tokens.js';
import type { RtcCall } from '../rtc-call/rtc-call.js';
import '../rtc-call/rtc-call.js';
import '../rtc-chat/rtc-chat.js';
import { Chime } from '../chime.js';
import { RtcSessionElement } from '../session-element.js';
import { deepActiveElement, tabOrderAround } from '../focus-order.js';
import { FULL_SCREEN_QUERY } from './full-screen.js';
import { supportStore } from './support-store.js';

/**
 * The support panel behind `<rtc-support>`'s launcher: loaded on first interaction because it
 * brings the chat, the call and PeerJS. Internal: sites use `<rtc-support>`.
 *
 * @tagname rtc-support-panel
 * @summary Internal panel of rtc-support (chat + call with the agent).
 */
export class RtcSupportPanel extends RtcSessionElement {
  static override styles = [
    tokens,
    css`
      :host {
        display: flex;
        flex-direction: column;
        width: 100%;
        height: 100%;
        background: var(--_background);
        color: var(--_text);
      }
      header {
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 12px 14px;
        background: var(--_accent);
        color: var(--_accent-text);
      }
      .titles {
        flex: 1;
        min-width: 0;
      }
      h2 {
        margin: 0;
        font-size: 16px;
        font-weight: 600;
      }
      .availability {
        display: flex;
        align-items: center;
        gap: 6px;
        font-size: 12px;
        opacity: 0.95;
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: #9ca3af;
      }
      .dot.online {
        background: #22c55e;
      }
      .dot.away {
        background: #f59e0b;
      }
      .icon {
        border: 0;
        background: transparent;
        color: inherit;
        font: inherit;
        cursor: pointer;
        padding: 6px;
        border-radius: 8px;
        line-height: 0;
      }
      .call-buttons {
        display: flex;
        gap: 8px;
        padding: 8px 12px;
        border-bottom: 1px solid var(--_border);
      }
      .call-buttons button,
      .name-form button {
        ${outlineButton}
        flex: 1;
        height: 36px;
        font-weight: 600;
      }
      .call-buttons button:disabled {
        opacity: 0.5;
        cursor: not-allowed;
      }
      button:focus-visible,
      input:focus-visible {
        outline: 3px solid var(--_focus);
        outline-offset: 2px;
      }
      /* On the accent-coloured header the ring takes the header's text colour. */
      header button:focus-visible {
        outline-color: currentColor;
      }
      /* A share of short panels, so the chat's composer stays on screen below it. A size container:
         a short call gives its picture less room, not its status line and controls. */
      rtc-call {
        flex: 0 0 auto;
        height: min(260px, 42vh);
        container-type: size;
        min-height: 0;
        --rtc-radius: 0;
      }
      /* Once a call ended, the call stays a moment to say how; starting another is the panel's call buttons' job. */
      rtc-call[state='idle']::part(controls),
      rtc-call[state='idle']::part(own-id) {
        display: none;
      }
      rtc-call.calling-only {
        height: min(200px, 36vh);
      }
      .note {
        margin: 8px 12px 0;
        padding: 8px 10px;
        border-radius: 8px;
        background: var(--_subtle);
        font-size: 13px;
      }
      .note.offline {
        background: var(--_warning);
        color: var(--_warning-text);
      }
      rtc-chat {
        flex: 1;
        min-height: 0;
        --rtc-radius: 12px;
      }
      .name-form {
        display: flex;
        flex-direction: column;
        gap: 10px;
        padding: 20px 16px;
      }
      .name-form input {
        height: 40px;
        padding: 0 12px;
        border: 1px solid var(--_border);
        border-radius: 8px;
        background: var(--_background);
        color: inherit;
        font: inherit;
      }
      .name-form button {
        flex: none;
        background: var(--_accent);
        color: var(--_accent-text);
      }
    `,
  ];

  @property() agent = '';
  /** null: the language's default. */
  @property() heading: string | null = null;
  /** null: the language's default; '' shows none. */
  @property() greeting: string | null = null;
  @property({ type: Boolean, attribute: 'ask-name' }) askName = false;
  /** Whether the panel is on screen (the launcher is open). */
  @property({ type: Boolean }) active = false;

  @state() private callState: CallElementState = 'offline';
  @state() private visitorName = '';
  /** This visitor's id is connected from another tab (a broker id belongs to one tab). */
  private get elsewhere(): boolean {
    return !!this.session.session?.elsewhere;
  }

  @query('rtc-call') private callElement?: RtcCall;

  private sound = new Chime();
  /** How a call ended (declined, busy, no answer…) stays readable for a moment after it ends. */
  private callResult = new LingerController(this, 6_000);

  /** On a narrow or short screen the open panel covers the page: a modal dialog, which Tab does not leave. */
  private fullScreen: MediaQueryList | null = null;
  @state() private covering = false;
  private onScreenChange = () => (this.covering = !!this.fullScreen?.matches);

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.sound.close();
    this.fullScreen?.removeEventListener('change', this.onScreenChange);
    this.removeEventListener('keydown', this.keepTabInside);
  }

  /** Whether the panel is a modal dialog now: open, and covering the whole page. */
  get modal(): boolean {
    return this.active && this.covering;
  }

  /**
   * Tab from the last control goes round to the first, Shift+Tab from the first to the last: the
   * page behind a full-screen panel is out of sight, and focus there would be lost to the visitor.
   */
  private keepTabInside = (event: KeyboardEvent) => {
    if (event.key !== 'Tab' || !this.modal || event.defaultPrevented) return;
    // Focus may also be on something Tab skips (a call status, or the panel itself after a click on
    // empty space): then on to the neighbour, or round to the other end, never out of the panel.
    const active = deepActiveElement();
    const { order, next, previous } = tabOrderAround(this.shadowRoot!, active);
    const [first, last] = [order[0], order.at(-1)];
    if (!first || !last) return;
    // Between two controls the browser's own Tab is right; at an end it would leave the panel.
    if (order.includes(active as HTMLElement) && active !== (event.shiftKey ? first : last)) return;
    // At an end there is no neighbour that way: round to the other end.
    const target = event.shiftKey ? (previous ?? last) : (next ?? first);
    event.preventDefault();
    target.focus();
  };

  /** For reset(): nothing of this visitor may be written again while the panel goes away. */
  forget(): void {
    for (const chat of this.session.session?.chats.values() ?? []) chat.setPersistence('none');
  }

  /** The agent wrote or called while the visitor looks elsewhere: a chime, like any messenger. */
  private notify = () => {
    if (!this.active || document.visibilityState !== 'visible') this.sound.play();
  };

  override connectedCallback(): void {
    const store = supportStore(this.agent);
    // The visitor's id is fixed before the session binds, so chat and call share it.
    this.peerId = store.ensureVisitorId();
    this.visitorName = store.name;
    this.name = this.visitorName || null;
    super.connectedCallback();
    this.setAttribute('role', 'dialog');
    // A click on empty space in the panel leaves focus on the panel rather than on the page behind it.
    this.tabIndex = -1;
    // Asked here, not at construction: only a connected panel in a browser has a screen to cover.
    this.fullScreen ??= matchMedia(FULL_SCREEN_QUERY);
    this.fullScreen.addEventListener('change', this.onScreenChange);
    this.onScreenChange();
    this.addEventListener('keydown', this.keepTabInside);
  }

  /**
   * online / away from the agent's own status; offline when its peer cannot be reached;
   * connecting until the first dial has an answer (an agent not tried yet is not offline).
   */
  get availability(): 'online' | 'away' | 'offline' | 'connecting' {
    const conversation = this.session.session?.conversations.get(this.agent);
    if (conversation?.isOpen) return conversation.remoteStatus;
    return conversation?.settled ? 'offline' : 'connecting';
  }

  private get agentName(): string {
    return this.session.session?.conversations.get(this.agent)?.remoteName || '';
  }

  private focusWasInCall = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.focusWasInCall = !!this.callElement && this.shadowRoot!.activeElement === this.callElement;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A dialog named by its heading; modal only while it covers the page (aria-modal hides the page
    // from screen readers, which is right only then).
    this.setAttribute('aria-label', this.heading ?? this.t.supportHeading);
    this.setAttribute('aria-modal', String(this.modal));
    // Opening the panel shows the newest messages: they are read now.
    if (changed.has('active') && this.active) this.renderRoot.querySelector('rtc-chat')?.markRead();
    // The ended call's few seconds are over and it hid with the focus in it: on to the call
    // buttons, where the next call starts. (Asked before the render: hiding it drops the focus.)
    const call = this.callElement;
    if (call?.hidden && this.focusWasInCall) {
      const button = this.renderRoot.querySelector<HTMLButtonElement>('[part~="video-call-button"]:not([disabled])');
      if (button) button.focus();
      else this.renderRoot.querySelector('rtc-chat')?.focus();
    }
  }

  private onCallState(event: Event): void {
    this.callState = (event as CustomEvent<{ state: CallElementState }>).detail.state;
    // The agent's call rings until the visitor answers or declines (or it ends).
    if (this.callState === 'ringing') this.sound.ring();
    else this.sound.stopRinging();
  }

  private async startCall(audioOnly: boolean): Promise<void> {
    const call = this.callElement;
    if (!call) return;
    call.call(this.agent, { audioOnly });
    // The pressed button hides with the call buttons: focus goes on to the call's own controls (Cancel).
    await this.updateComplete;
    await call.updateComplete;
    const active = this.shadowRoot!.activeElement;
    if (!active || active.closest('.call-buttons')) call.focus();
  }

  private submitName(event: Event): void {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).querySelector('input')!;
    const name = input.value.trim().slice(0, 80);
    if (!name) {
      input.focus();
      return;
    }
    supportStore(this.agent).name = name;
    this.visitorName = name;
    this.name = name;
    // The form goes away with the focus in it: carry on where the visitor types next.
    void this.focusStart();
  }

  /** Focuses where the visitor acts first, once rendered: the name field, else the message box. */
  async focusStart(): Promise<void> {
    await this.updateComplete;
    const nameField = this.renderRoot.querySelector<HTMLInputElement>('#visitor-name');
    if (nameField) return nameField.focus();
    const chat = this.renderRoot.querySelector('rtc-chat');
    await chat?.updateComplete;
    chat?.focus();
  }

  protected override render(): TemplateResult {
    const t = this.t;
    const availability = this.availability;
    const inCall = (this.callState !== 'idle' && this.callState !== 'offline') || this.callResult.active;
    const needName = this.askName && !this.visitorName;
    const agentLabel = this.agentName ? `${this.agentName} · ` : '';
    const availabilityText = { online: t.supportOnline, away: t.supportAway, offline: t.supportOffline, connecting: t.stateConnecting }[availability];
    const canCall = availability === 'online' || availability === 'away';
    return html`
      <header part="header">
        <div class="titles">
          <h2>${this.heading ?? t.supportHeading}</h2>
          ${needName || this.elsewhere
            ? // Nobody is dialled before the visitor starts the chat, nor from a tab whose id another tab holds
              // (the chat says so): there is nothing true to say.
              nothing
            : html`<div part="availability" class="availability"><span class="dot ${availability}"></span>${agentLabel}${availabilityText}</div>`}
        </div>
        <button type="button" part="close-button" class="icon" aria-label=${t.supportClose} title=${t.supportClose} @click=${() => this.dispatchEvent(new Event('rtc-support-close'))}>
          <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M18 6L6 18M6 6l12 12" /></svg>
        </button>
      </header>
      ${needName
        ? html`<form part="name-form" class="name-form" @submit=${this.submitName}>
            <label for="visitor-name">${t.supportAskName}</label>
            <input id="visitor-name" autocomplete="name" maxlength="80" required />
            <button>${t.supportStart}</button>
          </form>`
        : html`
            <div part="call-buttons" class="call-buttons" ?hidden=${inCall}>
              <button type="button" part="video-call-button" ?disabled=${!canCall} @click=${() => void this.startCall(false)}>${t.call}</button>
              <button type="button" part="voice-call-button" ?disabled=${!canCall} @click=${() => void this.startCall(true)}>${t.callVoice}</button>
            </div>
            <!-- The call shows only once it rings, its status already set, which a screen reader would
                 not read out: this region, always there, says it. -->
            <div class="visually-hidden" role="status">${this.callState === 'ringing' ? formatPerson(t, t.stateRinging, this.session.call?.remoteName || this.agentName) : ''}</div>
            <rtc-call
              exportparts="base: call"
              ?hidden=${!inCall}
              .server=${this.server}
              .peerId=${this.peerId}
              .name=${this.name}
              .iceServers=${this.iceServers}
              .remoteId=${this.agent}
              @rtc-state=${this.onCallState}

              @rtc-ended=${() => this.callResult.trigger()}
            ></rtc-call>
            ${availability === 'offline' && !this.elsewhere
              ? html`<p part="offline-note" class="note offline">${t.supportOfflineNote}</p>`
              : nothing}
            ${(this.greeting ?? t.supportGreeting) ? html`<p part="greeting" class="note">${this.greeting ?? t.supportGreeting}</p>` : nothing}
            <rtc-chat
              .server=${this.server}
              .peerId=${this.peerId}
              .name=${this.name}
              .iceServers=${this.iceServers}
              .remoteId=${this.agent}
              persist="local"
              @rtc-message=${this.notify}
            ></rtc-chat>
          `}
    `;
  }
}

defineElement('rtc-support-panel', RtcSupportPanel);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-support-panel': RtcSupportPanel;
  }
}

/**
 * The launcher's accessible name with an unread count, in `launcher`'s language. The launcher lives
 * in the first download, which carries no string tables; it asks this module once it has loaded,
 * which it has by the time there is anything unread (a visitor with a conversation loads it when the
 * page idles).
 */
export function launcherUnreadLabel(launcher: Element, label: string, count: number): string {
  return format(stringsOf(launcher).supportLauncherUnread, { label, count });
}

/** The launcher's name when the site sets no `label`, in `launcher`'s language. */
export function launcherDefaultLabel(launcher: Element): string {
  return stringsOf(launcher).supportLauncher;
}

/** The launcher's accessible name while a call goes on behind the closed panel. */
export function launcherInCallLabel(launcher: Element, label: string): string {
  return format(stringsOf(launcher).supportLauncherInCall, { label });
}

/** Lets the launcher follow `lang` changes too, without the observer in the first download. */
export function followLanguage(launcher: ReactiveControllerHost & Element): LanguageController {
  return new LanguageController(launcher);
}

/** What the launcher uses of this module, also where a retried import (by URL, see rtc-support) finds it. */
export const PANEL_API = Symbol.for('rtc-elements.support-panel');
(globalThis as Record<symbol, unknown>)[PANEL_API] = { launcherDefaultLabel, launcherUnreadLabel, launcherInCallLabel, followLanguage };
