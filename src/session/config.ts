import { getDefaultServer } from './default-server.js';
import { RtcError } from './errors.js';
import { randomId } from './protocol.js';

/**
 * Where the broker is and which ICE servers to use. Never PeerJS's public cloud or its TURN
 * defaults: a page that names no server talks to the origin that served the script.
 */

export { setDefaultServer } from './default-server.js';

export function resolveServerUrl(attribute: string | null | undefined): URL {
  const base = typeof location === 'undefined' ? 'http://localhost/' : location.href;
  const raw = attribute?.trim() || getDefaultServer() || '/peerjs';
  let url: URL;
  try {
    // A space is never part of a broker URL but parses as a path ("not a url" → /not%20a%20url),
    // which would only show up later as an unreachable server.
    if (/\s/.test(raw)) throw new TypeError('whitespace');
    url = new URL(raw, base);
  } catch {
    throw new RtcError('bad-attribute', `server="${raw}" is not a URL.`);
  }
  if (!/^(https?|wss?):$/.test(url.protocol)) {
    throw new RtcError('bad-attribute', `server="${raw}" must be an http(s) or ws(s) URL.`);
  }
  url.hash = '';
  url.search = '';
  if (url.pathname.endsWith('/') && url.pathname.length > 1) url.pathname = url.pathname.slice(0, -1);
  return url;
}

/** PeerJS connection options for a broker URL like https://support.example.com/peerjs. */
export function peerServerOptions(server: URL): { host: string; port: number; path: string; secure: boolean } {
  const secure = server.protocol === 'https:' || server.protocol === 'wss:';
  const port = server.port ? Number(server.port) : secure ? 443 : 80;
  return { host: server.hostname, port, path: server.pathname || '/', secure };
}

/** /rtc-config is a sibling of the broker mount: /peerjs → /rtc-config, /support/peerjs → /support/rtc-config. */
export function rtcConfigUrl(server: URL): string {
  const http = new URL(server.href);
  if (http.protocol === 'ws:') http.protocol = 'http:';
  if (http.protocol === 'wss:') http.protocol = 'https:';
  return new URL('rtc-config', http).href;
}

function isIceServer(value: unknown): value is RTCIceServer {
  if (typeof value !== 'object' || value === null) return false;
  const server = value as RTCIceServer;
  const list = Array.isArray(server.urls) ? server.urls : [server.urls];
  if (list.length === 0 || !list.every((u) => typeof u === 'string' && /^(stuns?|turns?):/.test(u))) return false;
  // RTCPeerConnection throws on a TURN server without credentials; refuse it here instead.
  const turn = list.some((u) => /^turns?:/.test(u));
  return !turn || (typeof server.username === 'string' && typeof server.credential === 'string');
}

/** Parses the `ice-servers` attribute; a bad value is an error the host must see, not a silent default. */
export function parseIceServers(attribute: string): RTCIceServer[] {
  let value: unknown;
  try {
    value = JSON.parse(attribute);
  } catch {
    throw new RtcError('bad-attribute', 'ice-servers must be a JSON array of RTCIceServer objects.');
  }
  if (!Array.isArray(value) || !value.every(isIceServer)) {
    throw new RtcError('bad-attribute', 'ice-servers must be a JSON array of objects with stun:/turn: "urls" (TURN needs username and credential).');
  }
  return value;
}

/** Asks the server for ICE servers; no answer within the timeout means "none" (fine on a LAN). */
export async function fetchIceServers(server: URL, timeoutMs = 4000): Promise<RTCIceServer[]> {
  try {
    const response = await fetch(rtcConfigUrl(server), { signal: AbortSignal.timeout(timeoutMs), credentials: 'omit' });
    if (!response.ok) return [];
    const body = (await response.json()) as { iceServers?: unknown };
    return Array.isArray(body.iceServers) ? body.iceServers.filter(isIceServer) : [];
  } catch {
    return [];
  }
}

// PeerJS's own rule minus spaces: alphanumeric runs joined by single - or _.
const PEER_ID_PATTERN = /^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$/;

/** Whether `id` is a peer id we accept: letters and digits joined by single `-` or `_`, 64 at most. */
export function isValidPeerId(id: string): boolean {
  return id.length <= 64 && PEER_ID_PATTERN.test(id);
}

export function validatePeerId(id: string): string {
  if (!isValidPeerId(id)) {
    throw new RtcError('invalid-id', `"${id.slice(0, 70)}" is not a valid peer id (letters, digits, - and _; 64 at most).`);
  }
  return id;
}

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // sandboxed iframes throw on access
  }
}

/** Values this page claimed, by key: ours for the page's lifetime (and without storage, the only copy). */
const claimed = new Map<string, string>();
let unloadHooked = false;

const liveKey = (key: string) => `${key}:live`;

/** The marks come off when the page goes (reload, close, navigation) and back if it returns from the back/forward cache. */
function hookUnload(): void {
  if (unloadHooked || typeof addEventListener !== 'function') return;
  unloadHooked = true;
  const mark = (on: boolean) => {
    const store = storage();
    for (const key of claimed.keys()) {
      try {
        if (on) store?.setItem(liveKey(key), '1');
        else store?.removeItem(liveKey(key));
      } catch {
        // storage disabled: nothing was marked
      }
    }
  };
  addEventListener('pagehide', () => mark(false));
  addEventListener('pageshow', (event) => (event as PageTransitionEvent).persisted && mark(true));
}

/**
 * A value kept per tab (an id, a broker token), so that a reload gets it back. The browser's
 * "Duplicate tab" copies sessionStorage too, and two tabs with one broker identity would take it
 * from each other: so a value is also marked live while its page is open, and a copy whose mark
 * is still set (its page has not gone) is not reused. A tab restored after a crash (no pagehide)
 * gets a fresh value too, which only costs it its old id.
 */
function remembered(key: string, make: () => string): string {
  const mine = claimed.get(key);
  if (mine !== undefined) return mine;
  const store = storage();
  const existing = store?.getItem(key);
  const value = existing && store?.getItem(liveKey(key)) !== '1' ? existing : make();
  try {
    store?.setItem(key, value);
    store?.setItem(liveKey(key), '1');
  } catch {
    // storage full or disabled: the value still works for this page's lifetime
  }
  claimed.set(key, value);
  hookUnload();
  return value;
}

/** A random own id, kept per tab so a reload keeps it. */
export function defaultPeerId(server: URL): string {
  return remembered(`rtc-elements:id:${server.href}`, () => `p-${randomId(6)}`);
}

/**
 * The broker token proves a reload is the same tab reclaiming its id (a fresh token would get
 * ID-TAKEN until the broker notices the old socket is gone).
 */
export function peerToken(server: URL, peerId: string, secret?: string): string {
  const tabToken = remembered(`rtc-elements:token:${server.href}:${peerId}`, () => randomId(16));
  // A reserved id (the server's --reserved-ids) is proven by the token's first part; the tab's own
  // part stays, so a second tab of the same agent is still told the id is taken (not a takeover).
  return secret ? `${secret}.${tabToken}` : tabToken;
}

/** A reserved id's secret: what the server accepts (and what fits a URL query unescaped). */
export const PEER_SECRET_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function validatePeerSecret(secret: string): string {
  if (!PEER_SECRET_PATTERN.test(secret)) {
    throw new RtcError('bad-attribute', 'peer-secret must be 16 to 128 letters, digits, - or _ (the secret given to the server with --reserved-ids).');
  }
  return secret;
}
