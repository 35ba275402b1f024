import type { MediaConnection, Peer } from 'peerjs';
import {
  endMessageFor,
  initialCallState,
  localEndReason,
  nextCallState,
  type CallEndReason,
  type CallEvent,
  type CallMachineState,
} from './call-machine.js';
import type { Conversation } from './conversation.js';
import { Emitter, type Unsubscribe } from './emitter.js';
import { RtcError } from './errors.js';
import { captureAllowed, captureCameraFirst, captureLocalMedia, captureScreen, captureTrack, stopStream, warmCapture, type LateMicrophone } from './media.js';
import { randomId, type ControlMessage, type RingMessage } from './protocol.js';
import { withVideoStartBitrate } from './sdp.js';
import { SenderPrimer } from './sender-primer.js';
import { qualityFrom, sampleFrom, type Quality, type StatsSample } from './quality.js';

export interface MediaFlags {
  mic: boolean;
  camera: boolean;
  screen: boolean;
}

export interface CallEvents {
  change: void;
  ended: { reason: CallEndReason; durationMs: number };
  error: RtcError;
}

export interface DevicePreferences {
  audioinput?: string;
  videoinput?: string;
}

/** What `Call.preview()` shows. */
export interface CallPreview {
  phase: Exclude<CallMachineState['phase'], 'ended'>;
  direction?: 'outgoing' | 'incoming';
  /** Whether the call carries video (default true). */
  video?: boolean;
  /** Our tracks as shown in the local tile; its video track counts as the camera, or the screen with `local.screen`. */
  localStream?: MediaStream | null;
  remoteStream?: MediaStream | null;
  local?: Partial<MediaFlags>;
  remote?: Partial<MediaFlags>;
  /** When the call connected (default now, for `connected`). */
  connectedAt?: number;
  quality?: Quality;
}

export interface CallHost {
  readonly peer: Peer | null;
  readonly devices: DevicePreferences;
  conversation(remoteId: string): Conversation;
}

/** How long a call may ring before it ends as `timeout`. */
export const RING_TIMEOUT_MS = 45_000;
/** How long ICE may stay `disconnected` before the call ends as `connection-lost` (the 5 s promise includes detection). */
const DISCONNECT_GRACE_MS = 2_000;
/** After answering, how long we wait for the caller's media before giving up. */
const MEDIA_TIMEOUT_MS = 20_000;
/**
 * A MediaConnection that closes is followed, most of the time, by the message that says why
 * (`decline`, `cancel`, `bye`) on the control channel; wait this long for it before calling the
 * end `connection-lost`.
 */
const MEDIA_CLOSE_GRACE_MS = 1_000;
const STATS_INTERVAL_MS = 1_000;
/**
 * A live call always receives something (RTP, or at least RTCP reports about what we send);
 * this many silent seconds means the other side crashed or lost its network. ICE alone takes
 * longer than the 5 s we promise to notice that.
 */
const SILENT_SAMPLES_LIMIT = 3;

/**
 * One call with one remote peer, from ring to end. It owns every resource of the call (local
 * tracks, the MediaConnection and its RTCPeerConnection, timers, listeners) and releases all of
 * them in `end()`, whatever the path that led there.
 */
export class Call extends Emitter<CallEvents> {
  readonly id: string;
  state: CallMachineState;
  /** Local tracks as sent (the screen replaces the camera while shared). */
  localStream: MediaStream | null = null;
  remoteStream: MediaStream | null = null;
  /**
   * The remote stream to be, while the call rings: the receivers' tracks, on which nothing flows
   * before the agreement (the other side's senders are empty or switched off). An element may
   * give it to its remote player muted and invisible, so that the player is set up before the
   * answer rather than after it (docs/performance.md); it must neither show nor play it, since a
   * modified client can send early. The same object becomes `remoteStream` at the agreement.
   */
  preparedRemoteStream: MediaStream | null = null;
  local: MediaFlags = { mic: false, camera: false, screen: false };
  remote: MediaFlags = { mic: true, camera: true, screen: false };
  quality: Quality = { level: 'unknown' };
  connectedAt?: number;
  remoteName = '';

