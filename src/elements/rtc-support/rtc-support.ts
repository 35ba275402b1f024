import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { defineElement } from '../../define.js';
import type { RtcEvent } from '../../events.js';
import { launcherLabelFor } from '../../i18n/launcher-label.js';
import { styles } from './rtc-support.styles.js';
import { supportStore } from './support-store.js';

/** The panel's parts, styled as `rtc-support::part(…)` (they live in the panel's own shadow root). */
const PANEL_PARTS = 'header, availability, close-button, call-buttons, video-call-button, voice-call-button, greeting, name-form, offline-note';

/**
 * Everything in this module is in the script tag's first download, so it imports only Lit and
 * a few lines of its own: the panel (chat, call, PeerJS) loads on first interaction.
 */
const loadPanel = () => import('./support-panel.js');

type PanelModule = Pick<typeof import('./support-panel.js'), 'launcherDefaultLabel' | 'launcherUnreadLabel' | 'launcherInCallLabel' | 'followLanguage'>;

/**
 * Browsers remember a module that failed to load and fail every later import of the same URL, so
 * trying again means asking for the failed URL with a query added. Chromium and Firefox name it in
 * the error ("Failed to fetch dynamically imported module: <url>"); otherwise import as before.
 * Imported by URL, the bundle's export names are its minified ones: the module also puts what the
 * launcher needs under a global symbol (PANEL_API in support-panel.ts), read here.
 */
async function reloadPanel(failure: unknown): Promise<PanelModule> {
  const url = /\bhttps?:\/\/\S+\.js\b/.exec(String(failure))?.[0];
  try {
    if (!url) return await loadPanel();
    await import(/* @vite-ignore */ `${url}?retry=${Date.now()}`);
  } catch (error) {
    // Still failing: maybe a release replaced the build since this page loaded, and this build's
    // chunk is gone for good. The current build's full bundle (revalidated on every load) names its own.
    if (!currentBuild) throw error;
    await currentBuild();
  }
  return (globalThis as Record<symbol, unknown>)[Symbol.for('rtc-elements.support-panel')] as PanelModule;
}

/** Loads the server's current build (see setCurrentBuildLoader); null where there is none (npm builds). */
let currentBuild: (() => Promise<unknown>) | null = null;

/** The script-tag entry says how to load the server's current build, for a page older than a release. */
export function setCurrentBuildLoader(load: () => Promise<unknown>): void {
  currentBuild = load;
}

const chatIcon = html`<svg viewBox="0 0 24 24" width="26" height="26" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>`;
const retryIcon = html`<svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M21 12a9 9 0 1 1-3-6.7L21 8"/><path d="M21 3v5h-5"/></svg>`;
const closeIcon = html`<svg viewBox="0 0 24 24" width="26" height="26" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true" focusable="false"><path d="M18 6L6 18M6 6l12 12"/></svg>`;

