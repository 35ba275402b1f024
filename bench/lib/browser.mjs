// Our real server (serving bench/pages as its site root) and a real Chromium with fake devices,
// as the end-to-end tests use them. Nothing here mocks PeerJS or WebRTC.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromeArgs, findChrome } from '../../scripts/chrome.js';
import { createServer } from '../../server/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PAGES = path.join(ROOT, 'bench', 'pages');
export const PEERJS_UMD = path.join(ROOT, 'node_modules', 'peerjs', 'dist', 'peerjs.min.js');

/** Our server on a random loopback port; the site root is bench/pages, /cdn/ the built bundle. */
export async function startServer(options = {}) {
  const server = createServer({ port: 0, host: '127.0.0.1', log: false, ...options, staticRoots: { demo: PAGES, ...options.staticRoots } });
  const info = await server.listen();
  return { server, ...info };
}

export function launchBrowser(extraArgs = []) {
  return chromium.launch({ executablePath: findChrome(), args: [...chromeArgs(), ...extraArgs], headless: true });
}

/**
 * Opens `url` in a browser launched for it alone (so nothing was captured before: a browser's
 * first capture), runs `fn(page)` and closes that browser. For the probes that measure cold starts.
 */
export async function inNewBrowser(url, fn) {
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    return await fn(page);
  } finally {
    await browser.close();
  }
}

/**
 * Runs in every page before its scripts: a shared clock, an event waiter, and records of every
 * RTCPeerConnection and captured track (to count what is left open), plus a hook on incoming
 * data channels so a measure can watch bytes arrive without touching the code under test.
 */
export function instrument() {
  const b = {
    pcs: [],
    tracks: [],
    onChannel: null,
    /** One clock for every page of the browser: epoch milliseconds with sub-ms precision. */
    now: () => performance.timeOrigin + performance.now(),
    /** Resolves with the first `type` event on `target` that `accept` takes; rejects after `timeout` ms. */
    waitFor(target, type, accept = () => true, timeout = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          target.removeEventListener(type, on);
          reject(new Error(`no ${type} within ${timeout} ms`));
        }, timeout);
        function on(event) {
          if (!accept(event)) return;
          clearTimeout(timer);
          target.removeEventListener(type, on);
          resolve(event);
        }
        target.addEventListener(type, on);
      });
    },
    /**
     * Resolves with { at: b.now(), size: 'width×height' } of the first frame with a picture
     * presented by the video `find()` returns (requestVideoFrameCallback). Black frames do not count, for either pair: only a
     * camera picture is "the call has video". Polls for the element, so it may be rendered later
     * or replaced.
     */
    firstFrame(find, timeout = 30_000) {
      return new Promise((resolve, reject) => {
        const armed = new WeakSet();
        let done = false;
        const finish = (value, error) => {
          if (done) return;
          done = true;
          clearInterval(poll);
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(value);
        };
        const arm = () => {
          const video = find();
          if (!video || armed.has(video)) return;
          armed.add(video);
          const probe = document.createElement('canvas');
          probe.width = probe.height = 8;
          const context = probe.getContext('2d', { willReadFrequently: true });
          const onFrame = (_now, metadata) => {
            const at = b.now();
            context.drawImage(video, 0, 0, 8, 8);
            const pixels = context.getImageData(0, 0, 8, 8).data;
            let sum = 0;
            for (let i = 0; i < pixels.length; i += 4) sum += pixels[i] + pixels[i + 1] + pixels[i + 2];
            if (sum > 64 * 3 * 16) finish({ at, size: `${metadata.width}×${metadata.height}` });
            else video.requestVideoFrameCallback(onFrame);
          };
          video.requestVideoFrameCallback(onFrame);
        };
        const poll = setInterval(arm, 2);
        const timer = setTimeout(() => finish(0, new Error(`no video frame within ${timeout} ms`)), timeout);
        arm();
      });
    },
    /** Live captured tracks, peer connections not closed, and those among them carrying media. */
    openResources() {
      const open = b.pcs.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed');
      return {
        liveTracks: b.tracks.filter((t) => t.readyState === 'live').length,
        openPeerConnections: open.length,
        openMediaPeerConnections: open.filter((pc) => pc.getTransceivers().length > 0).length,
        peerConnectionsCreated: b.pcs.length,
        tracksCaptured: b.tracks.length,
      };
    },
  };
  window.__bench = b;
  const Native = window.RTCPeerConnection;
  if (Native) {
    window.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args);
        b.pcs.push(this);
        this.addEventListener('datachannel', (event) => b.onChannel?.(event.channel));
      }
    };
  }
  const media = navigator.mediaDevices;
  if (media) {
    for (const method of ['getUserMedia', 'getDisplayMedia']) {
      const original = media[method]?.bind(media);
      if (!original) continue;
      media[method] = async (constraints) => {
        const stream = await original(constraints);
        b.tracks.push(...stream.getTracks());
        return stream;
      };
    }
  }
}