  private media: MediaConnection | null = null;
  /** An incoming MediaConnection waiting for the user to answer. */
  private heldMedia: MediaConnection | null = null;
  private cameraTrack: MediaStreamTrack | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private named = new Map<string, ReturnType<typeof setTimeout>>();
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private lastSample: StatsSample | undefined;
  private silentSamples = 0;
  private disposers: Unsubscribe[] = [];
  private conversation: Conversation;
  /** The caller's capture, started with the dial and awaited once the callee accepts. */
  private mediaReady: Promise<void> = Promise.resolve();
  /**
   * Whether our tracks are on the connection's senders. The transport is set up while the call
   * rings (ICE and DTLS take most of a call's setup time), but with empty senders: neither side
   * sends a byte of media until the callee has answered.
   */
  private released = false;
  /** Whether the connection's transceivers exist: the caller's at once, the callee's once the offer is applied. */
  private sendersReady = false;
  /** Readies the video encoder while it rings, without sending (see hold()). */
  private readonly primer = new SenderPrimer();
  /**
   * Whether the answer may open the camera ahead of the microphone (captureCameraFirst): learnt
   * while it rings, true only when both are allowed already, so that it asks nothing twice.
   */
  private cameraFirst = Promise.resolve(false);
  /**
   * A camera-first capture's microphone on its way: counted as on, and its mute button works. Only
   * the request named here may join the call; a device chosen meanwhile or the end drops it.
   */
  private pendingMicrophone: Promise<LateMicrophone> | null = null;

  private constructor(
    private readonly host: CallHost,
    readonly remoteId: string,
    direction: 'outgoing' | 'incoming',
    /** Whether this call carries video (the caller's choice, or the ring's). */
    readonly video: boolean,
    id?: string,
  ) {
    super();
    this.id = id ?? randomId();
    this.state = initialCallState(direction);
    this.conversation = host.conversation(remoteId);
    this.remoteName = this.conversation.remoteName;
    this.disposers.push(
      this.conversation.retain(),
      this.conversation.on('message', (message) => this.receive(message)),
      this.conversation.on('close', () => this.end('connection-lost')),
    );
  }

  static dial(host: CallHost, remoteId: string, video: boolean): Call {
    const call = new Call(host, remoteId, 'outgoing', video);
    void call.ring();
    return call;
  }

  static fromRing(host: CallHost, remoteId: string, ring: RingMessage): Call {
    const call = new Call(host, remoteId, 'incoming', ring.video, ring.callId);
    warmCapture();
    call.cameraFirst = captureAllowed();
    call.after(RING_TIMEOUT_MS + 5_000, () => call.end('timeout'), 'ring');
    return call;
  }

  /**
   * A call that shows a given state without devices or network: for previews (Storybook), design
   * tools and tests of a host's own UI around the elements. It has no ring or connect timer, never
   * starts media and sends nothing unless you end it with hangup(); end() stops the tracks it was
   * given. Make it the session's `activeCall` before an element binds to show it there.
   */
  static preview(host: CallHost, remoteId: string, options: CallPreview): Call {
    const call = new Call(host, remoteId, options.direction ?? 'incoming', options.video ?? true);
    call.state = { phase: options.phase, direction: call.direction };
    const stream = options.localStream ?? null;
    const videoTrack = stream?.getVideoTracks()[0] ?? null;
    call.localStream = stream;
    call.local = { mic: !!stream?.getAudioTracks().length, camera: !!videoTrack && !options.local?.screen, screen: false, ...options.local };
    if (call.local.screen) call.screenTrack = videoTrack;
    else call.cameraTrack = videoTrack;
    for (const track of stream?.getAudioTracks() ?? []) track.enabled = call.local.mic;
    call.remoteStream = options.remoteStream ?? null;
    call.remote = { ...call.remote, ...options.remote };
    if (options.phase === 'connected') call.connectedAt = options.connectedAt ?? Date.now();
    if (options.quality) call.quality = options.quality;
    return call;
  }

