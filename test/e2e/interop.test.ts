import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { mountElement, newPage, pageErrors, uniqueId, waitForFrame, waitForRtcEvent, useEnvironment } from './harness.js';

/**
 * Interoperability and hostility: a plain PeerJS page (no rtc-elements code) chats with and
 * calls the elements; a hostile one and a raw WebSocket speaking the broker protocol send what
 * PeerJS itself would choke on. The element's page must keep working and never throw.
 */

const env = useEnvironment();

type ChatEl = HTMLElement & { send(text: string): string | null; messages: { text: string; status: string }[] };

/** A page with only the stock peerjs UMD bundle, connected to our broker as `id`. */
async function plainPeer(id: string): Promise<Page> {
  const page = await newPage(env.context);
  await page.goto(`${env.server.url}healthz`);
  await page.addScriptTag({ path: 'node_modules/peerjs/dist/peerjs.min.js' });
  await page.evaluate(
    ({ id, port }) =>
      new Promise<void>((resolve, reject) => {
        const w = window as unknown as Record<string, unknown>;
        const Peer = (w.peerjs as { Peer: new (id: string, options: object) => { on(e: string, f: (x: unknown) => void): void } }).Peer;
        const peer = new Peer(id, { host: 'localhost', port, path: '/peerjs', config: { iceServers: [] } });
        w.peer = peer;
        w.received = [];
        peer.on('open', () => resolve());
        peer.on('error', (e) => reject(e));
      }),
    { id, port: env.server.port },
  );
  return page;
}

/** Opens an rtc-control channel from the plain page and records what comes back. */
function openControl(page: Page, remote: string) {
  return page.evaluate(
    (remote) =>
      new Promise<void>((resolve) => {
        const w = window as unknown as Record<string, any>;
        const conn = w.peer.connect(remote, { label: 'rtc-control', serialization: 'json', reliable: true });
        w.conn = conn;
        w.receivedAt = [];
        conn.on('data', (data: unknown) => {
          w.received.push(data);
          w.receivedAt.push(performance.now());
        });
        conn.on('open', () => {
          w.openedAt = performance.now();
          resolve();
        });
      }),
    remote,
  );
}

/** A WebSocket speaking the broker protocol itself, once the broker said OPEN. */
async function rawSocket(): Promise<WebSocket> {
  const socket = new WebSocket(`ws://localhost:${env.server.port}/peerjs/peerjs?key=peerjs&id=${uniqueId('raw')}&token=t`, {
    headers: { Origin: env.server.url.replace(/\/$/, '') },
  });
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => JSON.parse(String(data)).type === 'OPEN' && resolve());
    socket.on('error', reject);
  });
  return socket;
}

