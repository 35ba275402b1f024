/** Small browser-side helpers: no assertion library needed, every check throws with a message. */
export const BROKER = (window as unknown as { __BROKER__: string }).__BROKER__;

/** The built script-tag bundle (npm test builds first): what site owners load is what we test. */
export const BUNDLE = '/dist/cdn/rtc-elements.js';
/** Its lazily loaded part, which exports the classes and the session layer. */
export const FULL_BUNDLE: string = '/dist/cdn/rtc-elements-full.js';
export const lib = (await import(/* @vite-ignore */ FULL_BUNDLE)) as typeof import('../../src/index.js');

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export function equal<T>(actual: T, expected: T, message = ''): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${message} expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Resolves with the next `type` event on `target` (optionally matching), rejects after `timeout`. */
export function nextEvent<T = unknown>(target: EventTarget, type: string, timeout = 20_000, match: (detail: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener);
      reject(new Error(`no ${type} within ${timeout} ms`));
    }, timeout);
    const listener = (event: Event) => {
      const detail = (event as CustomEvent<T>).detail;
      if (!match(detail)) return;
      clearTimeout(timer);
      target.removeEventListener(type, listener);
      resolve(detail);
    };
    target.addEventListener(type, listener);
  });
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Records every RTCPeerConnection the page creates from now on, so tests can prove they closed. */
export const peerConnections: RTCPeerConnection[] = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = class extends Native {
  constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
    super(...args);
    peerConnections.push(this);
  }
} as typeof RTCPeerConnection;

export function openPeerConnections(): number {
  return peerConnections.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed').length;
}

/** Waits for a condition by re-checking on each animation frame (never a fixed sleep). */
export async function until(check: () => boolean, what: string, timeout = 15_000): Promise<void> {
  const deadline = performance.now() + timeout;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

export function frame(video: HTMLVideoElement, timeout = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no video frame')), timeout);
    video.requestVideoFrameCallback((_now, meta) => {
      clearTimeout(timer);
      resolve(meta.width);
    });
  });
}
