import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createConnection, createServer as createNetServer, type AddressInfo } from 'node:net';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServer, DEFAULTS, type ListenInfo, type RtcServer, type ServerOptions } from '../../server/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** A lazy chunk as vite names it, long enough for compression to show. */
const CHUNK = `export const rows = [${Array.from({ length: 400 }, (_, i) => `'row ${i}'`).join(', ')}];\n`;

/** A GET with exactly these headers (fetch always asks for compression, and unpacks it). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(parts) }));
    }).on('error', reject);
  });
}

interface BrokerMessage {
  type: string;
  src?: string;
  dst?: string;
  payload?: unknown;
}

/** Every message a ws client receives, so a waiter never misses one that arrived before it asked. */
class Client {
  readonly ws: WebSocket;
  private readonly inbox: BrokerMessage[] = [];
  private readonly waiters: Array<() => void> = [];

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)) as BrokerMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.ws.on('close', () => {
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.ws.on('error', () => {}); // refusals are asserted through 'unexpected-response'
  }

  /** Next message of `type` (consuming it and anything before it), or a rejection after `timeoutMs`. */
  next(type: string, timeoutMs = 3000): Promise<BrokerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        remove();
        reject(new Error(`no ${type} message within ${timeoutMs} ms (got ${JSON.stringify(this.inbox)})`));
      }, timeoutMs);
      const check = () => {
        const index = this.inbox.findIndex((m) => m.type === type);
        if (index >= 0) {
          clearTimeout(timer);
          resolve(this.inbox.splice(0, index + 1)[index]!);
          return;
        }
        this.waiters.push(check);
      };
      const remove = () => {
        const i = this.waiters.indexOf(check);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      check();
    });
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, 'close');
    this.ws.close();
    await closed;
  }
}

const running: RtcServer[] = [];
const clients: Client[] = [];

async function start(options: ServerOptions = {}): Promise<{ server: RtcServer; info: ListenInfo }> {
  const server = createServer({ port: 0, log: false, ...options });
  running.push(server);
  const info = await server.listen();
  return { server, info };
}

function connect(info: ListenInfo, id: string, token: string, options?: WebSocket.ClientOptions, key = 'peerjs'): Client {
  const client = new Client(`${info.wsUrl}/peerjs?key=${key}&id=${id}&token=${token}`, options);
  clients.push(client);
  return client;
}

/** Resolves when `predicate` holds, re-checking on every event-loop turn (no fixed sleeps). */
async function until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** The HTTP status a WebSocket handshake was refused with; rejects if it opens instead. */
function refusal(client: Client, timeoutMs = 3000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`handshake neither refused nor opened within ${timeoutMs} ms`)), timeoutMs);
    client.ws.once('unexpected-response', (_req, response) => {
      clearTimeout(timer);
      resolve(response.statusCode ?? 0);
    });
    client.ws.once('open', () => {
      clearTimeout(timer);
      reject(new Error('the WebSocket was accepted'));
    });
  });
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await Promise.all(running.splice(0).map((s) => s.close()));
});

