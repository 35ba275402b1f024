import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { SessionController } from '../controllers/session-controller.js';
import type { Strings } from '../i18n/en.js';
import { LanguageController } from '../i18n/language.js';
import { stringsOf } from '../i18n/localize.js';
import { dispatchRtc } from '../events.js';
import type { Call, CallEvents } from '../session/call.js';
import type { RtcError } from '../session/errors.js';
import type { SessionEvents, SessionStatus } from '../session/rtc-session.js';

/**
 * What every rtc-* element shares: the common attributes (`server`, `peer-id`, `name`,
 * `ice-servers`), the binding to the shared RtcSession, and `rtc-ready`. Subclasses override
 * the `on*` hooks they care about.
 */
export class RtcSessionElement extends LitElement {
  /** Elements that can show and answer calls set this (see RtcSession.callViews). */
  static showsCalls = false;

  /** URL of the PeerServer mount, e.g. `https://support.example.com/peerjs`. Default: the origin that served the script, path `/peerjs`. */
  @property() server: string | null = null;
  /** This element's own id on the broker. Default: a random id kept for the tab. */
  @property({ attribute: 'peer-id' }) peerId: string | null = null;
  /** Display name sent to the remote side. */
  @property() name: string | null = null;
  /** JSON array of RTCIceServer. Default: what the server's `/rtc-config` returns, else none. */
  @property({ attribute: 'ice-servers' }) iceServers: string | null = null;
  /** The secret for `peer-id` on a server that reserves it (`--reserved-ids`), e.g. an agent console's. */
  @property({ attribute: 'peer-secret' }) peerSecret: string | null = null;

  /** Follows `lang` changes on the page (the element's own, an ancestor's, `<html>`'s). */
  protected readonly language = new LanguageController(this);

  /** The element's texts in its language. Resolves the language each time: read it once per render. */
  protected get t(): Strings {
    return stringsOf(this);
  }

  protected readonly session = new SessionController(
    this,
    () => ({ server: this.server, peerId: this.peerId, iceServers: this.iceServers, name: this.name, secret: this.peerSecret }),
    {
      status: (status) => this.onSessionStatus(status),
      error: (error) => this.onError(error),
      call: (call) => this.onCall(call),
      // A call's trouble is for the elements that show calls: a chat beside it has nothing to say about it.
      callError: (_call, error) => (this.constructor as typeof RtcSessionElement).showsCalls && this.onError(error),
      callEnded: (call, detail) => this.onCallEnded(call, detail),
      message: (detail) => this.onSessionMessage(detail),
    },
    (this.constructor as typeof RtcSessionElement).showsCalls,
  );

  /** The own peer id in use (the attribute, or the generated one). */
  get ownId(): string | null {
    return this.session.session?.peerId ?? null;
  }

  protected onSessionStatus(status: SessionStatus): void {
    if (status === 'online' && this.session.session) dispatchRtc(this, 'rtc-ready', { peerId: this.session.session.peerId });
  }

  /** Shows and reports an error; subclasses show it in their own way and call super. */
  protected onError(error: RtcError): void {
    dispatchRtc(this, 'rtc-error', { code: error.code, message: error.message });
  }

  protected onCall(_call: Call): void {}

  protected onSessionMessage(_detail: SessionEvents['message']): void {}

  protected onCallEnded(_call: Call, _detail: CallEvents['ended']): void {}

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('peerId') || changed.has('iceServers') || changed.has('name') || changed.has('peerSecret')) {
      this.session.configChanged();
    }
  }
}
