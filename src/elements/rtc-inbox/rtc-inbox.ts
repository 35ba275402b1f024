import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { TickController } from '../../controllers/tick-controller.js';
import { LingerController } from '../../controllers/linger-controller.js';
import { defineElement } from '../../define.js';
import { dispatchRtc } from '../../events.js';
import { elementLanguage } from '../../i18n/language.js';
import { format, formatPerson } from '../../i18n/localize.js';
import { formatDuration } from '../../i18n/numbers.js';
import type { Call } from '../../session/call.js';
import type { Presence } from '../../session/protocol.js';
import type { SessionEvents } from '../../session/rtc-session.js';
import { outlineButton, tokens } from '../../styles/tokens.js';
import type { RtcCall } from '../rtc-call/rtc-call.js';
import '../rtc-call/rtc-call.js';
import '../rtc-chat/rtc-chat.js';
import { Chime } from '../chime.js';
import { DesktopNotifier } from './notifier.js';
import { RtcSessionElement } from '../session-element.js';

export interface InboxConversation {
  id: string;
  name: string;
  page?: { url: string; title: string };
  online: boolean;
  unread: number;
  lastText: string;
  lastAt: number;
  /** When the oldest unanswered visitor message was written (0 when answered). */
  waitingSince: number;
}

/** Conversations the console keeps open at once; older quiet ones are let go (their transcript stays saved). */
const MAX_HELD = 200;


/** The unread count our title shows, e.g. "(3) ". */
const UNREAD_PREFIX = /^\(\d+\) /;

/**
 * The agent console: every visitor conversation that reaches this peer id, live, with unread
 * counts and waiting times; chat with one, answer or offer a call. Its `peer-id` is the id that
 * `<rtc-support agent="…">` names.
 *
 * @tagname rtc-inbox
 * @summary Agent console for rtc-support: conversations, chat, calls, availability.
 *
 * @fires {RtcEvent<'rtc-ready'>} rtc-ready - Connected to the broker; `detail: { peerId }`.
 * @fires {RtcEvent<'rtc-error'>} rtc-error - Something failed; `detail: { code, message }`.
 * @fires {RtcEvent<'rtc-conversation'>} rtc-conversation - A new conversation appeared.
 *
 * @csspart base - The console.
 * @csspart list - The conversation list.
 * @csspart conversation - One entry of the list (also `selected` when open).
 * @csspart unread - An entry's unread count.
 * @csspart ringing - "… is calling" on the entry of a visitor who calls while the agent has another conversation open.
 * @csspart status-select - The agent's availability selector.
 * @csspart detail - The open conversation (call + chat).
 * @csspart offer-video-button - Offers a video call to the open conversation.
 * @csspart offer-voice-button - Offers a voice call.
 * @csspart end-button - Ends (archives) the open conversation.
 * @csspart notify-button - Turns on desktop notifications (shown until the browser was asked).
 *
 * @cssproperty [--rtc-accent=#2563eb] - Primary colour.
 * @cssproperty [--rtc-danger=#dc2626] - Unread counts.
 * @cssproperty [--rtc-radius=12px] - Corner radius.
 * @cssproperty [--rtc-focus-ring=#1d4ed8] - Keyboard focus outline.
 * @cssproperty [--rtc-font-family=system-ui] - Font.
 * @cssproperty [--rtc-background=#ffffff] - Background of the console (and of its chat).
 * @cssproperty [--rtc-text=#111827] - Text on that background.
 * @cssproperty [--rtc-muted-text=#4b5563] - Secondary text: page, last message, waiting time.
 * @cssproperty [--rtc-border=#e5e7eb] - Dividers and outlines.
 * @cssproperty [--rtc-subtle-background=#f3f4f6] - Row dividers; remote bubbles in the chat.
 * @cssproperty [--rtc-selected-background=#eff6ff] - The open conversation in the list.
 */
