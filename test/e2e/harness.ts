import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromeArgs, findChrome } from '../../scripts/chrome.js';
import { createServer, type ServerOptions } from '../../server/index.js';

/**
 * End-to-end harness: our real server (broker + built script) and real Chromium pages with
 * fake camera and microphone. Nothing here mocks PeerJS or WebRTC; the init script only
 * records what the page creates so tests can prove it was released.
 */

export async function startServer(options: ServerOptions = {}) {
  const server = createServer({ port: 0, log: false, ...options });
  const info = await server.listen();
  return { server, ...info };
}

export function launchChrome(options: { fakeUi?: boolean } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: findChrome(), args: chromeArgs(options), headless: true });
}

/** Records rtc-* events, RTCPeerConnections and captured tracks for assertions. */
const INSTRUMENT = () => {
  const w = window as unknown as Record<string, unknown>;
  const events: { type: string; detail: unknown; target: string }[] = [];
  const pcs: RTCPeerConnection[] = [];
  const tracks: MediaStreamTrack[] = [];
  const canvasTracks: MediaStreamTrack[] = [];
  // In order: 'list' for each enumerateDevices(), and for each getUserMedia() what it asked for:
  // 'capture:audio+video', 'capture:video' or 'capture:audio'.
  const deviceCalls: string[] = [];
  w.__deviceCalls = deviceCalls;
  w.__events = events;
  w.__pcs = pcs;
  w.__tracks = tracks;
  w.__canvasTracks = canvasTracks;
  for (const type of ['rtc-ready', 'rtc-incoming', 'rtc-connected', 'rtc-ended', 'rtc-state', 'rtc-error', 'rtc-message', 'rtc-file', 'rtc-typing', 'rtc-unread']) {
    window.addEventListener(
      type,
      (event) => events.push({ type, detail: (event as CustomEvent).detail, target: (event.target as Element)?.id ?? '' }),
      true,
    );
  }
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      pcs.push(this);
    }
  } as typeof RTCPeerConnection;
  // Every change a page makes to the encodings of a video sender, with a track on it or not (its
  // negotiated codecs say it is one): [active, scaleResolutionDownBy]; and in __videoEncodingTracks
  // what the sender carried at that moment ('camera' for a captured track, 'canvas', 'none').
  const videoEncodings: [boolean, number][][] = [];
  const videoEncodingTracks: string[] = [];
  /** What a sender carries: a captured track (`camera`, a shared screen too), a `canvas` track the page drew, or `none`. */
  const trackKind = (track: MediaStreamTrack | null | undefined) =>
    !track ? 'none' : tracks.includes(track) ? 'camera' : canvasTracks.includes(track) ? 'canvas' : 'other';
  w.__trackKind = trackKind;
  w.__videoEncodings = videoEncodings;
  w.__videoEncodingTracks = videoEncodingTracks;
  const setParameters = RTCRtpSender.prototype.setParameters;
  RTCRtpSender.prototype.setParameters = function (this: RTCRtpSender, parameters: RTCRtpSendParameters, ...rest: unknown[]) {
    const video = this.track?.kind === 'video' || parameters.codecs?.some((codec) => codec.mimeType.startsWith('video/'));
    if (video) {
      videoEncodingTracks.push(trackKind(this.track));
      videoEncodings.push(parameters.encodings.map((e) => [e.active ?? true, e.scaleResolutionDownBy ?? 1]));
    }
    return (setParameters as (...args: unknown[]) => Promise<void>).call(this, parameters, ...rest);
  };
  // Tracks the page draws itself (a call's primed sender), kept apart from captured ones.
  const captureStream = HTMLCanvasElement.prototype.captureStream;
  HTMLCanvasElement.prototype.captureStream = function (this: HTMLCanvasElement, frameRate?: number) {
    const stream = captureStream.call(this, frameRate);
    canvasTracks.push(...stream.getTracks());
    return stream;
  };
  const media = navigator.mediaDevices;
  if (media) {
    for (const method of ['getUserMedia', 'getDisplayMedia'] as const) {
      const original = media[method]?.bind(media);
      if (!original) continue;
      media[method] = async (constraints?: MediaStreamConstraints) => {
        if (method === 'getUserMedia') deviceCalls.push(`capture:${(['audio', 'video'] as const).filter((kind) => constraints?.[kind]).join('+')}`);
        const stream = await original(constraints);
        tracks.push(...stream.getTracks());
        return stream;
      };
    }
    const enumerate = media.enumerateDevices?.bind(media);
    if (enumerate) {
      media.enumerateDevices = () => {
        deviceCalls.push('list');
        return enumerate();
      };
    }
  }
};

