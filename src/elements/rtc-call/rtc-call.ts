import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { TickController } from '../../controllers/tick-controller.js';
import { defineElement } from '../../define.js';
import { dispatchRtc, type CallElementState } from '../../events.js';
import type { Strings } from '../../i18n/en.js';
import { clearsWhenOnline, errorText } from '../../i18n/error-text.js';
import { elementLanguage } from '../../i18n/language.js';
import { format, formatPerson } from '../../i18n/localize.js';
import { formatDecimal } from '../../i18n/numbers.js';
import type { Call } from '../../session/call.js';
import type { CallEndReason } from '../../session/call-machine.js';
import { isScreenShareCancel, RtcError } from '../../session/errors.js';
import type { SessionStatus } from '../../session/rtc-session.js';
import { listDevices, type DeviceLists } from '../../session/media.js';
import { icons } from '../icons.js';
import { RtcSessionElement } from '../session-element.js';
import { styles } from './rtc-call.styles.js';
import { SelfViewGate } from './self-view-gate.js';

const END_TEXT: Record<CallEndReason, keyof Strings> = {
  hangup: 'endedHangup',
  'remote-hangup': 'endedRemoteHangup',
  declined: 'endedDeclined',
  busy: 'endedBusy',
  cancelled: 'endedCancelled',
  timeout: 'endedTimeout',
  unavailable: 'endedUnavailable',
  'connection-lost': 'endedConnectionLost',
  error: 'endedError',
};

/**
 * What ended the call, said from this side: a call is declined by its callee and cancelled by its
 * caller, so the one who did it reads "Call declined", not "{name} declined the call".
 */
function endTextKey(reason: CallEndReason, direction: 'incoming' | 'outgoing'): keyof Strings {
  if (reason === 'declined' && direction === 'incoming') return 'endedDeclinedByYou';
  if (reason === 'cancelled' && direction === 'outgoing') return 'endedCancelledByYou';
  return END_TEXT[reason];
}

function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/**
 * A peer-to-peer video or voice call with another peer, over a self-hosted PeerJS broker.
 *
 * @tagname rtc-call
 * @summary Video and voice calls: local preview, remote video, call controls, device selection.
 *
 * @attr {'offline'|'idle'|'calling'|'ringing'|'connecting'|'connected'} state - Read-only, reflected: where the call is.
 *
 * @fires {RtcEvent<'rtc-ready'>} rtc-ready - Connected to the broker; `detail: { peerId }`.
 * @fires {RtcEvent<'rtc-incoming'>} rtc-incoming - A call rings; `detail: { from, name, video }`.
 * @fires {RtcEvent<'rtc-connected'>} rtc-connected - Media flows both ways; `detail: { remoteId }`.
 * @fires {RtcEvent<'rtc-ended'>} rtc-ended - The call ended; `detail: { reason, durationMs }`.
 * @fires {RtcEvent<'rtc-state'>} rtc-state - `state` changed; `detail: { state }`.
 * @fires {RtcEvent<'rtc-error'>} rtc-error - Something failed; `detail: { code, message }` (codes in the README).
 *
 * @csspart base - The whole call surface.
 * @csspart stage - The video area.
 * @csspart remote-tile - The remote participant's tile.
 * @csspart remote-video - The remote `<video>` (also plays remote audio); `visibility: hidden` while it has no picture to show.
 * @csspart remote-status - Icons for the remote's microphone, camera and screen share.
 * @csspart local-tile - The local preview tile.
 * @csspart local-video - The local preview `<video>` (mirrored unless sharing the screen).
 * @csspart avatar - The initial shown when there is no video.
 * @csspart status - The status line.
 * @csspart timer - The call duration.
 * @csspart quality - The connection-quality indicator.
 * @csspart error - The error banner.
 * @csspart dismiss-button - Closes the error banner.
 * @csspart controls - The control bar.
 * @csspart button - Every button.
 * @csspart call-button - Video call button.
 * @csspart voice-call-button - Voice call button.
 * @csspart answer-button - Answer button.
 * @csspart decline-button - Decline button.
 * @csspart cancel-button - Cancel (while calling) button.
 * @csspart hangup-button - Hang-up button.
 * @csspart mic-button - Microphone toggle.
 * @csspart camera-button - Camera toggle.
 * @csspart screen-button - Screen-share toggle.
 * @csspart devices-button - Opens device selection.
 * @csspart devices - The device selection panel.
 * @csspart remote-id-input - The "id to call" field (shown when no `remote-id` is set).
 * @csspart own-id - This peer's id, shown while idle.
 *
 * @cssproperty [--rtc-accent=#2563eb] - Primary button colour.
 * @cssproperty [--rtc-accent-text=#ffffff] - Text on the primary colour.
 * @cssproperty [--rtc-danger=#dc2626] - Hang-up and decline colour.
 * @cssproperty [--rtc-success=#15803d] - Answer colour.
 * @cssproperty [--rtc-surface=#111827] - Background of the call surface.
 * @cssproperty [--rtc-surface-text=#f9fafb] - Text on the surface.
 * @cssproperty [--rtc-muted-text=#9ca3af] - Secondary text.
 * @cssproperty [--rtc-control-background=rgba(255,255,255,.14)] - Background of round controls.
 * @cssproperty [--rtc-radius=12px] - Corner radius.
 * @cssproperty [--rtc-font-family=system-ui] - Font.
 * @cssproperty [--rtc-focus-ring=#93c5fd] - Keyboard focus outline.
 */
