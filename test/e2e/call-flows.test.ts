import { describe, expect, it } from 'vitest';
import {
  clearEvents,
  clickPart,
  connect,
  launchChrome,
  mediaTransport,
  mountElement,
  newPage,
  uniqueId,
  openCallTabs,
  expectMediaReleased,
  ownId,
  pageErrors,
  ring,
  waitForFrame,
  waitForRtcEvent,
  useEnvironment,
  videoSender,
} from './harness.js';

const env = useEnvironment();

describe('call control over the rtc-control channel', () => {
  it('decline: both sides end as declined and the callee never started its camera', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    await ring(alice!, bob!);
    expect(await bob!.page.locator('rtc-call').getAttribute('state')).toBe('ringing');
    // Declined once both video senders are primed and switched on (their frames taken off again).
    for (const tab of [alice!, bob!]) await expect.poll(() => videoSender(tab.page).then((s) => s.active), { timeout: 10_000 }).toEqual([true]);
    await clickPart(bob!.page, 'decline-button');
    expect(await waitForRtcEvent(alice!.page, 'rtc-ended')).toMatchObject({ reason: 'declined' });
    expect(await waitForRtcEvent(bob!.page, 'rtc-ended')).toMatchObject({ reason: 'declined' });
    // Each side says it from where it stands: the caller was declined, the callee did the declining.
    const status = (tab: typeof alice) => tab!.page.locator('rtc-call [part~="status"]').textContent();
    await expect.poll(() => status(alice)).toContain('Demo user declined the call');
    await expect.poll(() => status(bob)).toContain('Call declined');
    expect(await status(bob)).not.toContain('declined the call');
    expect(await bob!.page.evaluate(() => (window as unknown as { __tracks: unknown[] }).__tracks.length)).toBe(0);
    // Both ends of the connection made while it rang are closed too.
    await expectMediaReleased(alice!.page, bob!.page);
    await Promise.all([alice!.page.close(), bob!.page.close()]);
  });

  it('the transport connects while it rings, but no media flows and the callee captures nothing until it answers', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    await ring(alice!, bob!);
    for (const tab of [alice!, bob!]) await expect.poll(() => mediaTransport(tab.page).then((t) => t?.state), { timeout: 10_000 }).toBe('connected');
    // Both video senders are readied while it rings (src/session/sender-primer.ts): each is
    // switched off, given a frame (the caller's running camera, the callee's one black canvas
    // frame: its camera has not started), and once its encoder took that in, emptied and switched
    // on at the fast-start size. Nothing is on either sender then.
    for (const tab of [alice!, bob!]) await expect.poll(() => videoSender(tab.page), { timeout: 10_000 }).toEqual({ track: 'none', active: [true], scale: [2], liveCanvasTracks: 0, startBitrate: 800 });
    const encodings = (tab: typeof alice) => tab!.page.evaluate(() => (window as unknown as { __videoEncodings: unknown[] }).__videoEncodings);
    const encodingTracks = (tab: typeof alice) => tab!.page.evaluate(() => (window as unknown as { __videoEncodingTracks: string[] }).__videoEncodingTracks);
    for (const tab of [alice!, bob!]) {
      expect(await encodings(tab)).toEqual([[[false, 1]], [[true, 2]]]);
      expect(await encodingTracks(tab)).toEqual(['none', 'none']);
    }
    // Alice's camera keeps producing frames over a connected transport, with her encoding on: not
    // one packet may leave, from either side.
    for (let i = 0; i < 3; i++) await waitForFrame(alice!.page, 'local-video');
    for (const tab of [alice!, bob!]) expect(await mediaTransport(tab.page)).toEqual({ state: 'connected', sent: 0, received: 0, packets: 0 });
    expect(await bob!.page.evaluate(() => (window as unknown as { __tracks: unknown[] }).__tracks.length)).toBe(0);
    // The callee only listed its devices, which starts the browser's capture service before the answer needs it.
    const deviceCalls = () => bob!.page.evaluate(() => (window as unknown as { __deviceCalls: string[] }).__deviceCalls.slice());
    expect(await deviceCalls()).toEqual(['list']);
    expect(await bob!.page.locator('rtc-call [part~="remote-video"]').isVisible()).toBe(false);

    const peerConnections = () => bob!.page.evaluate(() => (window as unknown as { __pcs: unknown[] }).__pcs.length);
    const before = await peerConnections();
    await clickPart(bob!.page, 'answer-button');
    await Promise.all([waitForFrame(alice!.page, 'remote-video'), waitForFrame(bob!.page, 'remote-video')]);
    // Answering reused the ringing transport instead of negotiating a new one.
    expect(await peerConnections()).toBe(before);
    // Both were allowed already (nothing to ask), so the camera was asked for first and on its own:
    // one request for both waits for the microphone too (captureCameraFirst).
    expect(await deviceCalls()).toEqual(['list', 'capture:video', 'capture:audio']);
    // The microphone, opened a moment later, is on its sender and in the call's stream.
    await expect
      .poll(() =>
        bob!.page.evaluate(() => {
          const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1)!;
          const track = pc.getSenders().find((sender) => sender.track?.kind === 'audio')?.track;
          const stream = document.querySelector('rtc-call')!.localStream!;
          return { live: track?.readyState === 'live', inStream: !!track && stream.getAudioTracks().includes(track), kinds: stream.getTracks().map((t) => t.kind).sort() };
        }),
      )
      .toEqual({ live: true, inStream: true, kinds: ['audio', 'video'] });
    // The callee's camera replaced its black frame, the encodings are on, the canvas track is stopped.
    for (const tab of [alice!, bob!]) expect(await videoSender(tab.page)).toMatchObject({ track: 'camera', active: [true], liveCanvasTracks: 0, startBitrate: 800 });
    // Fast start: the answer only put each camera on, with no change of encoding; the first
    // pictures went out at half size, and FAST_START.ms (1 s) after the camera went on, back to
    // full size (polled with room for a busy machine). Each side's picture then reaches the other
    // sharper than the fast start's.
    for (const tab of [alice!, bob!]) {
      await expect.poll(() => videoSender(tab.page).then((s) => s.scale), { timeout: 5_000 }).toEqual([1]);
      expect(await encodings(tab)).toEqual([[[false, 1]], [[true, 2]], [[true, 1]]]);
      expect(await encodingTracks(tab)).toEqual(['none', 'none', 'camera']);
    }
    for (const tab of [alice!, bob!]) {
      // Sharper than the fast start's 320 px: 640, unless Chromium itself scales down for a busy CPU.
      await expect.poll(() => waitForFrame(tab.page, 'remote-video'), { timeout: 5_000 }).toBeGreaterThan(320);
    }
    for (const tab of [alice!, bob!]) expect((await mediaTransport(tab.page))!.sent).toBeGreaterThan(0);
    await clickPart(alice!.page, 'hangup-button');
    for (const tab of [alice!, bob!]) {
      await expectMediaReleased(tab.page);
      expect(pageErrors(tab.page)).toEqual([]);
    }
    await Promise.all([alice!.page.close(), bob!.page.close()]);
  });

  it('cancel while ringing: the callee stops ringing with cancelled', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    await ring(alice!, bob!);
    await clickPart(alice!.page, 'cancel-button');
    expect(await waitForRtcEvent(bob!.page, 'rtc-ended')).toMatchObject({ reason: 'cancelled' });
    expect(await waitForRtcEvent(alice!.page, 'rtc-ended')).toMatchObject({ reason: 'cancelled' });
    await expect.poll(() => bob!.page.locator('rtc-call').getAttribute('state')).toBe('idle');
    // The callee missed a call; the caller cancelled one (it missed nothing).
    await expect.poll(() => bob!.page.locator('rtc-call [part~="status"]').textContent()).toContain('Missed call from Demo user');
    await expect.poll(() => alice!.page.locator('rtc-call [part~="status"]').textContent()).toContain('Call cancelled');
    expect(await alice!.page.locator('rtc-call [part~="status"]').textContent()).not.toContain('Missed');
    await expectMediaReleased(alice!.page, bob!.page);
    await Promise.all([alice!.page.close(), bob!.page.close()]);
  });

  it('an id nobody holds ends as unavailable with a peer-unavailable error', async () => {
    const [alice] = await openCallTabs(env.context, env.server.url, 1);
    await alice!.page.locator('rtc-call [part~="remote-id-input"]').fill('nobody-is-here');
    await clickPart(alice!.page, 'call-button');
    expect(await waitForRtcEvent(alice!.page, 'rtc-error', { code: 'peer-unavailable' })).toBeTruthy();
    expect(await waitForRtcEvent(alice!.page, 'rtc-ended')).toMatchObject({ reason: 'unavailable' });
    await expectMediaReleased(alice!.page);
    await expect.poll(() => alice!.page.locator('rtc-call [part~="status"]').textContent()).toContain('not online');
    await alice!.page.close();
  });

  it('a second caller hears busy and the first call goes on', async () => {
    const [alice, bob, carol] = await openCallTabs(env.context, env.server.url, 3);
    await connect(alice!, bob!);
    await carol!.page.locator('rtc-call [part~="remote-id-input"]').fill(bob!.id);
    await clickPart(carol!.page, 'call-button');
    expect(await waitForRtcEvent(carol!.page, 'rtc-ended')).toMatchObject({ reason: 'busy' });
    expect(await bob!.page.locator('rtc-call').getAttribute('state')).toBe('connected');
    await Promise.all([alice!.page.close(), bob!.page.close(), carol!.page.close()]);
  });

  it('mute and camera-off reach the other side as icons on the remote tile', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    await connect(alice!, bob!);
    await clickPart(bob!.page, 'mic-button');
    await expect.poll(() => alice!.page.evaluate(() => document.querySelector('rtc-call')!.remoteMedia?.mic)).toBe(false);
    await expect(alice!.page.locator('rtc-call [part~="remote-status"] [aria-label$="is muted"]').count()).resolves.toBe(1);
    await clickPart(bob!.page, 'camera-button');
    await expect.poll(() => alice!.page.evaluate(() => document.querySelector('rtc-call')!.remoteMedia?.camera)).toBe(false);
    await expect(alice!.page.locator('rtc-call [part~="remote-status"] [aria-label*="camera off"]').count()).resolves.toBe(1);
    expect(await bob!.page.evaluate(() => document.querySelector('rtc-call')!.localStream!.getVideoTracks().length)).toBe(0);
    // Camera back on: frames flow again.
    await clickPart(bob!.page, 'camera-button');
    await expect.poll(() => alice!.page.evaluate(() => document.querySelector('rtc-call')!.remoteMedia?.camera)).toBe(true);
    expect(await waitForFrame(alice!.page, 'remote-video')).toBeGreaterThan(0);
    await clickPart(alice!.page, 'hangup-button');
    await expectMediaReleased(alice!.page, bob!.page);
    await Promise.all([alice!.page.close(), bob!.page.close()]);
  });

  it('screen share replaces the camera for the remote side and stopping it brings the camera back', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    await connect(alice!, bob!);
    const cameraTrackId = await alice!.page.evaluate(() => document.querySelector('rtc-call')!.localStream!.getVideoTracks()[0]!.id);
    await clickPart(alice!.page, 'screen-button');
    await expect.poll(() => bob!.page.evaluate(() => document.querySelector('rtc-call')!.remoteMedia?.screen)).toBe(true);
    const shared = await alice!.page.evaluate(() => document.querySelector('rtc-call')!.localStream!.getVideoTracks()[0]!);
    expect(shared).toBeTruthy();
    expect(await alice!.page.evaluate(() => document.querySelector('rtc-call')!.localStream!.getVideoTracks()[0]!.id)).not.toBe(cameraTrackId);
    expect(await waitForFrame(bob!.page, 'remote-video')).toBeGreaterThan(0);
    await clickPart(alice!.page, 'screen-button');
    await expect.poll(() => bob!.page.evaluate(() => document.querySelector('rtc-call')!.remoteMedia?.screen)).toBe(false);
    expect(await alice!.page.evaluate(() => document.querySelector('rtc-call')!.localStream!.getVideoTracks()[0]!.id)).toBe(cameraTrackId);
    // Cancel in the browser's screen picker (what Chrome reports for it): the camera stays, and no
    // banner blames the camera or microphone; the host still hears of it.
    await clearEvents(alice!.page);
    await alice!.page.evaluate(() => {
      navigator.mediaDevices.getDisplayMedia = () => Promise.reject(new DOMException('Permission denied by user', 'NotAllowedError'));
    });
    await clickPart(alice!.page, 'screen-button');
    expect(await waitForRtcEvent(alice!.page, 'rtc-error')).toMatchObject({ code: 'screen-share-failed' });
    expect(await alice!.page.locator('rtc-call [part~="error"]').count()).toBe(0);
    expect(await alice!.page.evaluate(() => document.querySelector('rtc-call')!.localStream!.getVideoTracks()[0]!.id)).toBe(cameraTrackId);
    await clickPart(alice!.page, 'hangup-button');
    await expectMediaReleased(alice!.page);
    await Promise.all([alice!.page.close(), bob!.page.close()]);
  });

  it('a page that cannot show a call declines at once; removing the call element ends the call even when a chat stays', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    // A chat-only page: no <rtc-call> to answer with.
    const chatOnly = await mountElement(env.context, env.server.url, 'rtc-chat', { 'peer-id': uniqueId('chatonly'), 'remote-id': alice!.id });
    const chatOnlyId = await chatOnly.evaluate(() => (document.getElementById('el') as HTMLElement & { ownId: string }).ownId);
    await alice!.page.locator('rtc-call [part~="remote-id-input"]').fill(chatOnlyId);
    await clickPart(alice!.page, 'call-button');
    expect(await waitForRtcEvent(alice!.page, 'rtc-ended')).toMatchObject({ reason: 'declined' });
    await chatOnly.close();

    // call.html has a chat beside the call on the same session; removing the call UI hangs up.
    await clearEvents(alice!.page);
    await connect(alice!, bob!);
    await bob!.page.evaluate(() => document.querySelector('rtc-call')!.remove());
    expect(await waitForRtcEvent(alice!.page, 'rtc-ended')).toMatchObject({ reason: 'remote-hangup' });
    await expectMediaReleased(bob!.page);
    await Promise.all([alice!.page.close(), bob!.page.close()]);
  });

  it('changing peer-id mid-call ends the call on both sides, and the element says so (rtc-ended)', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    await connect(alice!, bob!);
    await clearEvents(bob!.page);
    const newId = uniqueId('renamed');
    await bob!.page.evaluate((id) => document.querySelector('rtc-call')!.setAttribute('peer-id', id), newId);
    expect(await waitForRtcEvent(bob!.page, 'rtc-ended')).toBeTruthy();
    expect(await waitForRtcEvent(alice!.page, 'rtc-ended')).toBeTruthy();
    // Bob is then reachable under the new id.
    expect(await waitForRtcEvent(bob!.page, 'rtc-ready')).toMatchObject({ peerId: newId });
    await expectMediaReleased(bob!.page);
    await Promise.all([alice!.page.close(), bob!.page.close()]);
  });

  it('the other tab closing ends the call within 5 s as connection-lost', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    await connect(alice!, bob!);
    await clearEvents(alice!.page);
    const closedAt = Date.now();
    await bob!.page.close();
    expect(await waitForRtcEvent(alice!.page, 'rtc-ended', {}, 6_000)).toMatchObject({ reason: 'connection-lost' });
    expect(Date.now() - closedAt).toBeLessThan(5_000);
    await expectMediaReleased(alice!.page);
    await alice!.page.close();
  });

  it('the other tab crashing (no goodbye) ends the call within 5 s as connection-lost', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    await connect(alice!, bob!);
    await clearEvents(alice!.page);
    const cdp = await env.context.newCDPSession(bob!.page);
    const crashedAt = Date.now();
    void cdp.send('Page.crash').catch(() => undefined); // never answers: the renderer is gone
    expect(await waitForRtcEvent(alice!.page, 'rtc-ended', {}, 6_000)).toMatchObject({ reason: 'connection-lost' });
    expect(Date.now() - crashedAt).toBeLessThan(5_000);
    await expectMediaReleased(alice!.page);
    await alice!.page.close();
    await bob!.page.close({ runBeforeUnload: false }).catch(() => undefined);
  });

  it('a duplicated tab (sessionStorage copied) gets its own id, and the original keeps its own', async () => {
    const [original] = await openCallTabs(env.context, env.server.url, 1);
    const storage = await original!.page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
    // What the browser's "Duplicate tab" does: the new tab starts with a copy of sessionStorage.
    const duplicate = await newPage(env.context);
    await duplicate.addInitScript((entries) => {
      if (sessionStorage.length === 0) for (const [key, value] of JSON.parse(entries) as [string, string][]) sessionStorage.setItem(key, value);
    }, storage);
    await duplicate.goto(`${env.server.url}call.html`);
    await waitForRtcEvent(duplicate, 'rtc-ready');
    const duplicateId = await ownId(duplicate);
    expect(duplicateId).not.toBe(original!.id);
    // The original still holds its broker identity: the duplicate can call it.
    await ring({ page: duplicate, id: duplicateId }, original!);
    await clickPart(duplicate, 'cancel-button');
    expect(await waitForRtcEvent(original!.page, 'rtc-ended')).toMatchObject({ reason: 'cancelled' });
    for (const page of [original!.page, duplicate]) expect(pageErrors(page)).toEqual([]);
    await Promise.all([original!.page.close(), duplicate.close()]);
  });

  it('a reload keeps the same id (no id-taken) and can be called again', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    await bob!.page.reload();
    await waitForRtcEvent(bob!.page, 'rtc-ready');
    expect(await ownId(bob!.page)).toBe(bob!.id);
    await connect(alice!, bob!);
    expect(pageErrors(bob!.page)).toEqual([]);
    await Promise.all([alice!.page.close(), bob!.page.close()]);
  });
});