describe('a plain PeerJS client', () => {
  it('chats with <rtc-chat> using only the documented messages', async () => {
    const plainId = uniqueId('plain');
    const chatId = uniqueId('widget');
    const plain = await plainPeer(plainId);
    const widget = await mountElement(env.context, env.server.url, 'rtc-chat', { 'peer-id': chatId, 'remote-id': plainId });
    await openControl(plain, chatId);
    await plain.evaluate(() => {
      const conn = (window as unknown as Record<string, any>).conn;
      conn.send({ type: 'hello', v: 1, name: 'Plain client' });
      conn.send({ type: 'chat', id: 'm1', text: 'hello from plain peerjs', ts: Date.now() });
    });
    expect(await waitForRtcEvent(widget, 'rtc-message')).toMatchObject({ id: 'm1', from: plainId, text: 'hello from plain peerjs' });
    await plain.waitForFunction(() => (window as unknown as { received: { type: string; id?: string }[] }).received.some((m) => m.type === 'ack' && m.id === 'm1'));
    await widget.evaluate(() => (document.getElementById('el') as ChatEl).send('hi plain client'));
    const reply = await plain.waitForFunction(() =>
      (window as unknown as { received: { type: string; text?: string }[] }).received.find((m) => m.type === 'chat'),
    );
    expect(await reply.jsonValue()).toMatchObject({ type: 'chat', text: 'hi plain client' });
    await expect.poll(() => widget.locator('#el [part~="sender"]').first().textContent()).toBe('Plain client');
    expect(pageErrors(widget)).toEqual([]);
    await Promise.all([plain.close(), widget.close()]);
  });

  it('the answering element says hello once the dialler has spoken, or after a short wait when it stays silent', async () => {
    // Chromium sometimes loses a message sent the moment the answering side's channel opens
    // (the dialler's end is not ready for it), so our side waits to hear the dialler first.
    const plainId = uniqueId('plain');
    const callId = uniqueId('widget');
    const plain = await plainPeer(plainId);
    const widget = await mountElement(env.context, env.server.url, 'rtc-call', { 'peer-id': callId, name: 'Widget' });
    await waitForRtcEvent(widget, 'rtc-ready');
    await openControl(plain, callId);
    const hello = await plain.waitForFunction(() => {
      const w = window as unknown as { received: { type: string }[]; receivedAt: number[]; openedAt: number };
      const i = w.received.findIndex((m) => m.type === 'hello');
      return i >= 0 && { message: w.received[i], afterOpen: w.receivedAt[i]! - w.openedAt, before: i };
    });
    const { message, afterOpen, before } = (await hello.jsonValue()) as { message: object; afterOpen: number; before: number };
    expect(message).toMatchObject({ type: 'hello', name: 'Widget' });
    expect(before).toBe(0);
    // The wait is 300 ms from the element's own open, which may come a little before ours.
    expect(afterOpen).toBeGreaterThan(200);
    expect(pageErrors(widget)).toEqual([]);
    await Promise.all([plain.close(), widget.close()]);
  });

  it.each([
    [1, 'one ack per message'],
    [2, 'acks in batches'],
  ])('a client whose hello says v:%i gets %s, every message acknowledged', async (version) => {
    const plainId = uniqueId('plain');
    const chatId = uniqueId('widget');
    const plain = await plainPeer(plainId);
    const widget = await mountElement(env.context, env.server.url, 'rtc-chat', { 'peer-id': chatId, 'remote-id': plainId });
    await openControl(plain, chatId);
    const count = 60;
    await plain.evaluate(
      ({ version, count }) => {
        const conn = (window as unknown as Record<string, any>).conn;
        conn.send({ type: 'hello', v: version });
        for (let i = 0; i < count; i++) conn.send({ type: 'chat', id: `m${i}`, text: `message ${i}`, ts: Date.now() });
      },
      { version, count },
    );
    type Receipt = { type: string; id?: string; ids?: string[] };
    const acked = () =>
      plain.evaluate(() =>
        ((window as unknown as { received: Receipt[] }).received ?? []).flatMap((m) => (m.type === 'ack' ? [m.id!] : m.type === 'acks' ? m.ids! : [])),
      );
    await expect.poll(async () => new Set(await acked()).size, { timeout: 15_000 }).toBe(count);
    const receipts = await plain.evaluate(() => (window as unknown as { received: Receipt[] }).received.filter((m) => m.type === 'ack' || m.type === 'acks'));
    if (version === 1) {
      // A peer that never said it understands acks gets only what it knows.
      expect(receipts.every((m) => m.type === 'ack')).toBe(true);
      expect(receipts).toHaveLength(count);
    } else {
      expect(receipts.some((m) => m.type === 'acks')).toBe(true);
      expect(receipts.length).toBeLessThan(count / 2);
      expect(receipts.every((m) => m.type === 'ack' || (m.ids!.length >= 1 && m.ids!.length <= 100))).toBe(true);
    }
    expect(new Set(await acked())).toEqual(new Set(Array.from({ length: count }, (_, i) => `m${i}`)));
    expect(pageErrors(widget)).toEqual([]);
    await Promise.all([plain.close(), widget.close()]);
  });

  it('a bare peer.call() without a ring rings <rtc-call> and connects when answered', async () => {
    const plainId = uniqueId('plain');
    const callId = uniqueId('callee');
    const plain = await plainPeer(plainId);
    const callee = await mountElement(env.context, env.server.url, 'rtc-call', { 'peer-id': callId });
    await plain.evaluate(async (callId) => {
      const w = window as unknown as Record<string, any>;
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const call = w.peer.call(callId, stream);
      call.on('stream', (remote: MediaStream) => (w.remoteTracks = remote.getTracks().length));
    }, callId);
    expect(await waitForRtcEvent(callee, 'rtc-incoming')).toMatchObject({ from: plainId });
    await callee.locator('#el [part~="answer-button"]').click();
    await waitForRtcEvent(callee, 'rtc-connected');
    await plain.waitForFunction(() => ((window as unknown as { remoteTracks?: number }).remoteTracks ?? 0) > 0);
    expect(pageErrors(callee)).toEqual([]);
    await Promise.all([plain.close(), callee.close()]);
  });

  it('a caller that sends its camera and microphone while it rings is neither seen nor heard before the answer', async () => {
    // A modified client rings as the protocol says, then offers its media with the tracks on it
    // instead of empty senders.
    const plainId = uniqueId('plain');
    const callId = uniqueId('callee');
    const plain = await plainPeer(plainId);
    const callee = await mountElement(env.context, env.server.url, 'rtc-call', { 'peer-id': callId });
    await openControl(plain, callId);
    await plain.evaluate(async (callId) => {
      const w = window as unknown as Record<string, any>;
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      w.conn.send({ type: 'hello', v: 1, name: 'Pushy' });
      w.conn.send({ type: 'ring', callId: 'c1', video: true });
      w.call = w.peer.call(callId, stream, { metadata: { callId: 'c1' } });
    }, callId);
    expect(await waitForRtcEvent(callee, 'rtc-incoming')).toMatchObject({ from: plainId });
    // The caller's media does arrive at the callee's page while it rings…
    await callee.waitForFunction(
      async () => {
        const w = window as unknown as { __pcs: RTCPeerConnection[] };
        const pc = w.__pcs.find((pc) => pc.connectionState === 'connected' && pc.getTransceivers().length > 0);
        if (!pc) return false;
        let audio = 0;
        let video = 0;
        for (const s of (await pc.getStats()).values()) {
          if (s.type !== 'inbound-rtp') continue;
          if (s.kind === 'audio') audio += s.bytesReceived ?? 0;
          else video += s.framesDecoded ?? s.framesReceived ?? 0;
        }
        return audio > 2_000 && video > 3;
      },
      undefined,
      { timeout: 15_000, polling: 100 },
    );
    // …but the element neither shows nor plays it: its player may hold the tracks already (set up
    // before the answer), muted and invisible, whatever the host's styles; no stream is the call's.
    await callee.addStyleTag({ content: '#el::part(remote-video) { visibility: visible !important; opacity: 1 !important; display: block !important; }' });
    const media = await callee.evaluate(() => {
      const element = document.getElementById('el') as HTMLElement & { remoteStream: MediaStream | null };
      return {
        remoteStream: element.remoteStream,
        players: [...element.shadowRoot!.querySelectorAll('video, audio')]
          .map((m) => m as HTMLMediaElement)
          .filter((m) => !!(m.srcObject as MediaStream | null)?.getTracks().length)
          .map((m) => ({ local: m.matches('[part~="local-video"]'), muted: m.muted, visibility: getComputedStyle(m).visibility })),
      };
    });
    expect(media.remoteStream).toBeNull();
    // The callee has not answered: its own camera is off, so no player at all may be visible or unmuted.
    expect(media.players.filter((p) => p.local || !p.muted || p.visibility !== 'hidden')).toEqual([]);
    expect(await callee.locator('#el').getAttribute('state')).toBe('ringing');
    // Answered, the caller is seen and heard at once.
    await callee.locator('#el [part~="answer-button"]').click();
    await waitForRtcEvent(callee, 'rtc-connected');
    await waitForFrame(callee, 'remote-video', '#el');
    expect(
      await callee.evaluate(() => {
        const video = document.getElementById('el')!.shadowRoot!.querySelector('[part~="remote-video"]') as HTMLVideoElement;
        return { muted: video.muted, visibility: getComputedStyle(video).visibility };
      }),
    ).toEqual({ muted: false, visibility: 'visible' });
    expect(pageErrors(callee)).toEqual([]);
    await Promise.all([plain.close(), callee.close()]);
  });

  it('a caller that rings and opens its MediaConnection only after accept (protocol §8 b) connects both ways', async () => {
    const plainId = uniqueId('plain');
    const calleeId = uniqueId('callee');
    const plain = await plainPeer(plainId);
    const callee = await mountElement(env.context, env.server.url, 'rtc-call', { 'peer-id': calleeId });
    await waitForRtcEvent(callee, 'rtc-ready');
    await openControl(plain, calleeId);
    await plain.evaluate(() => {
      const w = window as unknown as Record<string, any>;
      w.conn.send({ type: 'hello', v: 1, name: 'Plain caller' });
      w.conn.send({ type: 'ring', callId: 'late-offer', video: true });
    });
    expect(await waitForRtcEvent(callee, 'rtc-incoming')).toMatchObject({ from: plainId, name: 'Plain caller' });
    await callee.locator('#el [part~="answer-button"]').click();
    // Only now, as the documented example does: capture, then call with the callId.
    await plain.waitForFunction(() => (window as unknown as { received: { type: string }[] }).received.some((m) => m.type === 'accept'));
    await plain.evaluate(async (calleeId) => {
      const w = window as unknown as Record<string, any>;
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const call = w.peer.call(calleeId, stream, { metadata: { callId: 'late-offer' } });
      call.on('stream', (remote: MediaStream) => {
        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = remote;
        document.body.append(video);
        void video.play();
        video.requestVideoFrameCallback((_now, meta) => (w.remoteWidth = meta.width));
      });
    }, calleeId);
    await waitForRtcEvent(callee, 'rtc-connected');
    expect(await waitForFrame(callee, 'remote-video', '#el')).toBeGreaterThan(0);
    // The element answered with its own camera: the plain caller sees it.
    await plain.waitForFunction(() => ((window as unknown as { remoteWidth?: number }).remoteWidth ?? 0) > 0, undefined, { timeout: 15_000 });
    expect(pageErrors(callee)).toEqual([]);
    await Promise.all([plain.close(), callee.close()]);
  });

  it('a media offer that overtakes its ring waits for it, and one whose ring never comes changes nothing', async () => {
    const plainId = uniqueId('plain');
    const calleeId = uniqueId('callee');
    const plain = await plainPeer(plainId);
    const callee = await mountElement(env.context, env.server.url, 'rtc-call', { 'peer-id': calleeId });
    await waitForRtcEvent(callee, 'rtc-ready');
    await plain.evaluate(async (calleeId) => {
      const w = window as unknown as Record<string, any>;
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      w.peer.call(calleeId, stream, { metadata: { callId: 'never-rung' } });
      const call = w.peer.call(calleeId, stream, { metadata: { callId: 'call-1' } });
      call.on('stream', (remote: MediaStream) => (w.remoteTracks = remote.getTracks().length));
      // PeerJS sends the OFFER right after setting it locally.
      const pc: RTCPeerConnection = call.peerConnection;
      while (pc.signalingState !== 'have-local-offer') await new Promise((resolve) => pc.addEventListener('signalingstatechange', resolve, { once: true }));
    }, calleeId);
    // The ring goes out after the offers, which went first on the same broker socket, on a
    // channel that still has to connect: the offers arrive before the ring.
    await openControl(plain, calleeId);
    await plain.evaluate(() => (window as unknown as Record<string, any>).conn.send({ type: 'ring', callId: 'call-1', video: true }));
    expect(await waitForRtcEvent(callee, 'rtc-incoming')).toMatchObject({ from: plainId, video: true });
    await callee.locator('#el [part~="answer-button"]').click();
    await waitForRtcEvent(callee, 'rtc-connected');
    await plain.waitForFunction(() => (window as unknown as { received: { type: string }[] }).received.some((m) => m.type === 'accept'));
    await plain.waitForFunction(() => ((window as unknown as { remoteTracks?: number }).remoteTracks ?? 0) > 0);
    expect(await waitForFrame(callee, 'remote-video', '#el')).toBeGreaterThan(0);
    expect(pageErrors(callee)).toEqual([]);
    await Promise.all([plain.close(), callee.close()]);
  });
});

