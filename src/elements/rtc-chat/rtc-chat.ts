import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ChatController } from '../../controllers/chat-controller.js';
import { defineElement } from '../../define.js';
import { dispatchRtc } from '../../events.js';
import { elementLanguage } from '../../i18n/language.js';
import type { Strings } from '../../i18n/en.js';
import { clearsWhenOnline, errorText } from '../../i18n/error-text.js';
import { format, formatPerson } from '../../i18n/localize.js';
import { formatBytes } from '../../i18n/numbers.js';
import type { ChatEntry } from '../../session/chat-log.js';
import type { ChatPersistence } from '../../session/chat.js';
import { isPreviewableImage } from '../../session/chunking.js';
import { validatePeerId } from '../../session/config.js';
import { RtcError } from '../../session/errors.js';
import type { Transfer } from '../../session/file-transfer.js';
import { LIMITS } from '../../session/protocol.js';
import type { SessionStatus } from '../../session/rtc-session.js';
import { icons } from '../icons.js';
import { RtcSessionElement } from '../session-element.js';
import { linkify } from './linkify.js';
import { counterStep, newestRows } from './rows.js';
import { styles } from './rtc-chat.styles.js';

const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;
const PERSISTENCES: readonly string[] = ['session', 'local', 'none'] satisfies ChatPersistence[];
const validFileSize = (bytes: number) => Number.isFinite(bytes) && bytes > 0;
/** Drafts kept for conversations not on show. */
const MAX_DRAFTS = 50;
/** Rows rendered at once; older ones appear on request, so a long history or a flood stays fast. */
const RENDER_WINDOW = 200;
/** After a render the view follows the newest message in the next frame, or after this long without one. */
const FRAME_FALLBACK_MS = 250;
/** The note about the length cap appears this close to it. */
const COUNTER_FROM = LIMITS.maxTextLength - 500;



// One formatter per language: building one per row and render was a third of the page's time in a burst.
const clockFormats = new Map<string, Intl.DateTimeFormat>();

function clockFor(lang: string): Intl.DateTimeFormat {
  let format = clockFormats.get(lang);
  if (!format) {
    const options = { hour: '2-digit', minute: '2-digit' } as const;
    try {
      format = new Intl.DateTimeFormat(lang || undefined, options);
    } catch {
      format = new Intl.DateTimeFormat(undefined, options); // not a language tag Intl knows
    }
    clockFormats.set(lang, format);
  }
  return format;
}

/** Times in the element's language, like its texts. Never throws: a bad time shows as blank rather than breaking every later render. */
function timeOf(ts: number, lang: string): string {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return '';
  return clockFor(lang).format(date);
}