describe('camera denied', () => {
  it('reports permission-denied and still joins with audio only', async () => {
    // Without the fake-UI flag, permissions come only from the context: microphone yes, camera no.
    const strict = await launchChrome({ fakeUi: false });
    try {
      const allowAll = await strict.newContext({ permissions: ['microphone', 'camera'] });
      const micOnly = await strict.newContext({ permissions: ['microphone'] });
      const [alice] = await openCallTabs(allowAll, env.server.url, 1);
      const [bob] = await openCallTabs(micOnly, env.server.url, 1);
      await ring(alice!, bob!);
      await clickPart(bob!.page, 'answer-button');
      expect(await waitForRtcEvent(bob!.page, 'rtc-error', { code: 'permission-denied' })).toBeTruthy();
      // Not everything was allowed, so one request asked for both (one prompt in a browser that
      // prompts), then the microphone alone once the camera was refused.
      const bobDeviceCalls = await bob!.page.evaluate(() => (window as unknown as { __deviceCalls: string[] }).__deviceCalls.slice());
      expect(bobDeviceCalls).toEqual(['list', 'capture:audio+video', 'capture:audio']);
      await Promise.all([waitForRtcEvent(alice!.page, 'rtc-connected'), waitForRtcEvent(bob!.page, 'rtc-connected')]);
      const bobTracks = await bob!.page.evaluate(() => document.querySelector('rtc-call')!.localStream!.getTracks().map((t) => t.kind));
      expect(bobTracks).toEqual(['audio']);
      // Bob still sees Alice.
      expect(await waitForFrame(bob!.page, 'remote-video')).toBeGreaterThan(0);
      await expect.poll(() => bob!.page.locator('rtc-call [part~="error"]').textContent()).toContain('denied');
      // Video was still negotiated send-receive for Bob (his answer was made while it rang, before
      // he was asked for anything): once he allows the camera, he can turn it on mid-call.
      const cameraButton = bob!.page.locator('rtc-call [part~="camera-button"]');
      expect(await cameraButton.getAttribute('aria-pressed')).toBe('true');
      await micOnly.grantPermissions(['microphone', 'camera']);
      await cameraButton.click();
      await expect.poll(() => cameraButton.getAttribute('aria-pressed')).toBe('false');
      expect(await waitForFrame(alice!.page, 'remote-video')).toBeGreaterThan(0);
      await allowAll.close();
      await micOnly.close();
    } finally {
      await strict.close();
    }
  });
});