  /** A plain PeerJS client called without ringing first: it rings like any other call. */
  static fromBareMedia(host: CallHost, media: MediaConnection): Call {
    const call = new Call(host, media.peer, 'incoming', true);
    call.heldMedia = media;
    warmCapture();
    media.on('close', () => call.end('cancelled'));
    call.after(RING_TIMEOUT_MS, () => call.end('timeout'), 'ring');
    return call;
  }

  get phase() {
    return this.state.phase;
  }

  get direction() {
    return this.state.direction;
  }

  /** The microphone of a camera-first answer is still opening: it counts as on, and can be muted already. */
  get microphoneOpening(): boolean {
    return this.pendingMicrophone !== null;
  }

  get ended(): boolean {
    return this.state.phase === 'ended';
  }

  /**
   * True when this call can carry our video. A call joined without a camera negotiated video as
   * receive-only, and PeerJS cannot renegotiate, so camera and screen stay off for that call.
   */
  get canToggleCamera(): boolean {
    if (!this.video || this.ended) return false;
    const transceiver = this.media?.peerConnection?.getTransceivers().find((t) => t.receiver.track.kind === 'video');
    if (transceiver) return (transceiver.currentDirection ?? transceiver.direction).includes('send');
    return !!(this.cameraTrack || this.screenTrack);
  }

  /**
   * Rings as soon as the channel is open, while our own permission prompt may still be up: the
   * callee must not sit on an unused channel. Once our capture is done, the media offer follows
   * with the tracks held back, so the transport connects while it rings.
   */
  private async ring(): Promise<void> {
    this.mediaReady = this.captureMedia(this.video).then(() => this.emit('change', undefined));
    try {
      await this.conversation.connect();
    } catch (reason) {
      if (this.ended) return;
      const error = reason instanceof RtcError ? reason : new RtcError('connection-failed', String(reason));
      this.emit('error', error);
      this.end(error.code === 'peer-unavailable' ? 'unavailable' : 'error');
      return;
    }
    if (this.ended) return;
    this.conversation.send({ type: 'ring', callId: this.id, video: this.video });
    this.after(
      RING_TIMEOUT_MS,
      () => {
        this.conversation.send({ type: 'cancel', callId: this.id });
        this.end('timeout');
      },
      'ring',
    );
    await this.mediaReady;
    if (!this.ended && !this.media) this.startMedia();
  }

  /**
   * Opens the camera and microphone. The UI is told by whoever called: at the answer the tracks go
   * on the senders first, so that the UI's re-render (its new controls) does not sit between the
   * camera opening and its first picture leaving (docs/performance.md).
   */
  private async captureMedia(video: boolean, cameraFirst = false): Promise<void> {
    const request = { audio: true, video, audioDeviceId: this.host.devices.audioinput, videoDeviceId: this.host.devices.videoinput };
    const staged = cameraFirst && video ? await captureCameraFirst(request) : null;
    const { stream, problems } = staged ?? (await captureLocalMedia(request));
    if (this.ended) {
      stopStream(stream);
      void staged?.microphone.then(({ track }) => track?.stop());
      return;
    }
    this.localStream = stream;
    this.cameraTrack = stream.getVideoTracks()[0] ?? null;
    this.pendingMicrophone = staged?.microphone ?? null;
    this.local = { mic: stream.getAudioTracks().length > 0 || !!staged, camera: !!this.cameraTrack, screen: false };
    for (const problem of problems) this.emit('error', problem);
    const pending = this.pendingMicrophone;
    if (pending) void pending.then((microphone) => this.addMicrophone(pending, microphone));
  }

