import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mountElement, pageErrors, uniqueId, waitForRtcEvent, useEnvironment } from './harness.js';

const env = useEnvironment();

type ChatEl = HTMLElement & {
  send(text: string): string | null;
  messages: { id: string; from: string; text: string; status: string }[];
  clear(): void;
  unread: number;
};

function chatPair() {
  const a = uniqueId('ca');
  const b = uniqueId('cb');
  return {
    a,
    b,
    open: (self: string, other: string) => mountElement(env.context, env.server.url, 'rtc-chat', { 'peer-id': self, 'remote-id': other, name: self }),
  };
}

const messages = (page: Page) => page.evaluate(() => (document.getElementById('el') as ChatEl).messages);

describe('<rtc-chat> between two tabs', () => {
  it('exchanges 1,000 messages with none lost or reordered, all marked delivered', async () => {
    const { a, b, open } = chatPair();
    const [pa, pb] = await Promise.all([open(a, b), open(b, a)]);
    await pa.evaluate(() => {
      const chat = document.getElementById('el') as ChatEl;
      for (let i = 0; i < 1000; i++) chat.send(`message ${i}`);
    });
    await pb.waitForFunction(() => (document.getElementById('el') as ChatEl).messages.length >= 1000, null, { timeout: 30_000 });
    const received = await messages(pb);
    expect(received.length).toBe(1000);
    expect(received.map((m) => m.text)).toEqual(Array.from({ length: 1000 }, (_, i) => `message ${i}`));
    await pa.waitForFunction(() => (document.getElementById('el') as ChatEl).messages.every((m) => m.status === 'delivered'), null, { timeout: 30_000 });
    // Only the newest 200 are drawn, the rest one click away, in order.
    const rows = () => pb.locator('#el [part~="message"]');
    await expect.poll(() => rows().count()).toBe(200);
    await expect(rows().first().locator('[part~="bubble"]').textContent()).resolves.toBe('message 800');
    await pb.locator('#el [part~="earlier-button"]').click();
    await expect.poll(() => rows().count()).toBe(400);
    await expect(rows().first().locator('[part~="bubble"]').textContent()).resolves.toBe('message 600');
    await expect(rows().last().locator('[part~="bubble"]').textContent()).resolves.toBe('message 999');
    expect(pageErrors(pa)).toEqual([]);
    expect(pageErrors(pb)).toEqual([]);
    await Promise.all([pa.close(), pb.close()]);
  });

  it('renders hostile text as text: no element, no script, only http(s) links', async () => {
    const { a, b, open } = chatPair();
    const [pa, pb] = await Promise.all([open(a, b), open(b, a)]);
    const payloads = [
      '<img src=x onerror="window.__xss=1">',
      '<script>window.__xss=2</script>',
      '"><svg onload="window.__xss=3">',
      'javascript:window.__xss=4',
      'see https://example.com/x?<b>y</b>',
    ];
    await pa.evaluate((list) => list.forEach((text) => (document.getElementById('el') as ChatEl).send(text)), payloads);
    await pb.waitForFunction((n) => document.getElementById('el')!.shadowRoot!.querySelectorAll('[part~="bubble"]').length >= n, payloads.length);
    const rendered = await pb.evaluate(() => {
      const root = document.getElementById('el')!.shadowRoot!;
      return {
        texts: [...root.querySelectorAll('[part~="bubble"]')].map((b) => b.textContent),
        injected: root.querySelectorAll('.bubble img, .bubble script, .bubble svg').length,
        links: [...root.querySelectorAll('.bubble a')].map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')]),
        xss: (window as unknown as { __xss?: number }).__xss,
      };
    });
    expect(rendered.texts).toEqual(payloads);
    expect(rendered.injected).toBe(0);
    expect(rendered.xss).toBeUndefined();
    // The URL stops at the first character that cannot be in one ('<'); the rest stays text.
    expect(rendered.links).toEqual([['https://example.com/x', 'noopener noreferrer', '_blank']]);
    await Promise.all([pa.close(), pb.close()]);
  });

  it('messages written while the remote is away arrive, in order and once, when it comes back', async () => {
    const { a, b, open } = chatPair();
    const pa = await open(a, b);
    await pa.evaluate(() => ['one', 'two', 'three'].forEach((t) => (document.getElementById('el') as ChatEl).send(t)));
    expect((await messages(pa)).map((m) => m.status)).toEqual(['queued', 'queued', 'queued']);
    await expect.poll(() => pa.locator('#el [part~="notice"]').textContent()).toContain('delivered when');
    const pb = await open(b, a);
    await pb.waitForFunction(() => (document.getElementById('el') as ChatEl).messages.length >= 3, null, { timeout: 40_000 });
    expect((await messages(pb)).map((m) => m.text)).toEqual(['one', 'two', 'three']);
    await pa.waitForFunction(() => (document.getElementById('el') as ChatEl).messages.every((m) => m.status === 'delivered'), null, { timeout: 20_000 });
    await Promise.all([pa.close(), pb.close()]);
  });

  it('a reload keeps the transcript; clear() forgets it', async () => {
    const { a, b, open } = chatPair();
    const [pa, pb] = await Promise.all([open(a, b), open(b, a)]);
    await pa.evaluate(() => (document.getElementById('el') as ChatEl).send('before reload'));
    await pb.waitForFunction(() => (document.getElementById('el') as ChatEl).messages.length === 1);
    // Wait for the ack too: an unacknowledged message is rightly re-sent after the reload.
    await pa.waitForFunction(() => (document.getElementById('el') as ChatEl).messages[0]?.status === 'delivered');
    await pb.reload();
    await pb.evaluate(
      ({ b, a }) => {
        const element = document.createElement('rtc-chat');
        element.id = 'el';
        element.setAttribute('peer-id', b);
        element.setAttribute('remote-id', a);
        document.body.prepend(element);
      },
      { a, b },
    );
    await pb.waitForFunction(() => (document.getElementById('el') as ChatEl).messages.length === 1);
    expect((await messages(pb))[0]!.text).toBe('before reload');
    await pb.evaluate(() => (document.getElementById('el') as ChatEl).clear());
    expect(await messages(pb)).toEqual([]);
    await Promise.all([pa.close(), pb.close()]);
  });

  it('Enter sends, Shift+Enter adds a line, and the length cap is explained', async () => {
    const { a, b, open } = chatPair();
    const [pa, pb] = await Promise.all([open(a, b), open(b, a)]);
    const input = pa.locator('#el [part~="input"]');
    await input.fill('first line');
    await input.press('Shift+Enter');
    await input.pressSequentially('second line');
    await input.press('Enter');
    await pb.waitForFunction(() => (document.getElementById('el') as ChatEl).messages.length === 1);
    expect((await messages(pb))[0]!.text).toBe('first line\nsecond line');
    expect(await input.inputValue()).toBe('');
    await input.fill('x'.repeat(4001));
    await expect.poll(() => pa.locator('#el [part~="counter"]').textContent()).toContain('-1');
    await input.press('Enter');
    await expect.poll(() => pa.locator('#el [part~="notice"]').textContent()).toContain('4000');
    expect((await messages(pa)).length).toBe(1);
    await Promise.all([pa.close(), pb.close()]);
  });

  it('follows new messages at the bottom, leaves a reader who scrolled up alone, and shows their own message', async () => {
    const { a, b, open } = chatPair();
    const [pa, pb] = await Promise.all([open(a, b), open(b, a)]);
    const log = (page: Page) =>
      page.evaluate(() => {
        const el = document.getElementById('el')!.shadowRoot!.querySelector('[part~="log"]') as HTMLElement;
        return { top: el.scrollTop, gap: el.scrollHeight - el.scrollTop - el.clientHeight, scrollable: el.scrollHeight > el.clientHeight };
      });
    const sendFromA = (from: number, count: number) =>
      pa.evaluate(
        ({ from, count }) => {
          for (let i = from; i < from + count; i++) (document.getElementById('el') as ChatEl).send(`line ${i}`);
        },
        { from, count },
      );
    await sendFromA(0, 40);
    await pb.waitForFunction(() => (document.getElementById('el') as ChatEl).messages.length >= 40);
    // At the bottom, the log follows the newest message and nothing is unread.
    await expect.poll(() => log(pb)).toMatchObject({ scrollable: true });
    await expect.poll(async () => (await log(pb)).gap).toBeLessThan(40);
    await expect.poll(() => pb.evaluate(() => (document.getElementById('el') as ChatEl).unread)).toBe(0);
    await expect(pb.locator('#el [part~="new-messages"]').count()).resolves.toBe(0);

    // Scrolled up to read: new messages leave the view where it is and count as unread.
    await pb.evaluate(() => {
      const el = document.getElementById('el')!.shadowRoot!.querySelector('[part~="log"]') as HTMLElement;
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    await sendFromA(40, 5);
    await expect.poll(() => pb.evaluate(() => (document.getElementById('el') as ChatEl).unread)).toBe(5);
    await expect.poll(() => pb.locator('#el [part~="new-messages"]').textContent()).toContain('5');
    expect((await log(pb)).top).toBe(0);

    // What the reader writes is shown, even scrolled up.
    await pb.locator('#el [part~="input"]').fill('my answer');
    await pb.locator('#el [part~="input"]').press('Enter');
    await expect.poll(async () => (await log(pb)).gap).toBeLessThan(40);
    await expect.poll(() => pb.evaluate(() => (document.getElementById('el') as ChatEl).unread)).toBe(0);
    expect(pageErrors(pb)).toEqual([]);
    await Promise.all([pa.close(), pb.close()]);
  });

  it('shows the typing indicator while the other side types', async () => {
    const { a, b, open } = chatPair();
    const [pa, pb] = await Promise.all([open(a, b), open(b, a)]);
    await pa.locator('#el [part~="input"]').pressSequentially('hel');
    expect(await waitForRtcEvent(pb, 'rtc-typing', { typing: true })).toMatchObject({ from: a });
    await expect.poll(() => pb.locator('#el [part~="typing"]').textContent()).toContain('typing');
    await Promise.all([pa.close(), pb.close()]);
  });

  it('files: attach → progress → verified; images preview inline, names are sanitized, size limits hold', async () => {
    const { a, b } = chatPair();
    const pa = await mountElement(env.context, env.server.url, 'rtc-chat', { 'peer-id': a, 'remote-id': b });
    const pb = await mountElement(env.context, env.server.url, 'rtc-chat', { 'peer-id': b, 'remote-id': a, 'max-file-size': '100000' });
    // A 1×1 PNG with a hostile name.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const evilName = '<img src=x onerror="window.__xss=1">.png';
    await pa.locator('#el input[type=file]').setInputFiles([
      { name: evilName, mimeType: 'image/png', buffer: png },
      { name: '../../etc/passwd', mimeType: 'text/plain', buffer: Buffer.from('root:x:0:0\n') },
    ]);
    const first = await waitForRtcEvent(pb, 'rtc-file', { type: 'image/png' });
    expect(first).toMatchObject({ from: a, size: png.length });
    expect(first.name).not.toContain('/');
    const second = await waitForRtcEvent(pb, 'rtc-file', { type: 'text/plain' });
    expect(second.name).toBe('passwd');
    await pb.waitForFunction(() => document.getElementById('el')!.shadowRoot!.querySelectorAll('a[part~="download"]').length >= 2);
    const view = await pb.evaluate(() => {
      const root = document.getElementById('el')!.shadowRoot!;
      return {
        images: [...root.querySelectorAll('img[part~="image"]')].map((i) => i.getAttribute('src')?.slice(0, 5)),
        downloads: [...root.querySelectorAll('a[part~="download"]')].map((d) => d.getAttribute('download')),
        xss: (window as unknown as { __xss?: number }).__xss,
      };
    });
    expect(view.images).toEqual(['blob:']);
    expect(view.downloads).toContain('passwd');
    expect(view.xss).toBeUndefined();
    await expect.poll(() => pa.locator('#el [part~="file"]').allTextContents()).toEqual([expect.stringContaining('Delivered'), expect.stringContaining('Delivered')]);
    // Over the receiver's 100 kB limit: refused on both sides with a clear note.
    await pa.locator('#el input[type=file]').setInputFiles([{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(200_000, 1) }]);
    expect(await waitForRtcEvent(pb, 'rtc-error', { code: 'file-too-large' })).toBeTruthy();
    await expect.poll(() => pa.locator('#el [part~="file"]').last().textContent()).toContain('Too large');
    expect(pageErrors(pa)).toEqual([]);
    expect(pageErrors(pb)).toEqual([]);
    await Promise.all([pa.close(), pb.close()]);
  });

  it('a page that shows no chat with the sender (a call-only page) refuses its files at once', async () => {
    const { a, b } = chatPair();
    const pa = await mountElement(env.context, env.server.url, 'rtc-chat', { 'peer-id': a, 'remote-id': b });
    const pb = await mountElement(env.context, env.server.url, 'rtc-call', { 'peer-id': b });
    await pa.locator('#el input[type=file]').setInputFiles([{ name: 'unseen.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(50_000, 1) }]);
    // The sender learns at once (not after a timeout), and the call-only page keeps nothing.
    await expect.poll(() => pa.locator('#el [part~="file"]').last().textContent(), { timeout: 10_000 }).toContain('Transfer failed');
    expect(await pb.evaluate(() => (window as unknown as { __events: { type: string }[] }).__events.filter((e) => e.type === 'rtc-file').length)).toBe(0);
    await Promise.all([pa.close(), pb.close()]);
  });
});