/**
 * A floating support button for any site: chat and a video or voice call with an agent who
 * answers from `<rtc-inbox>`. Two lines of HTML; the chat and call load on first interaction.
 *
 * @tagname rtc-support
 * @summary Floating support launcher with chat and calls to an agent.
 *
 * @fires {RtcEvent<'rtc-open'>} rtc-open - The panel opened.
 * @fires {RtcEvent<'rtc-close'>} rtc-close - The panel closed.
 * @fires {RtcEvent<'rtc-message'>} rtc-message - Bubbles from the chat inside.
 * @fires {RtcEvent<'rtc-unread'>} rtc-unread - Bubbles from the chat inside.
 * @fires {RtcEvent<'rtc-error'>} rtc-error - Bubbles from the chat or call inside.
 *
 * @csspart launcher - The round floating button.
 * @csspart badge - The unread count on the launcher.
 * @csspart panel - The panel (header, chat, call).
 * @csspart header - The panel header.
 * @csspart availability - The agent's availability line.
 * @csspart close-button - Closes the panel.
 * @csspart call-buttons - The video / voice call buttons.
 * @csspart greeting - The greeting, above the chat.
 * @csspart retry-button - Tries again to load the panel when its code failed to load.
 * @csspart name-form - The pre-chat name step (`ask-name`).
 * @csspart offline-note - Shown while no agent is reachable.
 * @csspart video-call-button - Starts a video call with the agent.
 * @csspart voice-call-button - Starts a voice call with the agent.
 *
 * @cssproperty [--rtc-accent=#2563eb] - Launcher and primary colour.
 * @cssproperty [--rtc-accent-text=#ffffff] - Text on the primary colour.
 * @cssproperty [--rtc-support-offset=20px] - Distance from the viewport corner.
 * @cssproperty [--rtc-support-z-index=2147483000] - Stacking level above the host page.
 * @cssproperty [--rtc-radius=12px] - Corner radius.
 * @cssproperty [--rtc-danger=#dc2626] - The unread badge.
 * @cssproperty [--rtc-focus-ring=#1d4ed8] - Keyboard focus outline.
 * @cssproperty [--rtc-font-family=system-ui] - Font.
 * @cssproperty [--rtc-background=#ffffff] - Background of the panel (and of its chat).
 * @cssproperty [--rtc-text=#111827] - Text on that background.
 * @cssproperty [--rtc-muted-text=#4b5563] - Secondary text.
 * @cssproperty [--rtc-border=#e5e7eb] - Dividers and the name field's outline.
 * @cssproperty [--rtc-subtle-background=#f3f4f6] - Notes; remote bubbles in the chat.
 * @cssproperty [--rtc-warning-background=#fef3c7] - The "agent is offline" note.
 * @cssproperty [--rtc-warning-text=#78350f] - Text of that note.
 */
export class RtcSupport extends LitElement {
  static override styles = styles;