  /**
   * The microphone of a camera-first capture, once it is open: into the local stream and onto the
   * sender, muted if the person muted while it opened. If it failed, the call goes on without.
   */
  private async addMicrophone(request: Promise<LateMicrophone>, { track, problem }: LateMicrophone): Promise<void> {
    // Ended meanwhile, or another microphone was chosen while this one opened (useDevice).
    if (this.pendingMicrophone !== request || this.ended || !this.localStream) {
      track?.stop();
      return;
    }
    this.pendingMicrophone = null;
    if (track) {
      track.enabled = this.local.mic;
      this.localStream.addTrack(track);
      await this.replaceSenderTrack('audio', track);
    } else {
      this.local = { ...this.local, mic: false };
      if (problem) this.emit('error', problem);
      this.sendMediaState();
    }
    this.emit('change', undefined);
  }

  private receive(message: ControlMessage): void {
    if (message.type === 'hello') {
      this.remoteName = message.name ?? '';
      this.emit('change', undefined);
      return;
    }
    if (!('callId' in message) || message.callId !== this.id) return;
    switch (message.type) {
      case 'accept':
        if (this.transition({ type: 'accepted' })) {
          // The offer went out while it rang (ring() starts it on the same promise, first).
          void this.mediaReady.then(() => this.release());
          this.after(MEDIA_TIMEOUT_MS + 10_000, () => this.fail('The call could not connect.'), 'connect');
        }
        break;
      case 'decline':
        this.end(message.reason === 'busy' ? 'busy' : 'declined');
        break;
      case 'cancel':
        // Also after we answered but before media flowed: the caller gave up first.
        if (this.phase !== 'connected') this.end('cancelled');
        break;
      case 'bye':
        this.end(message.reason === 'page-closed' ? 'connection-lost' : 'remote-hangup');
        break;
      case 'media':
        this.remote = { mic: message.mic, camera: message.camera, screen: message.screen };
        this.emit('change', undefined);
        break;
    }
  }

  /**
   * Caller side, once our capture is done: offer our media, asking for both kinds even when we
   * send none. Before the callee accepts, the senders are emptied at once: the offer still
   * negotiates them as send-receive, and the transport connects, but nothing is sent.
   */
  private startMedia(): void {
    const peer = this.host.peer;
    const connection = peer?.call(this.remoteId, this.localStream ?? new MediaStream(), {
      metadata: { callId: this.id },
      constraints: { offerToReceiveAudio: true, offerToReceiveVideo: this.video },
      sdpTransform: (sdp: string) => withVideoStartBitrate(sdp),
    } as Parameters<Peer['call']>[2]);
    if (!connection) {
      this.emit('error', new RtcError('broker-unreachable', 'Lost the server before the call could connect.'));
      this.end('error');
      return;
    }
    this.watchMedia(connection);
    this.sendersReady = true;
    if (this.phase === 'calling') this.hold();
    else void this.release();
  }

  /** Callee side: the user said yes. Camera and microphone start only now. */
  async answer(options: { video?: boolean } = {}): Promise<void> {
    if (!this.transition({ type: 'answer' })) return;
    const video = this.video && options.video !== false;
    if (this.heldMedia) {
      await this.captureMedia(video);
      if (this.ended) return;
      const media = this.heldMedia;
      this.heldMedia = null;
      media.removeAllListeners('close');
      media.answer(this.localStream ?? undefined);
      this.released = true;
      this.watchMedia(media);
      this.emit('change', undefined);
      return;
    }
    // Accept before capturing, so the caller's media is on its way while our camera starts.
    this.conversation.send({ type: 'accept', callId: this.id });
    this.after(MEDIA_TIMEOUT_MS, () => {
      if (!this.media) {
        this.emit('error', new RtcError('connection-failed', 'The caller did not start the call.'));
        // Tell the caller, or it would wait in "connecting" with its camera on.
        this.conversation.send({ type: 'bye', callId: this.id, reason: 'hangup' });
        this.end('connection-lost');
      }
    });
    // Priming switched the encoding on while it rang, with nothing on the sender; if the answer
    // came first, it goes on now, while the camera opens (still nothing to send).
    const videoSender = video && this.sendersReady ? this.transceiverOf('video')?.sender : undefined;
    if (videoSender) this.primer.switchOnEmpty(videoSender).catch(() => {});
    // Learnt while it rang; answered at once (auto-answer), it is a few milliseconds more.
    const cameraFirst = await this.cameraFirst;
    if (this.ended) return;
    await this.captureMedia(video, cameraFirst);
    if (!this.ended) await this.release();
    this.emit('change', undefined);
  }