export class RtcInbox extends RtcSessionElement {
  static override styles = [
    tokens,
    css`
      :host {
        display: block;
        height: 100%;
        min-height: 400px;
        color: var(--_text);
      }
      .inbox {
        display: grid;
        grid-template-columns: minmax(220px, 320px) 1fr;
        height: 100%;
        min-height: inherit;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        overflow: hidden;
        background: var(--_background);
      }
      aside {
        display: flex;
        flex-direction: column;
        /* Logical sides: in a right-to-left page the list is on the right, its divider on its left. */
        border-inline-end: 1px solid var(--_border);
        min-height: 0;
      }
      .top {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 8px;
        padding: 10px 12px;
        border-bottom: 1px solid var(--_border);
      }
      .notify {
        ${outlineButton}
        margin: 8px 12px 0;
        padding: 6px 10px;
        font-size: 13px;
      }
      h2 {
        margin: 0;
        font-size: 15px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        overflow-y: auto;
        flex: 1;
      }
      li button {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 2px 8px;
        width: 100%;
        padding: 10px 12px;
        border: 0;
        border-bottom: 1px solid var(--_subtle);
        background: transparent;
        text-align: start;
        font: inherit;
        color: inherit;
        cursor: pointer;
      }
      li button[aria-current='true'] {
        background: var(--_selected);
      }
      .who {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .who::before {
        content: '';
        display: inline-block;
        width: 8px;
        height: 8px;
        margin-inline-end: 6px;
        border-radius: 50%;
        background: #9ca3af;
      }
      .online .who::before {
        background: #22c55e;
      }
      .page,
      .last,
      .waiting {
        font-size: 12px;
        color: var(--_secondary-text);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .last {
        grid-column: 1 / -1;
      }
      .ringing {
        color: var(--rtc-accent, #2563eb);
        font-weight: 600;
      }
      .waiting {
        text-align: end;
      }
      .unread {
        justify-self: end;
        min-width: 20px;
        padding: 0 6px;
        border-radius: 10px;
        background: var(--rtc-danger, #dc2626);
        color: #fff;
        font-size: 12px;
        font-weight: 700;
        text-align: center;
      }
      .empty {
        padding: 16px 12px;
        color: var(--_secondary-text);
      }
      /* Scrolls when it cannot hold the call and a usable chat (a short window, 200 % zoom, a
         phone): nothing is cut off, and a focused control scrolls into view. */
      .detail {
        display: flex;
        flex-direction: column;
        min-width: 0;
        min-height: 0;
        overflow-y: auto;
      }
      .detail-top {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 8px;
        padding: 8px 12px;
        border-bottom: 1px solid var(--_border);
      }
      .detail-top h3 {
        margin: 0;
        font-size: inherit;
        font-weight: 700;
      }
      .detail-top .title {
        flex: 1;
        min-width: 0;
      }
      .detail-top button {
        ${outlineButton}
        height: 32px;
        padding: 0 12px;
      }
      .detail-top button:disabled {
        opacity: 0.5;
        cursor: not-allowed;
      }
      rtc-call {
        flex: 0 0 auto;
        /* At least what its picture, status line and controls need (two rows of them when narrow). */
        height: clamp(264px, 40vh, 300px);
        min-height: 0;
      }
      /* Once a call ended, the call stays a moment to say how; its idle controls (an id field, Call)
         are the console's own buttons' job. */
      rtc-call[state='idle']::part(controls),
      rtc-call[state='idle']::part(own-id) {
        display: none;
      }
      rtc-chat {
        flex: 1 0 auto;
        height: 0;
        min-height: 240px;
        --rtc-radius: 0;
      }
      select,
      button {
        font: inherit;
      }
      select {
        background: var(--_background);
        color: inherit;
        border: 1px solid var(--_border);
        border-radius: 6px;
      }
      button:focus-visible,
      select:focus-visible {
        outline: 3px solid var(--_focus);
        outline-offset: 2px;
      }
      .placeholder {
        margin: auto;
        color: var(--_secondary-text);
      }
      @media (max-width: 640px) {
        .inbox {
          grid-template-columns: 1fr;
          grid-template-rows: 40% 60%;
        }
      }
    `,
  ];

  /** The conversation shown beside the list (a visitor's peer id). */
  @property() selected: string | null = null;

  @state() private presence: Presence = 'online';
  @state() private callState = 'offline';
  @state() private archived = new Set<string>();

  @query('rtc-call') private callElement?: RtcCall;

