import type { RtcSession } from '../../src/index.js';
import { BROKER, assert, equal, lib, uniqueId, until } from './helpers.js';

const { acquireSession, releaseSession, liveSessionCount } = lib;

function online(session: RtcSession): Promise<void> {
  return until(() => session.status === 'online', `${session.peerId} online`);
}

describe('a session\'s name', () => {
  it('reaches peers already connected when it changes, cut to what they accept', async () => {
    const a = acquireSession({ server: new URL(BROKER), peerId: uniqueId('na'), name: 'Ann' });
    const b = acquireSession({ server: new URL(BROKER), peerId: uniqueId('nb') });
    const releases = [a.conversation(b.peerId).retain(), b.conversation(a.peerId).retain()];
    try {
      await Promise.all([online(a), online(b)]);
      await a.conversation(b.peerId).connect();
      const seen = () => b.conversation(a.peerId).remoteName;
      await until(() => seen() === 'Ann', 'the first hello');
      a.name = 'Ann Lee';
      await until(() => seen() === 'Ann Lee', 'the new name');
      // 81+ characters would get the whole hello dropped by the receiver: it is cut to 80 instead.
      a.name = 'N'.repeat(200);
      equal(a.name.length, 80);
      await until(() => seen() === 'N'.repeat(80), 'the long name, cut');
      equal(b.dropped, 0, 'no hello was dropped');
    } finally {
      for (const release of releases) release();
      releaseSession(a);
      releaseSession(b);
      await until(() => liveSessionCount() === 0, 'sessions released');
    }
  });
});

describe('a session\'s ICE servers', () => {
  it('an element naming other ICE servers (rotated TURN credentials) gets them for the next connections', async () => {
    const id = uniqueId('ice');
    const first: RTCIceServer[] = [{ urls: 'stun:127.0.0.1:3478' }];
    const rotated: RTCIceServer[] = [{ urls: 'turn:127.0.0.1:3478', username: 'u2', credential: 'p2' }];
    const a = acquireSession({ server: new URL(BROKER), peerId: id, iceServers: first });
    const b = acquireSession({ server: new URL(BROKER), peerId: uniqueId('icepeer') });
    const releases = [a.conversation(b.peerId).retain(), b.conversation(a.peerId).retain()];
    let again: RtcSession | null = null;
    try {
      await Promise.all([online(a), online(b)]);
      again = acquireSession({ server: new URL(BROKER), peerId: id, iceServers: rotated });
      assert(again === a, 'the same shared session');
      await a.conversation(b.peerId).connect();
      const pc = (a.peer!.connections as Record<string, { peerConnection: RTCPeerConnection }[]>)[b.peerId]![0]!.peerConnection;
      equal(JSON.stringify(pc.getConfiguration().iceServers?.map((s) => s.username)), JSON.stringify(['u2']));
    } finally {
      for (const release of releases) release();
      if (again) releaseSession(again);
      releaseSession(a);
      releaseSession(b);
      await until(() => liveSessionCount() === 0, 'sessions released');
    }
  });
});