  /**
   * Callee side: the caller's MediaConnection for this call arrived, usually while it still
   * rings. It is answered at once but without tracks, with every transceiver made send-receive,
   * so ICE and DTLS connect during the ringing; answering then only has to put our tracks on
   * the senders. Our camera and microphone are not touched until the user answers.
   */
  adoptMedia(media: MediaConnection): boolean {
    const waiting = this.phase === 'ringing' || this.phase === 'connecting';
    if (this.media || this.heldMedia || media.peer !== this.remoteId || !waiting || this.direction !== 'incoming') return false;
    media.answer(undefined, { sdpTransform: (sdp: string) => withVideoStartBitrate(sdp) });
    const pc = media.peerConnection;
    if (pc) {
      // Fires when the offer is applied, before PeerJS creates the answer (a microtask later):
      // without a track, a transceiver would answer receive-only, and PeerJS cannot renegotiate.
      // The stream id is for the caller's PeerJS, whose track handler needs a stream.
      const sendToo = () => {
        if (pc.signalingState !== 'have-remote-offer') return;
        const stream = new MediaStream();
        for (const transceiver of pc.getTransceivers()) {
          transceiver.direction = 'sendrecv';
          transceiver.sender.setStreams?.(stream);
        }
        this.sendersReady = true;
        if (this.phase === 'connecting' && this.localStream) void this.release();
        else this.hold();
      };
      pc.addEventListener('signalingstatechange', sendToo);
      this.disposers.push(() => pc.removeEventListener('signalingstatechange', sendToo));
    }
    this.watchMedia(media);
    return true;
  }

  /**
   * Until both sides agreed, nothing is sent: the senders are emptied at once. Once the
   * connection is negotiated, the video sender is primed (sender-primer.ts): its encoder sees a
   * frame while switched off, then it is switched on with nothing on it, so that at the answer
   * the camera only goes on and its first frame is encoded and sent as it comes. (Sending black
   * frames while it rings was tried: the bandwidth estimate settled on the tiny static stream
   * and the first real frames came later, not sooner.)
   */
  private hold(): void {
    const pc = this.media?.peerConnection;
    if (!pc) return;
    for (const sender of pc.getSenders()) sender.replaceTrack(null).catch(() => {});
    if (!this.video) return;
    const prime = () => {
      // The caller's connection is also `stable` before its offer is made: wait for the answer.
      if (pc.signalingState !== 'stable' || !pc.remoteDescription || this.released) return;
      pc.removeEventListener('signalingstatechange', prime);
      const sender = this.transceiverOf('video')?.sender;
      // The caller primes with its running camera; the callee's has not started (a black frame
      // of 640×480, the size it starts at unless told otherwise).
      if (sender) this.primer.prime(sender, this.cameraTrack);
    };
    pc.addEventListener('signalingstatechange', prime);
    this.disposers.push(() => pc.removeEventListener('signalingstatechange', prime));
    prime();
  }

  /** Puts our tracks on the senders once both sides agreed to the call; then media flows. */
  private async release(): Promise<void> {
    if (this.ended || !this.media || !this.sendersReady || this.released) return;
    this.released = true;
    await Promise.all([
      this.replaceSenderTrack('audio', this.localStream?.getAudioTracks()[0] ?? null),
      this.replaceSenderTrack('video', this.screenTrack ?? this.cameraTrack),
    ]);
    this.sendMediaState();
    this.mediaUp();
  }

