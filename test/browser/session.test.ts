import type { RtcSession } from '../../src/index.js';
import { BROKER, equal, lib, uniqueId, until } from './helpers.js';

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