export class RtcCall extends RtcSessionElement {
  static override styles = styles;
  static override showsCalls = true;

  /** The id to call; when absent the element shows a field to type it. */
  @property({ attribute: 'remote-id' }) remoteId: string | null = null;
  /** Calls and answers without video. */
  @property({ type: Boolean, attribute: 'audio-only' }) audioOnly = false;
  /** Answers incoming calls without asking (off by default: devices never start without consent). */
  @property({ type: Boolean, attribute: 'auto-answer' }) autoAnswer = false;

  /** The error on show: its text is made at render, so it follows `lang`; `key` for the element's own texts. */
  @state() private shownError: { error: RtcError; key?: 'errorCallSelf' } | null = null;
  @state() private ended: { reason: CallEndReason; direction: 'incoming' | 'outgoing'; name: string } | null = null;
  @state() private devicesOpen = false;
  @state() private devices: DeviceLists | null = null;
  @state() private speakerId = '';
  @state() private typedRemoteId = '';

  @query('video.remote') private remoteVideo?: HTMLVideoElement;
  @query('video.local') private localVideo?: HTMLVideoElement;

  private currentState: CallElementState = 'offline';
  private reportedState: CallElementState | null = null;
  private tick = new TickController(this);

  /** Where the call is: `offline | idle | calling | ringing | connecting | connected`. Read-only. */
  get state(): CallElementState {
    return this.computeState();
  }

  /** The id of the peer in the current call (calling, ringing or connected), else null. */
  get remotePeer(): string | null {
    return this.session.call?.remoteId ?? null;
  }

  /** The current call's session objects, for hosts that need the raw MediaStreams. */
  get localStream(): MediaStream | null {
    return this.session.call?.localStream ?? null;
  }

  get remoteStream(): MediaStream | null {
    return this.session.call?.remoteStream ?? null;
  }

  /** The remote side's microphone / camera / screen state, as it reports it. */
  get remoteMedia(): { mic: boolean; camera: boolean; screen: boolean } | null {
    const call = this.session.call;
    return call ? { ...call.remote } : null;
  }

  /** This side's microphone / camera / screen state. */
  get localMedia(): { mic: boolean; camera: boolean; screen: boolean } | null {
    const call = this.session.call;
    return call ? { ...call.local } : null;
  }

  /** Calls `remoteId` (or the `remote-id` attribute, or the typed id). */
  call(remoteId?: string, options: { audioOnly?: boolean } = {}): void {
    const session = this.session.session;
    const target = (remoteId ?? this.remoteId ?? this.typedRemoteId).trim();
    if (!target) {
      this.showError(new RtcError('no-remote-id', this.t.errorNoRemoteId));
      return;
    }
    if (!session || session.status !== 'online') {
      this.showError(new RtcError('broker-unreachable', this.t.errorBrokerUnreachable));
      return;
    }
    if (target === session.peerId) {
      this.showError(new RtcError('invalid-id', 'You cannot call yourself.'), 'errorCallSelf');
      return;
    }
    try {
      session.dial(target, !(options.audioOnly ?? this.audioOnly));
    } catch (error) {
      this.showError(error instanceof RtcError ? error : new RtcError('connection-failed', String(error)));
    }
  }

