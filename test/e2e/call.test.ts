import { describe, expect, it } from 'vitest';
import { clickPart, expectMediaReleased, focusedPart, launchChrome, newPage, ownId, pageErrors, waitForFrame, waitForRtcEvent, useEnvironment } from './harness.js';

const env = useEnvironment();

describe('two tabs on the demo call page', () => {
  it('type the id, call, answer: frames both ways, hang-up ends both, nothing left open', async () => {
    const alice = await newPage(env.context);
    const bob = await newPage(env.context);
    await Promise.all([alice.goto(`${env.server.url}call.html`), bob.goto(`${env.server.url}call.html`)]);
    await Promise.all([waitForRtcEvent(alice, 'rtc-ready'), waitForRtcEvent(bob, 'rtc-ready')]);
    const bobId = await ownId(bob);
    await expect.poll(() => alice.locator('rtc-call [part~="own-id"]').textContent()).toContain(await ownId(alice));

    await alice.locator('rtc-call [part~="remote-id-input"]').fill(bobId);
    await clickPart(alice, 'call-button');
    const incoming = await waitForRtcEvent(bob, 'rtc-incoming');
    expect(incoming).toMatchObject({ from: await ownId(alice), video: true });
    await clickPart(bob, 'answer-button');

    await Promise.all([waitForRtcEvent(alice, 'rtc-connected', { remoteId: bobId }), waitForRtcEvent(bob, 'rtc-connected')]);
    const widths = await Promise.all([waitForFrame(alice, 'remote-video'), waitForFrame(bob, 'remote-video'), waitForFrame(alice, 'local-video')]);
    expect(Math.min(...widths)).toBeGreaterThan(0);
    expect(await alice.locator('rtc-call').getAttribute('state')).toBe('connected');

    await clickPart(alice, 'hangup-button');
    expect(await waitForRtcEvent(alice, 'rtc-ended')).toMatchObject({ reason: 'hangup' });
    const ended = await waitForRtcEvent(bob, 'rtc-ended');
    expect(ended).toMatchObject({ reason: 'remote-hangup' });
    expect(ended.durationMs).toBeGreaterThan(0);

    for (const page of [alice, bob]) {
      await expectMediaReleased(page);
      expect(await page.locator('rtc-call').getAttribute('state')).toBe('idle');
      expect(pageErrors(page)).toEqual([]);
    }
    await Promise.all([alice.close(), bob.close()]);
  });

  it('Devices before camera and microphone are allowed explains why the list is empty; once allowed it lists them', async () => {
    // Without the fake-UI flag permissions come only from the context, and this one has none yet.
    const strict = await launchChrome({ fakeUi: false });
    try {
      const context = await strict.newContext();
      const page = await newPage(context);
      await page.goto(`${env.server.url}call.html`);
      await waitForRtcEvent(page, 'rtc-ready');
      await clickPart(page, 'devices-button');
      const devices = page.locator('rtc-call [part~="devices"]');
      await expect.poll(() => devices.textContent()).toContain('listed here once you have allowed them');
      expect(await devices.locator('select').count()).toBe(0);
      // Allowed (the browser's prompt answered, as at a first call): opened again, it lists them.
      await context.grantPermissions(['microphone', 'camera']);
      await page.evaluate(async () => (await navigator.mediaDevices.getUserMedia({ audio: true, video: true })).getTracks().forEach((t) => t.stop()));
      await clickPart(page, 'devices-button');
      await clickPart(page, 'devices-button');
      await expect.poll(() => devices.locator('select').count()).toBeGreaterThan(0);
      expect(await devices.textContent()).not.toContain('listed here once');
      await context.close();
    } finally {
      await strict.close();
    }
  });

  it('from the keyboard alone: focus moves to the new state\'s controls instead of falling to the page', async () => {
    const alice = await newPage(env.context);
    const bob = await newPage(env.context);
    await Promise.all([alice.goto(`${env.server.url}call.html`), bob.goto(`${env.server.url}call.html`)]);
    await Promise.all([waitForRtcEvent(alice, 'rtc-ready'), waitForRtcEvent(bob, 'rtc-ready')]);
    const input = alice.locator('rtc-call [part~="remote-id-input"]');
    await input.fill(await ownId(bob));
    await input.press('Enter');
    // Calling: the only control is Cancel.
    await expect.poll(() => focusedPart(alice)).toBe('button cancel-button');
    await waitForRtcEvent(bob, 'rtc-incoming');
    // Bob was doing something else: ringing does not take his focus.
    expect(await focusedPart(bob)).toBeNull();
    await bob.locator('rtc-call [part~="answer-button"]').focus();
    await bob.keyboard.press('Enter');
    await Promise.all([waitForRtcEvent(alice, 'rtc-connected'), waitForRtcEvent(bob, 'rtc-connected')]);
    // In the call: the first control that can be used on both sides (the microphone; the camera or
    // Devices while the microphone is still starting), never Hang up.
    await expect.poll(() => focusedPart(bob)).toMatch(/^button (mic|camera|devices)-button$/);
    await expect.poll(() => focusedPart(alice)).toMatch(/^button (mic|camera|devices)-button$/);
    // The Enter that answered pressed nothing else on its way (the camera and microphone stay on).
    expect(await bob.evaluate(() => document.querySelector('rtc-call')!.localMedia)).toMatchObject({ mic: true, camera: true });
    // A toggle keeps its name and says its state.
    const mic = alice.locator('rtc-call [part~="mic-button"]');
    await mic.focus();
    await alice.keyboard.press('Enter');
    await expect.poll(() => mic.getAttribute('aria-pressed')).toBe('true');
    expect(await mic.getAttribute('aria-label')).toBe('Mute microphone');
    await alice.locator('rtc-call [part~="hangup-button"]').focus();
    await alice.keyboard.press('Enter');
    await Promise.all([waitForRtcEvent(alice, 'rtc-ended'), waitForRtcEvent(bob, 'rtc-ended')]);
    // Back to the start: the id field, on both sides.
    await expect.poll(() => focusedPart(alice)).toBe('remote-id-input');
    await expect.poll(() => focusedPart(bob)).toBe('remote-id-input');
    await Promise.all([alice.close(), bob.close()]);
  });
});
