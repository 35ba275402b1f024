import { afterEach, describe, expect, it } from 'vitest';
import { SessionController } from '../../src/controllers/session-controller.js';
import { Emitter } from '../../src/session/emitter.js';
import { provideSession, withdrawSession } from '../../src/session/registry.js';

/** Just what the controller uses of a call and a session. */
class FakeCall extends Emitter<{ change: void; ended: { reason: string; durationMs: number }; error: unknown }> {
  ended = false;
  end() {
    this.ended = true;
    this.emit('ended', { reason: 'hangup', durationMs: 1 });
  }
}
class FakeSession extends Emitter<Record<string, unknown>> {
  server = new URL('https://x.example/peerjs');
  peerId = 'me';
  status = 'online';
  activeCall: FakeCall | null = null;
  isDestroyed = false;
  addCallView() {
    return () => {};
  }
  setIceServers() {}
  fire(type: string, detail: unknown) {
    this.emit(type, detail);
  }
}

let session: FakeSession;
afterEach(() => withdrawSession(session as never));

function setup() {
  session = new FakeSession();
  provideSession(session as never);
  const ended: unknown[] = [];
  const host = { isConnected: true, addController() {}, requestUpdate() {}, removeController() {} } as never;
  const config = { server: 'https://x.example/peerjs', peerId: 'me', iceServers: null as string | null, name: null };
  const controller = new SessionController(host, () => config, { callEnded: (_call, detail) => ended.push(detail) }, true);
  controller.hostConnected();
  const call = new FakeCall();
  session.activeCall = call;
  session.fire('call', call);
  return { controller, config, call, ended };
}

describe('SessionController and the call it shows', () => {
  it('reports the end of its call once, however often it re-binds meanwhile (moved in the DOM, ice-servers changed)', () => {
    const { controller, config, call, ended } = setup();
    controller.hostDisconnected();
    controller.hostConnected();
    config.iceServers = '[]';
    controller.configChanged();
    call.end();
    expect(ended).toHaveLength(1);
  });

  it('reports the end of a call it let go of (peer-id changed) when it comes, and then holds nothing of it', () => {
    const { controller, config, call, ended } = setup();
    config.peerId = 'someone-else';
    controller.configChanged();
    expect(ended).toHaveLength(0);
    call.end();
    expect(ended).toHaveLength(1);
    expect(call.listenerCount).toBe(0);
  });
});