  /** Connected once the transport is up and our tracks are on it, whichever came last. */
  private mediaUp(): void {
    const pc = this.media?.peerConnection;
    if (!pc || !this.released || pc.connectionState !== 'connected') return;
    if (!this.transition({ type: 'media-up' })) return;
    this.clearTimer('connect');
    this.connectedAt = Date.now();
    this.sendMediaState();
    this.startStats(pc);
  }

  /**
   * One stream of all the receivers' tracks, rather than PeerJS's `stream` event: a sender that
   * had no track when the answer was made carries no stream id, and then no stream arrives.
   * The caller's receivers exist from its offer on, the callee's once the offer is applied.
   */
  private collectRemoteTracks(): void {
    const receivers = this.media?.peerConnection?.getReceivers() ?? [];
    if (receivers.length === 0) return;
    const stream = this.preparedRemoteStream ?? (this.preparedRemoteStream = new MediaStream());
    for (const { track } of receivers) if (!stream.getTracks().includes(track)) stream.addTrack(track);
    // Nothing of the remote is the call's before both sides agreed: a modified client can put its
    // tracks on the senders while it rings (or before the callee accepts), and the element shows
    // and plays `remoteStream`. Set at the agreement (transition) instead.
    if (this.phase === 'connecting' || this.phase === 'connected') this.remoteStream = stream;
    this.emit('change', undefined);
  }

  private watchMedia(media: MediaConnection): void {
    this.media = media;
    const pc = media.peerConnection;
    media.on('stream', () => this.collectRemoteTracks());
    this.collectRemoteTracks();
    media.on('close', () => this.after(MEDIA_CLOSE_GRACE_MS, () => this.end('connection-lost'), 'media-closed'));
    media.on('error', () => {}); // followed by close or an ICE state we handle
    if (!pc) return;
    const onState = () => {
      switch (pc.connectionState) {
        case 'connected':
          this.clearTimer('disconnect');
          this.mediaUp();
          break;
        case 'disconnected':
          this.after(DISCONNECT_GRACE_MS, () => this.end('connection-lost'), 'disconnect');
          break;
        case 'failed':
        case 'closed':
          this.end('connection-lost');
          break;
      }
    };
    pc.addEventListener('connectionstatechange', onState);
    this.disposers.push(() => pc.removeEventListener('connectionstatechange', onState));
    onState();
  }

  private startStats(pc: RTCPeerConnection): void {
    this.statsTimer = setInterval(() => {
      pc.getStats()
        .then((report) => {
          if (this.ended) return;
          const sample = sampleFrom(report);
          this.silentSamples = this.lastSample && sample.bytesReceived === this.lastSample.bytesReceived ? this.silentSamples + 1 : 0;
          if (this.silentSamples >= SILENT_SAMPLES_LIMIT) {
            this.end('connection-lost');
            return;
          }
          this.quality = qualityFrom(this.lastSample, sample);
          this.lastSample = sample;
          this.emit('change', undefined);
        })
        .catch(() => {}); // a closed connection rejects; the close path ends the call
    }, STATS_INTERVAL_MS);
  }

  /** Ends the call from our side with the message the phase calls for (cancel, decline or bye). */
  hangup(options: { pageClosed?: boolean } = {}): void {
    if (this.ended) return;
    const message = endMessageFor(this.state);
    if (message === 'decline') this.conversation.send({ type: 'decline', callId: this.id, reason: 'declined' });
    else if (message === 'bye') this.conversation.send({ type: 'bye', callId: this.id, reason: options.pageClosed ? 'page-closed' : 'hangup' });
    else this.conversation.send({ type: message, callId: this.id });
    this.end(localEndReason(this.state));
  }

  toggleMicrophone(on = !this.local.mic): void {
    const tracks = this.localStream?.getAudioTracks() ?? [];
    if (tracks.length === 0 && !this.pendingMicrophone) return;
    for (const track of tracks) track.enabled = on;
    this.local = { ...this.local, mic: on };
    this.sendMediaState();
    this.emit('change', undefined);
  }