  private tick = new TickController(this, 15_000);
  private list: InboxConversation[] = [];
  private known = new Set<string>();
  private sound = new Chime();
  private notifier = new DesktopNotifier();
  /** Whether the agent allowed desktop notifications ('default': not asked yet; the console offers them). */
  @state() private notifyPermission: NotificationPermission = this.notifier.permission;
  /** How a call ended (declined, busy, no answer…) stays readable for a moment after it ends. */
  private callResult = new LingerController(this, 6_000);
  /** Every visitor's chat is held while the console is open, so none goes idle and vanishes. */
  private holds = new Map<string, () => void>();

  /** Every conversation that reached this agent, newest activity first (read-only snapshots). */
  get conversations(): InboxConversation[] {
    const session = this.session.session;
    if (!session) return [];
    const ids = new Set([...session.conversations.keys(), ...session.chats.keys()]);
    const list: InboxConversation[] = [];
    for (const id of ids) {
      if (this.archived.has(id)) continue;
      const conversation = session.conversations.get(id);
      const chat = session.chats.get(id);
      const entries = chat?.log.entries ?? [];
      const last = entries[entries.length - 1];
      let waitingSince = 0;
      // Our clock, not the visitor's: a wrong or hostile ts must not pin a conversation to the top.
      for (let i = entries.length - 1; i >= 0 && entries[i]!.from === 'remote'; i--) waitingSince = entries[i]!.at ?? entries[i]!.ts;
      list.push({
        id,
        name: conversation?.remoteName || entries.findLast?.((e) => e.from === 'remote')?.name || id,
        page: conversation?.remotePage,
        online: !!conversation?.isOpen,
        unread: chat?.unread ?? 0,
        lastText: last?.text ?? '',
        lastAt: (last ? (last.at ?? last.ts) : conversation?.openedAt) ?? 0,
        waitingSince,
      });
    }
    return list.sort((a, b) => b.lastAt - a.lastAt);
  }

