import { defaultPeerId } from './config.js';
import { RtcSession, type SessionOptions } from './rtc-session.js';

/**
 * Every element naming the same (server, peer id) shares one RtcSession: one Peer, one
 * conversation per remote, chat and call side by side. Sessions are reference-counted and
 * destroyed a tick after the last element lets go, so moving an element in the DOM (which
 * disconnects and reconnects it in one task) does not drop the call.
 */
const sessions = new Map<string, { session: RtcSession; refs: number; timer?: ReturnType<typeof setTimeout> }>();

function keyOf(server: URL, peerId: string): string {
  return `${server.href}|${peerId}`;
}

/**
 * A closing tab says goodbye: the remote learns at once that the call ended instead of waiting
 * for silence detection. `pagehide` also covers bfcache navigations.
 */
function onPageHide(event: PageTransitionEvent): void {
  for (const { session } of sessions.values()) {
    session.activeCall?.hangup({ pageClosed: true });
    for (const chat of session.chats.values()) chat.saveNow();
    // Gone for good (not into the back/forward cache, which pages with open connections do not
    // enter anyway): close the channels so remotes stop showing us online now, not 20 s later.
    if (!event.persisted) session.leave();
  }
}

let pageHideListening = false;

export function acquireSession(options: SessionOptions): RtcSession {
  const peerId = options.peerId || defaultPeerId(options.server);
  const key = keyOf(options.server, peerId);
  const entry = sessions.get(key);
  if (entry && !entry.session.isDestroyed) {
    // A peer-secret set after the id was refused without it. First: a malformed one throws, and
    // must not leave a reference behind that nobody will release.
    if (options.secret) entry.session.setSecret(options.secret);
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.refs++;
    if (options.name && !entry.session.name) entry.session.name = options.name;
    // An element naming other ICE servers (rotated TURN credentials): connections from now on use them.
    if (options.iceServers) entry.session.setIceServers(options.iceServers);
    return entry.session;
  }
  if (!pageHideListening && typeof window !== 'undefined') {
    window.addEventListener('pagehide', onPageHide);
    pageHideListening = true;
  }
  const session = new RtcSession({ ...options, peerId });
  sessions.set(key, { session, refs: 1 });
  void session.start();
  return session;
}

/**
 * Shares a session you built yourself (Storybook previews, tests, an app that manages its own
 * lifetime): elements naming its server and peer id use it instead of creating one. It is never
 * destroyed by the registry; call `session.destroy()` and `withdrawSession()` when done.
 */
export function provideSession(session: RtcSession): void {
  sessions.set(keyOf(session.server, session.peerId), { session, refs: Number.POSITIVE_INFINITY });
}

export function withdrawSession(session: RtcSession): void {
  const key = keyOf(session.server, session.peerId);
  if (sessions.get(key)?.session === session) sessions.delete(key);
}

export function releaseSession(session: RtcSession): void {
  const key = keyOf(session.server, session.peerId);
  const entry = sessions.get(key);
  if (!entry || entry.session !== session) return;
  entry.refs--;
  if (entry.refs > 0) return;
  entry.timer = setTimeout(() => {
    if (entry.refs > 0) return;
    sessions.delete(key);
    session.destroy();
    if (sessions.size === 0 && pageHideListening) {
      window.removeEventListener('pagehide', onPageHide);
      pageHideListening = false;
    }
  }, 0);
}

/** Sessions alive on this page; tests use it to prove elements release what they acquire. */
export function liveSessionCount(): number {
  return sessions.size;
}