export async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript(INSTRUMENT);
  page.on('pageerror', (error) => {
    (page as Page & { errors?: Error[] }).errors ??= [];
    (page as Page & { errors?: Error[] }).errors!.push(error);
  });
  return page;
}

/** Uncaught errors in the page, as readable strings (name, message and the top of the stack). */
export function pageErrors(page: Page): string[] {
  return ((page as Page & { errors?: Error[] }).errors ?? []).map((e) => `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(0, 6).join('\n')}`);
}

/** Waits until the page has seen an rtc-* event matching type (and optional detail fields). */
export async function waitForRtcEvent(page: Page, type: string, match: Record<string, unknown> = {}, timeout = 20_000) {
  const handle = await page.waitForFunction(
    ({ type, match }) => {
      const events = (window as unknown as { __events: { type: string; detail: Record<string, unknown> }[] }).__events;
      return events.find((e) => e.type === type && Object.entries(match).every(([k, v]) => e.detail?.[k] === v))?.detail ?? false;
    },
    { type, match },
    { timeout, polling: 50 },
  );
  return (await handle.jsonValue()) as Record<string, unknown>;
}

export async function ownId(page: Page, selector = 'rtc-call'): Promise<string> {
  await page.waitForFunction((s) => (document.querySelector(s) as unknown as { ownId: string | null })?.ownId, selector);
  return page.evaluate((s) => (document.querySelector(s) as unknown as { ownId: string }).ownId, selector);
}

/** Resolves when the <video> part presents a new frame (requestVideoFrameCallback). */
export function waitForFrame(page: Page, part: 'remote-video' | 'local-video', selector = 'rtc-call', timeout = 15_000) {
  return page.evaluate(
    ({ part, selector, timeout }) =>
      new Promise<number>((resolve, reject) => {
        // `a >>> b` walks into a's shadow root to find b (elements nested in other elements).
        let host: Element | null = null;
        for (const step of selector.split(' >>> ')) host = (host ? host.shadowRoot : document)?.querySelector(step) ?? null;
        const video = host?.shadowRoot?.querySelector(`[part~="${part}"]`) as HTMLVideoElement | null;
        if (!video) return reject(new Error(`no ${part}`));
        const timer = setTimeout(() => reject(new Error(`no frame on ${part} within ${timeout} ms`)), timeout);
        video.requestVideoFrameCallback((_now, meta) => {
          clearTimeout(timer);
          resolve(meta.width);
        });
      }),
    { part, selector, timeout },
  );
}

export function clickPart(page: Page, part: string, selector = 'rtc-call') {
  return page.locator(`${selector} [part~="${part}"]`).click();
}

/**
 * Live media tracks and open RTCPeerConnections the page still holds. Media connections (with
 * transceivers) are counted apart: a chat on the same page may rightly keep its data channel.
 */
export function openResources(page: Page, { mediaOnly = false } = {}) {
  return page.evaluate((mediaOnly) => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __tracks: MediaStreamTrack[]; __canvasTracks: MediaStreamTrack[]; __trackKind: (track: MediaStreamTrack | null | undefined) => string };
    const open = w.__pcs.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed');
    return {
      liveTracks: [...w.__tracks, ...w.__canvasTracks].filter((t) => t.readyState === 'live').length,
      openPeerConnections: (mediaOnly ? open.filter((pc) => pc.getTransceivers().length > 0) : open).length,
    };
  }, mediaOnly);
}

/** The page's newest open media RTCPeerConnection: its state, the RTP bytes it sent and received, and the RTP packets it sent (padding included). */
export function mediaTransport(page: Page) {
  return page.evaluate(async () => {
    const w = window as unknown as { __pcs: RTCPeerConnection[] };
    const pc = w.__pcs.filter((pc) => pc.connectionState !== 'closed' && pc.getTransceivers().length > 0).at(-1);
    if (!pc) return null;
    let sent = 0;
    let received = 0;
    let packets = 0;
    for (const report of (await pc.getStats()).values()) {
      if (report.type === 'outbound-rtp') {
        sent += report.bytesSent ?? 0;
        packets += report.packetsSent ?? 0;
      }
      if (report.type === 'inbound-rtp') received += report.bytesReceived ?? 0;
    }
    return { state: pc.connectionState, sent, received, packets };
  });
}

/**
 * What the newest open media connection's video sender carries: a captured track (`camera`, which
 * includes a shared screen), a `canvas` track the page drew, or `none`; and whether its encodings
 * are switched on and how much they scale the picture down. Also how many canvas tracks are still live, and the start bitrate the remote
 * description gives video.
 */
