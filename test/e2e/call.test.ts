import { describe, expect, it } from 'vitest';
import { clickPart, expectMediaReleased, newPage, ownId, pageErrors, waitForFrame, waitForRtcEvent, useEnvironment } from './harness.js';

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
});