/** A new instrumented page at `url`; page errors are collected on page.errors. */
export async function openPage(context, url) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(`${error.name}: ${error.message}`));
  await page.addInitScript(instrument);
  await page.goto(url);
  return page;
}

/**
 * Two pages in two browser contexts (two windows, like two people), opened one after the other.
 * Why not two tabs of one context: in headless Chromium only the tab last activated renders at
 * full rate; once the other side captures its camera, the first tab drops to ~1 frame per second
 * (requestAnimationFrame and requestVideoFrameCallback starve), which turns frame timings into
 * nonsense. Separate contexts render independently. Returns the pages and a close() for both.
 * `prepare(context)` runs on each context before its page opens (e.g. to route it over a slow network).
 */
export async function openPair(browser, url, prepare = async () => {}) {
  const contexts = [];
  const pages = [];
  try {
    for (let i = 0; i < 2; i++) {
      const context = await browser.newContext();
      contexts.push(context);
      await prepare(context);
      pages.push(await openPage(context, url));
    }
  } catch (error) {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    throw error;
  }
  return { pages, close: () => Promise.all(contexts.map((c) => c.close().catch(() => {}))) };
}

/** Mounts `<tag>` with `attributes` as #id (default 'el') and waits for its rtc-ready. */
export function mount(page, tag, attributes, id = 'el', timeout = 20_000) {
  return page.evaluate(
    async ({ tag, attributes, id, timeout }) => {
      // Created before it is defined: the script tag loads the elements lazily when one appears.
      const element = document.createElement(tag);
      element.id = id;
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      element.style.display = 'block';
      element.style.height = '420px';
      const ready = window.__bench.waitFor(element, 'rtc-ready', () => true, timeout);
      document.body.append(element);
      await ready;
    },
    { tag, attributes, id, timeout },
  );
}

/** Loads the stock peerjs UMD bundle and opens a Peer on our broker as window.peer. */
export async function plainPeer(page, id, port, timeout = 20_000) {
  await page.addScriptTag({ path: PEERJS_UMD });
  await page.evaluate(
    ({ id, port, timeout }) =>
      new Promise((resolve, reject) => {
        const peer = new window.peerjs.Peer(id, { host: 'localhost', port, path: '/peerjs', config: { iceServers: [] }, debug: 0 });
        window.peer = peer;
        const timer = setTimeout(() => reject(new Error('PeerJS did not open')), timeout);
        peer.on('open', () => {
          clearTimeout(timer);
          resolve();
        });
        peer.on('error', (error) => {
          clearTimeout(timer);
          reject(new Error(`PeerJS: ${error.type} ${error.message}`));
        });
      }),
    { id, port, timeout },
  );
}

let counter = 0;
export function uniqueId(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Closes pages, ignoring pages already closed. */
export async function closeAll(...pages) {
  await Promise.all(pages.filter(Boolean).map((page) => page.close().catch(() => {})));
}
