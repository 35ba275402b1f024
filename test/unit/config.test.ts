import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  fetchIceServers,
  parseIceServers,
  peerServerOptions,
  peerToken,
  resolveServerUrl,
  rtcConfigUrl,
  setDefaultServer,
  validatePeerId,
  validatePeerSecret,
} from '../../src/session/config.js';
import { RtcError, type RtcErrorCode } from '../../src/session/errors.js';

function expectRtcError(fn: () => unknown, code: RtcErrorCode): RtcError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(RtcError);
  const error = caught as RtcError;
  expect(error.code).toBe(code);
  expect(error.name).toBe('RtcError');
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

describe('resolveServerUrl', () => {
  it('runs without a location in Node (the base is http://localhost/)', () => {
    expect(typeof location).toBe('undefined');
  });

  it.each([
    ['https://support.example.com/peerjs', 'https://support.example.com/peerjs'],
    ['http://example.com:9000/peerjs', 'http://example.com:9000/peerjs'],
    ['wss://example.com/peerjs', 'wss://example.com/peerjs'],
    ['ws://example.com/peerjs', 'ws://example.com/peerjs'],
    ['HTTPS://Example.COM/PeerJS', 'https://example.com/PeerJS'],
    ['https://example.com', 'https://example.com/'],
    ['https://example.com/', 'https://example.com/'],
    ['https://example.com:443/peerjs', 'https://example.com/peerjs'],
    ['  https://example.com/peerjs  ', 'https://example.com/peerjs'],
    // trailing slash removal (one slash; the root stays "/")
    ['https://example.com/peerjs/', 'https://example.com/peerjs'],
    ['https://example.com/support/peerjs/', 'https://example.com/support/peerjs'],
    // query and hash stripped
    ['https://example.com/peerjs?key=secret', 'https://example.com/peerjs'],
    ['https://example.com/peerjs#frag', 'https://example.com/peerjs'],
    ['https://example.com/peerjs/?a=1#b', 'https://example.com/peerjs'],
    ['https://example.com/?a=1', 'https://example.com/'],
    // relative: resolved against http://localhost/
    ['/peerjs', 'http://localhost/peerjs'],
    ['/support/peerjs/', 'http://localhost/support/peerjs'],
    ['peerjs', 'http://localhost/peerjs'],
    ['./broker?x=1', 'http://localhost/broker'],
    ['//other.example/peerjs', 'http://other.example/peerjs'],
  ])('%j → %s', (attribute, expected) => {
    const url = resolveServerUrl(attribute);
    expect(url).toBeInstanceOf(URL);
    expect(url.href).toBe(expected);
    expect(url.search).toBe('');
    expect(url.hash).toBe('');
  });

  it.each([null, undefined, '', '   '])('%j falls back to /peerjs on the page origin', (attribute) => {
    expect(resolveServerUrl(attribute).href).toBe('http://localhost/peerjs');
  });

  it.each([
    'ftp://example.com/peerjs',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/plain,hi',
    'mailto:a@example.com',
    'blob:https://example.com/uuid',
    'httpx://example.com',
  ])('rejects the non-http(s)/ws(s) URL %j with bad-attribute', (attribute) => {
    const error = expectRtcError(() => resolveServerUrl(attribute), 'bad-attribute');
    expect(error.message).toContain(attribute);
  });

  it.each(['http://', 'https://exa mple.com/', 'http://[::1', 'http://example.com:99999/', 'not a url', 'https://example.com/peer js'])('rejects the unparsable URL %j (a space included) with bad-attribute', (attribute) => {
    expectRtcError(() => resolveServerUrl(attribute), 'bad-attribute');
  });

  it('returns a fresh URL each call (callers may mutate it)', () => {
    const a = resolveServerUrl('https://example.com/peerjs');
    a.pathname = '/changed';
    expect(resolveServerUrl('https://example.com/peerjs').href).toBe('https://example.com/peerjs');
  });

  describe('with a default server', () => {
    afterEach(() => setDefaultServer(''));

    it('uses the default server when no attribute is given', () => {
      setDefaultServer('https://cdn-origin.example/peerjs/');
      expect(resolveServerUrl(null).href).toBe('https://cdn-origin.example/peerjs');
      expect(resolveServerUrl('  ').href).toBe('https://cdn-origin.example/peerjs');
    });

    it('an explicit attribute still wins over the default', () => {
      setDefaultServer('https://cdn-origin.example/peerjs');
      expect(resolveServerUrl('https://mine.example/broker').href).toBe('https://mine.example/broker');
    });

    it('a bad default server is rejected like a bad attribute', () => {
      setDefaultServer('ftp://cdn-origin.example/peerjs');
      expectRtcError(() => resolveServerUrl(undefined), 'bad-attribute');
    });
  });
});

