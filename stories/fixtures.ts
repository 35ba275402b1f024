/**
 * Offline fixtures for the stories: real RtcSession, Call, Chat and FileTransfers objects that
 * never touch the network. A session is created WITHOUT `start()` (so no PeerJS Peer, no fetch of
 * /rtc-config), marked online, and handed to the elements through `provideSession()`; the
 * elements then bind to it exactly as they would to one they created themselves. Nothing in the
 * elements knows it is in a preview.
 *
 * The only stand-in is `LoopbackConnection`, a PeerJS DataConnection look-alike that is open and
 * whose remote side is scripted here: it is needed for the states that exist only while a peer is
 * reachable (an agent shown online, a file arriving). It goes through the same public entry points
 * PeerJS connections go through (`Conversation.attach`, `FileTransfers.adopt`).
 *
 * Lifetime: each story declares its fixture with `fixture(...)` (a Storybook loader); the fixture
 * is disposed when the story is torn down (the `beforeEach` in .storybook/preview.ts) or re-loaded
 * after an args change. Disposal destroys the sessions, stops the fake cameras and forgets what
 * the story wrote to localStorage / sessionStorage.
 */
import type { DataConnection } from 'peerjs';
import { html, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
// Session modules directly rather than the npm entry, which would statically pull in the support
// panel that <rtc-support> loads lazily (as it does from the CDN script).
import type { CallPhase } from '../src/session/call-machine.js';
import { Call, type MediaFlags } from '../src/session/call.js';
import type { Chat } from '../src/session/chat.js';
import { FILE_LABEL, PROTOCOL_VERSION, type ControlMessage, type Presence } from '../src/session/protocol.js';
import { provideSession, withdrawSession } from '../src/session/registry.js';
import { RtcSession, type SessionStatus } from '../src/session/rtc-session.js';
import { Sha256 } from '../src/session/sha256.js';
import type { Quality } from '../src/session/quality.js';

/** The broker every preview names. `.invalid` never resolves, and no session here ever starts. */
export const PREVIEW_SERVER = 'http://preview.invalid/peerjs';

const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------
// Fixture lifetime

type Disposer = () => void;

const idsInUse = new Set<string>();
const byCanvas = new WeakMap<Element, Fixture>();
let generation = 0;

/** Everything one rendering of one story set up, released together. */
export class Fixture {
  /** Changes whenever the fixture is rebuilt, so `stage()` remounts the elements. */
  readonly key = `fixture-${++generation}`;
  private disposers: Disposer[] = [];
  private disposed = false;

  /** Runs `dispose` when the story goes away (in reverse order of registration). */
  onDispose(dispose: Disposer): void {
    this.disposers.push(dispose);
  }

  /**
   * A unique peer id for this rendering: a docs page may show the same story twice (primary and
   * in the list), and two sessions must not share one registry slot.
   */
  peerId(base: string): string {
    let id = base;
    for (let n = 2; idsInUse.has(id); n++) id = `${base}-${n}`;
    idsInUse.add(id);
    this.onDispose(() => idsInUse.delete(id));
    return id;
  }

  /**
   * A real RtcSession that never connects: not started, status set by hand, registered with
   * provideSession() so elements naming PREVIEW_SERVER and `peerId` bind to it.
   */
  session(peerId: string, options: { status?: SessionStatus; name?: string } = {}): RtcSession {
    const server = new URL(PREVIEW_SERVER);
    forgetTranscripts(server, peerId);
    const session = new RtcSession({ server, peerId, name: options.name ?? '' });
    session.status = options.status ?? 'online';
    provideSession(session);
    this.onDispose(() => {
      withdrawSession(session);
      session.destroy();
      // destroy() saves pending transcripts; a preview must start from its fixture next time.
      forgetTranscripts(server, peerId);
    });
    return session;
  }

  /** Sets localStorage keys for the story and removes them again afterwards. */
  localStorage(entries: Record<string, string | null>): void {
    for (const [key, value] of Object.entries(entries)) {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
      this.onDispose(() => localStorage.removeItem(key));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const dispose of this.disposers.splice(0).reverse()) {
      try {
        dispose();
      } catch (error) {
        console.warn('Fixture cleanup failed', error);
      }
    }
  }
}

function forgetTranscripts(server: URL, peerId: string): void {
  const prefix = `rtc-elements:chat:${server.href}|${peerId}|`;
  for (const storage of [sessionStorage, localStorage]) {
    for (let i = storage.length - 1; i >= 0; i--) {
      const key = storage.key(i);
      if (key?.startsWith(prefix)) storage.removeItem(key);
    }
  }
}

/** Disposes the fixture rendered into `canvas` (story teardown, or a reload after an args change). */
export function disposeFixture(canvas: Element | undefined): void {
  if (!canvas) return;
  byCanvas.get(canvas)?.dispose();
  byCanvas.delete(canvas);
}

export interface Loaded<T> {
  fx: Fixture;
  data: T;
}

/**
 * A Storybook loader that builds the story's fixture before the story renders, i.e. before any
 * element connects and binds its session. Keyed by the canvas, so two renderings of one story
 * (docs page) each get their own; a re-run (args changed) replaces the previous one.
 */
export function fixture<T, Args = Record<string, unknown>>(build: (fx: Fixture, args: Args) => T | Promise<T>) {
  return async (context: { canvasElement?: unknown; args: Args }): Promise<Loaded<T>> => {
    const canvas = context.canvasElement instanceof Element ? context.canvasElement : undefined;
    disposeFixture(canvas);
    const fx = new Fixture();
    if (canvas) byCanvas.set(canvas, fx);
    try {
      return { fx, data: await build(fx, context.args) };
    } catch (error) {
      fx.dispose();
      throw error;
    }
  };
}

/** The loaded fixture of a story (from `context.loaded`). */
export function loaded<T>(context: { loaded: Record<string, unknown> }): Loaded<T> {
  return context.loaded as unknown as Loaded<T>;
}

/** Renders `template` so that a rebuilt fixture also remounts the elements (they bind on connect). */
export function stage(fx: Fixture, template: TemplateResult): TemplateResult {
  return html`${keyed(fx.key, template)}`;
}

// ---------------------------------------------------------------------------------------------
// Moving fake video

export type FakeVideo = 'camera' | 'screen';

/** A canvas drawn every frame, captured at 15 fps: moving video with no camera. */
export function fakeVideoTrack(fx: Fixture, kind: FakeVideo, label: string, hue = 210): MediaStreamTrack {
  const canvas = document.createElement('canvas');
  canvas.width = 640;
  canvas.height = 360;
  const ctx = canvas.getContext('2d')!;
  let frame = 0;
  const draw = (now: number) => {
    if (kind === 'camera') drawCamera(ctx, now, label, hue);
    else drawScreen(ctx, now, label, hue);
    frame = requestAnimationFrame(draw);
  };
  draw(performance.now());
  const track = canvas.captureStream(15).getVideoTracks()[0]!;
  fx.onDispose(() => {
    cancelAnimationFrame(frame);
    track.stop();
  });
  return track;
}

function drawCamera(ctx: CanvasRenderingContext2D, t: number, label: string, hue: number): void {
  const { width: w, height: h } = ctx.canvas;
  const background = ctx.createLinearGradient(0, 0, w, h);
  background.addColorStop(0, `hsl(${hue} 45% ${32 + 6 * Math.sin(t / 1700)}%)`);
  background.addColorStop(1, `hsl(${hue + 40} 50% 16%)`);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, w, h);
  // A window behind the person, for depth.
  ctx.fillStyle = `hsl(${hue} 40% 70% / 0.18)`;
  ctx.fillRect(w * 0.62, h * 0.12, w * 0.26, h * 0.42);
  // Head and shoulders that sway and nod a little.
  const x = w / 2 + 26 * Math.sin(t / 1100);
  const y = h * 0.44 + 6 * Math.sin(t / 520);
  ctx.fillStyle = `hsl(${hue + 180} 25% 62%)`;
  ctx.beginPath();
  ctx.ellipse(x, h + 30, 150, 125, 0, Math.PI, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = 'hsl(28 45% 72%)';
  ctx.beginPath();
  ctx.arc(x, y, 58, 0, 2 * Math.PI);
  ctx.fill();
  // Eyes blink every few seconds.
  const blink = t % 3800 < 140;
  ctx.fillStyle = '#1f2937';
  for (const dx of [-20, 20]) {
    ctx.beginPath();
    ctx.ellipse(x + dx, y - 8, 6, blink ? 1 : 6, 0, 0, 2 * Math.PI);
    ctx.fill();
  }
  // The element shows the name and status itself; a small running clock proves the video moves.
  ctx.fillStyle = 'rgba(255,255,255,.75)';
  ctx.font = '14px ui-monospace, monospace';
  ctx.textAlign = 'right';
  ctx.fillText(`${label} · preview · ${new Date().toLocaleTimeString()}`, w - 16, h - 16);
  ctx.textAlign = 'left';
}

function drawScreen(ctx: CanvasRenderingContext2D, t: number, label: string, hue: number): void {
  const { width: w, height: h } = ctx.canvas;
  ctx.fillStyle = '#f8fafc';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = `hsl(${hue} 60% 45%)`;
  ctx.fillRect(0, 0, w, 44);
  ctx.fillStyle = '#fff';
  ctx.font = '600 18px system-ui, sans-serif';
  ctx.fillText(label, 16, 29);
  ctx.fillStyle = '#334155';
  ctx.font = '600 24px system-ui, sans-serif';
  ctx.fillText('Q3 roadmap', 40, 100);
  ctx.font = '16px system-ui, sans-serif';
  ['Self-hosted broker', 'Support button', 'Agent console', 'File transfer'].forEach((line, i) => {
    ctx.fillStyle = `hsl(${hue} 60% 45%)`;
    ctx.fillRect(44, 130 + i * 34, 8, 8);
    ctx.fillStyle = '#334155';
    ctx.fillText(line, 64, 139 + i * 34);
  });
  // A bar chart that grows, and the presenter's pointer drifting over it.
  const bars = [0.45, 0.7, 0.55, 0.9];
  bars.forEach((v, i) => {
    const grow = 0.85 + 0.15 * Math.sin(t / 900 + i);
    const bh = 150 * v * grow;
    ctx.fillStyle = `hsl(${hue + i * 25} 65% 55%)`;
    ctx.fillRect(380 + i * 56, 300 - bh, 36, bh);
  });
  const px = 430 + 90 * Math.sin(t / 1300);
  const py = 220 + 40 * Math.cos(t / 1000);
  ctx.fillStyle = '#111827';
  ctx.beginPath();
  ctx.moveTo(px, py);
  ctx.lineTo(px + 12, py + 30);
  ctx.lineTo(px + 18, py + 18);
  ctx.lineTo(px + 30, py + 12);
  ctx.closePath();
  ctx.fill();
}

/**
 * A silent live audio track without a microphone or an AudioContext (which would log an autoplay
 * warning before a user gesture): the receiver track of an unnegotiated RTCPeerConnection. No ICE
 * is gathered because no description is ever set.
 */
export function silentAudioTrack(fx: Fixture): MediaStreamTrack {
  const pc = new RTCPeerConnection();
  const track = pc.addTransceiver('audio', { direction: 'recvonly' }).receiver.track;
  fx.onDispose(() => {
    track.stop();
    pc.close();
  });
  return track;
}

export function fakeStream(fx: Fixture, options: { audio?: boolean; video?: FakeVideo | false; label: string; hue?: number }): MediaStream {
  const tracks: MediaStreamTrack[] = [];
  if (options.audio !== false) tracks.push(silentAudioTrack(fx));
  if (options.video) tracks.push(fakeVideoTrack(fx, options.video, options.label, options.hue));
  return new MediaStream(tracks);
}

// ---------------------------------------------------------------------------------------------
// A scripted remote peer

type Listener = (...args: unknown[]) => void;

/**
 * Stands in for a PeerJS DataConnection whose other end is this file: open from the start,
 * `send()` goes to `onSend`, and `receive()` delivers data as if the remote had sent it.
 */
export class LoopbackConnection {
  open = true;
  readonly peer: string;
  readonly label: string;
  readonly serialization: 'json' | 'raw';
  readonly metadata: unknown;
  readonly reliable = true;
  private listeners = new Map<string, Set<Listener>>();

  constructor(
    options: { peer: string; label: string; serialization: 'json' | 'raw'; metadata?: unknown },
    private readonly onSend: (data: unknown) => void = () => {},
  ) {
    this.peer = options.peer;
    this.label = options.label;
    this.serialization = options.serialization;
    this.metadata = options.metadata;
  }

  on(type: string, listener: Listener): this {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return this;
  }

  off(type: string, listener: Listener): this {
    this.listeners.get(type)?.delete(listener);
    return this;
  }

  removeAllListeners(type?: string): this {
    if (type) this.listeners.delete(type);
    else this.listeners.clear();
    return this;
  }

  private emit(type: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(...args);
  }

  /** Data from the remote side. */
  receive(data: unknown): void {
    if (this.open) this.emit('data', data);
  }

  send(data: unknown): void {
    if (this.open) this.onSend(data);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.emit('close');
  }

  asDataConnection(): DataConnection {
    return this as unknown as DataConnection;
  }
}

export interface RemotePeer {
  /** Delivers a control message as if the remote had sent it. */
  say(message: ControlMessage): void;
  connection: LoopbackConnection;
}

/**
 * Makes `remoteId` reachable: an open control channel (so `conversation.isOpen`), the remote's
 * `hello` with its name, page and presence, and acks for every chat message we send (✓✓).
 */
export function linkPeer(
  fx: Fixture,
  session: RtcSession,
  remoteId: string,
  hello: { name?: string; status?: Presence; page?: { url: string; title: string } } = {},
): RemotePeer {
  const connection = new LoopbackConnection({ peer: remoteId, label: 'rtc-control', serialization: 'json' }, (data) => {
    const message = data as ControlMessage;
    if (message.type === 'chat') setTimeout(() => connection.receive({ type: 'ack', id: message.id }), 400);
  });
  session.conversation(remoteId).attach(connection.asDataConnection());
  connection.receive({ type: 'hello', v: PROTOCOL_VERSION, ...hello });
  fx.onDispose(() => connection.close());
  return { say: (message) => connection.receive(message), connection };
}

// ---------------------------------------------------------------------------------------------
// Calls

export interface CallFixture {
  remoteId: string;
  remoteName?: string;
  phase: Exclude<CallPhase, 'ended'>;
  direction?: 'incoming' | 'outgoing';
  /** Whether the call carries video (the ring's `video`). Default true. */
  video?: boolean;
  local?: Partial<MediaFlags>;
  remote?: Partial<MediaFlags>;
  /** What the local preview shows; default: the camera when the call has video. */
  localVideo?: FakeVideo | false;
  /** What the remote tile shows; default: the camera once connected. */
  remoteVideo?: FakeVideo | false;
  connectedForMs?: number;
  quality?: Quality;
}

/**
 * A real Call in the wanted phase (`Call.preview`: no devices, network or timers), made the
 * session's active call before any element binds (the SessionController follows
 * `session.activeCall` on bind).
 */
export function previewCall(fx: Fixture, session: RtcSession, options: CallFixture): Call {
  const video = options.video ?? true;
  const conversation = session.conversation(options.remoteId);
  if (options.remoteName) conversation.remoteName = options.remoteName;
  const direction = options.direction ?? 'incoming';
  const live = options.phase === 'connecting' || options.phase === 'connected' || options.phase === 'calling';
  // The caller's devices start with the dial; the callee's only when they answer.
  const hasLocalMedia = live && (options.phase !== 'calling' || direction === 'outgoing');
  const localVideo = options.localVideo ?? (video ? 'camera' : false);
  const remoteVideo = options.remoteVideo ?? (video ? 'camera' : false);
  const connected = options.phase === 'connected';
  const call = Call.preview(session, options.remoteId, {
    phase: options.phase,
    direction,
    video,
    localStream: hasLocalMedia ? fakeStream(fx, { video: localVideo, label: localVideo === 'screen' ? 'Your screen' : 'You', hue: 160 }) : null,
    local: hasLocalMedia ? { mic: true, camera: localVideo === 'camera', screen: localVideo === 'screen', ...options.local } : {},
    remoteStream: connected
      ? fakeStream(fx, {
          video: remoteVideo,
          label: remoteVideo === 'screen' ? `${options.remoteName ?? options.remoteId}'s screen` : (options.remoteName ?? options.remoteId),
          hue: 215,
        })
      : null,
    remote: connected ? { mic: true, camera: remoteVideo === 'camera', screen: remoteVideo === 'screen', ...options.remote } : {},
    connectedAt: Date.now() - (options.connectedForMs ?? 83_000),
    quality: connected ? (options.quality ?? { level: 'good', rttMs: 42, lossPercent: 0 }) : undefined,
  });
  call.on('ended', () => {
    if (session.activeCall === call) session.activeCall = null;
  });
  session.activeCall = call;
  return call;
}

// ---------------------------------------------------------------------------------------------
// Chat

export interface ScriptLine {
  from: 'local' | 'remote';
  text: string;
  /** Minutes before now. */
  ago: number;
  /** Local messages: default delivered. */
  status?: 'queued' | 'sent' | 'delivered';
}

/**
 * Fills the chat with `remoteId` through the ChatLog API (what a restored transcript would
 * contain). The chat is `session.chat(remoteId)`, so the element finds it.
 */
export function previewChat(session: RtcSession, remoteId: string, remoteName: string, script: ScriptLine[], now = Date.now()): Chat {
  session.conversation(remoteId).remoteName = remoteName;
  const chat = session.chat(remoteId);
  script.forEach((line, i) => {
    const id = `m${i}-${line.from}`;
    const ts = now - line.ago * MINUTE;
    if (line.from === 'remote') {
      const entry = chat.log.addRemote({ type: 'chat', id, text: line.text, ts }, remoteName);
      // addRemote stamps the arrival time (`at`, the display order) with now; these arrived at ts.
      if (entry) entry.at = ts;
      return;
    }
    chat.log.addLocal(id, line.text, session.name, ts);
    const status = line.status ?? 'delivered';
    if (status !== 'queued') chat.log.markSent(id);
    if (status === 'delivered') chat.log.markDelivered(id);
  });
  return chat;
}

/** Keeps a chat (and its conversation) alive without an element showing it. */
export function holdChat(fx: Fixture, chat: Chat): void {
  fx.onDispose(chat.hold());
}

export const SHORT_CONVERSATION: ScriptLine[] = [
  { from: 'remote', text: 'Hi! Do you have the Ridgeline 2 tent in green?', ago: 6 },
  { from: 'local', text: 'We do: two left in green, and plenty in orange.', ago: 5 },
  { from: 'remote', text: 'Great, how heavy is it packed?', ago: 4 },
];

/** Forty-odd messages: enough to scroll, with links, long words, emoji and multi-line text. */
export function longConversation(): ScriptLine[] {
  const lines: [ScriptLine['from'], string][] = [
    ['remote', 'Hello! I am planning a week in the Alps in September.'],
    ['local', 'Sounds wonderful. Hut to hut, or camping?'],
    ['remote', 'Camping, mostly above 2,000 m.'],
    ['local', 'Then you want a four-season tent or a sturdy three-season one with a full fly.'],
    ['remote', 'What would you recommend under 2 kg?'],
    ['local', 'The Ridgeline 2 (1.8 kg) or the Summit Pro (1.95 kg). Specs: https://example.com/tents/ridgeline-2'],
    ['remote', 'How do they handle wind?'],
    ['local', 'Both are rated for 80 km/h with all guy lines out. The Summit Pro has a lower profile.'],
    ['remote', 'And condensation?'],
    ['local', 'Double-wall on both, with two vents each.\nThe Ridgeline also has a mesh inner.'],
    ['remote', '👍 that helps'],
    ['remote', 'Do you ship to Switzerland?'],
    ['local', 'Yes, 3–5 working days, duties included.'],
    ['remote', 'What about a stove? I have never cooked at altitude.'],
    ['local', 'A canister stove with a pressure regulator works well down to about −10 °C.'],
    ['remote', 'Is gas easy to find there?'],
    ['local', 'Every town with a sports shop sells the standard screw-on canisters.'],
    ['remote', 'OK. And a sleeping bag: comfort or limit rating?'],
    ['local', 'Go by the comfort rating. For September nights at 2,500 m, comfort −2 °C or lower.'],
    ['remote', 'Down or synthetic?'],
    ['local', 'Down packs smaller; synthetic forgives damp. With a good tent, down.'],
    ['remote', 'Makes sense.'],
    ['remote', 'Can I return the tent if it does not fit in my pack?'],
    ['local', '30 days, unused, free returns. Pitching it once in your living room counts as unused 🙂'],
    ['remote', 'Haha perfect'],
    ['remote', 'Pneumonoultramicroscopicsilicovolcanoconiosis-resistant fabric? (sorry, had to try a long word)'],
    ['local', 'Very long words wrap fine here, and so does the fabric, I promise.'],
    ['remote', 'Last question: footprint included?'],
    ['local', 'Not included; it is 39 € and saves the floor on rocky ground.'],
    ['remote', 'I will take the Ridgeline 2 in green with the footprint.'],
    ['local', 'Great choice! I have put both in a basket for you: https://example.com/basket/8F3K2'],
    ['remote', 'Got it, paying now.'],
    ['remote', 'Done ✅'],
    ['local', 'Thank you! You will get a tracking link by email today.'],
    ['remote', 'Thanks for the help!'],
    ['local', 'Enjoy the Alps. Send us a photo from the top!'],
  ];
  const total = lines.length;
  return lines.map(([from, text], i) => ({ from, text, ago: (total - i) * 3 }));
}

// ---------------------------------------------------------------------------------------------
// Files

/** A PNG drawn on a canvas, as a "photo" a remote might send. */
export async function samplePng(label: string): Promise<Uint8Array> {
  const canvas = document.createElement('canvas');
  canvas.width = 480;
  canvas.height = 320;
  const ctx = canvas.getContext('2d')!;
  const sky = ctx.createLinearGradient(0, 0, 0, 320);
  sky.addColorStop(0, '#7dd3fc');
  sky.addColorStop(1, '#e0f2fe');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, 480, 320);
  ctx.fillStyle = '#64748b';
  ctx.beginPath();
  ctx.moveTo(0, 260);
  ctx.lineTo(140, 90);
  ctx.lineTo(230, 190);
  ctx.lineTo(320, 70);
  ctx.lineTo(480, 250);
  ctx.lineTo(480, 320);
  ctx.lineTo(0, 320);
  ctx.fill();
  ctx.fillStyle = '#f8fafc';
  ctx.beginPath();
  ctx.moveTo(320, 70);
  ctx.lineTo(290, 110);
  ctx.lineTo(352, 105);
  ctx.fill();
  ctx.fillStyle = '#16a34a';
  ctx.beginPath();
  ctx.moveTo(200, 300);
  ctx.lineTo(250, 240);
  ctx.lineTo(300, 300);
  ctx.fill();
  ctx.fillStyle = '#0f172a';
  ctx.font = '600 18px system-ui, sans-serif';
  ctx.fillText(label, 16, 30);
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/png'));
  return new Uint8Array(await blob.arrayBuffer());
}