describe('hostile input', () => {
  it('junk on the control channel, a flood and bad fields leave the page working and are counted', async () => {
    const hostileId = uniqueId('hostile');
    const chatId = uniqueId('victim');
    const hostile = await plainPeer(hostileId);
    const victim = await mountElement(env.context, env.server.url, 'rtc-chat', { 'peer-id': chatId, 'remote-id': hostileId });
    await openControl(hostile, chatId);
    await hostile.evaluate(() => {
      const w = window as unknown as Record<string, any>;
      const conn = w.conn;
      const channel: RTCDataChannel = conn.dataChannel;
      channel.send('this is not JSON');
      channel.send(new Uint8Array([0xff, 0xfe, 0x00, 0x01]));
      channel.send('null');
      conn.send({ type: 'chat', id: 'x', text: 42, ts: 1 });
      conn.send({ type: 'chat', id: '../../etc', text: 'bad id', ts: 1 });
      conn.send(JSON.parse('{"type":"chat","id":"p1","text":"proto","ts":1,"__proto__":{"polluted":true}}'));
      conn.send({ type: 'chat', id: 'long', text: 'x'.repeat(5000), ts: 1 });
      conn.send({ type: 'ring', callId: '<script>', video: 'yes' });
      conn.send({ type: 'chat', id: 'time-bomb', text: 'from the year 3 million', ts: 1e20 });
      conn.send({ type: 'nonsense-from-the-future', payload: 1 });
      for (let i = 0; i < 3000; i++) conn.send({ type: 'chat', id: `f${i}`, text: 7, ts: 'now' });
      conn.send({ type: 'chat', id: 'ok1', text: 'still alive?', ts: Date.now() });
    });
    expect(await waitForRtcEvent(victim, 'rtc-message', { id: 'ok1' }, 30_000)).toMatchObject({ text: 'still alive?' });
    expect(await waitForRtcEvent(victim, 'rtc-error', { code: 'bad-message' })).toBeTruthy();
    const state = await victim.evaluate(() => ({
      texts: (document.getElementById('el') as ChatEl).messages.map((m) => m.text),
      polluted: ({} as Record<string, unknown>).polluted,
      badMessageEvents: (window as unknown as { __events: { type: string; detail: { code?: string } }[] }).__events.filter(
        (e) => e.type === 'rtc-error' && e.detail.code === 'bad-message',
      ).length,
    }));
    expect(state.texts).toEqual(['still alive?']);
    expect(state.polluted).toBeUndefined();
    expect(state.badMessageEvents).toBeLessThanOrEqual(2); // rate-limited, not one per message
    // The UI still answers: the victim's own message goes out.
    await victim.evaluate(() => (document.getElementById('el') as ChatEl).send('I am fine'));
    await hostile.waitForFunction(() => (window as unknown as { received: { text?: string }[] }).received.some((m) => m.text === 'I am fine'));
    expect(pageErrors(victim)).toEqual([]);
    await Promise.all([hostile.close(), victim.close()]);
  });

  it('a raw WebSocket speaking the broker protocol cannot throw into the page', async () => {
    const victimId = uniqueId('victim');
    const victim = await mountElement(env.context, env.server.url, 'rtc-call', { 'peer-id': victimId });
    const socket = await rawSocket();
    const send = (payload: unknown, type = 'OFFER') => socket.send(JSON.stringify({ type, dst: victimId, payload }));
    send({ type: 'data', serialization: 'evil', connectionId: 'dc_1', sdp: { type: 'offer', sdp: 'junk' } });
    send({ type: 'data', serialization: '__proto__', connectionId: 'dc_2', sdp: { type: 'offer', sdp: 'junk' } });
    send({ type: 'data', serialization: 'json', label: 'rtc-control', connectionId: 'dc_3', sdp: { type: 'offer', sdp: 'junk' } });
    send({ type: 'media', connectionId: 'mc_1', sdp: { type: 'offer', sdp: 'v=0 junk' }, metadata: { callId: 'nope' } });
    send({ type: 'media', connectionId: 'mc_2' });
    send(null);
    send('string payload');
    send({ connectionId: 'dc_1', candidate: 'junk' }, 'CANDIDATE');
    send({ connectionId: 'dc_9', sdp: null }, 'ANSWER');
    socket.send('not json at all');
    // Last, a plain media offer with no ring: when the element rings for it, everything before was handled.
    const rawId = new URL(socket.url).searchParams.get('id');
    send({ type: 'media', connectionId: 'mc_last', sdp: { type: 'offer', sdp: 'v=0' } });
    expect(await waitForRtcEvent(victim, 'rtc-incoming')).toMatchObject({ from: rawId });
    await victim.locator('#el [part~="decline-button"]').click();
    await waitForRtcEvent(victim, 'rtc-ended');
    socket.close();
    // The element still works: it can reach the broker and be called.
    expect(await victim.evaluate(() => (document.getElementById('el') as HTMLElement & { ownId: string }).ownId)).toBe(victimId);
    expect(pageErrors(victim)).toEqual([]);
    await victim.close();
  });
  it('a flood of connection offers from many ids leaves the page able to talk with the peers it knows', async () => {
    const plainId = uniqueId('plain');
    const victimId = uniqueId('victim');
    const plain = await plainPeer(plainId);
    const victim = await mountElement(env.context, env.server.url, 'rtc-chat', { 'peer-id': victimId, 'remote-id': plainId });
    await openControl(plain, victimId);
    // 600 OFFERs, 50 from each of 12 fresh ids: without a limit the page builds a peer connection
    // for each, and past 500 the browser refuses to make any more.
    const sockets = await Promise.all(Array.from({ length: 12 }, () => rawSocket()));
    sockets.forEach((socket, s) => {
      for (let i = 0; i < 50; i++) {
        const payload = { type: 'data', serialization: 'json', label: 'rtc-control', reliable: true, connectionId: `dc_flood_${s}_${i}`, sdp: { type: 'offer', sdp: 'v=0\r\n' } };
        socket.send(JSON.stringify({ type: 'OFFER', dst: victimId, payload }));
      }
    });
    const report = await waitForRtcEvent(victim, 'rtc-error', { code: 'bad-message' });
    expect(report.message).toContain('too many new connections offered');
    // A known peer still gets new connections (a second channel here; a call or a file alike)…
    await openControl(plain, victimId);
    await plain.evaluate(() => (window as unknown as Record<string, any>).conn.send({ type: 'chat', id: 'after-flood', text: 'still here?', ts: Date.now() }));
    expect(await waitForRtcEvent(victim, 'rtc-message', { text: 'still here?' })).toBeTruthy();
    // …and the page built a peer connection for at most 8 of each stranger's 50 (and its own few).
    expect(await victim.evaluate(() => (window as unknown as { __pcs: unknown[] }).__pcs.length)).toBeLessThanOrEqual(12 * 8 + 4);
    sockets.forEach((socket) => socket.close());
    expect(pageErrors(victim)).toEqual([]);
    await Promise.all([plain.close(), victim.close()]);
  });
});