  /** Camera, screen and device changes run one at a time: a double click must not open two cameras. */
  private videoChange: Promise<void> = Promise.resolve();

  private serial(change: () => Promise<void>): Promise<void> {
    this.videoChange = this.videoChange.then(change, change);
    return this.videoChange;
  }

  toggleCamera(on?: boolean): Promise<void> {
    return this.serial(() => this.setCamera(on ?? !this.local.camera));
  }

  private async setCamera(on: boolean): Promise<void> {
    if (!this.canToggleCamera || on === this.local.camera) return;
    if (!on) {
      this.cameraTrack?.stop();
      if (!this.local.screen) await this.useVideoTrack(null);
      this.cameraTrack = null;
      this.local = { ...this.local, camera: false };
    } else {
      try {
        const track = await captureTrack('video', this.host.devices.videoinput);
        if (this.ended) {
          track.stop();
          return;
        }
        this.cameraTrack = track;
        if (!this.local.screen) await this.useVideoTrack(track);
        this.local = { ...this.local, camera: true };
      } catch (error) {
        this.emit('error', error instanceof RtcError ? error : new RtcError('media-error', 'The camera could not be started.'));
        return;
      }
    }
    this.sendMediaState();
    this.emit('change', undefined);
  }

  toggleScreenShare(): Promise<void> {
    return this.serial(() => this.switchScreenShare());
  }

  private async switchScreenShare(): Promise<void> {
    if (!this.canToggleCamera) return;
    if (this.screenTrack) {
      await this.stopScreenShare();
      return;
    }
    let track: MediaStreamTrack;
    try {
      track = await captureScreen();
    } catch (error) {
      this.emit('error', error instanceof RtcError ? error : new RtcError('screen-share-failed', 'Screen sharing was not started.'));
      return;
    }
    if (this.ended) {
      track.stop();
      return;
    }
    this.screenTrack = track;
    // The browser's own "Stop sharing" button ends the track; go back to the camera then.
    track.addEventListener('ended', () => void this.serial(() => this.stopScreenShare()), { once: true });
    await this.useVideoTrack(track);
    this.local = { ...this.local, screen: true };
    this.sendMediaState();
    this.emit('change', undefined);
  }

  private async stopScreenShare(): Promise<void> {
    if (!this.screenTrack) return;
    this.screenTrack.stop();
    this.screenTrack = null;
    if (!this.ended) await this.useVideoTrack(this.cameraTrack);
    this.local = { ...this.local, screen: false };
    this.sendMediaState();
    this.emit('change', undefined);
  }