function isoOf(ts: number): string {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/**
 * Text chat and file transfer with one remote peer, sharing the session (and control channel)
 * of any `<rtc-call>` with the same `server` and `peer-id` on the page.
 *
 * @tagname rtc-chat
 * @summary Chat with delivery marks, typing indicator, offline outbox, and files with progress.
 *
 * @fires {RtcEvent<'rtc-message'>} rtc-message - A message from the remote peer arrived; `detail: { id, from, text, time }`.
 * @fires {RtcEvent<'rtc-file'>} rtc-file - A file arrived and its SHA-256 matched; `detail: { id, from, name, size, type, file }`.
 * @fires {RtcEvent<'rtc-typing'>} rtc-typing - The remote started or stopped typing; `detail: { from, typing }`.
 * @fires {RtcEvent<'rtc-unread'>} rtc-unread - The unread count changed; `detail: { count }`.
 * @fires {RtcEvent<'rtc-ready'>} rtc-ready - Connected to the broker; `detail: { peerId }`.
 * @fires {RtcEvent<'rtc-error'>} rtc-error - Something failed; `detail: { code, message }`.
 *
 * @csspart base - The whole chat.
 * @csspart log - The scrolling message list.
 * @csspart empty - The note shown before the first message.
 * @csspart message - Every message row.
 * @csspart message-local - Rows of messages this side sent (with `message`).
 * @csspart message-remote - Rows of messages from the other side (with `message`).
 * @csspart bubble - The text bubble of a message.
 * @csspart sender - The sender's name.
 * @csspart meta - Time and delivery mark.
 * @csspart status - The delivery mark (queued, sent, delivered).
 * @csspart link - Links in messages.
 * @csspart file - A file transfer row.
 * @csspart progress - A transfer's progress bar.
 * @csspart image - An inline image preview.
 * @csspart download - A received file's download link.
 * @csspart new-messages - The "new messages" pill shown while scrolled up.
 * @csspart earlier-button - "Show n earlier", above the newest rows of a long transcript.
 * @csspart dismiss-button - Closes the notice.
 * @csspart typing - The typing indicator.
 * @csspart notice - Errors and notes (length cap, offline).
 * @csspart composer - The message composer.
 * @csspart input - The message text area.
 * @csspart counter - Characters left, near the cap.
 * @csspart button - Every button.
 * @csspart send-button - Send button.
 * @csspart attach-button - Attach-a-file button.
 * @csspart cancel-button - Cancel button of a transfer.
 * @csspart drop-zone - The overlay while files are dragged over.
 *
 * @cssproperty [--rtc-accent=#2563eb] - Own bubbles and primary buttons.
 * @cssproperty [--rtc-accent-text=#ffffff] - Text on own bubbles.
 * @cssproperty [--rtc-chat-background=#ffffff] - Chat background (defaults to `--rtc-background`).
 * @cssproperty [--rtc-chat-text=#111827] - Chat text (defaults to `--rtc-text`).
 * @cssproperty [--rtc-bubble-remote=#f3f4f6] - Remote bubbles (defaults to `--rtc-subtle-background`).
 * @cssproperty --rtc-border - The composer's divider and the message box's outline (default: translucent black).
 * @cssproperty [--rtc-background=#ffffff] - Background shared by the chat, the support panel and the console.
 * @cssproperty [--rtc-text=#111827] - Text shared by the same.
 * @cssproperty [--rtc-subtle-background=#f3f4f6] - Subtle fills shared by the same.
 * @cssproperty [--rtc-selected-background=#eff6ff] - Information notes (e.g. "will be sent when … is back").
 * @cssproperty [--rtc-error-background=#fee2e2] - Error notes.
 * @cssproperty [--rtc-error-text=#7f1d1d] - Text of error notes.
 * @cssproperty [--rtc-muted-text=#4b5563] - Times, names, notes.
 * @cssproperty [--rtc-danger=#dc2626] - Errors.
 * @cssproperty [--rtc-radius=12px] - Bubble and control radius.
 * @cssproperty [--rtc-font-family=system-ui] - Font.
 * @cssproperty [--rtc-focus-ring=#1d4ed8] - Keyboard focus outline.
 */
export class RtcChat extends RtcSessionElement {
  static override styles = styles;

  /** The peer to chat with. */
  @property({ attribute: 'remote-id' }) remoteId: string | null = null;
  /** Largest file, in bytes, this side sends or accepts: 104857600 (100 MiB) unless set. */
  @property({ type: Number, attribute: 'max-file-size' }) maxFileSize = DEFAULT_MAX_FILE_SIZE;
  /** Where the transcript is kept: `session` (this tab, survives reloads), `local` (all tabs of the site) or `none`. */
  @property() persist: ChatPersistence = 'session';

  /** Unsent text of the other conversations this element showed, newest last (at most MAX_DRAFTS). */
  private drafts = new Map<string, string>();

  private keepDraft(remoteId: string | undefined, text: string): void {
    if (!remoteId || !text) return;
    this.drafts.delete(remoteId);
    this.drafts.set(remoteId, text);
    if (this.drafts.size > MAX_DRAFTS) this.drafts.delete(this.drafts.keys().next().value!);
  }

  /** `remote-id` trimmed and checked: null when unset or not a valid id (reported as bad-attribute). */
  private target: string | null = null;

  @state() private draft = '';
  /** What the live region last said about characters left (see counterStep). */
  @state() private counterSaid = '';
  private counterStepSaid: number | null = null;

  private sayCounter(): void {
    const left = LIMITS.maxTextLength - this.draft.length;
    const step = counterStep(left);
    if (step === this.counterStepSaid) return;
    this.counterStepSaid = step;
    this.counterSaid =
      step === null ? '' : step < 0 ? format(this.t.chatTooLong, { max: LIMITS.maxTextLength }) : format(this.t.chatCharactersLeft, { count: left });
  }
  /** The error or note on show; its text is made at render, so it follows `lang`. */
  @state() private notice: RtcError | null = null;
  @state() private showPill = false;
  @state() private dragging = false;
  @state() private shownRows = RENDER_WINDOW;

  @query('.log') private logElement?: HTMLElement;
  @query('textarea') private textarea?: HTMLTextAreaElement;
  @query('input[type=file]') private fileInput?: HTMLInputElement;

  private wasAtBottom = true;
  /** The person sent a message: the next render scrolls to it wherever the log was. */
  private showOwn = false;
  /** The requestAnimationFrame that follows the newest message after a render; 0 when none. */
  private frame = 0;
  private frameTimer: ReturnType<typeof setTimeout> | undefined;
  /** What a message shows that never changes once drawn (its text and time), per language: rows are redrawn on every render. */
  private drawn = new WeakMap<ChatEntry, { lang: string; text: unknown[]; iso: string; time: string }>();
  private reportedUnread = 0;
  private reportedChat: unknown = null;
  private urls = new Map<string, string>();

  private chatController = new ChatController(this, {
    message: (entry) =>
      dispatchRtc(this, 'rtc-message', { id: entry.id, from: this.target ?? '', text: entry.text, time: entry.ts }),
    typing: (typing) => dispatchRtc(this, 'rtc-typing', { from: this.target ?? '', typing }),
    error: (error) => this.onError(error),
    received: (transfer) => {
      if (!transfer.file) return;
      dispatchRtc(this, 'rtc-file', {
        id: transfer.id,
        from: this.target ?? '',
        name: transfer.name,
        size: transfer.size,
        type: transfer.mime,
        file: transfer.file,
      });
    },
  });

  /** Messages from the remote side not yet seen (scrolled into view while the page is visible). */
  get unread(): number {
    return this.chatController.chat?.unread ?? 0;
  }

  /** The transcript, oldest first (read-only copies). */
  get messages(): ChatEntry[] {
    return (this.chatController.chat?.log.entries ?? []).map((e) => ({ ...e }));
  }

  /** File transfers in this conversation. */
  get transfers(): Transfer[] {
    return this.chatController.chat?.files.transfers ?? [];
  }

  /** Sends a message (queued while the remote or the server is away). Returns its id, or null if refused. */
  send(text: string): string | null {
    const chat = this.requireChat();
    if (!chat) return null;
    try {
      return chat.send(text).id;
    } catch (error) {
      this.onError(error instanceof RtcError ? error : new RtcError('message-too-long', String(error)));
      return null;
    }
  }

  /** Sends a file on its own data channel, with progress; returns its transfer id, or null if refused. */
  async sendFile(file: File): Promise<string | null> {
    const chat = this.requireChat();
    if (!chat) return null;
    try {
      return (await chat.sendFile(file)).id;
    } catch (error) {
      this.onError(error instanceof RtcError ? error : new RtcError('file-failed', String(error)));
      return null;
    }
  }

  /** Cancels a file transfer in either direction. */
  cancelFile(id: string): void {
    this.chatController.chat?.files.cancel(id);
  }

  /** Forgets this conversation's transcript here (the remote keeps its copy). */
  clear(): void {
    this.chatController.chat?.clear();
    this.revokeUrls();
  }

  /** Puts keyboard focus in the message box, where a person starts typing. */
  override focus(options?: FocusOptions): void {
    if (this.textarea) this.textarea.focus(options);
    else super.focus(options);
  }

  /** Marks everything read (the element does this itself when the newest message is in view). */
  markRead(): void {
    this.chatController.chat?.markRead();
  }

  private requireChat() {
    const chat = this.chatController.chat;
    if (!chat) this.onError(new RtcError('no-remote-id', 'Set remote-id before sending.'));
    return chat;
  }

  protected override onError(error: RtcError): void {
    // Another tab holding our id is shown as a state below, not as an error to dismiss.
    if (error.code !== 'id-taken' && errorText(this.t, error) !== null) this.notice = error;
    super.onError(error);
  }

  protected override onSessionStatus(status: SessionStatus): void {
    // "Cannot reach the server" must not stay up once it is reached again.
    if (status === 'online' && this.notice && clearsWhenOnline(this.notice)) this.notice = null;
    super.onSessionStatus(status);
  }

  /** Bad values are the host's to fix: each is reported once as bad-attribute, and a safe default used. */
  private checkAttributes(changed: PropertyValues<this>): void {
    if (changed.has('remoteId')) {
      const id = this.remoteId?.trim() || null;
      this.target = null;
      if (id) {
        try {
          this.target = validatePeerId(id);
        } catch (error) {
          this.onError(new RtcError('bad-attribute', `remote-id: ${error instanceof Error ? error.message : String(error)}`));
        }
      }
    }
    if (changed.has('maxFileSize') && !validFileSize(this.maxFileSize)) {
      this.onError(new RtcError('bad-attribute', `max-file-size must be a positive number of bytes, got ${String(this.maxFileSize)}; using ${DEFAULT_MAX_FILE_SIZE}.`));
    }
    if (changed.has('persist') && !PERSISTENCES.includes(this.persist)) {
      this.onError(new RtcError('bad-attribute', `persist must be session, local or none, got "${String(this.persist)}"; using session.`));
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const session = this.session.session;
    // Another conversation: the last one's notice goes (before a bad new remote-id gets its own).
    if (changed.has('remoteId') && changed.get('remoteId') !== undefined) this.notice = null;
    this.checkAttributes(changed);
    if ((changed as PropertyValues).has('draft')) this.sayCounter();
    const persist = PERSISTENCES.includes(this.persist) ? this.persist : 'session';
    if (session) session.chatPersistence = persist;
    if (changed.has('remoteId') && changed.get('remoteId') !== undefined) {
      // Another conversation: what was typed for the previous one must not go to this one, but waits
      // for it (an agent switching between visitors, or called away by one, loses no reply).
      this.chatController.chat?.setLocalTyping(false);
      this.keepDraft(this.chatController.chat?.remoteId, this.draft);
      this.draft = (this.target && this.drafts.get(this.target)) || '';
      if (this.target) this.drafts.delete(this.target);
      this.shownRows = RENDER_WINDOW;
      this.revokeUrls();
    }
    this.chatController.sync(session, this.target);
    const chat = this.chatController.chat;
    // rtc-unread reports changes of the shown chat's count: a newly shown chat starts from its own
    // count (else reading its messages at once, 1 → 0, would look like no change from the last chat's 0).
    if (chat !== this.reportedChat) {
      this.reportedChat = chat;
      this.reportedUnread = chat?.unread ?? 0;
    }
    // The transfer list drops old entries; their files must not stay alive through our URLs.
    if (chat && this.urls.size > 0) this.revokeUrls(new Set(chat.files.transfers.map((t) => t.id)));
    if (chat) {
      chat.setPersistence(persist);
      chat.maxFileSize = validFileSize(this.maxFileSize) ? this.maxFileSize : DEFAULT_MAX_FILE_SIZE;
    }
    // While a frame is pending, its decision to follow the newest message stands (the log has
    // grown since, but it has not been scrolled yet).
    if (!this.frame) this.wasAtBottom = this.atBottom();
    if (this.showOwn) this.wasAtBottom = true;
  }

  protected override updated(): void {
    if (document.visibilityState !== 'visible') {
      // No frames come while hidden; the unread count must still be reported (a host may show it in the title).
      this.followNewest();
      return;
    }
    // Scrolling and reading the scroll position need layout. Asked for here, just after Lit
    // changed the DOM, the browser lays out inside this task, and a busy chat's next message
    // waits for it; in the next frame it is the layout that frame does anyway.
    // A page can be visible without frames (an off-screen iframe is throttled): the timer makes
    // sure the view and the unread count still follow.
    if (this.frame) return;
    this.frame = requestAnimationFrame(this.onFrame);
    this.frameTimer = setTimeout(this.onFrame, FRAME_FALLBACK_MS);
  }

  private readonly onFrame = () => {
    this.cancelFrame();
    this.followNewest();
  };

  private cancelFrame(): void {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.frameTimer);
    this.frame = 0;
    this.frameTimer = undefined;
  }

  private followNewest(): void {
    const log = this.logElement;
    if (log && this.wasAtBottom) log.scrollTop = log.scrollHeight;
    this.showOwn = false;
    this.updateReadState();
  }

  private atBottom(): boolean {
    const log = this.logElement;
    return !log || log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  }

  /** Unread drops to zero only when the newest message is actually visible to the person. */
  private updateReadState(): void {
    const chat = this.chatController.chat;
    if (!chat) return;
    const atBottom = this.atBottom();
    const visible = typeof document === 'undefined' || document.visibilityState === 'visible';
    if (atBottom && visible && this.checkVisibility?.() !== false) chat.markRead();
    const pill = !atBottom && chat.unread > 0;
    if (pill !== this.showPill) this.showPill = pill;
    if (chat.unread !== this.reportedUnread) {
      this.reportedUnread = chat.unread;
      dispatchRtc(this, 'rtc-unread', { count: chat.unread });
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.cancelFrame();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.revokeUrls();
  }

  private onVisibility = () => this.updateReadState();

  /** Revokes object URLs, all of them or those of transfers no longer listed (pruned). */
  private revokeUrls(keep: ReadonlySet<string> = new Set()): void {
    for (const [id, url] of this.urls) {
      if (keep.has(id)) continue;
      URL.revokeObjectURL(url);
      this.urls.delete(id);
    }
  }

  private urlFor(transfer: Transfer): string | null {
    if (!transfer.file) return null;
    let url = this.urls.get(transfer.id);
    if (!url) {
      url = URL.createObjectURL(transfer.file);
      this.urls.set(transfer.id, url);
    }
    return url;
  }

  private onKeyDown(event: KeyboardEvent): void {
    // keyCode 229: Safari's Enter that ends an input method's composition says isComposing false.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      this.submit();
    }
  }

  private onInput(event: Event): void {
    this.draft = (event.target as HTMLTextAreaElement).value;
    this.chatController.chat?.setLocalTyping(this.draft.length > 0);
    if (this.notice && this.draft.length <= LIMITS.maxTextLength) this.notice = null;
  }

  private submit(): void {
    if (!this.draft.trim()) return;
    if (this.draft.length > LIMITS.maxTextLength) {
      this.notice = new RtcError('message-too-long', `Messages can be at most ${LIMITS.maxTextLength} characters.`);
      return;
    }
    if (this.send(this.draft) !== null) {
      this.draft = '';
      // What the person just wrote is shown, even if they had scrolled up to read.
      this.showOwn = true;
      this.textarea?.focus();
    }
  }

  private sendFiles(files: Iterable<File>): void {
    for (const file of files) void this.sendFile(file);
  }

  private onPaste(event: ClipboardEvent): void {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    this.sendFiles(files);
  }

  private onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging = false;
    this.sendFiles(event.dataTransfer?.files ?? []);
  }

  private onDragOver(event: DragEvent): void {
    // Not accepted (no drop effect) where nothing could be sent.
    if (![...(event.dataTransfer?.types ?? [])].includes('Files') || !this.target || this.session.session?.elsewhere) return;
    event.preventDefault();
    this.dragging = true;
  }

  /** The pointer left the chat, not just one of its parts (leaving always starts from a child). */
  private onDragLeave(event: DragEvent): void {
    if (!(event.currentTarget as Node).contains(event.relatedTarget as Node | null)) this.dragging = false;
  }

  private scrollToNewest(): void {
    const log = this.logElement;
    if (log) log.scrollTo({ top: log.scrollHeight, behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    // The pill goes once the newest is in view: the focus would fall to the page with it.
    this.focus();
  }

  private dismissNotice(): void {
    this.notice = null;
    this.focus(); // the button goes with the notice
  }

  /** Shows the next older rows; the focus goes to the log, which the button may leave (nothing older). */
  private showEarlier(): void {
    this.shownRows += RENDER_WINDOW;
    this.logElement?.focus({ preventScroll: true });
  }

  private drawnOf(entry: ChatEntry, lang: string) {
    let drawn = this.drawn.get(entry);
    if (!drawn || drawn.lang !== lang) {
      const text = linkify(entry.text).map((piece) =>
        piece.href ? html`<a part="link" href=${piece.href} target="_blank" rel="noopener noreferrer">${piece.text}</a>` : piece.text,
      );
      drawn = { lang, text, iso: isoOf(entry.ts), time: timeOf(entry.ts, lang) };
      this.drawn.set(entry, drawn);
    }
    return drawn;
  }

  private renderStatus(entry: ChatEntry, t: Strings) {
    if (entry.from !== 'local') return nothing;
    const [mark, label] =
      entry.status === 'delivered' ? ['✓✓', t.chatDelivered] : entry.status === 'sent' ? ['✓', t.chatSent] : ['🕓', t.chatQueued];
    return html`<span part="status" class="status ${entry.status}" role="img" aria-label=${label} title=${label}>${mark}</span>`;
  }

  /** `lang` and `t`: the element's language and texts, resolved once per render, not per row. */
  private renderMessage(entry: ChatEntry, lang: string, t: Strings) {
    const local = entry.from === 'local';
    const name = local ? t.you : entry.name || this.target || '';
    const drawn = this.drawnOf(entry, lang);
    return html`<div part="message message-${local ? 'local' : 'remote'}" class="row ${local ? 'local' : 'remote'}">
      <span part="sender" class="sender" dir="auto">${name}</span>
      <div part="bubble" class="bubble" dir="auto">${drawn.text}</div>
      <span part="meta" class="meta"><time datetime=${drawn.iso}>${drawn.time}</time> ${this.renderStatus(entry, t)}</span>
    </div>`;
  }

  private renderTransfer(transfer: Transfer, lang: string, t: Strings) {
    const local = transfer.direction === 'out';
    const active = transfer.status === 'sending' || transfer.status === 'receiving' || transfer.status === 'verifying';
    const percent = transfer.size ? Math.floor((transfer.bytes / transfer.size) * 100) : 100;
    const url = transfer.status === 'done' && !local ? this.urlFor(transfer) : null;
    const statusText = {
      sending: format(t.fileSending, { percent, speed: formatBytes(transfer.bytesPerSecond, lang) }),
      receiving: format(t.fileReceiving, { percent, speed: formatBytes(transfer.bytesPerSecond, lang) }),
      verifying: t.fileVerifying,
      done: local ? t.fileDelivered : t.fileReceived,
      cancelled: transfer.cancelledBy === 'remote' ? t.fileCancelledRemote : t.fileCancelled,
      failed: transfer.reason === 'too-large' ? t.fileTooLarge : transfer.reason === 'corrupt' ? t.fileCorrupt : t.fileFailed,
    }[transfer.status];
    return html`<div part="message file message-${local ? 'local' : 'remote'}" class="row ${local ? 'local' : 'remote'} file">
      <div part="bubble" class="bubble file-bubble">
        ${url && isPreviewableImage(transfer.mime, transfer.size)
          ? html`<a href=${url} download=${transfer.name} target="_blank" rel="noopener noreferrer"><img part="image" src=${url} alt=${transfer.name} /></a>`
          : nothing}
        <div class="file-line">
          ${url
            ? html`<a part="download" href=${url} download=${transfer.name}>${transfer.name}</a>`
            : html`<span class="file-name">${transfer.name}</span>`}
          <span class="file-size">${formatBytes(transfer.size, lang)}</span>
        </div>
        ${active
          ? html`<progress part="progress" max=${transfer.size || 1} value=${transfer.bytes} aria-label=${transfer.name}></progress>`
          : nothing}
        <div class="file-status">
          ${active
            ? // Progress changes ten times a second inside the log's live region: not read out. The
              // final status is a new node, which is.
              html`<span aria-live="off">${statusText}</span>`
            : html`<span>${statusText}</span>`}
          ${active
            ? html`<button type="button" part="button cancel-button" class="link-button" @click=${() => this.cancelFile(transfer.id)}>${t.cancel}</button>`
            : nothing}
        </div>
      </div>
    </div>`;
  }

  protected override render(): TemplateResult {
    const t = this.t;
    const lang = elementLanguage(this);
    const chat = this.chatController.chat;
    // Arrival order by our clock: a peer's clock (or a hostile ts) must not reorder history.
    const { rows: visibleRows, hidden } = newestRows(chat?.log.entries ?? [], chat?.files.transfers ?? [], this.shownRows);
    const remoteName = this.chatController.chat ? this.session.session?.conversations.get(this.target ?? '')?.remoteName || this.target : '';
    const offline = this.session.session?.status !== 'online';
    // Another tab holds our id and owns the stored transcript: what is written here could not be kept.
    const elsewhere = !!this.session.session?.elsewhere;
    const canWrite = !!this.target && !elsewhere;
    const counter = this.draft.length >= COUNTER_FROM;
    return html`<div
      part="base"
      class="chat ${this.dragging ? 'dragging' : ''}"
      @dragover=${this.onDragOver}
      @dragleave=${this.onDragLeave}
      @drop=${this.onDrop}
    >
      <div part="log" class="log" role="log" aria-live="polite" aria-label=${t.chatLog} tabindex="0" @scroll=${() => this.updateReadState()}>
        ${visibleRows.length === 0 ? html`<p part="empty" class="empty">${this.target ? t.chatEmpty : t.chatNoRemote}</p>` : nothing}
        ${hidden
          ? html`<button type="button" part="button earlier-button" class="link-button earlier" @click=${this.showEarlier}>
              ${format(t.chatEarlier, { count: hidden })}
            </button>`
          : nothing}
        ${repeat(
          visibleRows,
          (row) => (row.kind === 'message' ? `m:${row.entry.from}:${row.entry.id}` : `f:${row.transfer.id}`),
          (row) => (row.kind === 'message' ? this.renderMessage(row.entry, lang, t) : this.renderTransfer(row.transfer, lang, t)),
        )}
      </div>
      ${this.showPill
        ? html`<button type="button" part="button new-messages" class="pill" @click=${this.scrollToNewest}>
            ${format(t.chatNewMessages, { count: chat?.unread ?? 0 })}
          </button>`
        : nothing}
      <div part="typing" class="typing" aria-live="polite">${chat?.remoteTyping ? formatPerson(t, t.chatTyping, remoteName) : ''}</div>
      ${this.notice
        ? html`<div part="notice" class="notice" role="alert">
            <span>${errorText(t, this.notice)}</span>
            <button type="button" part="button dismiss-button" class="link-button" aria-label=${t.dismiss} @click=${this.dismissNotice}>${icons.close}</button>
          </div>`
        : elsewhere
          ? html`<div part="notice" class="notice info" role="status">${t.chatElsewhere}</div>`
          : chat?.waiting
            ? html`<div part="notice" class="notice info">${offline ? t.chatServerOffline : t.chatOffline}</div>`
            : nothing}
      <form part="composer" class="composer" @submit=${(e: Event) => (e.preventDefault(), this.submit())}>
        <button
          type="button"
          part="button attach-button"
          class="icon-button"
          aria-label=${t.chatAttach}
          title=${t.chatAttach}
          ?disabled=${!canWrite}
          @click=${() => this.fileInput?.click()}
        >
          ${icons.paperclip}
        </button>
        <input
          type="file"
          multiple
          hidden
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            this.sendFiles([...(input.files ?? [])]);
            input.value = '';
          }}
        />
        <label class="field">
          <span class="visually-hidden">${t.chatMessage}</span>
          <textarea
            part="input"
            rows="1"
            placeholder=${t.chatPlaceholder}
            .value=${this.draft}
            ?disabled=${!canWrite}
            aria-invalid=${this.draft.length > LIMITS.maxTextLength ? 'true' : 'false'}
            @input=${this.onInput}
            @keydown=${this.onKeyDown}
            @paste=${this.onPaste}
            @blur=${() => this.chatController.chat?.setLocalTyping(false)}
          ></textarea>
        </label>
        ${counter
          ? html`<span part="counter" class="counter ${this.draft.length > LIMITS.maxTextLength ? 'over' : ''}" aria-hidden="true"
              >${LIMITS.maxTextLength - this.draft.length}</span
            >`
          : nothing}
        <span class="visually-hidden" aria-live="polite">${this.counterSaid}</span>
        <button type="submit" part="button send-button" class="icon-button send" aria-label=${t.chatSend} title=${t.chatSend} ?disabled=${!this.draft.trim()}>
          ${icons.send}
        </button>
      </form>
      ${this.dragging ? html`<div part="drop-zone" class="drop-zone">${t.chatDrop}</div>` : nothing}
    </div>`;
  }
}

defineElement('rtc-chat', RtcChat);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-chat': RtcChat;
  }
}