describe('HTTP routes', () => {
  it('serves the configured iceServers at /rtc-config, uncached', async () => {
    const iceServers = [{ urls: 'stun:stun.example.com:3478' }, { urls: ['turn:turn.example.com:3478'], username: 'u', credential: 'c' }];
    const { info } = await start({ iceServers });
    const response = await fetch(new URL('rtc-config', info.brokerUrl));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ iceServers });
  });

  it('defaults to no iceServers', async () => {
    const { info } = await start();
    expect(await (await fetch(`${info.url}rtc-config`)).json()).toEqual({ iceServers: [] });
  });

  it('serves /rtc-config as a sibling of a custom broker path, and the broker under it', async () => {
    const iceServers = [{ urls: 'stun:stun.example.com' }];
    const { info } = await start({ path: '/support/peerjs/', iceServers });
    expect(info.brokerUrl).toBe(`http://localhost:${info.port}/support/peerjs`);
    // Exactly what the client computes from its server= URL.
    const sibling = new URL('rtc-config', info.brokerUrl).href;
    expect(sibling).toBe(`http://localhost:${info.port}/support/rtc-config`);
    expect(await (await fetch(sibling)).json()).toEqual({ iceServers });
    const id = await fetch(`${info.brokerUrl}/peerjs/id`);
    expect(id.status).toBe(200);
    expect(await id.text()).toMatch(/^[0-9a-f-]{36}$/);
    const client = connect(info, 'custom', 't');
    await client.next('OPEN');
  });

  it('serves the script, the demo and /healthz under the broker\'s prefix too, for a proxy that forwards only that prefix', async () => {
    const lines: string[] = [];
    const { info } = await start({ path: '/support/peerjs', log: (line) => lines.push(line) });
    // The URLs it prints are the ones that work: the root /cdn/ script would look for /peerjs.
    const origin = info.url.replace(/\/$/, '');
    expect(lines[0]).toContain(`script ${origin}/support/cdn/rtc-elements.js`);
    expect(lines[0]).toContain(`demo ${origin}/support/ `);
    expect(lines[0]).not.toContain(`${origin}/cdn/`);
    const script = await fetch(`${info.url}support/cdn/rtc-elements.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    // Where the script looks for the broker (../peerjs from its own URL) is where it is.
    expect(new URL('../peerjs', script.url).href).toBe(info.brokerUrl);
    expect(await (await fetch(`${info.url}support/`)).text()).toContain('<rtc-support');
    expect(await (await fetch(`${info.url}support/healthz`)).json()).toEqual({ ok: true, peers: 0 });
  });

  it('mounts the broker at / without hiding the demo index', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rtc-elements-root-'));
    writeFileSync(path.join(dir, 'index.html'), '<title>demo</title>');
    try {
      const { info } = await start({ path: '/', staticRoots: { demo: dir, cdn: dir } });
      expect(info.brokerUrl).toBe(`http://localhost:${info.port}`);
      expect(await (await fetch(info.url)).text()).toBe('<title>demo</title>');
      expect(await (await fetch(new URL('rtc-config', info.brokerUrl))).json()).toEqual({ iceServers: [] });
      const client = connect(info, 'rooted', 't');
      await client.next('OPEN');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends CORS headers on /rtc-config: * by default, the listed origin otherwise', async () => {
    const open = await start();
    const any = await fetch(`${open.info.url}rtc-config`, { headers: { Origin: 'https://site.example' } });
    expect(any.headers.get('access-control-allow-origin')).toBe('*');

    const { info } = await start({ allowOrigin: ['https://site.example/'] });
    const listed = await fetch(`${info.url}rtc-config`, { headers: { Origin: 'https://site.example' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://site.example');
    expect(listed.headers.get('vary')).toMatch(/Origin/);
    const other = await fetch(`${info.url}rtc-config`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${info.url}rtc-config`, { method: 'OPTIONS', headers: { Origin: 'https://site.example' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://site.example');
  });

  it('applies allowOrigin to the broker HTTP routes too', async () => {
    const { info } = await start({ allowOrigin: ['https://site.example'] });
    const listed = await fetch(`${info.brokerUrl}/peerjs/id`, { headers: { Origin: 'https://site.example' } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://site.example');
    const other = await fetch(`${info.brokerUrl}/peerjs/id`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps peer discovery off and answers unknown broker routes with JSON 404', async () => {
    const { info } = await start();
    expect((await fetch(`${info.brokerUrl}/peerjs/peers`)).status).toBe(401);
    const missing = await fetch(`${info.brokerUrl}/nothing/here/at/all`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
  });

  describe('static roots', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'rtc-elements-static-'));
      writeFileSync(path.join(dir, 'rtc-elements.js'), 'export const ok = 1;\n');
      mkdirSync(path.join(dir, 'chunks'));
      writeFileSync(path.join(dir, 'chunks', 'panel-AbC12_-x.js'), CHUNK);
      writeFileSync(path.join(dir, 'call.html'), '<!doctype html><title>call</title>\n');
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>demo</title>\n');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('serves /cdn/ as text/javascript with CORS *, compressed, the entry revalidated and hashed chunks kept a year', async () => {
      const { info } = await start({ staticRoots: { cdn: dir, demo: dir } });
      const response = await fetch(`${info.url}cdn/rtc-elements.js`, { headers: { Origin: 'https://site.example' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      // fetch asks for compression, and unpacks what it gets.
      expect(response.headers.get('content-encoding')).toMatch(/^(br|gzip)$/);
      expect(response.headers.get('vary')).toMatch(/Accept-Encoding/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toBe('export const ok = 1;\n');
      // Unchanged since the browser's copy: 304, no body.
      const again = await fetch(`${info.url}cdn/rtc-elements.js`, { headers: { 'If-None-Match': response.headers.get('etag')! } });
      expect(again.status).toBe(304);
      const chunk = await fetch(`${info.url}cdn/chunks/panel-AbC12_-x.js`);
      expect(chunk.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await chunk.text()).toBe(CHUNK);
      expect((await fetch(`${info.url}cdn/missing.js`)).status).toBe(404);
    });

    it('sends /cdn/ files as they are to a client that takes no compression, and gzip to one that takes only gzip', async () => {
      const { info } = await start({ staticRoots: { cdn: dir, demo: dir } });
      const raw = await rawGet(`${info.url}cdn/chunks/panel-AbC12_-x.js`, {});
      expect(raw.headers['content-encoding']).toBeUndefined();
      expect(raw.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(raw.headers['access-control-allow-origin']).toBe('*');
      expect(raw.body.toString()).toBe(CHUNK);
      const zipped = await rawGet(`${info.url}cdn/chunks/panel-AbC12_-x.js`, { 'accept-encoding': 'gzip, br;q=0' });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(zipped.body).toString()).toBe(CHUNK);
      expect(Number(zipped.headers['content-length'])).toBeLessThan(CHUNK.length / 2);
      const brotli = await rawGet(`${info.url}cdn/chunks/panel-AbC12_-x.js`, { 'accept-encoding': 'gzip;q=0.5, br' });
      expect(brotli.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(brotli.body).toString()).toBe(CHUNK);
      // A file changed on disk is compressed again, not served from the old copy.
      const file = path.join(dir, 'chunks', 'panel-AbC12_-x.js');
      writeFileSync(file, `${CHUNK}// changed\n`);
      utimesSync(file, new Date(), new Date(Date.now() + 5_000));
      expect(await (await fetch(`${info.url}cdn/chunks/panel-AbC12_-x.js`)).text()).toBe(`${CHUNK}// changed\n`);
      writeFileSync(file, CHUNK);
    });

    it('serves no dotfiles from /cdn/, compressed or not, and forgets a file deleted since it was served', async () => {
      const root = mkdtempSync(path.join(tmpdir(), 'rtc-elements-cdn-'));
      try {
        mkdirSync(path.join(root, '.hidden'));
        writeFileSync(path.join(root, '.hidden', 'x.js'), CHUNK);
        writeFileSync(path.join(root, '.env.js'), CHUNK);
        writeFileSync(path.join(root, 'gone.js'), CHUNK);
        const { info } = await start({ staticRoots: { cdn: root, demo: false } });
        for (const dotfile of ['cdn/.hidden/x.js', 'cdn/.env.js']) {
          expect((await fetch(`${info.url}${dotfile}`)).status, dotfile).toBe(404);
          expect((await rawGet(`${info.url}${dotfile}`, {})).body.toString(), dotfile).not.toContain('row 1');
        }
        expect(await (await fetch(`${info.url}cdn/gone.js`)).text()).toBe(CHUNK);
        rmSync(path.join(root, 'gone.js'));
        expect((await fetch(`${info.url}cdn/gone.js`)).status).toBe(404);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it('serves nothing from outside the /cdn/ root, however the path is spelled', async () => {
      const empty = mkdtempSync(path.join(tmpdir(), 'rtc-elements-empty-'));
      try {
        // The chunks folder as the root: rtc-elements.js is one level above it.
        const { info } = await start({ staticRoots: { cdn: path.join(dir, 'chunks'), demo: empty } });
        expect(await (await fetch(`${info.url}cdn/panel-AbC12_-x.js`)).text()).toBe(CHUNK);
        for (const sneaky of ['cdn/..%2frtc-elements.js', 'cdn/%2e%2e/rtc-elements.js', 'cdn/%2e%2e%2frtc-elements.js', 'cdn/x/..%2f..%2frtc-elements.js']) {
          const response = await fetch(`${info.url}${sneaky}`);
          expect(response.status, sneaky).toBeGreaterThanOrEqual(400);
          expect(await response.text(), sneaky).not.toContain('export const ok');
        }
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });

    it('serves no demo pages with demo: false (--no-demo), and answers unknown paths with JSON 404', async () => {
      const { info } = await start({ staticRoots: { cdn: dir, demo: false } });
      for (const page of ['', 'call', 'call.html', 'agent.html']) {
        const response = await fetch(`${info.url}${page}`);
        expect(response.status, page).toBe(404);
        expect(await response.json(), page).toEqual({ error: 'not found' });
      }
      expect((await fetch(`${info.url}cdn/rtc-elements.js`)).status).toBe(200);
      expect((await fetch(`${info.url}healthz`)).status).toBe(200);
    });

    it('serves the demo at / with .html extensions optional', async () => {
      const { info } = await start({ staticRoots: { cdn: dir, demo: dir } });
      expect(await (await fetch(info.url)).text()).toContain('<title>demo</title>');
      expect(await (await fetch(`${info.url}call`)).text()).toContain('<title>call</title>');
    });

    it('lets no other site frame its pages (the agent console answers with the camera), and says nosniff everywhere', async () => {
      const { info } = await start({ staticRoots: { cdn: dir, demo: dir } });
      for (const page of ['', 'call', 'call.html']) {
        const response = await fetch(`${info.url}${page}`);
        expect(response.headers.get('content-security-policy'), page).toBe("frame-ancestors 'self'");
        expect(response.headers.get('x-frame-options'), page).toBe('SAMEORIGIN');
      }
      for (const url of [info.url, `${info.url}cdn/rtc-elements.js`, `${info.url}rtc-config`, `${info.brokerUrl}/`, `${info.url}healthz`]) {
        const response = await fetch(url);
        expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
        expect(response.headers.get('x-powered-by'), url).toBeNull();
      }
    });
  });
});

describe('broker', () => {
  it('sends OPEN to a PeerJS-protocol client at <path>/peerjs', async () => {
    const { info } = await start();
    expect(info.wsUrl).toBe(`ws://localhost:${info.port}/peerjs`);
    const client = connect(info, 'abc', 't1');
    expect(await client.next('OPEN')).toEqual({ type: 'OPEN' });
  });

  it('refuses a wrong key with ERROR', async () => {
    const { info } = await start({ key: 'secret' });
    const client = connect(info, 'abc', 't1', undefined, 'peerjs');
    expect(await client.next('ERROR')).toMatchObject({ payload: { msg: 'Invalid key provided' } });
  });

  it('answers ID-TAKEN for the same id with a different token', async () => {
    const { info } = await start();
    const first = connect(info, 'abc', 't1');
    await first.next('OPEN');
    const second = connect(info, 'abc', 't2');
    expect(await second.next('ID-TAKEN')).toMatchObject({ type: 'ID-TAKEN' });
    await once(second.ws, 'close');
  });

  it('accepts the same id and token again after the first socket closed', async () => {
    const { server, info } = await start();
    const first = connect(info, 'abc', 't1');
    await first.next('OPEN');
    await first.close();
    await until(() => server.clientCount === 0, 'the broker to drop the first socket');
    const again = connect(info, 'abc', 't1');
    await again.next('OPEN');
    expect(server.clientCount).toBe(1);
  });

  it('sends OPEN when the same id and token take over a socket the broker still holds (reload)', async () => {
    const { server, info } = await start();
    const first = connect(info, 'abc', 't1');
    await first.next('OPEN');
    const second = connect(info, 'abc', 't1');
    await second.next('OPEN');
    await once(first.ws, 'close');
    expect(server.clientCount).toBe(1);
    // Messages for "abc" now reach the new socket.
    const other = connect(info, 'other', 't');
    await other.next('OPEN');
    other.send({ type: 'OFFER', dst: 'abc', payload: { n: 1 } });
    expect(await second.next('OFFER')).toMatchObject({ src: 'other', payload: { n: 1 } });
  });

  it('refuses a WebSocket from an origin not in allowOrigin with 403', async () => {
    const { server, info } = await start({ allowOrigin: ['https://site.example'] });
    expect(await refusal(connect(info, 'evil', 't', { origin: 'https://evil.example' }))).toBe(403);
    expect(await refusal(connect(info, 'bare', 't'))).toBe(403);
    const allowed = connect(info, 'good', 't', { origin: 'https://site.example' });
    await allowed.next('OPEN');
    // The server's own pages (same origin) are never cross-site.
    const own = connect(info, 'own', 't', { origin: `http://localhost:${info.port}` });
    await own.next('OPEN');
    expect(server.clientCount).toBe(2);
  });

  it('says in the log which origin it refused, once per few seconds however often', async () => {
    const lines: string[] = [];
    const { info } = await start({ allowOrigin: ['https://site.example'], log: (line) => lines.push(line) });
    for (let i = 0; i < 3; i++) expect(await refusal(connect(info, `evil${i}`, 't', { origin: 'https://evil.example' }))).toBe(403);
    expect(lines.filter((line) => line.includes('refused'))).toEqual(['rtc-elements broker: refused a WebSocket from origin "https://evil.example" (not in --allow-origin)']);
  });

  it('behind a trusted proxy that rewrites Host, its own pages (X-Forwarded-Host) are still same-origin; untrusted, not', async () => {
    const page = { origin: 'https://support.example.com', headers: { 'X-Forwarded-Host': 'support.example.com' } };
    const trusting = await start({ allowOrigin: ['https://shop.example'], proxied: 'loopback' });
    await connect(trusting.info, 'agent', 't', page).next('OPEN');
    // The header alone proves nothing when the server was not told a proxy sits in front.
    const direct = await start({ allowOrigin: ['https://shop.example'] });
    expect(await refusal(connect(direct.info, 'agent', 't', page))).toBe(403);
    // Nor when the proxy it trusts is not the one that connected.
    const elsewhere = await start({ allowOrigin: ['https://shop.example'], proxied: '10.0.0.0/8' });
    expect(await refusal(connect(elsewhere.info, 'agent', 't', page))).toBe(403);
  });

  it('closes broker sockets with 1001 "going away" when it shuts down, so clients reconnect rather than see a cut', async () => {
    const { server, info } = await start();
    const client = connect(info, 'leaving', 't');
    await client.next('OPEN');
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    await server.close();
    expect(await closed).toBe(1001);
  });

  it('gives a reserved id only to a client whose token starts with its secret; anyone else is told it is taken', async () => {
    const secret = 'agent-secret-0123456789';
    const lines: string[] = [];
    const { server, info } = await start({ reservedIds: { 'acme-help': secret }, log: (line) => lines.push(line) });
    for (const token of ['guess', 'agent-secret-012345678', `${secret}x.tab`, `x${secret}.tab`]) {
      const squatter = connect(info, 'acme-help', token);
      expect(await squatter.next('ID-TAKEN')).toMatchObject({ type: 'ID-TAKEN' });
      await once(squatter.ws, 'close');
    }
    // Repeated parameters: the broker takes the last id, and so does the check.
    const sneaky = new Client(`${info.wsUrl}/peerjs?key=peerjs&id=decoy&id=acme-help&token=t`);
    clients.push(sneaky);
    await sneaky.next('ID-TAKEN');
    expect(server.clientCount).toBe(0);
    expect(lines.filter((line) => line.includes('reserved'))).toEqual(['rtc-elements broker: refused reserved id "acme-help" to a client without its secret']);
    // The secret, then a "." and the tab's own part: the agent's console gets the id.
    const agent = connect(info, 'acme-help', `${secret}.tab1`);
    await agent.next('OPEN');
    // A second tab of the same agent knows the secret too, but the id is in use: taken, not taken over.
    const second = connect(info, 'acme-help', `${secret}.tab2`);
    await second.next('ID-TAKEN');
    // Ids that are not reserved work as before, and reach the agent.
    const visitor = connect(info, 'visitor-1', 't');
    await visitor.next('OPEN');
    visitor.send({ type: 'OFFER', dst: 'acme-help', payload: { n: 1 } });
    expect(await agent.next('OFFER')).toMatchObject({ src: 'visitor-1' });
  });

  it('refuses ids no PeerJS client would choose (bidi overrides, control characters, 65+ characters), saying why', async () => {
    const lines: string[] = [];
    const { server, info } = await start({ log: (line) => lines.push(line) });
    for (const id of ['\u202Etroppus-emca', 'a\u0000b', 'x'.repeat(65), 'double--dash', ' lead', 'new\nline']) {
      const client = new Client(`${info.wsUrl}/peerjs?key=peerjs&id=${encodeURIComponent(id)}&token=t`);
      clients.push(client);
      expect((await client.next('ERROR')).payload).toMatchObject({ msg: expect.stringMatching(/^Invalid id: letters and digits/) });
      await once(client.ws, 'close');
    }
    expect(server.clientCount).toBe(0);
    // Logged once per 5 s, the override escaped so it cannot turn the log line around.
    expect(lines.filter((line) => line.includes('invalid peer id'))).toEqual(['rtc-elements broker: refused an invalid peer id "\\u202etroppus-emca"']);
    // What stock PeerJS accepts still works: single spaces, dashes and underscores between runs, 64 characters.
    for (const id of ['visitor 1', 'a_b-c', 'y'.repeat(64), '1f0e8c2a-4b6d-4e3f-9a1b-0c2d3e4f5a6b']) {
      const client = new Client(`${info.wsUrl}/peerjs?key=peerjs&id=${encodeURIComponent(id)}&token=t`);
      clients.push(client);
      await client.next('OPEN');
    }
    expect(server.clientCount).toBe(4);
  });

  it.each([
    [[], /object of peer id/],
    [{ 'not an id': 'agent-secret-0123456789' }, /not a peer id/],
    [{ 'acme-help': 'short' }, /16 to 128/],
    [{ 'acme-help': 'has spaces in the secret!' }, /16 to 128/],
  ])('refuses reservedIds %j', (reservedIds, message) => {
    expect(() => createServer({ reservedIds: reservedIds as unknown as Record<string, string>, log: false })).toThrow(message);
  });

  it('accepts any Origin when allowOrigin is *', async () => {
    const { info } = await start();
    const client = connect(info, 'abc', 't', { origin: 'https://anything.example' });
    await client.next('OPEN');
  });

  it('relays OFFER from a to b with src set by the broker', async () => {
    const { info } = await start();
    const a = connect(info, 'a', 'ta');
    const b = connect(info, 'b', 'tb');
    await Promise.all([a.next('OPEN'), b.next('OPEN')]);
    const payload = { sdp: { type: 'offer', sdp: 'v=0' }, type: 'media', connectionId: 'mc_1' };
    a.send({ type: 'OFFER', dst: 'b', src: 'spoofed', payload });
    expect(await b.next('OFFER')).toEqual({ type: 'OFFER', src: 'a', dst: 'b', payload });
  });

  it('delivers a message queued for a peer that connects shortly after', async () => {
    const { info } = await start({ expireTimeout: 2000, cleanupOutMsgs: 50 });
    const a = connect(info, 'a', 'ta');
    await a.next('OPEN');
    a.send({ type: 'CANDIDATE', dst: 'late', payload: { c: 1 } });
    // Wait until the broker has read the message (a HEARTBEAT round is not acknowledged, so watch a relay instead).
    const probe = connect(info, 'probe', 'tp');
    await probe.next('OPEN');
    a.send({ type: 'ANSWER', dst: 'probe', payload: {} });
    await probe.next('ANSWER');
    const late = connect(info, 'late', 'tl');
    await late.next('OPEN');
    expect(await late.next('CANDIDATE')).toMatchObject({ src: 'a', payload: { c: 1 } });
  });

  it('answers a message to an unknown peer with EXPIRE within expireTimeout + cleanup interval', async () => {
    const expireTimeout = 300;
    const cleanupOutMsgs = 100;
    const { info } = await start({ expireTimeout, cleanupOutMsgs });
    const a = connect(info, 'a', 'ta');
    await a.next('OPEN');
    const sent = Date.now();
    a.send({ type: 'OFFER', dst: 'nobody', payload: { connectionId: 'dc_1' } });
    const expire = await a.next('EXPIRE', expireTimeout + cleanupOutMsgs + 1500);
    const elapsed = Date.now() - sent;
    expect(expire).toEqual({ type: 'EXPIRE', src: 'nobody', dst: 'a' });
    expect(elapsed).toBeGreaterThanOrEqual(expireTimeout - 20);
    // Slack for a loaded machine; the broker sweeps every cleanupOutMsgs ms.
    expect(elapsed).toBeLessThanOrEqual(expireTimeout + cleanupOutMsgs + 500);
  });

  it('survives a message that is not JSON and reports it through log', async () => {
    const lines: string[] = [];
    const { info } = await start({ log: (line) => lines.push(line) });
    const a = connect(info, 'a', 'ta');
    const b = connect(info, 'b', 'tb');
    await Promise.all([a.next('OPEN'), b.next('OPEN')]);
    a.ws.send('this is not json{');
    a.send({ type: 'OFFER', dst: 'b', payload: {} });
    await b.next('OFFER');
    expect(lines.some((l) => /not valid JSON/.test(l))).toBe(true);
  });

  it('closes a socket that sends a frame larger than 64 KiB (1009) and goes on serving the others', async () => {
    const { info } = await start();
    const a = connect(info, 'a', 'ta');
    const b = connect(info, 'b', 'tb');
    await Promise.all([a.next('OPEN'), b.next('OPEN')]);
    const closed = once(a.ws, 'close');
    a.send({ type: 'OFFER', dst: 'nobody', payload: { x: 'x'.repeat(65 * 1024) } });
    expect((await closed)[0]).toBe(1009);
    const c = connect(info, 'c', 'tc');
    await c.next('OPEN');
    c.send({ type: 'OFFER', dst: 'b', payload: { sdp: 'x'.repeat(20 * 1024) } });
    expect((await b.next('OFFER')).src).toBe('c');
  });

  it('relays 100 connection offers from one client at once, and closes one that keeps offering (1008)', async () => {
    const lines: string[] = [];
    const { info } = await start({ log: (line) => lines.push(line) });
    const a = connect(info, 'a', 'ta');
    const b = connect(info, 'b', 'tb');
    await Promise.all([a.next('OPEN'), b.next('OPEN')]);
    // A hundred files dropped at once, each on its own connection: every offer arrives.
    for (let i = 0; i < 100; i++) a.send({ type: 'OFFER', dst: 'b', payload: { i } });
    for (let i = 0; i < 100; i++) expect((await b.next('OFFER')).payload).toEqual({ i });
    // 600 offers from one client (each would make the receiving browser build a peer connection).
    const flooder = connect(info, 'f', 'tf');
    await flooder.next('OPEN');
    const closed = once(flooder.ws, 'close');
    for (let i = 0; i < 600; i++) flooder.send({ type: 'OFFER', dst: 'b', payload: { flood: i } });
    expect((await closed)[0]).toBe(1008);
    expect(lines.filter((line) => /Too many connection offers/.test(line))).toHaveLength(1);
  });

  it('takes a burst of 500 messages from one client, and closes one that floods (1008), logging it once', async () => {
    const lines: string[] = [];
    const { info } = await start({ log: (line) => lines.push(line) });
    const a = connect(info, 'a', 'ta');
    const b = connect(info, 'b', 'tb');
    await Promise.all([a.next('OPEN'), b.next('OPEN')]);
    // An agent answering many visitors at once: every message arrives.
    for (let i = 0; i < 500; i++) a.send({ type: 'CANDIDATE', dst: 'b', payload: { i } });
    for (let i = 0; i < 500; i++) expect((await b.next('CANDIDATE')).payload).toEqual({ i });
    const flooder = connect(info, 'f', 'tf');
    await flooder.next('OPEN');
    const closed = once(flooder.ws, 'close');
    for (let i = 0; i < 5_000; i++) flooder.send({ type: 'CANDIDATE', dst: 'nobody', payload: { i } });
    expect((await closed)[0]).toBe(1008);
    expect(lines.filter((line) => /Too many messages/.test(line))).toHaveLength(1);
    // The others are untouched.
    a.send({ type: 'OFFER', dst: 'b', payload: {} });
    expect((await b.next('OFFER')).src).toBe('a');
  });

  it('a flooding client that never answers the close is cut off, and little of its flood is relayed', async () => {
    const { info } = await start();
    const b = connect(info, 'b', 'tb');
    await b.next('OPEN');
    let offers = 0;
    b.ws.on('message', (data) => JSON.parse(String(data)).type === 'OFFER' && offers++);
    // A raw WebSocket client (ws's own would answer the close frame at once).
    const url = new URL(`${info.wsUrl}/peerjs?key=peerjs&id=f&token=tf`);
    const socket = createConnection(Number(url.port), url.hostname);
    await once(socket, 'connect');
    socket.write(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await once(socket, 'data'); // 101 Switching Protocols (and OPEN)
    const frame = (text: string) => {
      const payload = Buffer.from(text);
      const mask = randomBytes(4);
      const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
      return Buffer.concat([header, mask, Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!))]);
    };
    socket.on('error', () => {}); // the cut comes as ECONNRESET
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    let sent = 0;
    const flood = setInterval(() => {
      if (!socket.destroyed) socket.write(Buffer.concat(Array.from({ length: 500 }, () => frame(JSON.stringify({ type: 'OFFER', dst: 'b', payload: { i: sent++ } })))));
    }, 10);
    try {
      const started = Date.now();
      await closed;
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      clearInterval(flood);
    }
    // What was already read when the limit tripped may go through; the flood after it does not.
    expect(sent).toBeGreaterThan(5_000);
    expect(offers).toBeLessThan(5_000);
  });

  it('closes a socket that keeps sending frames that are not broker messages, with one log line', async () => {
    const lines: string[] = [];
    const { info } = await start({ log: (line) => lines.push(line) });
    const a = connect(info, 'a', 'ta');
    await a.next('OPEN');
    const closed = once(a.ws, 'close');
    for (let i = 0; i < 1_000; i++) a.ws.send(i % 2 ? 'not json' : 'null');
    expect((await closed)[0]).toBe(1008);
    const started = lines.filter((line) => line.startsWith('rtc-elements server on'));
    expect(lines.length - started.length).toBeLessThanOrEqual(2);
  });

  it('counts connected peers at /healthz and in clientCount', async () => {
    const { server, info } = await start();
    const health = async () => (await fetch(`${info.url}healthz`)).json();
    expect(await health()).toEqual({ ok: true, peers: 0 });
    const a = connect(info, 'a', 'ta');
    const b = connect(info, 'b', 'tb');
    await Promise.all([a.next('OPEN'), b.next('OPEN')]);
    expect(await health()).toEqual({ ok: true, peers: 2 });
    expect(server.clientCount).toBe(2);
    await a.close();
    await until(() => server.clientCount === 1, 'the broker to notice a closed');
    expect(await health()).toEqual({ ok: true, peers: 1 });
  });
});

describe('options and lifecycle', () => {
  it('has the documented defaults', () => {
    expect(DEFAULTS).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      key: 'peerjs',
      path: '/peerjs',
      allowOrigin: '*',
      concurrentLimit: 5000,
      aliveTimeout: 150_000,
      expireTimeout: 3000,
      cleanupOutMsgs: 1000,
    });
    expect(DEFAULTS.staticRoots).toEqual({ cdn: path.join(repoRoot, 'dist', 'cdn'), demo: path.join(repoRoot, 'demo') });
  });

  it.each([
    ['not an array', { urls: 'stun:x' }, /must be an array/],
    ['a string entry', ['stun:x'], /iceServers\[0\] must be an object/],
    ['missing urls', [{ username: 'u' }], /iceServers\[0\]\.urls/],
    ['an http url', [{ urls: 'http://stun.example.com' }], /stun:, stuns:, turn: or turns:/],
    ['a bad url in a list', [{ urls: 'stun:ok' }, { urls: ['turn:ok', 42] }], /iceServers\[1\]\.urls/],
    ['an empty urls list', [{ urls: [] }], /iceServers\[0\]\.urls/],
  ])('throws a TypeError for iceServers with %s', (_label, iceServers, message) => {
    expect(() => createServer({ iceServers: iceServers as never, log: false })).toThrow(TypeError);
    expect(() => createServer({ iceServers: iceServers as never, log: false })).toThrow(message);
  });

  it('throws a TypeError for a TURN server without a string username and credential', () => {
    expect(() => createServer({ iceServers: [{ urls: 'turn:turn.example.com:3478' }] })).toThrow(/TURN server: it needs a string "username" and "credential"/);
    expect(() => createServer({ iceServers: [{ urls: ['stun:s.example.com', 'turns:t.example.com'], username: 'u', credential: 5 as unknown as string }] })).toThrow(TypeError);
    expect(() => createServer({ iceServers: [{ urls: 'turn:t.example.com', username: 'u', credential: 'p' }, { urls: 'stun:s.example.com' }] })).not.toThrow();
  });

  it('throws a TypeError for a bad allowOrigin', () => {
    expect(() => createServer({ allowOrigin: 'https://a.example' as never, log: false })).toThrow(TypeError);
    expect(() => createServer({ allowOrigin: ['not a url'], log: false })).toThrow(/allowOrigin\[0\]/);
  });

  it('logs one line per start naming the pages that exist, the broker and the script', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rtc-elements-log-'));
    try {
      writeFileSync(path.join(dir, 'call.html'), '<!doctype html>');
      const lines: string[] = [];
      const { info } = await start({ log: (line) => lines.push(line), staticRoots: { demo: dir, cdn: dir } });
      expect(lines).toHaveLength(1);
      const origin = `http://localhost:${info.port}`;
      expect(lines[0]).toContain(`${origin}/call.html`);
      expect(lines[0]).not.toContain('agent.html'); // not in this demo folder: no dead link in the log
      expect(lines[0]).toContain(`ws://localhost:${info.port}/peerjs`);
      expect(lines[0]).toContain(`${origin}/cdn/rtc-elements.js`);
      writeFileSync(path.join(dir, 'agent.html'), '<!doctype html>');
      const again: string[] = [];
      await start({ log: (line) => again.push(line), staticRoots: { demo: dir, cdn: dir } });
      expect(again[0]).toContain('/agent.html');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('close() resolves while clients are connected, and terminates them', async () => {
    const { server, info } = await start();
    const a = connect(info, 'a', 'ta');
    await a.next('OPEN');
    // A keep-alive HTTP connection must not hold close() either.
    await fetch(`${info.url}healthz`);
    const closed = once(a.ws, 'close');
    await server.close();
    await closed;
    expect(server.httpServer.listening).toBe(false);
    expect(server.clientCount).toBe(0);
  });

  it('close() resolves for a server that never listened', async () => {
    const server = createServer({ log: false });
    await server.close();
    await expect(server.listen()).rejects.toThrow(/after close/);
  });

  it('rejects listen() with a message naming the port when it is in use', async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const lines: string[] = [];
      const server = createServer({ port, log: (line) => lines.push(line) });
      running.push(server);
      await expect(server.listen()).rejects.toThrow(new RegExp(`port ${port}\\b.*in use`));
      expect(lines).toEqual([]); // reported once, by the rejection, not again by the broker's error log
    } finally {
      blocker.close();
    }
  });

  it('lets a Node process exit after close() (peer timers do not keep it alive)', async () => {
    const script = `
      import { createServer } from ${JSON.stringify(path.join(repoRoot, 'server', 'index.js'))};
      import WebSocket from 'ws';
      // Long sweep intervals: only unref'd peer timers let the process exit right away.
      const s = createServer({ port: 0, log: false, cleanupOutMsgs: 60000 });
      const info = await s.listen();
      const ws = new WebSocket(info.wsUrl + '/peerjs?key=peerjs&id=x&token=y');
      ws.on('message', async () => { await s.close(); console.log('closed'); });
      ws.on('error', () => {});
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(timer);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(out).toContain('closed');
  });
});

describe('cli', () => {
  const cli = path.join(repoRoot, 'server', 'cli.js');

  function runCli(args: string[], env: Record<string, string> = {}, script = cli, cwd = repoRoot) {
    const child = spawn(process.execPath, [script, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
    /** Resolves with the first match of `pattern` in stdout, checking on every chunk. */
    const waitForOutput = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) {
            child.stdout.off('data', check);
            resolve(match);
          }
        };
        child.stdout.on('data', check);
        exited.then(({ code }) => reject(new Error(`cli exited with ${code} before printing ${pattern}: ${stdout}${stderr}`)));
        check();
      });
    return { child, exited, waitForOutput };
  }

  it('prints usage for --help and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']).exited;
    expect(code).toBe(0);
    expect(stdout).toContain('--ice-servers');
  });

  it('prints the package version for --version and exits 0', async () => {
    const { code, stdout } = await runCli(['--version']).exited;
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
  });

  it('refuses a TRUST_PROXY it cannot use, naming it', async () => {
    const { code, stderr } = await runCli([], { PORT: '0', TRUST_PROXY: 'yes' }).exited;
    expect(code).toBe(2);
    expect(stderr).toMatch(/TRUST_PROXY/);
  });

  it.each([
    [['--bogus'], /bogus/],
    [['--port', 'eighty'], /--port must be a whole number/],
    [['--ice-servers', '{nope'], /not valid JSON/],
    [['--ice-servers', '[{"urls":"http://x"}]'], /stun:, stuns:, turn: or turns:/],
    [['--ice-servers', '@/nonexistent/ice.json'], /cannot read/],
    // Named as typed on the command line, not as createServer's option.
    [['--allow-origin', 'not-an-origin'], /--allow-origin\[0\]/],
    [['--port', ''], /--port must be a whole number/],
    [['--reserved-ids', '{"acme-help":"short"}'], /--reserved-ids\["acme-help"\] must be a secret of 16 to 128/],
    // Broken JSON is reported without quoting it: the text around the mistake may be the secret.
    [['--reserved-ids', '{ "acme-help": topsecret-0123456789abcdef }'], /^(?![\s\S]*topsecret)[\s\S]*--reserved-ids is not valid JSON/],
    [['--path', '/a?b'], /--path must be a plain URL path/],
    // A TURN password never reaches the terminal, even in an error about its entry.
    [['--ice-servers', '[{"urls":"turn:t.example.com","credential":"S3CRET-PW"}]'], /TURN server: it needs a string "username" and "credential", got .*"credential":"\*\*\*"/],
  ])('rejects %j with exit code 2 and a clear message', async (args, message) => {
    const { code, stderr } = await runCli(args).exited;
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('--help');
  });

  it('serves with PORT from env and --ice-servers from a file, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rtc-elements-cli-'));
    const iceServers = [{ urls: 'stun:stun.example.com:3478' }];
    writeFileSync(path.join(dir, 'ice.json'), JSON.stringify(iceServers));
    const run = runCli(['--ice-servers', `@${path.join(dir, 'ice.json')}`, '--path', '/support/peerjs'], { PORT: '0' });
    try {
      const [, port] = await run.waitForOutput(/rtc-elements server on http:\/\/localhost:(\d+)/);
      expect(await (await fetch(`http://127.0.0.1:${port}/support/rtc-config`)).json()).toEqual({ iceServers });
      run.child.kill('SIGTERM');
      const { code } = await run.exited;
      expect(code).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('start.js (npm start)', () => {
    let pkg: string;
    beforeAll(() => {
      // A throwaway package: start.js copied next to the real server code's dependencies, with a fake build script.
      pkg = mkdtempSync(path.join(tmpdir(), 'rtc-elements-start-'));
      mkdirSync(path.join(pkg, 'server'));
      mkdirSync(path.join(pkg, 'src'));
      for (const file of ['index.js', 'cdn.js', 'guard.js', 'cli.js', 'start.js']) copyFileSync(path.join(repoRoot, 'server', file), path.join(pkg, 'server', file));
      symlinkSync(path.join(repoRoot, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
      writeFileSync(path.join(pkg, 'src', 'index.ts'), 'export {};\n');
    });
    afterAll(() => rmSync(pkg, { recursive: true, force: true }));

    const writeBuild = (body: string) =>
      writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'fake', type: 'module', scripts: { build: `node -e "${body}"` } }));

    it('builds when dist/cdn/rtc-elements.js is missing, then serves it', async () => {
      writeBuild("require('fs').mkdirSync('dist/cdn',{recursive:true});require('fs').writeFileSync('dist/cdn/rtc-elements.js','built();')");
      const run = runCli([], { PORT: '0' }, path.join(pkg, 'server', 'start.js'), pkg);
      try {
        const [, port] = await run.waitForOutput(/rtc-elements server on http:\/\/localhost:(\d+)/);
        expect(await (await fetch(`http://127.0.0.1:${port}/cdn/rtc-elements.js`)).text()).toBe('built();');
        run.child.kill('SIGTERM');
        const { code, stdout } = await run.exited;
        expect(stdout).toContain('building first (dist/cdn/rtc-elements.js is missing)');
        expect(code).toBe(0);
      } finally {
        run.child.kill('SIGKILL');
      }
    });

    it('exits 1 with a clear message when src/ is newer and the build fails', async () => {
      writeBuild('process.exit(3)');
      // Make src/ strictly newer than the bundle the previous test built (or create an old one).
      mkdirSync(path.join(pkg, 'dist', 'cdn'), { recursive: true });
      writeFileSync(path.join(pkg, 'dist', 'cdn', 'rtc-elements.js'), 'old();');
      utimesSync(path.join(pkg, 'dist', 'cdn', 'rtc-elements.js'), new Date(2000, 0, 1), new Date(2000, 0, 1));
      const { code, stdout, stderr } = await runCli([], { PORT: '0' }, path.join(pkg, 'server', 'start.js'), pkg).exited;
      expect(stdout).toContain('src/ changed since the last build');
      expect(stderr).toMatch(/"npm run build" failed \(exit code 3\)/);
      expect(code).toBe(1);
    });
  });
});