/** Deterministic filler bytes for a non-image file. */
export function sampleBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

/**
 * A file arriving from `remoteId` through the real FileTransfers code: the offer on the control
 * channel, the bytes on a raw `rtc-file` connection, and (when `fraction` is 1) the SHA-256 in
 * `file-end`, verified before the file is offered. With a fraction below 1 the bytes stop there
 * (`trickleTo` lets them creep on slowly, so the progress bar and speed move).
 */
export function incomingFile(
  fx: Fixture,
  chat: Chat,
  remoteId: string,
  file: { id: string; name: string; mime: string; bytes: Uint8Array },
  progress: { fraction: number; trickleTo?: number } = { fraction: 1 },
): void {
  const { id, name, mime, bytes } = file;
  chat.files.receive({ type: 'file-offer', id, name, size: bytes.byteLength, mime });
  const connection = new LoopbackConnection({ peer: remoteId, label: FILE_LABEL, serialization: 'raw', metadata: { fileId: id } });
  chat.files.adopt(connection.asDataConnection());
  const CHUNK = 16 * 1024;
  let sent = 0;
  const sendUpTo = (limit: number) => {
    while (sent < limit) {
      const end = Math.min(limit, sent + CHUNK);
      connection.receive(bytes.slice(sent, end).buffer);
      sent = end;
    }
  };
  sendUpTo(Math.floor(bytes.byteLength * progress.fraction));
  if (progress.fraction >= 1) {
    chat.files.receive({ type: 'file-end', id, sha256: new Sha256().update(bytes).digestHex() });
    return;
  }
  if (progress.trickleTo) {
    const stopAt = Math.floor(bytes.byteLength * progress.trickleTo);
    const timer = setInterval(() => {
      if (sent >= stopAt) return clearInterval(timer);
      sendUpTo(Math.min(stopAt, sent + 6 * 1024));
    }, 50);
    fx.onDispose(() => clearInterval(timer));
  }
  fx.onDispose(() => connection.close());
}

// ---------------------------------------------------------------------------------------------
// Support widget

/** The localStorage keys `<rtc-support agent>` keeps (see src/elements/rtc-support/support-store.ts). */
export function supportKey(agent: string, name: 'visitor' | 'name' | 'open' | 'unread'): string {
  return `rtc-support:${agent}:${name}`;
}

// ---------------------------------------------------------------------------------------------
// Story helpers

/**
 * The `--rtc-*` args a story's Controls set (rows from the manifest's CSS custom properties), as
 * an inline style for the element.
 */
export function cssProps(args: object): string {
  return Object.entries(args)
    .filter(([name, value]) => name.startsWith('--') && typeof value === 'string' && value.trim() !== '')
    .map(([name, value]) => `${name}: ${String(value).replace(/[;{}]/g, '')};`)
    .join(' ');
}

/** Adds the docs description of one story (shown above it on the docs page). */
export function described<S extends object>(description: string, story: S): S {
  const parameters = (story as { parameters?: Record<string, unknown> }).parameters ?? {};
  const docs = (parameters.docs as Record<string, unknown> | undefined) ?? {};
  return { ...story, parameters: { ...parameters, docs: { ...docs, description: { story: description } } } };
}