  /** The agent's peer id (the `peer-id` of their `<rtc-inbox>`). */
  @property() agent = '';
  /** Whether the panel is open (reflected). */
  @property({ type: Boolean, reflect: true }) open = false;
  /** `bottom-right` (default) or `bottom-left`. */
  @property({ reflect: true }) position: 'bottom-right' | 'bottom-left' = 'bottom-right';
  /** Accessible name and tooltip of the launcher. Default: "Chat with us" in the page's language. */
  @property() label: string | null = null;
  /** Panel heading. Default: "Support" in the page's language. (`title` is read as this too; see attributeChangedCallback.) */
  @property() heading: string | null = null;
  /** First line shown to a visitor before any message; `greeting=""` shows none. Default: "Hi! How can we help?" in the page's language. */
  @property() greeting: string | null = null;

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'title'];
  }

  /**
   * `title` was the heading's first name. As an attribute it would also be the native tooltip over the
   * whole panel, so it is taken as `heading` and removed from the element.
   */
  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name !== 'title') return super.attributeChangedCallback(name, old, value);
    if (value === null) return;
    this.heading = value;
    this.removeAttribute('title');
  }
  /** Ask the visitor's name before the first message. */
  @property({ type: Boolean, attribute: 'ask-name' }) askName = false;
  /** URL of the PeerServer mount. Default: the origin that served the script, path `/peerjs`. */
  @property() server: string | null = null;
  /** JSON array of RTCIceServer. Default: what the server's `/rtc-config` returns. */
  @property({ attribute: 'ice-servers' }) iceServers: string | null = null;

  @state() private unread = 0;
  @state() private panelReady = false;
  /** The panel's code did not arrive (network, or a page older than a deploy): the open panel offers to try again. */
  @state() private loadFailed = false;
  /** A call is on (ringing, connecting, connected): with the panel closed, the launcher says so. */
  @state() private inCall = false;
  private lastFailure: unknown = undefined;

  private loading: Promise<unknown> | null = null;
  /** The loaded panel module: its string tables name the unread count in the page's language. */
  @state() private panel: PanelModule | null = null;

  /** Opens the panel (loads chat and call on first use). */
  show(): void {
    this.open = true;
  }

  hide(): void {
    this.open = false;
  }

  toggle(): void {
    this.open = !this.open;
  }

  /** Forgets this visitor here: id, name, transcript, open state (for shared computers). */
  reset(): void {
    // Stop the panel's chats from saving again as they close, then forget what is stored.
    this.renderRoot.querySelector('rtc-support-panel')?.forget();
    supportStore(this.agent).clear();
    this.open = false;
    this.unread = 0;
    // Its call ends with the panel, which will not say so any more.
    this.inCall = false;
    // Dropping the panel releases its session; the next open starts a new visitor.
    this.panelReady = false;
    void this.updateComplete.then(() => (this.panelReady = !!this.loading));
  }

  /** Loads the panel module; on hover or focus too, so a click finds it ready. */
  private prefetch(): Promise<unknown> {
    if (!this.loading) this.loadFailed = false;
    this.loading ??= (this.lastFailure === undefined ? loadPanel() : reloadPanel(this.lastFailure)).then(
      (panel) => {
        // From now on the launcher's label follows the page's language, as the panel does.
        if (!this.panel) panel.followLanguage(this);
        this.langWatch?.disconnect();
        this.langWatch = null;
        this.panel = panel;
        this.panelReady = true;
      },
      (error: unknown) => {
        this.loading = null;
        this.loadFailed = true;
        this.lastFailure = error;
        this.dispatchEvent(
          new CustomEvent('rtc-error', {
            bubbles: true,
            composed: true,
            detail: { code: 'connection-failed', message: `The support chat could not be loaded: ${String(error)}` },
          }),
        );
      },
    );
    return this.loading;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const store = supportStore(this.agent);
    this.unread = store.unread;
    if (store.open) this.open = true;
    // A visitor with a conversation gets live replies (and the badge) without clicking again.
    else if (store.visitorId) (window.requestIdleCallback ?? setTimeout)(() => void this.prefetch());
    window.addEventListener('storage', this.onStorage);
    this.addEventListener('rtc-unread', this.onUnread);
    this.addEventListener('keydown', this.onKeyDown);
    this.addEventListener('rtc-incoming', this.onIncoming);
    // Until the panel's language controller takes over: the launcher's name follows a `lang` set on
    // <html> or on the element (a site switching language before anyone hovered the launcher).
    if (!this.panel) {
      this.langWatch = new MutationObserver(() => this.requestUpdate());
      for (const target of [document.documentElement, this]) this.langWatch.observe(target, { attributeFilter: ['lang'] });
    }
  }

  private langWatch: MutationObserver | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.langWatch?.disconnect();
    this.langWatch = null;
    window.removeEventListener('storage', this.onStorage);
    this.removeEventListener('rtc-unread', this.onUnread);
    this.removeEventListener('keydown', this.onKeyDown);
    this.removeEventListener('rtc-incoming', this.onIncoming);
  }

  /** The agent offers a call: show it (the visitor still decides; nothing starts until they answer). */
  private onIncoming = () => this.show();

  /** Escape closes the panel and puts focus back on the launcher, like any dialog. */
  private onKeyDown = (event: KeyboardEvent) => {
    // An Escape that cancels an input method's composition, or that a control inside used, is not for us.
    if (event.key !== 'Escape' || !this.open || event.isComposing || event.defaultPrevented) return;
    void this.close();
  };

  /**
   * Closes from inside the panel (its close button, Escape): focus goes back to the launcher, once
   * it is rendered again (narrow screens hide it while the panel covers the page).
   */
  private async close(): Promise<void> {
    this.hide();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.launcher')?.focus();
  }

  /** The launcher opens the panel with focus where the visitor acts first; it closes it in place. */
  private async onLauncherClick(): Promise<void> {
    this.toggle();
    if (this.open) await this.focusPanelWhenLoaded();
  }

  /**
   * Loads the panel if needed, then focuses where the visitor acts first in it (after the launcher
   * opened it, or the try-again button, which goes away with the spinner, loaded it).
   */
  private async focusPanelWhenLoaded(): Promise<void> {
    await this.prefetch();
    await this.updateComplete;
    // Only if the visitor has not moved on meanwhile (closed it again, focused something else).
    const active = document.activeElement;
    if (this.open && (active === this || active === document.body || !active)) await this.renderRoot.querySelector('rtc-support-panel')?.focusStart();
  }

  /** Another tab of the site read or received messages: one badge count everywhere. */
  private onStorage = (event: StorageEvent) => {
    if (!event.key?.startsWith(`rtc-support:${this.agent}:`)) return;
    const store = supportStore(this.agent);
    this.unread = store.unread;
    // Opening or closing the panel in one tab does the same in the others.
    if (event.key.endsWith(':open')) this.open = store.open;
  };

  private onUnread = (event: Event) => {
    const count = (event as CustomEvent<{ count: number }>).detail.count;
    this.unread = count;
    supportStore(this.agent).unread = count;
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) void this.prefetch();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open') || changed.get('open') === undefined) return;
    supportStore(this.agent).open = this.open;
    // Not RtcEvent: events.ts stays out of the first download. Two literal names, so the manifest lists both.
    const init = { bubbles: true, composed: true, detail: {} };
    this.dispatchEvent(this.open ? new CustomEvent('rtc-open', init) : new CustomEvent('rtc-close', init));
  }

  /**
   * The site's `label`, else the default in the page's language: from the string tables once the panel
   * module has loaded (they follow `lang` and registered translations), before that the built-in one.
   */
  private get siteLabel(): string {
    if (this.label) return this.label;
    return this.panel?.launcherDefaultLabel(this) ?? launcherLabelFor(this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang);
  }

  /** English until the panel module (and with it the string tables) has loaded, a moment at most. */
  private unreadLabel(): string {
    return this.panel?.launcherUnreadLabel(this, this.siteLabel, this.unread) ?? `${this.siteLabel} (${this.unread} unread)`;
  }

  /** The launcher's name: its label, plus the call behind the closed panel or the unread count. */
  private launcherLabel(): string {
    if (this.inCall && !this.open && this.panel) return this.panel.launcherInCallLabel(this, this.siteLabel);
    return this.unread > 0 && !this.open ? this.unreadLabel() : this.siteLabel;
  }

  protected override render(): TemplateResult {
    const badge = this.unread > 0 && !this.open;
    return html`
      ${this.panelReady
        ? html`<rtc-support-panel
            part="panel"
            exportparts=${PANEL_PARTS}
            class="panel"
            ?hidden=${!this.open}
            .agent=${this.agent}
            .heading=${this.heading}
            .greeting=${this.greeting}
            .askName=${this.askName}
            .server=${this.server}
            .iceServers=${this.iceServers}
            .active=${this.open}
            @rtc-support-close=${() => void this.close()}
            @rtc-state=${(event: RtcEvent<'rtc-state'>) => (this.inCall = event.detail.state !== 'idle' && event.detail.state !== 'offline')}
          ></rtc-support-panel>`
        : this.open
          ? // No other text here: the string tables come with the panel. The launcher's label names it.
            this.loadFailed
            ? // Still no other text: the button does what the launcher does, so it takes the launcher's label.
              html`<div part="panel" class="panel loading" role="status" aria-label=${this.siteLabel}>
                <button type="button" part="retry-button" class="retry" aria-label=${this.siteLabel} title=${this.siteLabel} @click=${() => void this.focusPanelWhenLoaded()}>
                  ${retryIcon}
                </button>
              </div>`
            : html`<div part="panel" class="panel loading" role="status" aria-busy="true" aria-label=${this.siteLabel}><span class="spinner"></span></div>`
          : nothing}
      <button
        type="button"
        part="launcher"
        class="launcher ${this.inCall && !this.open ? 'in-call' : ''}"
        aria-label=${this.launcherLabel()}
        title=${this.siteLabel}
        aria-expanded=${String(this.open)}
        @click=${() => void this.onLauncherClick()}
        @pointerenter=${() => void this.prefetch()}
        @focus=${() => void this.prefetch()}
      >
        ${this.open ? closeIcon : chatIcon}
        ${badge ? html`<span part="badge" class="badge" aria-hidden="true">${this.unread > 99 ? '99+' : this.unread}</span>` : nothing}
      </button>
    `;
  }
}

defineElement('rtc-support', RtcSupport);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-support': RtcSupport;
  }
}
