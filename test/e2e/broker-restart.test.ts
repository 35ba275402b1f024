import { describe, expect, it } from 'vitest';
import { clearEvents, clickPart, connect, openCallTabs, startServer, useEnvironment, waitForFrame, waitForRtcEvent } from './harness.js';

const env = useEnvironment();

describe('the broker going away', () => {
  it('does not end a call in progress; both sides reconnect when it is back, and can hang up meanwhile', async () => {
    const [alice, bob] = await openCallTabs(env.context, env.server.url, 2);
    await connect(alice!, bob!);
    await Promise.all([clearEvents(alice!.page), clearEvents(bob!.page)]);

    const port = env.server.port;
    // Alice's page is in German: what she is told follows the page's language, not the error's English.
    await alice!.page.evaluate(() => (document.documentElement.lang = 'de'));
    await env.server.server.close();
    // The element tells the user, but the call stays up: media and the control channel are peer to peer.
    expect(await waitForRtcEvent(alice!.page, 'rtc-error', { code: 'broker-unreachable' })).toBeTruthy();
    await expect.poll(() => alice!.page.locator('rtc-call [part~="error"]').textContent()).toContain('Der Server ist nicht erreichbar');
    expect(await waitForFrame(bob!.page, 'remote-video')).toBeGreaterThan(0);
    expect(await alice!.page.locator('rtc-call').getAttribute('state')).toBe('connected');

    // The broker comes back on the same port: both reconnect (backoff is capped near 10 s).
    env.server = await startServer({ port });
    await Promise.all([waitForRtcEvent(alice!.page, 'rtc-ready', {}, 20_000), waitForRtcEvent(bob!.page, 'rtc-ready', {}, 20_000)]);
    expect(await bob!.page.locator('rtc-call').getAttribute('state')).toBe('connected');
    // Reached again: "cannot reach the server" is not left standing.
    await expect.poll(() => alice!.page.locator('rtc-call [part~="error"]').count()).toBe(0);
    await clickPart(alice!.page, 'hangup-button');
    expect(await waitForRtcEvent(bob!.page, 'rtc-ended')).toMatchObject({ reason: 'remote-hangup' });
    await Promise.all([alice!.page.close(), bob!.page.close()]);
  });
});