  /** Sets the agent's availability, shown to every visitor. */
  setPresence(presence: Presence): void {
    this.presence = presence;
    this.session.session?.setPresence(presence);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.tick.running = true;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const release of this.holds.values()) release();
    this.holds.clear();
    this.showUnreadInTitle(0);
    this.sound.close();
    this.notifier.close();
  }

  /** The agent asked for desktop notifications (a click: browsers ask only then). */
  private async enableNotifications(): Promise<void> {
    this.notifyPermission = await this.notifier.enable();
    // The button goes once the browser has asked: on to the status selector beside it.
    await this.updateComplete;
    if (!this.shadowRoot!.activeElement) this.renderRoot.querySelector<HTMLElement>('[part~="status-select"]')?.focus();
  }

  /**
   * "(3) " before the page's title while anything is unread. Only that prefix is ours: the rest is
   * read from the title each time, since the host page (an SPA) may change its own title.
   */
  private showUnreadInTitle(unread: number): void {
    const base = document.title.replace(UNREAD_PREFIX, '');
    const title = unread ? `(${unread}) ${base}` : base;
    if (document.title !== title) document.title = title;
  }

  protected override onSessionMessage({ conversation, message, repeat: resent }: SessionEvents['message']): void {
    const id = conversation.remoteId;
    // A visitor who opened the widget (hello) or wrote is held, so their channel does not idle
    // out and reconnect in a loop; the LRU cap in hold() bounds what any number of peers cost.
    if (message.type === 'hello' || message.type === 'chat' || message.type === 'file-offer') {
      if (message.type !== 'hello') this.unarchive(id);
      this.hold(id);
      if (!this.known.has(id)) {
        this.known.add(id);
        dispatchRtc(this, 'rtc-conversation', { id });
      }
      // A re-sent message the chat already has is no news: no second chime or notification.
      if (message.type === 'chat' && !resent && (id !== this.selected || document.visibilityState !== 'visible')) {
        this.sound.play();
        const name = conversation.remoteName || id;
        this.notifier.show(id, format(this.t.inboxNotifyMessage, { name }), message.text, () => this.select(id));
      }
    }
    // Chat state changes after this handler; render once it has.
    queueMicrotask(() => this.requestUpdate());
  }

  /** An ended conversation comes back to the list (the visitor wrote or called again). */
  private unarchive(id: string): void {
    if (!this.archived.has(id)) return;
    const archived = new Set(this.archived);
    archived.delete(id);
    this.archived = archived;
  }

  /** Keeps a visitor's chat (newest MAX_HELD), never re-dialling them: they dial us. */
  private hold(id: string): void {
    const session = this.session.session;
    if (!session) return;
    const existing = this.holds.get(id);
    if (existing) {
      // Most recently active last, so the oldest is the one let go past the cap.
      this.holds.delete(id);
      this.holds.set(id, existing);
      return;
    }
    session.chatPersistence = 'local';
    const chat = session.chat(id);
    chat.autoDial = false;
    this.holds.set(id, chat.hold());
    if (this.holds.size > MAX_HELD) {
      const [oldest, release] = this.holds.entries().next().value as [string, () => void];
      if (oldest !== this.selected) {
        release();
        this.holds.delete(oldest);
      }
    }
  }

  protected override onCall(call: Call): void {
    // A visitor calling: open their conversation so the agent sees who it is and the chat, unless
    // that pulls the agent away from another visitor's: a reply being typed to Noor must not go to
    // Dana because Dana called meanwhile. The list then shows who calls, and answering opens it.
    if (call.direction === 'incoming') {
      this.unarchive(call.remoteId);
      if (!this.selected) this.selected = call.remoteId;
      const key = `call:${call.remoteId}`;
      const name = call.remoteName || this.session.session?.conversations.get(call.remoteId)?.remoteName || call.remoteId;
      this.notifier.show(key, formatPerson(this.t, this.t.stateRinging, name), '', () => this.select(call.remoteId));
      // Answered, the caller's conversation opens, also if the agent went to another while it rang.
      const off = call.on('change', () => {
        if (call.phase === 'ringing') return;
        off();
        this.notifier.clear(key);
        if (call.phase === 'connecting' || call.phase === 'connected') this.select(call.remoteId);
      });
    }
  }

  private onCallState(state: string): void {
    this.callState = state;
    // A visitor's call rings until the agent answers or declines (or it ends).
    if (state === 'ringing') this.sound.ring();
    else this.sound.stopRinging();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The ended call's few seconds are over and it hid with the focus in it: on to the chat.
    // (Asked before the render: hiding it drops the focus.)
    if (this.callElement?.hidden && this.focusWasInCall) this.renderRoot.querySelector('rtc-chat')?.focus();
  }

  private focusWasInCall = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.focusWasInCall = !!this.callElement && this.shadowRoot!.activeElement === this.callElement;
    // Built once per update: render reads the same snapshot.
    this.list = this.conversations;
    this.showUnreadInTitle(this.list.reduce((sum, c) => sum + c.unread, 0));
  }

  private select(id: string): void {
    this.selected = id;
    this.notifier.clear(id);
  }

  private async endConversation(): Promise<void> {
    if (!this.selected) return;
    if (this.callElement?.remotePeer === this.selected) this.callElement.hangup();
    // Hidden, not dropped: dropping would close the channel and make the visitor's widget
    // reconnect over and over. It comes back when the visitor writes again.
    this.archived = new Set([...this.archived, this.selected]);
    this.selected = null;
    // The button goes with the conversation: on to the list (its first visitor), else its heading.
    await this.updateComplete;
    (this.renderRoot.querySelector<HTMLElement>('[part~="conversation"]') ?? this.renderRoot.querySelector<HTMLElement>('aside h2'))?.focus();
  }

  private async offer(audioOnly: boolean): Promise<void> {
    const call = this.callElement;
    if (!this.selected || !call) return;
    call.call(this.selected, { audioOnly });
    // The offer buttons are disabled while it rings, which drops the focus: on to the call (Cancel).
    await this.updateComplete;
    await call.updateComplete;
    const active = this.shadowRoot!.activeElement;
    if (!active || (active as HTMLButtonElement).disabled) call.focus();
  }

  protected override render(): TemplateResult {
    const t = this.t;
    const lang = elementLanguage(this);
    const list = this.list;
    const current = list.find((c) => c.id === this.selected);
    const inCall = (this.callState !== 'idle' && this.callState !== 'offline') || this.callResult.active;
    /** Who is calling the agent right now (not answered yet), if anyone. */
    const ringingFrom = this.callState === 'ringing' ? this.session.call?.remoteId : undefined;
    return html`<div part="base" class="inbox">
      <!-- Always there, so a ringing call is read out (the call appears with its status already set). -->
      <div class="visually-hidden" role="status">${ringingFrom ? formatPerson(t, t.stateRinging, list.find((c) => c.id === ringingFrom)?.name) : ''}</div>
      <aside>
        <div class="top">
          <h2 tabindex="-1">${t.inboxTitle}</h2>
          <label
            ><span class="visually-hidden">${t.inboxStatus}</span>
            <select part="status-select" .value=${this.presence} @change=${(e: Event) => this.setPresence((e.target as HTMLSelectElement).value as Presence)}>
              <option value="online">${t.supportOnline}</option>
              <option value="away">${t.supportAway}</option>
            </select></label
          >
        </div>
        ${this.notifier.supported && this.notifyPermission === 'default'
          ? html`<button type="button" part="notify-button" class="notify" @click=${() => void this.enableNotifications()}>${t.inboxNotifyEnable}</button>`
          : nothing}
        ${list.length === 0 ? html`<p class="empty">${t.inboxEmpty}</p>` : nothing}
        <ul part="list" role="list">
          ${repeat(
            list,
            // Keyed: when the list re-sorts, a focused entry stays the same visitor.
            (c) => c.id,
            (c) => html`<li class=${c.online ? 'online' : ''}>
              <button
                type="button"
                part="conversation ${c.id === this.selected ? 'selected' : ''}"
                aria-current=${String(c.id === this.selected)}
                data-id=${c.id}
                @click=${() => this.select(c.id)}
              >
                <span class="who">${c.name}</span>
                ${c.unread
                  ? html`<span part="unread" class="unread" aria-label=${format(t.inboxUnread, { count: c.unread })}>${c.unread}</span>`
                  : html`<span class="waiting">${c.waitingSince ? format(t.inboxWaiting, { time: formatDuration(Date.now() - c.waitingSince, lang) }) : ''}</span>`}
                <span class="page" title=${c.page?.url ?? ''}>${c.page ? c.page.title || c.page.url : ''}</span>
                ${c.unread && c.waitingSince ? html`<span class="waiting">${format(t.inboxWaiting, { time: formatDuration(Date.now() - c.waitingSince, lang) })}</span>` : html`<span></span>`}
                ${c.id === ringingFrom && c.id !== this.selected
                  ? html`<span part="ringing" class="last ringing">${formatPerson(t, t.stateRinging, c.name)}</span>`
                  : html`<span class="last">${c.lastText}</span>`}
              </button>
            </li>`,
          )}
        </ul>
      </aside>
      <section part="detail" class="detail" aria-labelledby=${current ? 'detail-name' : nothing}>
        ${current
          ? html`<div class="detail-top">
              <div class="title">
                <h3 id="detail-name">${current.name}</h3>
                <div class="page">${current.online ? t.inboxVisitorOnline : t.inboxVisitorOffline}${current.page ? ` · ${current.page.url}` : ''}</div>
              </div>
              <button type="button" part="offer-video-button" ?disabled=${inCall || !current.online} @click=${() => void this.offer(false)}>${t.inboxOfferVideo}</button>
              <button type="button" part="offer-voice-button" ?disabled=${inCall || !current.online} @click=${() => void this.offer(true)}>${t.inboxOfferVoice}</button>
              <button type="button" part="end-button" @click=${() => void this.endConversation()}>${t.inboxEnd}</button>
            </div>`
          : nothing}
        <rtc-call
          ?hidden=${!inCall}
          .server=${this.server}
          .peerId=${this.peerId}
          .name=${this.name}
          .iceServers=${this.iceServers}
          @rtc-state=${(e: CustomEvent<{ state: string }>) => this.onCallState(e.detail.state)}
          @rtc-ended=${() => this.callResult.trigger()}
        ></rtc-call>
        ${current
          ? html`<rtc-chat
              .server=${this.server}
              .peerId=${this.peerId}
              .name=${this.name}
              .iceServers=${this.iceServers}
              .remoteId=${current.id}
              persist="local"
              @rtc-unread=${() => this.requestUpdate()}
            ></rtc-chat>`
          : html`<p class="placeholder">${list.length ? t.inboxPick : ''}</p>`}
      </section>
    </div>`;
  }
}

defineElement('rtc-inbox', RtcInbox);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-inbox': RtcInbox;
  }
}