  /** Switches microphone or camera to another device mid-call. */
  useDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    this.host.devices[kind] = deviceId;
    // The chosen microphone wins over one still opening from the answer.
    if (kind === 'audioinput') this.pendingMicrophone = null;
    return this.serial(() => this.switchDevice(kind, deviceId));
  }

  private async switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    if (this.ended || !this.localStream) return;
    const audio = kind === 'audioinput';
    if (!audio && (!this.local.camera || !this.video)) return;
    try {
      const track = await captureTrack(audio ? 'audio' : 'video', deviceId);
      if (this.ended) {
        track.stop();
        return;
      }
      if (audio) {
        track.enabled = this.local.mic;
        const old = this.localStream.getAudioTracks()[0];
        await this.replaceSenderTrack('audio', track);
        if (old) {
          this.localStream.removeTrack(old);
          old.stop();
        }
        this.localStream.addTrack(track);
      } else {
        const old = this.cameraTrack;
        this.cameraTrack = track;
        if (!this.local.screen) await this.useVideoTrack(track);
        old?.stop();
      }
      this.emit('change', undefined);
    } catch (error) {
      // A microphone that was still opening was dropped for this one: now there is none.
      if (audio && !this.localStream.getAudioTracks().length && this.local.mic) {
        this.local = { ...this.local, mic: false };
        this.sendMediaState();
        this.emit('change', undefined);
      }
      this.emit('error', error instanceof RtcError ? error : new RtcError('media-error', 'That device could not be started.'));
    }
  }

  /** Puts `track` (or nothing) on the video sender and in the local preview stream. */
  private async useVideoTrack(track: MediaStreamTrack | null): Promise<void> {
    const stream = this.localStream ?? (this.localStream = new MediaStream());
    for (const old of stream.getVideoTracks()) {
      stream.removeTrack(old);
      // A track that is neither the camera nor the screen we keep is stopped, never orphaned.
      if (old !== this.cameraTrack && old !== this.screenTrack && old !== track) old.stop();
    }
    if (track) stream.addTrack(track);
    await this.replaceSenderTrack('video', track);
  }

  /** The media connection's transceiver for `kind` (one of each: the offer asks for both). */
  private transceiverOf(kind: 'audio' | 'video'): RTCRtpTransceiver | undefined {
    return this.media?.peerConnection?.getTransceivers().find((t) => t.receiver.track.kind === kind);
  }

  private async replaceSenderTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    // Held back until the call is answered: release() puts the current tracks on then.
    if (!this.released) return;
    const transceiver = this.transceiverOf(kind);
    if (!transceiver) return;
    try {
      // The video sender's first track after priming also switches its encoding back on.
      await (kind === 'video'
        ? this.primer.release(transceiver.sender, track, { fastStart: track === this.cameraTrack })
        : transceiver.sender.replaceTrack(track));
    } catch {
      // The connection closed under us; end() is already on its way.
    }
  }

  private sendMediaState(): void {
    if (this.ended) return;
    const { mic, camera, screen } = this.local;
    this.conversation.send({ type: 'media', callId: this.id, mic, camera, screen });
  }

  private transition(event: CallEvent): boolean {
    const next = nextCallState(this.state, event);
    if (!next) return false;
    this.state = next;
    if (next.phase !== 'calling' && next.phase !== 'ringing') this.clearTimer('ring');
    if (next.phase === 'connecting') this.collectRemoteTracks();
    this.emit('change', undefined);
    return true;
  }

  private after(ms: number, action: () => void, name?: string): void {
    if (name) this.clearTimer(name);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (name) this.named.delete(name);
      action();
    }, ms);
    this.timers.add(timer);
    if (name) this.named.set(name, timer);
  }

  private clearTimer(name: string): void {
    const timer = this.named.get(name);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(timer);
    this.named.delete(name);
  }

  private fail(message: string): void {
    if (this.ended) return;
    this.emit('error', new RtcError('connection-failed', message));
    this.conversation.send({ type: 'bye', callId: this.id, reason: 'hangup' });
    this.end('connection-lost');
  }

  /** Ends the call once, releasing everything it holds. */
  end(reason: CallEndReason): void {
    const next = nextCallState(this.state, { type: 'end', reason });
    if (!next) return;
    this.state = next;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.named.clear();
    clearInterval(this.statsTimer);
    for (const dispose of this.disposers.splice(0)) dispose();
    stopStream(this.localStream);
    // A microphone still opening is stopped when it comes (addMicrophone).
    this.pendingMicrophone = null;
    this.primer.stop();
    this.cameraTrack?.stop();
    this.screenTrack?.stop();
    this.cameraTrack = this.screenTrack = null;
    for (const media of [this.media, this.heldMedia]) {
      if (!media) continue;
      media.removeAllListeners();
      media.close();
    }
    this.media = this.heldMedia = null;
    // Only for the ringing player: an ended call has nothing to prepare (its receivers are gone).
    this.preparedRemoteStream = null;
    const durationMs = this.connectedAt ? Date.now() - this.connectedAt : 0;
    this.emit('ended', { reason, durationMs });
    this.emit('change', undefined);
    this.removeAllListeners();
  }


}