describe('peerServerOptions', () => {
  it.each([
    ['http://example.com/peerjs', { host: 'example.com', port: 80, path: '/peerjs', secure: false }],
    ['https://example.com/peerjs', { host: 'example.com', port: 443, path: '/peerjs', secure: true }],
    ['ws://example.com/peerjs', { host: 'example.com', port: 80, path: '/peerjs', secure: false }],
    ['wss://example.com/peerjs', { host: 'example.com', port: 443, path: '/peerjs', secure: true }],
    ['http://example.com:9000/peerjs', { host: 'example.com', port: 9000, path: '/peerjs', secure: false }],
    ['https://example.com:8443/support/peerjs', { host: 'example.com', port: 8443, path: '/support/peerjs', secure: true }],
    ['wss://example.com:80/peerjs', { host: 'example.com', port: 80, path: '/peerjs', secure: true }],
    ['ws://example.com:443/peerjs', { host: 'example.com', port: 443, path: '/peerjs', secure: false }],
    ['http://127.0.0.1:3000/', { host: '127.0.0.1', port: 3000, path: '/', secure: false }],
    ['https://[::1]:9443/peerjs', { host: '[::1]', port: 9443, path: '/peerjs', secure: true }],
    ['https://example.com', { host: 'example.com', port: 443, path: '/', secure: true }],
  ])('%s', (href, expected) => {
    expect(peerServerOptions(new URL(href))).toStrictEqual(expected);
  });

  it('works on what resolveServerUrl returns', () => {
    expect(peerServerOptions(resolveServerUrl('/support/peerjs/'))).toStrictEqual({ host: 'localhost', port: 80, path: '/support/peerjs', secure: false });
  });
});

describe('rtcConfigUrl', () => {
  it.each([
    ['http://h/peerjs', 'http://h/rtc-config'],
    ['http://h/support/peerjs', 'http://h/support/rtc-config'],
    ['https://h/a/b/peerjs', 'https://h/a/b/rtc-config'],
    ['https://h:8443/peerjs', 'https://h:8443/rtc-config'],
    ['ws://h/peerjs', 'http://h/rtc-config'],
    ['ws://h:9000/peerjs', 'http://h:9000/rtc-config'],
    ['wss://h/peerjs', 'https://h/rtc-config'],
    ['wss://h/support/peerjs', 'https://h/support/rtc-config'],
    ['http://h/', 'http://h/rtc-config'],
    ['http://h', 'http://h/rtc-config'],
    ['https://h/peerjs?x=1#y', 'https://h/rtc-config'],
  ])('%s → %s', (server, expected) => {
    expect(rtcConfigUrl(new URL(server))).toBe(expected);
  });

  it('does not change the URL it is given', () => {
    const server = new URL('wss://h/peerjs');
    rtcConfigUrl(server);
    expect(server.href).toBe('wss://h/peerjs');
  });
});

