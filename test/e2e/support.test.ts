import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { focusedPart, newPage, pageErrors, uniqueId, useEnvironment, waitForFrame, waitForRtcEvent } from './harness.js';

// Host pages are real files on the server (Chrome refuses localhost sockets from documents a
// test fabricates), so the demo folder is copied and the test writes its own pages beside it.
const site = mkdtempSync(join(tmpdir(), 'rtc-support-site-'));
cpSync('demo', site, { recursive: true });
/** An agent id the server keeps for whoever knows its secret (--reserved-ids). */
const RESERVED = { id: 'acme-reserved', secret: 'console-secret-4f9c2b7e1d' };
/** Another, for the console that learns its secret after it connected. */
const RESERVED_LATE = { id: 'acme-late', secret: 'late-console-secret-8e21' };
const env = useEnvironment({ staticRoots: { demo: site }, reservedIds: { [RESERVED.id]: RESERVED.secret, [RESERVED_LATE.id]: RESERVED_LATE.secret } });
afterAll(() => rmSync(site, { recursive: true, force: true }));

/** A page we did not write: nothing but the two lines a site owner pastes (and hostile CSS). */
function hostPage(agent: string, extra = '') {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Plain host</title>
<style>* { box-sizing: content-box !important; } html { font-size: 24px; } button { font-size: 3rem !important; } header { position: fixed; top: 0; z-index: 2147483647; }</style>
<script type="module" src="/cdn/rtc-elements.js"></script></head>
<body><header>Host header</header><p style="height: 3000px">Host content</p>
<rtc-support agent="${agent}" ${extra}></rtc-support></body></html>`;
}

let written = 0;

/**
 * Written whole, then renamed into place: pages of one agent open at once, and a file rewritten in
 * place while the server streams it to another page is cut short (the page then never loads).
 */
function writeHost(agent: string, extra = ''): string {
  const name = `host-${agent}.html`;
  const draft = join(site, `${name}.${++written}.tmp`);
  writeFileSync(draft, hostPage(agent, extra));
  renameSync(draft, join(site, name));
  return `${env.server.url}${name}`;
}

async function openVisitor(agent: string, extra = '', context = env.context): Promise<Page> {
  const page = await newPage(context);
  await page.goto(writeHost(agent, extra));
  await page.locator('rtc-support [part~="launcher"]').waitFor();
  return page;
}

async function openAgent(agent: string, { secret = '', ready = true, context = env.context } = {}): Promise<Page> {
  const page = await newPage(context);
  await page.goto(env.server.url);
  await page.evaluate(
    ({ agent, secret }) => {
      document.body.innerHTML = '';
      const inbox = document.createElement('rtc-inbox');
      inbox.setAttribute('peer-id', agent);
      if (secret) inbox.setAttribute('peer-secret', secret);
      inbox.setAttribute('name', 'Sam');
      inbox.style.height = '700px';
      document.body.append(inbox);
    },
    { agent, secret },
  );
  if (ready) await waitForRtcEvent(page, 'rtc-ready');
  return page;
}

/** Holds the panel's code on its way until the returned function is called (the moment before it arrives). */
async function holdPanelCode(page: Page): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/support-panel-*.js', async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

const visitorInput = (page: Page) => page.locator('rtc-support rtc-chat [part~="input"]');

async function say(page: Page, text: string) {
  await visitorInput(page).fill(text);
  await visitorInput(page).press('Enter');
}

describe('<rtc-support> and <rtc-inbox>', () => {
  it('a plain host page: open, chat, video call the agent accepts, frames both ways, hang up and keep chatting', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    const visitor = await openVisitor(agentId);
    // The host page is not disturbed: nothing focused, nothing scrolled.
    expect(await visitor.evaluate(() => [document.activeElement === document.body, window.scrollY])).toEqual([true, 0]);
    await visitor.locator('rtc-support [part~="launcher"]').click();
    expect(await visitor.locator('rtc-support').getAttribute('open')).toBe('');
    expect(await visitor.locator('rtc-support [part~="launcher"]').getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => visitor.locator('rtc-support [part~="availability"]').textContent(), { timeout: 20_000 }).toContain('Online');
    await say(visitor, 'Hello, do you sell tents?');
    await expect.poll(() => agent.locator('rtc-inbox [part~="conversation"]').count(), { timeout: 20_000 }).toBe(1);
    await agent.locator('rtc-inbox [part~="conversation"]').click();
    await expect.poll(() => agent.locator('rtc-inbox rtc-chat [part~="bubble"]').first().textContent()).toBe('Hello, do you sell tents?');
    // The inbox shows the page the visitor wrote from.
    expect(await agent.locator('rtc-inbox [part~="conversation"]').textContent()).toContain('Plain host');
    await agent.locator('rtc-inbox rtc-chat [part~="input"]').fill('Yes! Want to see them on video?');
    await agent.locator('rtc-inbox rtc-chat [part~="input"]').press('Enter');
    await expect.poll(() => visitor.locator('rtc-support rtc-chat [part~="bubble"]').allTextContents()).toContain('Yes! Want to see them on video?');

    // Devices start only now, after the visitor asks.
    expect(await visitor.evaluate(() => (window as unknown as { __tracks: unknown[] }).__tracks.length)).toBe(0);
    await visitor.locator('rtc-support [part~="video-call-button"]').click();
    expect(await waitForRtcEvent(agent, 'rtc-incoming')).toMatchObject({ video: true });
    // The pressed button went away with the call buttons: focus is on the call's Cancel, not lost.
    await expect.poll(() => focusedPart(visitor)).toBe('button cancel-button');
    await agent.locator('rtc-inbox rtc-call [part~="answer-button"]').click();
    await Promise.all([waitForRtcEvent(visitor, 'rtc-connected'), waitForRtcEvent(agent, 'rtc-connected')]);
    const widths = await Promise.all([waitForFrame(visitor, 'remote-video', 'rtc-support >>> rtc-support-panel >>> rtc-call'), waitForFrame(agent, 'remote-video', 'rtc-inbox >>> rtc-call')]);
    expect(Math.min(...widths)).toBeGreaterThan(0);

    // The panel closed during the call: the call goes on, and the launcher says so.
    const launcher = visitor.locator('rtc-support [part~="launcher"]');
    await visitor.keyboard.press('Escape');
    await expect.poll(() => launcher.getAttribute('aria-label')).toBe('Chat with us (in a call)');
    expect(await launcher.getAttribute('class')).toContain('in-call');
    expect(await agent.locator('rtc-inbox rtc-call').getAttribute('state')).toBe('connected');
    await launcher.click();
    expect(await launcher.getAttribute('class')).not.toContain('in-call');
    await visitor.locator('rtc-support rtc-call [part~="hangup-button"]').click();
    expect(await waitForRtcEvent(agent, 'rtc-ended')).toMatchObject({ reason: 'remote-hangup' });
    // Hang up went away with the call; the panel hides an idle call's controls, so focus is on how it ended,
    // and when the ended call hides a few seconds later, on the call buttons.
    await expect.poll(() => focusedPart(visitor)).toBe('status');
    await expect.poll(() => focusedPart(visitor), { timeout: 10_000 }).toBe('video-call-button');
    // The agent answered from the keyboard's point of view too: its focus followed the call, and
    // went on to the reply box when the ended call left the console.
    await expect.poll(() => focusedPart(agent), { timeout: 10_000 }).toBe('input');
    await visitor.keyboard.press('Escape');
    await expect.poll(() => launcher.getAttribute('aria-label')).toBe('Chat with us');
    await launcher.click();
    await say(visitor, 'Thanks, I will take the green one.');
    await expect.poll(() => agent.locator('rtc-inbox rtc-chat [part~="bubble"]').allTextContents()).toContain('Thanks, I will take the green one.');
    expect(pageErrors(visitor)).toEqual([]);
    expect(pageErrors(agent)).toEqual([]);
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('the panel\'s documented parts can be styled from the host page with ::part()', async () => {
    // No console for this id: the panel shows its offline note; ask-name shows the name step.
    const visitor = await openVisitor(uniqueId('nobody'), 'ask-name');
    const parts = ['header', 'availability', 'close-button', 'call-buttons', 'video-call-button', 'voice-call-button', 'greeting', 'name-form', 'offline-note'];
    await visitor.addStyleTag({ content: parts.map((part) => `rtc-support::part(${part}) { outline: 3px solid rgb(1, 2, 3); }`).join('\n') });
    const outlines = () =>
      visitor.evaluate((parts) => {
        const panel = document.querySelector('rtc-support')!.shadowRoot!.querySelector('rtc-support-panel')!.shadowRoot!;
        return Object.fromEntries(parts.flatMap((part) => [...panel.querySelectorAll(`[part~="${part}"]`)].map((element) => [part, getComputedStyle(element).outlineColor])));
      }, parts);
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await visitor.locator('rtc-support [part~="name-form"]').waitFor();
    const before = await outlines();
    await visitor.locator('rtc-support #visitor-name').fill('Noor');
    await visitor.locator('rtc-support #visitor-name').press('Enter');
    await expect.poll(() => visitor.locator('rtc-support [part~="offline-note"]').count(), { timeout: 20_000 }).toBe(1);
    expect({ ...before, ...(await outlines()) }).toEqual(Object.fromEntries(parts.map((part) => [part, 'rgb(1, 2, 3)'])));
    expect(pageErrors(visitor)).toEqual([]);
    await visitor.close();
  });

  it('the agent offers a call; the visitor is asked first, and declining leaves the chat as it was', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    const visitor = await openVisitor(agentId);
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await say(visitor, 'Can you show me the stove?');
    await agent.locator('rtc-inbox [part~="conversation"]').click();
    await agent.locator('rtc-inbox [part~="offer-video-button"]').click();
    expect(await waitForRtcEvent(visitor, 'rtc-incoming')).toMatchObject({ from: agentId, video: true });
    // Nothing captured on the visitor's side until they agree.
    expect(await visitor.evaluate(() => (window as unknown as { __tracks: unknown[] }).__tracks.length)).toBe(0);
    // A screen reader is told who calls: the panel's own status region, there before the call showed.
    const ringStatus = visitor.locator('rtc-support rtc-support-panel .visually-hidden[role="status"]');
    // The agent's name may reach the visitor a moment after the ring on a loaded machine (1 s was not always enough).
    await expect.poll(() => ringStatus.textContent(), { timeout: 10_000 }).toBe('Sam is calling');
    await visitor.locator('rtc-support rtc-call [part~="decline-button"]').click();
    expect(await waitForRtcEvent(agent, 'rtc-ended')).toMatchObject({ reason: 'declined' });
    await expect.poll(() => ringStatus.textContent()).toBe('');
    expect(await visitor.evaluate(() => (window as unknown as { __tracks: unknown[] }).__tracks.length)).toBe(0);
    // The result stays readable for a moment, then the panel is back to chat with call buttons.
    await expect.poll(() => agent.locator('rtc-inbox rtc-call [part~="status"]').textContent()).toContain('declined');
    // Only how it ended: no id field or Call buttons of an idle call element under it.
    expect(await agent.locator('rtc-inbox rtc-call [part~="remote-id-input"]').isVisible()).toBe(false);
    expect(await agent.locator('rtc-inbox rtc-call [part~="controls"]').isVisible()).toBe(false);
    await expect.poll(() => visitor.locator('rtc-support [part~="video-call-button"]').isVisible(), { timeout: 10_000 }).toBe(true);
    // Offered again and accepted: the call connects.
    await agent.locator('rtc-inbox [part~="offer-voice-button"]').click();
    expect(await waitForRtcEvent(visitor, 'rtc-incoming', { video: false })).toBeTruthy();
    await visitor.locator('rtc-support rtc-call [part~="answer-button"]').click();
    await Promise.all([waitForRtcEvent(visitor, 'rtc-connected'), waitForRtcEvent(agent, 'rtc-connected')]);
    expect(pageErrors(visitor)).toEqual([]);
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('the launcher\'s name follows a language switch made before its panel has loaded', async () => {
    const visitor = await openVisitor(uniqueId('nobody'));
    const launcher = visitor.locator('rtc-support [part~="launcher"]');
    expect(await launcher.getAttribute('aria-label')).toBe('Chat with us');
    // Nobody hovered or focused the launcher: only the first download is there.
    expect(await visitor.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('support-panel')))).toBe(false);
    await visitor.evaluate(() => (document.documentElement.lang = 'fr'));
    await expect.poll(() => launcher.getAttribute('aria-label')).toBe('Discuter avec nous');
    await visitor.evaluate(() => document.querySelector('rtc-support')!.setAttribute('lang', 'es'));
    await expect.poll(() => launcher.getAttribute('aria-label')).toBe('Chatea con nosotros');
    expect(await visitor.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.includes('support-panel')))).toBe(false);
    await visitor.close();
  });

  it('the closed launcher counts the agent\'s replies and names the count in the element\'s language', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    const visitor = await openVisitor(agentId, 'lang="de" label="Hilfe"');
    const launcher = visitor.locator('rtc-support [part~="launcher"]');
    await launcher.click();
    await say(visitor, 'Hallo?');
    await agent.locator('rtc-inbox [part~="conversation"]').click();
    await launcher.click(); // closed again: replies now count as unread
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    const reply = agent.locator('rtc-inbox rtc-chat [part~="input"]');
    for (const text of ['Guten Tag!', 'Wie kann ich helfen?']) {
      await reply.fill(text);
      await reply.press('Enter');
    }
    await expect.poll(() => visitor.locator('rtc-support [part~="badge"]').textContent(), { timeout: 20_000 }).toBe('2');
    expect(await launcher.getAttribute('aria-label')).toBe('Hilfe (2 ungelesen)');
    // The site switches language: the launcher follows at once.
    await visitor.evaluate(() => document.querySelector('rtc-support')!.setAttribute('lang', 'en'));
    await expect.poll(() => launcher.getAttribute('aria-label')).toBe('Hilfe (2 unread)');
    await visitor.evaluate(() => document.querySelector('rtc-support')!.setAttribute('lang', 'de'));
    // Reading them clears the count and the name.
    await launcher.click();
    await expect.poll(() => visitor.locator('rtc-support [part~="badge"]').count()).toBe(0);
    expect(await launcher.getAttribute('aria-label')).toBe('Hilfe');
    expect(pageErrors(visitor)).toEqual([]);
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('a message left while the agent is offline reaches the agent when it comes online; a reload restores it', async () => {
    const agentId = uniqueId('agent');
    const visitor = await openVisitor(agentId);
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await expect.poll(() => visitor.locator('rtc-support [part~="offline-note"]').count(), { timeout: 20_000 }).toBe(1);
    await say(visitor, 'Anyone there? Call me back please.');
    await expect.poll(() => visitor.locator('rtc-support rtc-chat [part~="notice"]').textContent()).toContain('delivered when');
    // A reload keeps the conversation and the open panel.
    await visitor.reload();
    await expect.poll(() => visitor.locator('rtc-support rtc-chat [part~="bubble"]').allTextContents(), { timeout: 20_000 }).toEqual([
      'Anyone there? Call me back please.',
    ]);
    const agent = await openAgent(agentId);
    await expect.poll(() => agent.locator('rtc-inbox [part~="conversation"]').count(), { timeout: 40_000 }).toBe(1);
    expect(await agent.locator('rtc-inbox [part~="unread"]').textContent()).toBe('1');
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('a reserved agent id: a console without its secret is refused, the visitor\'s message waits for the real console', async () => {
    // Someone who read the agent's id from the site's HTML opens a console of their own.
    const squatter = await openAgent(RESERVED.id, { ready: false, context: await env.browser.newContext() });
    expect(await waitForRtcEvent(squatter, 'rtc-error', { code: 'id-taken' })).toBeTruthy();
    const visitor = await openVisitor(RESERVED.id);
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await expect.poll(() => visitor.locator('rtc-support [part~="offline-note"]').count(), { timeout: 20_000 }).toBe(1);
    await say(visitor, 'My order number is 4711');
    // The real console, with the secret, gets the id and the message.
    const agent = await openAgent(RESERVED.id, { secret: RESERVED.secret });
    await expect.poll(() => agent.locator('rtc-inbox [part~="conversation"]').count(), { timeout: 40_000 }).toBe(1);
    await agent.locator('rtc-inbox [part~="conversation"]').click();
    await expect.poll(() => agent.locator('rtc-inbox rtc-chat [part~="bubble"]').allTextContents()).toContain('My order number is 4711');
    // The squatter never had it.
    expect(await squatter.locator('rtc-inbox [part~="conversation"]').count()).toBe(0);
    expect(await squatter.evaluate(() => (window as unknown as { __events: { type: string }[] }).__events.some((e) => e.type === 'rtc-ready'))).toBe(false);
    await Promise.all([visitor.close(), agent.close(), squatter.context().close()]);
  });

  it('a console given its secret after it was refused claims the id at once, without a reload', async () => {
    // A console app that fetches the secret from its own backend sets it after the element connected.
    const agent = await openAgent(RESERVED_LATE.id, { ready: false });
    expect(await waitForRtcEvent(agent, 'rtc-error', { code: 'id-taken' })).toBeTruthy();
    // A mistyped secret is the host's error to hear, and changes nothing.
    await agent.evaluate(() => document.querySelector('rtc-inbox')!.setAttribute('peer-secret', 'too short'));
    expect(await waitForRtcEvent(agent, 'rtc-error', { code: 'bad-attribute' })).toBeTruthy();
    await agent.evaluate((secret) => document.querySelector('rtc-inbox')!.setAttribute('peer-secret', secret), RESERVED_LATE.secret);
    // Well before the 15 s id-taken retry: the new secret is tried as soon as it is set.
    expect(await waitForRtcEvent(agent, 'rtc-ready', {}, 8_000)).toMatchObject({ peerId: RESERVED_LATE.id });
    const visitor = await openVisitor(RESERVED_LATE.id);
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await say(visitor, 'Hello, late console');
    await expect.poll(() => agent.locator('rtc-inbox [part~="conversation"]').count(), { timeout: 20_000 }).toBe(1);
    // Rotated while connected: nothing drops, and the next claim of the id (a reconnect after a
    // broker restart) sends the new secret.
    await agent.evaluate(() => document.querySelector('rtc-inbox')!.setAttribute('peer-secret', 'rotated-console-secret-1234'));
    const token = () =>
      agent.evaluate(() => (document.querySelector('rtc-inbox') as unknown as { session: { session: { peer: { options: { token: string } } } } }).session.session.peer.options.token);
    await expect.poll(token).toMatch(/^rotated-console-secret-1234\./);
    await say(visitor, 'Still there after the rotation?');
    await agent.locator('rtc-inbox [part~="conversation"]').click();
    await expect.poll(() => agent.locator('rtc-inbox rtc-chat [part~="bubble"]').allTextContents()).toContain('Still there after the rotation?');
    expect(await visitor.locator('rtc-support [part~="availability"]').textContent()).toContain('Online');
    expect(pageErrors(agent)).toEqual([]);
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('the console offers desktop notifications, and once allowed shows one per visitor while the agent looks elsewhere', async () => {
    const agentId = uniqueId('agent');
    // Not asked yet: the console offers them.
    const asking = await openAgent(agentId);
    expect(await asking.locator('rtc-inbox [part~="notify-button"]').textContent()).toBe('Turn on desktop notifications');
    // Once the browser has asked, the button goes; the keyboard user is not dropped onto the page.
    // (Headless Chromium leaves the question unanswered: the agent says no here.)
    await asking.evaluate(() => (Notification.requestPermission = () => Promise.resolve('denied')));
    await asking.locator('rtc-inbox [part~="notify-button"]').focus();
    await asking.keyboard.press('Enter');
    await expect.poll(() => asking.locator('rtc-inbox [part~="notify-button"]').count()).toBe(0);
    await expect.poll(() => focusedPart(asking)).toBe('status-select');
    await asking.close();
    // Allowed (the browser remembers the answer per site).
    const context = await env.browser.newContext();
    await context.grantPermissions(['notifications'], { origin: env.server.url });
    await context.addInitScript(() => {
      // Records what the console shows, and still shows it (the real Notification underneath).
      const shown: { title: string; body?: string; tag?: string; notification: Notification }[] = [];
      (window as unknown as { __notifications: typeof shown }).__notifications = shown;
      window.Notification = class extends window.Notification {
        closedByPage = false;
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push({ title, body: options?.body, tag: options?.tag, notification: this });
        }
        override close() {
          this.closedByPage = true;
          super.close();
        }
      };
    });
    const agent = await openAgent(agentId, { context });
    expect(await agent.locator('rtc-inbox [part~="notify-button"]').count()).toBe(0);
    // The agent works in another window.
    await agent.evaluate(() => (document.hasFocus = () => false));
    const visitor = await openVisitor(agentId, 'ask-name');
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await visitor.locator('rtc-support #visitor-name').fill('Noor');
    await visitor.locator('rtc-support #visitor-name').press('Enter');
    await say(visitor, 'Is the green tent <b>waterproof</b>?');
    const shown = () => agent.evaluate(() => (window as unknown as { __notifications: { title: string; body?: string }[] }).__notifications.map(({ title, body }) => ({ title, body })));
    await expect.poll(shown, { timeout: 20_000 }).toEqual([{ title: 'Noor wrote', body: 'Is the green tent <b>waterproof</b>?' }]);
    // The visitor's outbox re-sends a message until it hears back: the repeat changes nothing, and
    // notifies nobody twice.
    const resent = await visitor.evaluate((agentId) => {
      const panel = document.querySelector('rtc-support')!.shadowRoot!.querySelector('rtc-support-panel')!;
      type Internals = { session: { session: { chats: Map<string, { log: { entries: { id: string; text: string; ts: number }[] } }>; conversations: Map<string, { send(m: object): boolean }> } } };
      const session = (panel as unknown as Internals).session.session;
      const entry = session.chats.get(agentId)!.log.entries.at(-1)!;
      return session.conversations.get(agentId)!.send({ type: 'chat', id: entry.id, text: entry.text, ts: entry.ts });
    }, agentId);
    expect(resent).toBe(true);
    await say(visitor, 'And the blue one?');
    await expect.poll(() => shown().then((list) => list.length), { timeout: 20_000 }).toBe(2);
    expect((await shown()).map((n) => n.body)).toEqual(['Is the green tent <b>waterproof</b>?', 'And the blue one?']);
    // Clicking it opens that conversation.
    await agent.evaluate(() => (window as unknown as { __notifications: { notification: Notification }[] }).__notifications[0]!.notification.onclick?.(new Event('click')));
    await expect.poll(() => agent.locator('rtc-inbox [part~="selected"]').textContent()).toContain('Noor');
    // A call rings a notification too, and it goes away when the call stops ringing.
    await visitor.locator('rtc-support [part~="call-buttons"] [part~="voice-call-button"]').click();
    await expect.poll(() => shown().then((list) => list.at(-1)?.title), { timeout: 20_000 }).toBe('Noor is calling');
    const callNotificationClosed = () =>
      agent.evaluate(() => (window as unknown as { __notifications: { notification: { closedByPage: boolean } }[] }).__notifications.at(-1)!.notification.closedByPage);
    expect(await callNotificationClosed()).toBe(false);
    await visitor.locator('rtc-support rtc-call [part~="cancel-button"]').click();
    await expect.poll(callNotificationClosed).toBe(true);
    // Looking at the console again: no more notifications, the chime and the list are enough.
    await agent.evaluate(() => (document.hasFocus = () => true));
    await say(visitor, 'Hello?');
    await expect.poll(() => agent.locator('rtc-inbox rtc-chat [part~="bubble"]').allTextContents()).toContain('Hello?');
    expect(await shown()).toHaveLength(3);
    await Promise.all([visitor.close(), context.close()]);
  });

  it('a visitor who calls while the agent types to another does not take the reply: the list shows the call, answering opens it', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    const contexts = await Promise.all([1, 2].map(() => env.browser.newContext()));
    const [noor, dana] = await Promise.all(contexts.map((context) => openVisitor(agentId, '', context)));
    for (const [visitor, text] of [[noor!, 'Noor here'], [dana!, 'Dana here']] as const) {
      await visitor.locator('rtc-support [part~="launcher"]').click();
      await say(visitor, text);
    }
    const entry = (text: string) => agent.locator('rtc-inbox [part~="conversation"]', { hasText: text });
    await expect.poll(() => agent.locator('rtc-inbox [part~="conversation"]').count(), { timeout: 20_000 }).toBe(2);
    await entry('Noor here').click();
    const agentInput = agent.locator('rtc-inbox rtc-chat [part~="input"]');
    await agentInput.fill('Yes, the green');
    // Dana calls while the agent writes to Noor.
    await dana!.locator('rtc-support [part~="video-call-button"]').click();
    await expect.poll(() => agent.locator('rtc-inbox rtc-call').getAttribute('state'), { timeout: 20_000 }).toBe('ringing');
    await expect.poll(() => agent.locator('rtc-inbox [part~="ringing"]').count()).toBe(1);
    expect(await entry('Noor here').getAttribute('aria-current')).toBe('true');
    // The reply goes where it was being written.
    await agentInput.pressSequentially(' one is waterproof');
    await agentInput.press('Enter');
    await expect.poll(() => noor!.locator('rtc-support rtc-chat [part~="bubble"]').allTextContents(), { timeout: 20_000 }).toContain('Yes, the green one is waterproof');
    expect(await dana!.locator('rtc-support rtc-chat [part~="bubble"]').allTextContents()).not.toContain('Yes, the green one is waterproof');
    // Answering opens the caller's conversation.
    await agent.locator('rtc-inbox rtc-call [part~="answer-button"]').click();
    await expect.poll(() => agent.locator('rtc-inbox [part~="conversation"][aria-current="true"]').textContent()).toContain('Dana here');
    await waitForRtcEvent(agent, 'rtc-connected');
    expect(pageErrors(agent)).toEqual([]);
    await Promise.all([...contexts.map((c) => c.close()), agent.close()]);
  });

  it('the visitor sees the agent go offline at once when the console\'s tab closes, and when it crashes once the connection fails', async () => {
    for (const how of ['close', 'crash'] as const) {
      const agentId = uniqueId('agent');
      const agent = await openAgent(agentId);
      const visitor = await openVisitor(agentId);
      await visitor.locator('rtc-support [part~="launcher"]').click();
      await say(visitor, `still there? (${how})`);
      const availability = visitor.locator('rtc-support [part~="availability"]');
      await expect.poll(() => availability.textContent(), { timeout: 20_000 }).toBe('Sam · Online');
      if (how === 'close') {
        await agent.close();
        // The closing tab closes its channels (pagehide): no wait for the connection to fail.
        await expect.poll(() => availability.textContent(), { timeout: 5_000 }).toContain('Offline');
      } else {
        // A crashed tab says nothing: the failed connection tells (ICE alone stays "disconnected").
        const cdp = await agent.context().newCDPSession(agent);
        void cdp.send('Page.crash').catch(() => {});
        await expect.poll(() => availability.textContent(), { timeout: 45_000 }).toContain('Offline');
        await agent.close();
      }
      expect(pageErrors(visitor)).toEqual([]);
      await visitor.close();
    }
  });

  it('three visitors at once appear in the inbox with the right unread counts', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    // Three people: three browser contexts, so three localStorages and three visitor ids. (Pages of
    // one context are one visitor's tabs, which follow each other through storage events.)
    const contexts = await Promise.all([1, 2, 3].map(() => env.browser.newContext()));
    const visitors = await Promise.all(contexts.map((context) => openVisitor(agentId, '', context)));
    for (const [i, visitor] of visitors.entries()) {
      await visitor.locator('rtc-support [part~="launcher"]').click();
      for (let n = 0; n <= i; n++) await say(visitor, `visitor ${i + 1} message ${n + 1}`);
    }
    await expect
      .poll(async () => (await agent.locator('rtc-inbox [part~="unread"]').allTextContents()).sort(), { timeout: 30_000 })
      .toEqual(['1', '2', '3']);
    await expect.poll(() => agent.title()).toMatch(/^\(6\)/);

    const entry = (n: number) => agent.locator('rtc-inbox [part~="conversation"]', { hasText: `visitor ${n} message` });
    const agentInput = agent.locator('rtc-inbox rtc-chat [part~="input"]');
    // The host page (an SPA) renames itself: only our "(n) " prefix is ours to change.
    await agent.evaluate(() => (document.title = `${document.title.replace(/^\(\d+\) /, '')} · Dashboard`));
    // A reply typed to one visitor waits while the agent looks at another.
    await entry(1).click();
    await expect.poll(() => agent.title()).toMatch(/^\(5\) .* · Dashboard$/);
    await agentInput.fill('half a reply to one');
    await entry(2).click();
    await expect.poll(() => agentInput.inputValue()).toBe('');
    await entry(1).click();
    await expect.poll(() => agentInput.inputValue()).toBe('half a reply to one');
    // The list re-sorts when a visitor writes: the focused entry stays the same visitor.
    await entry(3).focus();
    const focusedVisitor = () =>
      agent.evaluate(() => {
        let active = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        return active?.textContent ?? '';
      });
    const orderBefore = await agent.locator('rtc-inbox [part~="conversation"]').allTextContents();
    await say(visitors[0]!, 'visitor 1 message again');
    await expect.poll(() => agent.locator('rtc-inbox [part~="conversation"]').allTextContents()).not.toEqual(orderBefore);
    expect(await focusedVisitor()).toContain('visitor 3 message');
    await Promise.all([...contexts.map((c) => c.close()), agent.close()]);
  });

  it('in a short window (640×400, as 1280×800 at 200 % zoom) nothing of a call or the chat is cut off', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    const visitor = await openVisitor(agentId);
    for (const page of [agent, visitor]) await page.setViewportSize({ width: 640, height: 400 });
    await agent.evaluate(() => (document.querySelector('rtc-inbox')!.style.height = '100vh'));
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await say(visitor, 'short screen');
    await agent.locator('rtc-inbox [part~="conversation"]').click();
    await agent.locator('rtc-inbox [part~="offer-voice-button"]').click();
    await visitor.locator('rtc-support rtc-call [part~="answer-button"]').click();
    await Promise.all([waitForRtcEvent(visitor, 'rtc-connected'), waitForRtcEvent(agent, 'rtc-connected')]);
    // The call's status line and its controls lie inside the call's box, on both sides.
    const insideCall = (page: Page, host: string) =>
      page.evaluate((host) => {
        let root: Document | ShadowRoot = document;
        for (const step of host.split(' ')) root = root.querySelector(step)!.shadowRoot!;
        const box = (root as ShadowRoot).host.getBoundingClientRect();
        return ['status', 'controls'].map((part) => {
          const r = root.querySelector(`[part~="${part}"]`)!.getBoundingClientRect();
          return r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5 ? true : `${part} ${Math.round(r.top)}–${Math.round(r.bottom)} outside ${Math.round(box.top)}–${Math.round(box.bottom)}`;
        });
      }, host);
    expect(await insideCall(agent, 'rtc-inbox rtc-call')).toEqual([true, true]);
    expect(await insideCall(visitor, 'rtc-support rtc-support-panel rtc-call')).toEqual([true, true]);
    // The agent's message box can be reached and is then on screen.
    const input = agent.locator('rtc-inbox rtc-chat [part~="input"]');
    await input.focus();
    const rect = await input.evaluate((el) => el.getBoundingClientRect().toJSON());
    expect(rect.top).toBeGreaterThanOrEqual(0);
    expect(rect.bottom).toBeLessThanOrEqual(400);
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('the console keeps keyboard focus where the agent can go on: offering a call, ending a conversation', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    const visitor = await openVisitor(agentId);
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await say(visitor, 'hello');
    await agent.locator('rtc-inbox [part~="conversation"]').click();
    // Offering a call disables the offer buttons (focus would fall to the page): on to Cancel.
    await agent.locator('rtc-inbox [part~="offer-voice-button"]').focus();
    await agent.keyboard.press('Enter');
    await expect.poll(() => focusedPart(agent)).toBe('button cancel-button');
    await agent.keyboard.press('Enter'); // cancels
    await expect.poll(() => agent.locator('rtc-inbox [part~="offer-voice-button"]').isDisabled(), { timeout: 15_000 }).toBe(false);
    // Ending the conversation removes its buttons: on to the list's heading (no one else is there).
    await agent.locator('rtc-inbox [part~="end-button"]').focus();
    await agent.keyboard.press('Enter');
    await expect.poll(() => agent.evaluate(() => document.querySelector('rtc-inbox')!.shadowRoot!.activeElement?.tagName ?? null)).toBe('H2');
    expect(pageErrors(agent)).toEqual([]);
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('a visitor whose conversation the agent ended comes back with it when they call', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    const visitor = await openVisitor(agentId, 'ask-name');
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await visitor.locator('rtc-support #visitor-name').fill('Dana');
    await visitor.locator('rtc-support #visitor-name').press('Enter');
    await say(visitor, 'one question');
    await agent.locator('rtc-inbox [part~="conversation"]').click();
    await agent.locator('rtc-inbox [part~="end-button"]').click();
    await expect.poll(() => agent.locator('rtc-inbox [part~="conversation"]').count()).toBe(0);
    await visitor.locator('rtc-support [part="voice-call-button"]').click();
    await waitForRtcEvent(agent, 'rtc-incoming');
    // Who is calling, with the chat so far: not a ringing call over "Pick a conversation".
    await expect.poll(() => agent.locator('rtc-inbox .detail-top h3').textContent()).toBe('Dana');
    await expect.poll(() => agent.locator('rtc-inbox .visually-hidden[role="status"]').textContent()).toBe('Dana is calling');
    expect(await agent.locator('rtc-inbox rtc-chat [part~="bubble"]').allTextContents()).toEqual(['one question']);
    await agent.locator('rtc-inbox rtc-call [part~="decline-button"]').click();
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('works from the keyboard: Tab to the launcher, Enter opens with focus in the message box, Escape and Close return focus', async () => {
    const visitor = await openVisitor(uniqueId('agent'));
    // The host page has nothing focusable before it: the first Tab reaches the launcher.
    await visitor.keyboard.press('Tab');
    expect(await visitor.evaluate(() => document.activeElement?.tagName)).toBe('RTC-SUPPORT');
    await visitor.keyboard.press('Enter');
    await expect.poll(() => visitor.locator('rtc-support').getAttribute('open')).toBe('');
    // Opening puts the visitor where they type; what they type lands there.
    await expect.poll(() => focusedPart(visitor), { timeout: 10_000 }).toBe('input');
    await visitor.keyboard.type('typed right away');
    expect(await visitorInput(visitor).inputValue()).toBe('typed right away');
    await visitor.keyboard.press('Escape');
    await expect.poll(() => visitor.locator('rtc-support').getAttribute('open')).toBeNull();
    expect(await focusedPart(visitor)).toBe('launcher');
    // The panel's own close button does the same.
    await visitor.keyboard.press('Enter');
    await expect.poll(() => focusedPart(visitor)).toBe('input');
    await visitor.locator('rtc-support [part~="close-button"]').click();
    await expect.poll(() => visitor.locator('rtc-support').getAttribute('open')).toBeNull();
    expect(await focusedPart(visitor)).toBe('launcher');
    // On a phone the launcher is hidden under the open panel: focus still goes in, and back to it.
    await visitor.setViewportSize({ width: 375, height: 700 });
    await visitor.keyboard.press('Enter');
    await expect.poll(() => focusedPart(visitor)).toBe('input');
    await visitor.keyboard.press('Escape');
    await expect.poll(() => focusedPart(visitor)).toBe('launcher');
    await visitor.close();
  });

  it('on a phone the open panel is a modal dialog that Tab goes round in; on a wide screen Tab leaves it for the page', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    const visitor = await openVisitor(agentId);
    // The host has its own controls before and after the widget, where a loose Tab would go.
    await visitor.evaluate(() => {
      document.body.prepend(Object.assign(document.createElement('button'), { textContent: 'Host before' }));
      document.body.append(Object.assign(document.createElement('button'), { textContent: 'Host after' }));
    });
    const panel = visitor.locator('rtc-support rtc-support-panel');
    const focusIsInWidget = () => visitor.evaluate(() => document.activeElement?.tagName === 'RTC-SUPPORT');
    await visitor.setViewportSize({ width: 375, height: 700 });
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await expect.poll(() => visitor.locator('rtc-support [part~="availability"]').textContent(), { timeout: 20_000 }).toContain('Online');
    await expect.poll(() => focusedPart(visitor)).toBe('input');
    expect(await panel.getAttribute('role')).toBe('dialog');
    expect(await panel.getAttribute('aria-label')).toBe('Support');
    expect(await panel.getAttribute('aria-modal')).toBe('true');
    // More presses than the panel has controls, both ways: focus visits them and never leaves.
    const visited = new Set<string | null>();
    for (const key of [...Array(12).fill('Tab'), ...Array(12).fill('Shift+Tab')]) {
      await visitor.keyboard.press(key);
      expect(await focusIsInWidget()).toBe(true);
      visited.add(await focusedPart(visitor));
    }
    expect(visited).toContain('close-button');
    expect(visited).toContain('video-call-button');
    expect(visited).toContain('input');
    // A click on empty space in the panel, then Tab either way: still inside.
    for (const key of ['Tab', 'Shift+Tab']) {
      await visitor.locator('rtc-support [part~="greeting"]').click();
      await visitor.keyboard.press(key);
      expect(await focusIsInWidget(), key).toBe(true);
      expect(await focusedPart(visitor), key).not.toBeNull();
    }
    // Turned wide, the panel is a corner window again: not modal, and Tab moves on to the page.
    await visitor.setViewportSize({ width: 1200, height: 800 });
    await expect.poll(() => panel.getAttribute('aria-modal')).toBe('false');
    let left = false;
    for (let i = 0; i < 12 && !left; i++) {
      await visitor.keyboard.press('Tab');
      left = !(await focusIsInWidget());
    }
    expect(await visitor.evaluate(() => document.activeElement?.textContent)).toBe('Host after');
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('asks the name first without claiming the agent is offline, then focuses the message box and says Connecting until it knows', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    const visitor = await openVisitor(agentId, 'ask-name');
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await expect.poll(() => focusedPart(visitor), { timeout: 10_000 }).toBe('#visitor-name');
    // Nobody has been dialled yet: no availability, no offline note, no call buttons.
    expect(await visitor.locator('rtc-support [part~="availability"]').count()).toBe(0);
    expect(await visitor.locator('rtc-support [part~="offline-note"]').count()).toBe(0);
    // Every availability text the panel shows from here on, however briefly.
    await visitor.evaluate(() => {
      const seen: string[] = ((window as unknown as { __availability: string[] }).__availability = []);
      const panel = document.querySelector('rtc-support')!.shadowRoot!.querySelector('rtc-support-panel')!;
      const record = () => {
        const text = panel.shadowRoot!.querySelector('[part~="availability"]')?.textContent?.trim();
        const note = panel.shadowRoot!.querySelector('[part~="offline-note"]') ? ' +note' : '';
        if (text && seen.at(-1) !== text + note) seen.push(text + note);
      };
      new MutationObserver(record).observe(panel.shadowRoot!, { subtree: true, childList: true, characterData: true });
    });
    await visitor.keyboard.type('Dana');
    await visitor.keyboard.press('Enter');
    await expect.poll(() => focusedPart(visitor), { timeout: 10_000 }).toBe('input');
    // "Online" once the channel opens, then the agent's name with its hello, a moment later.
    await expect.poll(() => visitor.locator('rtc-support [part~="availability"]').textContent(), { timeout: 20_000 }).toBe('Sam · Online');
    const seen = await visitor.evaluate(() => (window as unknown as { __availability: string[] }).__availability);
    expect(seen.at(-1)).toBe('Sam · Online');
    expect(seen.filter((text) => /Offline|note/.test(text))).toEqual([]);
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('a second tab of the same visitor stays in sync and says the chat is open there, instead of fighting for the id', async () => {
    const agentId = uniqueId('agent');
    const first = await openVisitor(agentId);
    await first.locator('rtc-support [part~="launcher"]').click();
    await expect.poll(() => first.locator('rtc-support [part~="availability"]').count()).toBe(1);
    await first.locator('rtc-support rtc-chat [part~="input"]').waitFor();
    await waitForRtcEvent(first, 'rtc-ready');
    const second = await newPage(env.context); // same context: same localStorage, so the same visitor
    await second.goto(first.url());
    // The open state is shared: the second tab opens with the panel already open.
    await expect.poll(() => second.locator('rtc-support').getAttribute('open')).toBe('');
    await expect.poll(() => second.locator('rtc-support rtc-chat [part~="notice"]').textContent(), { timeout: 20_000 }).toContain('another tab');
    // Nothing can be written here: the first tab owns the stored transcript, so it would be lost.
    expect(await visitorInput(second).isDisabled()).toBe(true);
    expect(await second.locator('rtc-support rtc-chat [part~="attach-button"]').isDisabled()).toBe(true);
    expect(await second.evaluate(() => document.querySelector('rtc-support')!.shadowRoot!.querySelector('rtc-support-panel')!.shadowRoot!.querySelector('rtc-chat')!.send('from the API'))).toBeNull();
    expect(await second.locator('rtc-support [part~="availability"]').count()).toBe(0);
    // The first tab keeps its connection.
    expect(await first.evaluate(() => (window as unknown as { __events: { type: string; detail: { code?: string } }[] }).__events.some((e) => e.detail?.code === 'id-taken'))).toBe(false);
    // What the first tab writes shows in the second; closing the panel in one closes it in both.
    await say(first, 'written in the first tab');
    await expect.poll(() => second.locator('rtc-support rtc-chat [part~="bubble"]').allTextContents(), { timeout: 10_000 }).toContain('written in the first tab');
    await first.locator('rtc-support [part~="close-button"]').click();
    await expect.poll(() => second.locator('rtc-support').getAttribute('open')).toBeNull();
    // Once the first tab is gone, the second takes the id over (it retries every 15 s) and can write.
    await first.close();
    await second.locator('rtc-support [part~="launcher"]').click();
    await expect.poll(() => visitorInput(second).isDisabled(), { timeout: 30_000 }).toBe(false);
    // (What the first tab wrote still waits for the agent, who never came: that note stays.)
    expect(await second.locator('rtc-support rtc-chat [part~="notice"]').allTextContents()).toEqual(['Messages will be delivered when the other side is back online.']);
    await say(second, 'written in the second tab');
    await expect.poll(() => second.locator('rtc-support rtc-chat [part~="bubble"]').allTextContents()).toContain('written in the second tab');
    await second.close();
  });

  it('on a short screen (a phone turned sideways) the panel fills it and keeps the call\'s controls and the composer in view', async () => {
    const agentId = uniqueId('agent');
    const agent = await openAgent(agentId);
    const visitor = await openVisitor(agentId);
    await visitor.setViewportSize({ width: 844, height: 390 });
    await visitor.locator('rtc-support [part~="launcher"]').click();
    await expect.poll(() => visitor.locator('rtc-support [part~="availability"]').textContent(), { timeout: 20_000 }).toContain('Online');
    await visitor.locator('rtc-support [part~="video-call-button"]').click();
    await waitForRtcEvent(agent, 'rtc-incoming');
    await agent.locator('rtc-inbox rtc-call [part~="answer-button"]').click();
    await waitForRtcEvent(visitor, 'rtc-connected');
    const inView = async (selector: string) => {
      const box = (await visitor.locator(selector).boundingBox())!;
      return box.y >= 0 && box.y + box.height <= 390 && box.x >= 0 && box.x + box.width <= 844;
    };
    await expect.poll(() => inView('rtc-support rtc-call [part~="hangup-button"]')).toBe(true);
    expect(await inView('rtc-support rtc-chat [part~="input"]')).toBe(true);
    // And the part that covers them is the panel itself, not clipped away under it.
    expect(await visitor.evaluate(() => {
      const input = document.querySelector('rtc-support')!.shadowRoot!.querySelector('rtc-support-panel')!.shadowRoot!.querySelector('rtc-chat')!.shadowRoot!.querySelector('[part~="input"]')!;
      const box = input.getBoundingClientRect();
      let hit: Element | null = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      while (hit?.shadowRoot) {
        const inner = hit.shadowRoot.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
        if (!inner || inner === hit) break;
        hit = inner;
      }
      return hit === input;
    })).toBe(true);
    await visitor.locator('rtc-support rtc-call [part~="hangup-button"]').click();
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('heading and greeting: title is taken as heading (no tooltip over the panel); without them, the page\'s language', async () => {
    const titled = await openVisitor(uniqueId('agent'), 'title="Hilfe &amp; Kontakt" greeting=""');
    expect(await titled.locator('rtc-support').getAttribute('title')).toBeNull();
    await titled.locator('rtc-support [part~="launcher"]').click();
    await expect.poll(() => titled.locator('rtc-support [part~="header"] h2').textContent()).toBe('Hilfe & Kontakt');
    expect(await titled.locator('rtc-support [part~="greeting"]').count()).toBe(0);
    await titled.close();

    const german = await openVisitor(uniqueId('agent'));
    await german.evaluate(() => (document.documentElement.lang = 'de'));
    await german.locator('rtc-support [part~="launcher"]').click();
    await expect.poll(() => german.locator('rtc-support [part~="greeting"]').textContent()).toBe('Hallo! Wie können wir helfen?');
    expect(await german.locator('rtc-support [part~="header"] h2').textContent()).toBe('Support');
    await german.close();
  });

  it('while the panel loads, it shows a busy placeholder named by the site\'s label, with no English of ours', async () => {
    const page = await newPage(env.context);
    const release = await holdPanelCode(page);
    await page.goto(writeHost('loading-agent', 'lang="de" label="Hilfe"'));
    await page.locator('rtc-support [part~="launcher"]').click();
    const placeholder = page.locator('rtc-support [part~="panel"]');
    await expect.poll(() => placeholder.getAttribute('aria-busy')).toBe('true');
    expect(await placeholder.getAttribute('role')).toBe('status');
    expect(await placeholder.getAttribute('aria-label')).toBe('Hilfe');
    expect((await placeholder.textContent())?.trim()).toBe('');
    release();
    await page.locator('rtc-support rtc-chat [part~="input"]').waitFor();
    expect(await page.locator('rtc-support [part~="panel"][aria-busy]').count()).toBe(0);
    await page.close();
  });

  it('without a label the launcher is named in the page\'s language before the panel loads, and follows lang after', async () => {
    const page = await newPage(env.context);
    const release = await holdPanelCode(page);
    await page.goto(writeHost(uniqueId('agent'), 'lang="de-CH"'));
    const launcher = page.locator('rtc-support [part~="launcher"]');
    expect(await launcher.getAttribute('aria-label')).toBe('Chatte mit uns');
    expect(await launcher.getAttribute('title')).toBe('Chatte mit uns');
    await launcher.click();
    expect(await page.locator('rtc-support [part~="panel"]').getAttribute('aria-label')).toBe('Chatte mit uns');
    release();
    await page.locator('rtc-support rtc-chat [part~="input"]').waitFor();
    await page.evaluate(() => document.querySelector('rtc-support')!.setAttribute('lang', 'en'));
    await expect.poll(() => launcher.getAttribute('aria-label')).toBe('Chat with us');
    // A site's own label wins in every language.
    await page.evaluate(() => document.querySelector('rtc-support')!.setAttribute('label', 'Help'));
    await expect.poll(() => launcher.getAttribute('aria-label')).toBe('Help');
    await page.close();
  });

  it('when the panel\'s code cannot be loaded, the open panel offers to try again instead of spinning forever', async () => {
    const page = await newPage(env.context);
    let fail = true;
    await page.route('**/support-panel-*.js', (route) => (fail ? route.abort('connectionrefused') : route.continue()));
    await page.goto(writeHost('unloadable-agent', 'label="Hilfe"'));
    await page.locator('rtc-support [part~="launcher"]').click();
    expect(await waitForRtcEvent(page, 'rtc-error')).toMatchObject({ code: 'connection-failed' });
    const retry = page.locator('rtc-support [part~="retry-button"]');
    await retry.waitFor();
    expect(await retry.getAttribute('aria-label')).toBe('Hilfe');
    expect(await page.locator('rtc-support [part~="panel"][aria-busy]').count()).toBe(0);
    fail = false;
    await retry.focus();
    await page.keyboard.press('Enter');
    await page.locator('rtc-support rtc-chat [part~="input"]').waitFor();
    // The button went away with the spinner: focus went on into the chat.
    await expect.poll(() => focusedPart(page)).toBe('input');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('a page open across a release loads the new build\'s panel when its own build\'s is gone, and reaches the broker', async () => {
    const agentId = uniqueId('agent');
    // A site on another origin, embedding the script from ours: the broker is not on the page's origin.
    const shop = createHttpServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<!doctype html><title>Shop</title><script type="module" src="${env.server.url}cdn/rtc-elements.js"></script><rtc-support agent="${agentId}"></rtc-support>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const agent = await openAgent(agentId);
    const page = await newPage(env.context);
    // The release: this build's chunks are deleted (404), and the current full bundle names new ones.
    const chunks = join('dist', 'cdn', 'chunks');
    const released = (name: string) => readdirSync(chunks).find((file) => file.startsWith(`${name}-`) && file.endsWith('.js'))!;
    const [panelChunk, supportChunk] = [released('support-panel'), released('rtc-support')];
    const renamed = (code: string) => code.replaceAll(panelChunk, 'support-panel-NEXTRELEASE.js').replaceAll(supportChunk, 'rtc-support-NEXTRELEASE.js');
    const served = new Set<string>();
    await page.route(/\/support-panel-[^/]*\.js(\?.*)?$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.route('**/rtc-elements-full.js?build=*', async (route) => {
      served.add('full');
      await route.fulfill({ contentType: 'text/javascript', headers: { 'Access-Control-Allow-Origin': '*' }, body: renamed(readFileSync(join('dist', 'cdn', 'rtc-elements-full.js'), 'utf8')) });
    });
    for (const [name, file] of [['support-panel', panelChunk], ['rtc-support', supportChunk]] as const) {
      await page.route(`**/chunks/${name}-NEXTRELEASE.js`, async (route) => {
        served.add(name);
        await route.fulfill({ contentType: 'text/javascript', headers: { 'Access-Control-Allow-Origin': '*' }, body: renamed(readFileSync(join(chunks, file), 'utf8')) });
      });
    }
    try {
      await page.goto(`http://127.0.0.1:${(shop.address() as AddressInfo).port}/`);
      await page.locator('rtc-support [part~="launcher"]').click();
      expect(await waitForRtcEvent(page, 'rtc-error')).toMatchObject({ code: 'connection-failed' });
      await page.locator('rtc-support [part~="retry-button"]').click();
      await page.locator('rtc-support rtc-chat [part~="input"]').waitFor();
      expect([...served].sort()).toEqual(['full', 'rtc-support', 'support-panel']);
      // The new build's panel talks to our broker, not to the shop's origin.
      await expect.poll(() => page.locator('rtc-support [part~="availability"]').textContent(), { timeout: 20_000 }).toContain('Online');
      await say(page, 'Still there after your release?');
      await expect.poll(() => agent.locator('rtc-inbox [part~="conversation"]').count(), { timeout: 20_000 }).toBe(1);
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await Promise.all([page.close(), agent.close()]);
      shop.close();
    }
  });

  it('loads at most 12 KB of gzipped JavaScript before the launcher is visible, and the rest on first interaction', async () => {
    const page = await newPage(env.context);
    const scripts = new Map<string, number>();
    page.on('response', async (response) => {
      if (response.request().resourceType() === 'script') scripts.set(response.url(), gzipSync(await response.body()).length);
    });
    await page.goto(writeHost('budget-agent'));
    await page.locator('rtc-support [part~="launcher"]').waitFor({ state: 'visible' });
    const before = [...scripts.values()].reduce((a, b) => a + b, 0);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(12 * 1024);
    expect([...scripts.keys()].some((url) => url.includes('support-panel'))).toBe(false);
    // Hovering prefetches the panel (chat, call, PeerJS).
    await page.locator('rtc-support [part~="launcher"]').hover();
    await expect.poll(() => [...scripts.keys()].some((url) => url.includes('support-panel'))).toBe(true);
    await page.close();
  });
});