export function videoSender(page: Page) {
  return page.evaluate(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __tracks: MediaStreamTrack[]; __canvasTracks: MediaStreamTrack[]; __trackKind: (track: MediaStreamTrack | null | undefined) => string };
    const pc = w.__pcs.filter((pc) => pc.connectionState !== 'closed' && pc.getTransceivers().length > 0).at(-1);
    const sender = pc?.getTransceivers().find((t) => t.receiver.track.kind === 'video')?.sender;
    const track = sender?.track;
    const encodings = sender?.getParameters().encodings ?? [];
    return {
      track: w.__trackKind(track),
      active: encodings.map((e) => e.active),
      scale: encodings.map((e) => e.scaleResolutionDownBy ?? 1),
      liveCanvasTracks: w.__canvasTracks.filter((t) => t.readyState === 'live').length,
      // The start bitrate the other side asked for (see src/session/sdp.ts), on its first video codec.
      startBitrate: Number(/x-google-start-bitrate=(\d+)/.exec(pc?.remoteDescription?.sdp.split('m=video')[1] ?? '')?.[1] ?? 0),
    };
  });
}

/** Waits (up to 10 s) until every page has released its media: no live track, no open media RTCPeerConnection. */
export async function expectMediaReleased(...pages: Page[]) {
  for (const page of pages) {
    await expect.poll(() => openResources(page, { mediaOnly: true }), { timeout: 10_000 }).toEqual({ liveTracks: 0, openPeerConnections: 0 });
  }
}

export interface Tab {
  page: Page;
  id: string;
}

/** Opens `count` tabs on the demo call page and waits until each is on the broker. */
export async function openCallTabs(context: BrowserContext, baseUrl: string, count: number, path = 'call.html'): Promise<Tab[]> {
  const pages = await Promise.all(Array.from({ length: count }, () => newPage(context)));
  await Promise.all(pages.map((page) => page.goto(`${baseUrl}${path}`)));
  await Promise.all(pages.map((page) => waitForRtcEvent(page, 'rtc-ready')));
  return Promise.all(pages.map(async (page) => ({ page, id: await ownId(page) })));
}

/** Calls `to` from `from` through the UI and waits until the callee rings. */
export async function ring(from: Tab, to: Tab, button = 'call-button') {
  await from.page.locator('rtc-call [part~="remote-id-input"]').fill(to.id);
  await clickPart(from.page, button);
  return waitForRtcEvent(to.page, 'rtc-incoming', { from: from.id });
}

/** Rings and answers; resolves when both sides report rtc-connected. */
export async function connect(from: Tab, to: Tab) {
  await ring(from, to);
  await clickPart(to.page, 'answer-button');
  await Promise.all([waitForRtcEvent(from.page, 'rtc-connected', { remoteId: to.id }), waitForRtcEvent(to.page, 'rtc-connected', { remoteId: from.id })]);
}

/** The `part` of the element that has keyboard focus, through every shadow root (`#id` if it has no part); null on the page itself. */
export function focusedPart(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.getAttribute('part') ?? (active?.id ? `#${active.id}` : null);
  });
}

/** Clears recorded events so the next wait sees only what happens from now on. */
export function clearEvents(page: Page) {
  return page.evaluate(() => ((window as unknown as { __events: unknown[] }).__events.length = 0));
}

/** Opens the demo home page (it loads the script tag) and mounts one element with these attributes. */
export async function mountElement(context: BrowserContext, baseUrl: string, tag: string, attributes: Record<string, string>): Promise<Page> {
  const page = await newPage(context);
  await page.goto(baseUrl);
  await page.evaluate(
    ({ tag, attributes }) => {
      const element = document.createElement(tag);
      element.id = 'el';
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      element.style.height = '420px';
      document.body.prepend(element);
    },
    { tag, attributes },
  );
  await waitForRtcEvent(page, 'rtc-ready');
  return page;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * One server, one Chromium and one context per test file, started before and closed after
 * the file's tests (call inside a test file at top level).
 */
export function useEnvironment(serverOptions: ServerOptions = {}) {
  const env = {} as { server: Awaited<ReturnType<typeof startServer>>; browser: Browser; context: BrowserContext };
  beforeAll(async () => {
    env.server = await startServer(serverOptions);
    env.browser = await launchChrome();
    env.context = await env.browser.newContext();
  });
  afterAll(async () => {
    await env.context?.close();
    await env.browser?.close();
    await env.server?.server.close();
  });
  return env;
}