  /** Puts keyboard focus on the first control that can be used now (Answer while ringing, Cancel while calling…). */
  override focus(options?: FocusOptions): void {
    const controls = this.renderRoot.querySelectorAll<HTMLElement>('.controls :is(input, button):not([disabled])');
    // A host may hide some (a console shows only how a call ended): the status then, which says it.
    const control = [...controls].find((c) => c.checkVisibility?.() ?? true) ?? this.renderRoot.querySelector<HTMLElement>('[part~="status"]');
    control?.focus(options);
  }

  private async dismissError(): Promise<void> {
    this.shownError = null;
    // The button goes with the banner: the focus goes to what can be done now.
    await this.updateComplete;
    this.focus();
  }

  /** Answers the ringing call; the camera and microphone start now. */
  answer(options: { audioOnly?: boolean } = {}): void {
    const call = this.session.call;
    if (call?.phase !== 'ringing') return;
    void call.answer({ video: !(options.audioOnly ?? this.audioOnly) });
  }

  /** Declines the ringing call. */
  decline(): void {
    const call = this.session.call;
    if (call?.phase === 'ringing') call.hangup();
  }

  /** Ends the call in any phase (cancels while calling, declines while ringing). */
  hangup(): void {
    this.session.call?.hangup();
  }

  toggleMicrophone(on?: boolean): void {
    this.session.call?.toggleMicrophone(on);
  }

  toggleCamera(on?: boolean): Promise<void> {
    return this.session.call?.toggleCamera(on) ?? Promise.resolve();
  }

  toggleScreenShare(): Promise<void> {
    return this.session.call?.toggleScreenShare() ?? Promise.resolve();
  }

  protected override onCallEnded(call: Call, detail: { reason: CallEndReason; durationMs: number }): void {
    this.ended = { reason: detail.reason, direction: call.direction, name: this.remoteLabel(call) };
    dispatchRtc(this, 'rtc-ended', detail);
  }

  protected override onCall(call: Call): void {
    this.ended = null;
    this.shownError = null;
    if (call.direction !== 'incoming') return;
    // It may be answered before any render shows it ringing (auto-answer, or a host's rtc-incoming
    // listener): the self-view gate must still see it ring.
    this.selfViewGate.allows(call, this.remoteVideo);
    dispatchRtc(this, 'rtc-incoming', { from: call.remoteId, name: call.remoteName, video: call.video });
    if (this.autoAnswer) this.answer();
  }

  protected override onError(error: RtcError): void {
    this.showError(error);
  }

  private showError(error: RtcError, key?: 'errorCallSelf'): void {
    if (errorText(this.t, error) !== null && !isScreenShareCancel(error)) this.shownError = { error, key };
    super.onError(error);
  }

  protected override onSessionStatus(status: SessionStatus): void {
    // "Cannot reach the server" must not stay up once it is reached again.
    if (status === 'online' && this.shownError && clearsWhenOnline(this.shownError.error)) this.shownError = null;
    super.onSessionStatus(status);
  }

  /** Who the call is with, as far as we know; '' when not at all (the text then says "someone"). */
  private remoteLabel(call: Call): string {
    return call.remoteName || call.remoteId;
  }

  private computeState(): CallElementState {
    const call = this.session.call;
    if (call && !call.ended) return call.phase as CallElementState;
    return this.session.session?.status === 'online' ? 'idle' : 'offline';
  }

  /** Whether keyboard focus was on a control when this update began (see updated()). */
  private focusInControls = false;