describe('parseIceServers', () => {
  it.each([
    ['[]', []],
    ['[{"urls":"stun:stun.example.com:3478"}]', [{ urls: 'stun:stun.example.com:3478' }]],
    ['[{"urls":"stuns:stun.example.com"}]', [{ urls: 'stuns:stun.example.com' }]],
    [
      '[{"urls":"turn:turn.example.com:3478?transport=udp","username":"u","credential":"p"}]',
      [{ urls: 'turn:turn.example.com:3478?transport=udp', username: 'u', credential: 'p' }],
    ],
    [
      '[{"urls":["turns:t.example.com:443","turn:t.example.com"],"username":"u","credential":"c"}]',
      [{ urls: ['turns:t.example.com:443', 'turn:t.example.com'], username: 'u', credential: 'c' }],
    ],
    [
      '[{"urls":"stun:a"},{"urls":["turn:b"],"username":"x","credential":"y"}]',
      [{ urls: 'stun:a' }, { urls: ['turn:b'], username: 'x', credential: 'y' }],
    ],
    ['  [ {"urls" : "stun:a"} ]  ', [{ urls: 'stun:a' }]],
  ])('parses %s', (attribute, expected) => {
    expect(parseIceServers(attribute)).toStrictEqual(expected);
  });

  it.each([
    ['not JSON', 'stun:stun.example.com'],
    ['empty string', ''],
    ['truncated JSON', '[{"urls":"stun:a"}'],
    ['single quotes', "[{'urls':'stun:a'}]"],
    ['an object, not an array', '{"urls":"stun:a"}'],
    ['a string', '"stun:a"'],
    ['null', 'null'],
    ['a number', '3478'],
    ['an array of strings', '["stun:a"]'],
    ['an array with null', '[null]'],
    ['an array of arrays', '[["stun:a"]]'],
    ['an entry without urls', '[{"username":"u"}]'],
    ['an entry with empty urls', '[{"urls":[]}]'],
    ['an entry with an http url', '[{"urls":"https://turn.example.com"}]'],
    ['an entry with a javascript url', '[{"urls":"javascript:alert(1)"}]'],
    ['an entry with urls not at the start', '[{"urls":"x-stun:a"}]'],
    ['an entry with upper-case scheme', '[{"urls":"STUN:a"}]'],
    ['an entry with a numeric url', '[{"urls":3478}]'],
    ['one bad url among good ones', '[{"urls":["stun:a","http://b"]}]'],
    ['one bad entry among good ones', '[{"urls":"stun:a"},{"urls":"ftp:b"}]'],
  ])('rejects %s with bad-attribute', (_name, attribute) => {
    expectRtcError(() => parseIceServers(attribute), 'bad-attribute');
  });
});

describe('validatePeerId', () => {
  it.each([
    'a',
    'Z',
    '7',
    'alice',
    'Alice-42',
    'support_desk',
    'p-0a1b2c3d4e5f',
    'a-b_c-d',
    'a'.repeat(64),
    `${'a-'.repeat(31)}bc`, // 64 characters
  ])('accepts %j and returns it unchanged', (id) => {
    expect(validatePeerId(id)).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['65 characters', 'a'.repeat(65)],
    ['very long', 'a'.repeat(10_000)],
    ['leading dash', '-alice'],
    ['trailing dash', 'alice-'],
    ['leading underscore', '_alice'],
    ['trailing underscore', 'alice_'],
    ['only a dash', '-'],
    ['a space inside', 'alice smith'],
    ['leading space', ' alice'],
    ['trailing space', 'alice '],
    ['a dot', 'alice.smith'],
    ['an at sign', 'alice@example'],
    ['a slash', 'a/b'],
    ['a non-ASCII letter', 'zo\u00eb'],
    ['an emoji', 'a\u{1F600}'],
    ['a newline', 'alice\n'],
    ['a NUL', 'al\u0000ice'],
  ])('rejects %s with invalid-id', (_name, id) => {
    expectRtcError(() => validatePeerId(id), 'invalid-id');
  });

  it('quotes at most 70 characters of a huge id in the message', () => {
    const error = expectRtcError(() => validatePeerId('x'.repeat(5000)), 'invalid-id');
    expect(error.message).toContain('x'.repeat(70));
    expect(error.message).not.toContain('x'.repeat(71));
  });

  // Regression guard (a bug once in src/session/config.ts, PEER_ID_PATTERN + validatePeerId, lines 82/85 at time of writing): allows consecutive separators ("a--b",
  // "a_-b", "a__b"), but PeerJS 1.5.5's own util.validateId (/^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/)
  // rejects them. Such an id passes validatePeerId, then `new Peer()` aborts asynchronously with
  // PeerJS "invalid-id", which RtcSession reports as 'The id "a--b" is not accepted by the server.'
  it.each(['a--b', 'a__b', 'a_-b', 'support--desk'])('rejects %j, which PeerJS itself refuses', (id) => {
    expectRtcError(() => validatePeerId(id), 'invalid-id');
  });
});