  /** The answering side shows its self-view once the caller's picture does (see SelfViewGate). */
  private readonly selfViewGate = new SelfViewGate(() => this.requestUpdate());
  /** What the gate said for this update: whether the self-view shows. */
  private selfViewAllowed = true;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.focusInControls = !!this.shadowRoot?.activeElement?.closest('.controls');
    this.currentState = this.computeState();
    this.selfViewAllowed = this.selfViewGate.allows(this.session.call, this.remoteVideo);
    this.tick.running = this.currentState === 'connected';
    if (this.currentState !== 'idle' && this.currentState !== 'offline' && this.devicesOpen && !this.session.call) this.devicesOpen = false;
    this.followDevices(this.devicesOpen && this.isConnected);
  }

  protected override updated(): void {
    const call = this.session.call;
    this.bindStream(this.localVideo, (this.selfViewAllowed && call?.localStream) || null);
    // While it rings the player is set up on the stream to be, muted and invisible (the `waiting`
    // class), so that the answer only has to let it show and play (Call.preparedRemoteStream).
    const remote = call?.remoteStream ?? call?.preparedRemoteStream ?? null;
    if (this.remoteVideo) this.remoteVideo.muted = !!remote && !call?.remoteStream;
    this.bindStream(this.remoteVideo, remote);
    if (this.remoteVideo && this.speakerId && 'setSinkId' in this.remoteVideo) {
      const video = this.remoteVideo as HTMLVideoElement & { sinkId: string; setSinkId(id: string): Promise<void> };
      if (video.sinkId !== this.speakerId) video.setSinkId(this.speakerId).catch(() => {});
    }
    const stateNow = this.currentState;
    if (stateNow !== this.reportedState) {
      const previous = this.reportedState;
      this.reportedState = stateNow;
      this.setAttribute('state', stateNow);
      dispatchRtc(this, 'rtc-state', { state: stateNow });
      if (stateNow === 'connected' && previous !== 'connected' && call) dispatchRtc(this, 'rtc-connected', { remoteId: call.remoteId });
    }
    this.keepFocus();
  }

  /**
   * Each state has its own controls: the one just pressed (Call, Answer, Cancel, Hang up) is gone.
   * Focus goes to the first control of the new state rather than falling to the page. Run once the
   * state attribute is set, since a host may style controls by it (see focus()).
   */
  private keepFocus(): void {
    if (this.focusInControls && !this.shadowRoot!.activeElement) this.focus();
  }

  private bindStream(video: HTMLVideoElement | undefined, stream: MediaStream | null): void {
    if (!video) return;
    if (video.srcObject !== stream) video.srcObject = stream;
    // The same stream object gains tracks (one `stream` event per track); make sure it plays.
    if (stream && video.paused) video.play().catch(() => {});
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.followDevices(false);
    this.selfViewGate.stop();
    for (const video of [this.localVideo, this.remoteVideo]) if (video) video.srcObject = null;
  }

  private async toggleDevices(): Promise<void> {
    this.devicesOpen = !this.devicesOpen;
    if (this.devicesOpen) this.devices = await listDevices();
  }

  /** A headset plugged in while the list is open shows up in it (the browser says devicechange). */
  private followDevices(on: boolean): void {
    if (on) navigator.mediaDevices?.addEventListener('devicechange', this.onDeviceChange);
    else navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
  }

  private onDeviceChange = async () => {
    if (this.devicesOpen) this.devices = await listDevices();
  };

  private chooseDevice(kind: 'audioinput' | 'videoinput' | 'audiooutput', event: Event): void {
    const deviceId = (event.target as HTMLSelectElement).value;
    if (kind === 'audiooutput') {
      this.speakerId = deviceId;
      return;
    }
    const session = this.session.session;
    if (!session) return;
    const call = this.session.call;
    if (call) void call.useDevice(kind, deviceId);
    else session.devices[kind] = deviceId;
  }

  private statusText(state: CallElementState, call: Call | null): string {
    const t = this.t;
    const name = call ? this.remoteLabel(call) : '';
    switch (state) {
      case 'offline': {
        // Failed (the id is not accepted, or another tab holds it) is not "connecting": say why.
        const session = this.session.session;
        const why = session ? (session.status === 'failed' ? session.lastError : null) : this.session.bindError;
        return (why && errorText(t, why)) || t.stateOffline;
      }
      case 'idle':
        return this.ended ? formatPerson(t, t[endTextKey(this.ended.reason, this.ended.direction)], this.ended.name) : t.stateIdle;
      case 'calling':
        return formatPerson(t, t.stateCalling, name);
      case 'ringing':
        return formatPerson(t, call?.video ? t.stateRinging : t.stateRingingVoice, name);
      case 'connecting':
        return t.stateConnecting;
      case 'connected':
        return formatPerson(t, t.stateConnected, name);
    }
  }

  private button(part: string, label: string, content: TemplateResult, onClick: () => void, extra: { pressed?: boolean; kind?: string; disabled?: boolean; text?: boolean } = {}) {
    return html`<button
      type="button"
      part="button ${part}"
      class="control ${extra.kind ?? ''} ${extra.text ? 'with-text' : ''}"
      aria-label=${label}
      title=${label}
      aria-pressed=${extra.pressed === undefined ? nothing : String(extra.pressed)}
      ?disabled=${extra.disabled ?? false}
      @click=${onClick}
    >
      ${content}${extra.text ? html`<span>${label}</span>` : nothing}
    </button>`;
  }

  private renderControls(state: CallElementState, call: Call | null) {
    const t = this.t;
    switch (state) {
      case 'offline':
        return nothing;
      case 'idle':
        return html`
          ${this.remoteId
            ? nothing
            : html`<label class="remote-id">
                <span class="visually-hidden">${t.remoteIdLabel}</span>
                <input
                  part="remote-id-input"
                  placeholder=${t.remoteIdLabel}
                  autocomplete="off"
                  spellcheck="false"
                  .value=${this.typedRemoteId}
                  @input=${(e: Event) => (this.typedRemoteId = (e.target as HTMLInputElement).value)}
                  @keydown=${(e: KeyboardEvent) => {
                    if (e.key !== 'Enter' || e.isComposing) return;
                    // No keypress after this: focus moves to Cancel, which that Enter would press.
                    e.preventDefault();
                    this.call();
                  }}
                />
              </label>`}
          ${this.audioOnly ? nothing : this.button('call-button', t.call, icons.video, () => this.call(undefined, { audioOnly: false }), { kind: 'accent', text: true })}
          ${this.button('voice-call-button', t.callVoice, icons.phone, () => this.call(undefined, { audioOnly: true }), { kind: this.audioOnly ? 'accent' : '', text: true })}
          ${this.button('devices-button', t.settings, icons.settings, () => void this.toggleDevices(), { pressed: this.devicesOpen })}
        `;
      case 'calling':
        return this.button('cancel-button', t.cancel, icons.hangup, () => this.hangup(), { kind: 'danger', text: true });
      case 'ringing':
        return html`
          ${call?.video && !this.audioOnly
            ? this.button('answer-button', t.answer, icons.video, () => this.answer(), { kind: 'success', text: true })
            : nothing}
          ${this.button(call?.video && !this.audioOnly ? 'answer-voice-button' : 'answer-button', call?.video && !this.audioOnly ? t.answerVoice : t.answer, icons.phone, () => this.answer({ audioOnly: true }), {
            kind: call?.video && !this.audioOnly ? '' : 'success',
            text: true,
          })}
          ${this.button('decline-button', t.decline, icons.hangup, () => this.decline(), { kind: 'danger', text: true })}
        `;
      case 'connecting':
      case 'connected': {
        const local = call?.local ?? { mic: false, camera: false, screen: false };
        const hasMic = !!call?.localStream?.getAudioTracks().length || !!call?.microphoneOpening;
        // Toggles keep one name and say their state with aria-pressed ("Mute microphone, pressed" = muted).
        return html`
          ${this.button('mic-button', t.muteMic, local.mic ? icons.mic : icons.micOff, () => this.toggleMicrophone(), {
            pressed: !local.mic,
            disabled: !hasMic,
          })}
          ${call?.canToggleCamera
            ? html`${this.button('camera-button', t.cameraOff, local.camera ? icons.video : icons.videoOff, () => void this.toggleCamera(), {
                pressed: !local.camera,
              })}
              ${'getDisplayMedia' in (navigator.mediaDevices ?? {})
                ? this.button('screen-button', t.shareScreen, icons.screen, () => void this.toggleScreenShare(), { pressed: local.screen })
                : nothing}`
            : nothing}
          ${this.button('devices-button', t.settings, icons.settings, () => void this.toggleDevices(), { pressed: this.devicesOpen })}
          ${this.button('hangup-button', t.hangup, icons.hangup, () => this.hangup(), { kind: 'danger' })}
        `;
      }
    }
  }

  private renderDevices() {
    if (!this.devicesOpen || !this.devices) return nothing;
    const t = this.t;
    const session = this.session.session;
    const select = (kind: 'audioinput' | 'videoinput' | 'audiooutput', label: string, current: string | undefined) =>
      this.devices![kind].length
        ? html`<label
            >${label}
            <select @change=${(e: Event) => this.chooseDevice(kind, e)}>
              ${this.devices![kind].map(
                (d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || `${label} ${i + 1}`}</option>`,
              )}
            </select></label
          >`
        : nothing;
    const none = !this.devices.audioinput.length && !this.devices.videoinput.length && !this.devices.audiooutput.length;
    return html`<div part="devices" class="devices" role="group" aria-label=${t.settings}>
      ${none ? html`<p class="devices-hint">${t.devicesHint}</p>` : nothing}
      ${select('audioinput', t.microphone, session?.devices.audioinput)} ${select('videoinput', t.camera, session?.devices.videoinput)}
      ${'setSinkId' in HTMLMediaElement.prototype ? select('audiooutput', t.speaker, this.speakerId) : nothing}
    </div>`;
  }

  private renderQuality(call: Call) {
    const t = this.t;
    const q = call.quality;
    const label = { good: t.qualityGood, fair: t.qualityFair, poor: t.qualityPoor, unknown: t.qualityUnknown }[q.level];
    const detail = q.rttMs !== undefined ? format(t.qualityDetail, { rtt: formatDecimal(q.rttMs, elementLanguage(this)), loss: formatDecimal(q.lossPercent ?? 0, elementLanguage(this)) }) : '';
    return html`<span part="quality" class="quality ${q.level}" role="img" aria-label="${label}${detail ? `: ${detail}` : ''}" title="${label}${detail ? ` — ${detail}` : ''}">
      <i></i><i></i><i></i>
    </span>`;
  }

  protected override render() {
    const t = this.t;
    const state = this.currentState;
    const call = this.session.call;
    const inCall = state === 'connecting' || state === 'connected' || state === 'calling';
    const video = call ? call.video : !this.audioOnly;
    const remote = call?.remote;
    const remoteName = call ? this.remoteLabel(call) : '';
    // The transport (and so a remote stream) exists while it rings; no media flows before the answer.
    const answered = state === 'connecting' || state === 'connected';
    const showRemoteVideo = answered && !!call?.remoteStream?.getVideoTracks().length && (remote?.camera || remote?.screen) && video;
    const showLocalVideo = this.selfViewAllowed && !!call?.localStream?.getVideoTracks().length;
    return html`
      <div part="base" class="call ${video ? 'video' : 'audio-only'} state-${state}">
        <div part="stage" class="stage">
          <div part="remote-tile" class="tile remote ${showRemoteVideo ? 'has-video' : ''}">
            <video class="remote ${showRemoteVideo ? '' : 'waiting'}" part="remote-video" autoplay playsinline aria-label=${formatPerson(t, t.videoOf, remoteName)}></video>
            ${call && !showRemoteVideo ? html`<div part="avatar" class="avatar" aria-hidden="true">${remoteName.slice(0, 1).toUpperCase()}</div>` : nothing}
            ${call && state === 'connected'
              ? html`<div part="remote-status" class="remote-status">
                  ${remote && !remote.mic ? html`<span class="badge" role="img" aria-label=${formatPerson(t, t.remoteMuted, remoteName)} title=${formatPerson(t, t.remoteMuted, remoteName)}>${icons.micOff}</span>` : nothing}
                  ${video && remote && !remote.camera && !remote.screen
                    ? html`<span class="badge" role="img" aria-label=${formatPerson(t, t.remoteCameraOff, remoteName)} title=${formatPerson(t, t.remoteCameraOff, remoteName)}>${icons.videoOff}</span>`
                    : nothing}
                  ${remote?.screen ? html`<span class="badge" role="img" aria-label=${formatPerson(t, t.remoteSharing, remoteName)}>${icons.screen}</span>` : nothing}
                </div>`
              : nothing}
            ${call ? html`<span class="name">${remoteName}</span>` : nothing}
          </div>
          <div part="local-tile" class="tile local ${call?.local.screen ? 'screen' : ''}" ?hidden=${!inCall || !showLocalVideo}>
            <video class="local" part="local-video" autoplay playsinline muted aria-label=${t.videoOwn}></video>
            <span class="name">${t.you}</span>
          </div>
          <div class="topline">
            <span part="status" class="status" role="status" aria-live="polite" tabindex="-1">${this.statusText(state, call)}</span>
            ${state === 'connected' && call?.connectedAt ? html`<span part="timer" class="timer">${clock(Date.now() - call.connectedAt)}</span>` : nothing}
            ${state === 'connected' && call ? this.renderQuality(call) : nothing}
          </div>
          ${state === 'idle' && this.session.session
            ? html`<div part="own-id" class="own-id">${t.yourId}: <strong>${this.session.session.peerId}</strong></div>`
            : nothing}
          ${this.shownError
            ? html`<div part="error" class="error" role="alert">
                <span>${this.shownError.key ? t[this.shownError.key] : errorText(t, this.shownError.error)}</span>
                <button type="button" part="button dismiss-button" class="dismiss" aria-label=${t.dismiss} title=${t.dismiss} @click=${this.dismissError}>${icons.close}</button>
              </div>`
            : nothing}
        </div>
        ${this.renderDevices()}
        <div part="controls" class="controls" role="group" aria-label=${t.callControls}>${this.renderControls(state, call)}</div>
      </div>
    `;
  }
}

defineElement('rtc-call', RtcCall);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-call': RtcCall;
  }
}