describe('fetchIceServers', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  let server: Server;
  let base: string;
  let handler: Handler = (_req, res) => res.end();
  const requests: Array<{ method?: string; url?: string; cookie?: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ method: req.method, url: req.url, cookie: req.headers.cookie });
      handler(req, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    requests.length = 0;
    server.closeAllConnections();
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  const json = (status: number, body: unknown): Handler => (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  it('asks GET <sibling>/rtc-config and returns the list', async () => {
    const iceServers = [{ urls: 'stun:stun.example.com:3478' }, { urls: ['turn:t.example.com'], username: 'u', credential: 'c' }];
    handler = json(200, { iceServers });
    await expect(fetchIceServers(new URL(`${base}/support/peerjs`))).resolves.toStrictEqual(iceServers);
    expect(requests).toEqual([{ method: 'GET', url: '/support/rtc-config', cookie: undefined }]);
  });

  it('uses the http sibling of a ws:// broker URL', async () => {
    handler = json(200, { iceServers: [{ urls: 'stun:a' }] });
    const wsUrl = new URL(base.replace('http:', 'ws:') + '/peerjs');
    await expect(fetchIceServers(wsUrl)).resolves.toStrictEqual([{ urls: 'stun:a' }]);
    expect(requests.map((r) => r.url)).toEqual(['/rtc-config']);
  });

  it('filters out invalid entries and keeps the valid ones', async () => {
    handler = json(200, {
      iceServers: [
        { urls: 'stun:good' },
        { urls: 'http://evil' },
        null,
        'stun:bare-string',
        { urls: [] },
        { urls: ['turn:ok', 'ftp:bad'] },
        { username: 'no-urls' },
        { urls: ['turns:no-username'], credential: 'x' },
        { urls: ['turns:fine'], username: 'u', credential: 'x' },
      ],
    });
    // TURN without username and credential would make RTCPeerConnection throw: dropped.
    await expect(fetchIceServers(new URL(`${base}/peerjs`))).resolves.toStrictEqual([{ urls: 'stun:good' }, { urls: ['turns:fine'], username: 'u', credential: 'x' }]);
  });

  it.each([
    ['a 500', json(500, { iceServers: [{ urls: 'stun:a' }] })],
    ['a 404', json(404, { iceServers: [{ urls: 'stun:a' }] })],
    [
      'a non-JSON body',
      ((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>not json</html>');
      }) as Handler,
    ],
    ['JSON without iceServers', json(200, { servers: [{ urls: 'stun:a' }] })],
    ['iceServers that is not an array', json(200, { iceServers: { urls: 'stun:a' } })],
    ['a JSON null body', json(200, null)],
    ['a JSON array body', json(200, [{ urls: 'stun:a' }])],
    [
      'a dropped connection',
      ((req) => {
        req.socket.destroy();
      }) as Handler,
    ],
  ])('returns [] on %s', async (_name, h) => {
    handler = h;
    await expect(fetchIceServers(new URL(`${base}/peerjs`))).resolves.toStrictEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('returns [] when the server never answers within the timeout', async () => {
    handler = () => {}; // hold the request open
    const started = Date.now();
    await expect(fetchIceServers(new URL(`${base}/peerjs`), 150)).resolves.toStrictEqual([]);
    const elapsed = Date.now() - started;
    expect(requests).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(100);
    expect(elapsed).toBeLessThan(3000);
  });

  it('returns [] when the body stalls after the headers', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"iceServers":[');
    };
    await expect(fetchIceServers(new URL(`${base}/peerjs`), 150)).resolves.toStrictEqual([]);
  });

  it('returns [] when nothing listens', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    await expect(fetchIceServers(new URL(`http://127.0.0.1:${port}/peerjs`), 2000)).resolves.toStrictEqual([]);
  });
});

describe('reserved ids (peer-secret)', () => {
  it('the broker token is the secret, a dot and the tab\'s own token; without a secret only the tab\'s', () => {
    const server = new URL('https://support.example.com/peerjs');
    const plain = peerToken(server, 'acme-help');
    expect(plain).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(peerToken(server, 'acme-help', 'console-secret-4f9c2b7e1d')).toBe(`console-secret-4f9c2b7e1d.${plain}`);
  });

  it('refuses a secret the server would not accept, as a bad attribute', () => {
    expect(validatePeerSecret('console-secret-4f9c2b7e1d')).toBe('console-secret-4f9c2b7e1d');
    for (const bad of ['short', 'x'.repeat(129), 'has spaces in it, too', 'dots.are.separators'])
      expectRtcError(() => validatePeerSecret(bad), 'bad-attribute');
  });
});
