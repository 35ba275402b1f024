// The self-hosted rtc-elements server: PeerJS broker + /rtc-config + the CDN script + the demo, in one process.
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer } from 'ws';
import { cdnHandler } from './cdn.js';
import { BROKER_LIMITS, createThrottledLog, guardSocket } from './guard.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * @typedef {import('./index.d.ts').ServerOptions} ServerOptions
 * @typedef {import('./index.d.ts').RtcServer} RtcServer
 * @typedef {import('./index.d.ts').ListenInfo} ListenInfo
 */

export const DEFAULTS = Object.freeze({
  port: 8080,
  host: '127.0.0.1',
  key: 'peerjs',
  path: '/peerjs',
  iceServers: Object.freeze([]),
  allowOrigin: '*',
  concurrentLimit: 5000,
  // PeerJS pings every 5 s, but Chrome throttles background-tab timers to once a minute.
  aliveTimeout: 150_000,
  // Short, so calling an absent peer fails fast with "peer unavailable".
  expireTimeout: 3000,
  cleanupOutMsgs: 1000,
  staticRoots: Object.freeze({
    cdn: path.join(packageRoot, 'dist', 'cdn'),
    demo: path.join(packageRoot, 'demo'),
  }),
});

const ICE_SCHEME = /^(stun|stuns|turn|turns):/;
/** Accept-queue length requested from the kernel (which caps it at net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;

/**
 * @param {unknown} value
 * @returns {import('./index.d.ts').IceServer[]}
 */
function validateIceServers(value) {
  if (!Array.isArray(value)) {
    throw new TypeError(`iceServers must be an array of RTCIceServer objects, got ${describe(value)}`);
  }
  value.forEach((server, i) => {
    if (typeof server !== 'object' || server === null || Array.isArray(server)) {
      throw new TypeError(`iceServers[${i}] must be an object like { "urls": "stun:stun.example.com:3478" }, got ${describe(server)}`);
    }
    const urls = /** @type {{ urls?: unknown }} */ (server).urls;
    const list = Array.isArray(urls) ? urls : [urls];
    if (list.length === 0 || !list.every((u) => typeof u === 'string' && ICE_SCHEME.test(u))) {
      throw new TypeError(
        `iceServers[${i}].urls must be a string or an array of strings starting with stun:, stuns:, turn: or turns:, got ${describe(urls)}`,
      );
    }
    // Browsers refuse a TURN server without them, and the elements would drop it: no relay, no word.
    const { username, credential } = /** @type {{ username?: unknown, credential?: unknown }} */ (server);
    if (list.some((u) => /^turns?:/.test(u)) && (typeof username !== 'string' || typeof credential !== 'string')) {
      throw new TypeError(`iceServers[${i}] is a TURN server: it needs a string "username" and "credential", got ${describe(server)}`);
    }
  });
  return value;
}

/** Peer ids as the elements accept them, and what a reserved id's secret may be (URL-safe as it is). */
const PEER_ID = /^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/;
/**
 * Ids the broker registers: what a stock PeerJS client accepts (it also allows single spaces), 64
 * characters at most. peer itself takes any string, and an id is shown as the name of whoever
 * has not sent one: a modified client could register bidi overrides or a page-long id.
 */
const BROKER_ID = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
const MAX_ID_LENGTH = 64;
const PEER_SECRET = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * @param {unknown} value
 * @returns {Map<string, string>}
 */
function validateReservedIds(value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`reservedIds must be an object of peer id → secret, like { "acme-help": "<16+ letters, digits, - or _>" }, got ${describe(value)}`);
  }
  const reserved = new Map();
  for (const [id, secret] of Object.entries(value)) {
    if (id.length > 64 || !PEER_ID.test(id)) throw new TypeError(`reservedIds: "${id.slice(0, 70)}" is not a peer id (letters and digits, runs joined by - or _, 64 at most)`);
    if (typeof secret !== 'string' || !PEER_SECRET.test(secret)) throw new TypeError(`reservedIds["${id}"] must be a secret of 16 to 128 letters, digits, - or _`);
    reserved.set(id, secret);
  }
  return reserved;
}

/**
 * Whether a broker token proves a reserved id: its part before the first "." is the secret (the
 * elements add a per-tab part after it). Compared in constant time.
 * @param {string | null} token
 * @param {string} secret
 */
function provesSecret(token, secret) {
  const given = Buffer.from((token ?? '').split('.')[0] ?? '');
  const wanted = Buffer.from(secret);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * @param {unknown} value
 * @returns {'*' | string[]}
 */
function validateAllowOrigin(value) {
  if (value === '*') return '*';
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`allowOrigin must be '*' or a non-empty array of origins like "https://example.com", got ${describe(value)}`);
  }
  return value.map((origin, i) => {
    if (typeof origin !== 'string') throw new TypeError(`allowOrigin[${i}] must be a string, got ${describe(origin)}`);
    let url;
    try {
      url = new URL(origin);
    } catch {
      throw new TypeError(`allowOrigin[${i}] is not an origin: "${origin}" (expected e.g. "https://example.com")`);
    }
    // Browsers send "https://example.com" without a slash; normalise what people type.
    if (url.origin === 'null') throw new TypeError(`allowOrigin[${i}] is not an http(s) origin: "${origin}"`);
    return url.origin;
  });
}

/**
 * Normalises the broker mount: leading slash, no trailing slash (except the root itself).
 * @param {unknown} value
 */
function normalizeMountPath(value) {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`path must be a non-empty string like "/peerjs", got ${describe(value)}`);
  let p = value.trim();
  if (!p.startsWith('/')) p = `/${p}`;
  p = path.posix.normalize(p);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  if (/[?#]/.test(p)) throw new TypeError(`path must be a plain URL path, got "${value}"`);
  return p;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @param {{ min?: number, max?: number }} [range]
 */
function validateInteger(value, name, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be an integer between ${min} and ${max}, got ${describe(value)}`);
  }
  return value;
}

/**
 * Turns TRUST_PROXY / the proxied option into an Express "trust proxy" value.
 * @param {unknown} value
 * @returns {boolean | number | string}
 */
function parseProxied(value) {
  if (value === undefined || value === null || value === false || value === '' || value === 'false' || value === '0') return false;
  if (value === true || value === 'true') return true;
  if (typeof value === 'number') return value;
  // A plain number is a hop count for Express, not an IP address.
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  if (typeof value === 'string') return value;
  throw new TypeError(`proxied must be a boolean, a hop count or an Express "trust proxy" string, got ${describe(value)}`);
}

/** @param {unknown} value */
function describe(value) {
  if (value === undefined) return 'undefined';
  try {
    // Error messages end up in terminals and logs: a TURN password must not.
    const json = JSON.stringify(value, (key, inner) => (key === 'credential' && typeof inner === 'string' ? '***' : inner));
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return String(value);
  }
}

/** @param {string} host */
function displayHost(host) {
  // Wildcard and loopback binds are reachable as localhost from this machine.
  if (['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost'].includes(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Runs `fn` with setTimeout patched so that every timer it creates, and every timer those
 * timers' callbacks create, is unref'd and turns into a no-op once `stop()` is called.
 * Why: peer@1.0.2 starts two self-rearming setTimeout loops per broker with no way to stop them,
 * so a closed server would otherwise keep the Node process alive forever.
 * @param {() => void} fn
 */
function runWithStoppableTimers(fn) {
  let stopped = false;
  const realSetTimeout = globalThis.setTimeout;
  /** @type {(cb: (...args: any[]) => void, ms?: number, ...args: any[]) => NodeJS.Timeout} */
  const trackedSetTimeout = (cb, ms, ...args) =>
    realSetTimeout(() => {
      if (!stopped) scoped(() => cb(...args));
    }, ms).unref();
  /** @param {() => void} f */
  const scoped = (f) => {
    const previous = globalThis.setTimeout;
    globalThis.setTimeout = /** @type {typeof setTimeout} */ (/** @type {unknown} */ (trackedSetTimeout));
    try {
      f();
    } finally {
      globalThis.setTimeout = previous;
    }
  };
  scoped(fn);
  return {
    stop() {
      stopped = true;
    },
  };
}

/**
 * CORS for our own JSON routes; same rules as the broker's corsOptions.
 * @param {'*' | string[]} allowOrigin
 * @returns {express.RequestHandler}
 */
function cors(allowOrigin) {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (allowOrigin === '*') {
      res.setHeader('Access-Control-Allow-Origin', '*');
    } else {
      res.vary('Origin');
      if (origin && allowOrigin.includes(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      const requested = req.headers['access-control-request-headers'];
      if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * @param {ServerOptions} [options]
 * @returns {RtcServer}
 */
export function createServer(options = {}) {
  if (typeof options !== 'object' || options === null) throw new TypeError(`createServer options must be an object, got ${describe(options)}`);
  const port = validateInteger(options.port ?? DEFAULTS.port, 'port', { min: 0, max: 65535 });
  const host = options.host ?? DEFAULTS.host;
  if (typeof host !== 'string' || host === '') throw new TypeError(`host must be a non-empty string, got ${describe(host)}`);
  const key = options.key ?? DEFAULTS.key;
  if (typeof key !== 'string' || key === '') throw new TypeError(`key must be a non-empty string, got ${describe(key)}`);
  const mountPath = normalizeMountPath(options.path ?? DEFAULTS.path);
  const iceServers = validateIceServers(options.iceServers ?? []);
  const allowOrigin = validateAllowOrigin(options.allowOrigin ?? DEFAULTS.allowOrigin);
  const reservedIds = validateReservedIds(options.reservedIds ?? {});
  const concurrentLimit = validateInteger(options.concurrentLimit ?? DEFAULTS.concurrentLimit, 'concurrentLimit');
  const aliveTimeout = validateInteger(options.aliveTimeout ?? DEFAULTS.aliveTimeout, 'aliveTimeout');
  const expireTimeout = validateInteger(options.expireTimeout ?? DEFAULTS.expireTimeout, 'expireTimeout');
  const cleanupOutMsgs = validateInteger(options.cleanupOutMsgs ?? DEFAULTS.cleanupOutMsgs, 'cleanupOutMsgs');
  const proxied = parseProxied(options.proxied ?? process.env.TRUST_PROXY);
  const staticRoots = { ...DEFAULTS.staticRoots, ...options.staticRoots };
  const log = options.log === false ? () => {} : (options.log ?? console.log);
  if (typeof log !== 'function') throw new TypeError(`log must be a function or false, got ${describe(log)}`);

  const rtcConfigBody = JSON.stringify({ iceServers });
  const app = express();
  app.disable('x-powered-by');
  // Abuse of the broker is logged once per few seconds per kind, however often it happens.
  const logTrouble = createThrottledLog(log, BROKER_LIMITS.logIntervalMs);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  if (proxied !== false) {
    try {
      app.set('trust proxy', proxied);
    } catch (error) {
      throw new TypeError(
        `proxied (env TRUST_PROXY) must be 1/true, a hop count, or addresses and subnets like "loopback, 10.0.0.0/8"; got ${describe(proxied)} (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  const httpServer = http.createServer(app);

  /** @type {WebSocketServer | undefined} */
  let wss;
  // Connected broker clients by id, with the socket we last saw for each (to spot reconnect takeovers).
  /** @type {Map<string, { client: import('peer').IClient, socket: import('ws').WebSocket | null }>} */
  const clients = new Map();

  /** Whether the hop that sent `req` is a proxy we were told to trust (TRUST_PROXY / proxied). */
  const trustsProxy = (/** @type {http.IncomingMessage} */ req) =>
    proxied !== false && !!req.socket.remoteAddress && /** @type {(addr: string, i: number) => boolean} */ (app.get('trust proxy fn'))(req.socket.remoteAddress, 0);

  /**
   * @param {string | undefined} origin
   * @param {http.IncomingMessage} req
   */
  const originAllowed = (origin, req) => {
    if (allowOrigin === '*') return true;
    if (!origin) return false;
    if (allowOrigin.includes(origin)) return true;
    // Pages this server serves itself (the demo) are same-origin, never cross-site. Behind a trusted
    // proxy that rewrites Host (nginx's default proxy_set_header Host $proxy_host), the browser's host
    // is in X-Forwarded-Host.
    try {
      const host = new URL(origin).host;
      if (host === req.headers.host) return true;
      const forwarded = String(req.headers['x-forwarded-host'] ?? '').split(',')[0]?.trim();
      return !!forwarded && host === forwarded && trustsProxy(req);
    } catch {
      return false;
    }
  };

  const broker = ExpressPeerServer(httpServer, {
    key,
    path: '/',
    allow_discovery: false,
    proxied: proxied !== false,
    concurrent_limit: concurrentLimit,
    alive_timeout: aliveTimeout,
    expire_timeout: expireTimeout,
    cleanup_out_msgs: cleanupOutMsgs,
    corsOptions: { origin: allowOrigin === '*' ? '*' : allowOrigin },
    // peer@1.0.2 lets us build its ws server: the only hook to check Origin before the upgrade completes.
    createWebSocketServer: (wsOptions) => {
      wss = new WebSocketServer({
        ...wsOptions,
        // Beyond this ws closes the socket (1009) before anything is parsed or queued.
        maxPayload: BROKER_LIMITS.maxFrameBytes,
        verifyClient: (info, done) => {
          if (originAllowed(info.origin, info.req)) return done(true);
          // Most often a site missing from --allow-origin: say which, once in a while.
          logTrouble('origin', `rtc-elements broker: refused a WebSocket from origin ${JSON.stringify(info.origin ?? null)} (not in --allow-origin)`);
          done(false, 403, 'Origin not allowed');
        },
      });
      // Registered before peer's own handler, so the meter sees each message first.
      wss.on('connection', (socket, req) => {
        guardSocket(socket, { onClose: (reason) => logTrouble(reason, `rtc-elements broker: closed a client socket: ${reason}`) });
        if (!refuseInvalidId(socket, req)) refuseUnprovenReservedId(socket, req);
      });
      return wss;
    },
  });

  /**
   * Refuses an id no PeerJS client would choose (see BROKER_ID) with an ERROR that says why; peer's
   * own handler is handed the request without the id, so it registers nothing and closes the socket.
   * @param {import('ws').WebSocket} socket
   * @param {http.IncomingMessage} req
   * @returns {boolean} whether it refused
   */
  const refuseInvalidId = (socket, req) => {
    const { id } = brokerQuery(req);
    if (id === undefined || (id.length <= MAX_ID_LENGTH && BROKER_ID.test(id))) return false;
    logTrouble('invalid-id', `rtc-elements broker: refused an invalid peer id ${JSON.stringify(id)}`);
    socket.send(JSON.stringify({ type: 'ERROR', payload: { msg: `Invalid id: letters and digits, with single spaces, - or _ between them, ${MAX_ID_LENGTH} characters at most` } }));
    withoutId(req);
    return true;
  };

  /**
   * The id and token a broker client asks with, read exactly as peer's handler reads them: the last
   * of repeated parameters wins there, or "?id=other&id=acme-help" would pass a check as "other"
   * and register as "acme-help".
   * @param {http.IncomingMessage} req
   */
  const brokerQuery = (req) => {
    const { id, token } = Object.fromEntries(new URL(req.url ?? '', 'https://peerjs').searchParams.entries());
    return { id, token };
  };

  /**
   * Hands peer's handler (next in line) the request without its id: it registers nothing and
   * closes the socket.
   * @param {http.IncomingMessage} req
   */
  const withoutId = (req) => {
    const url = new URL(req.url ?? '', 'https://peerjs');
    url.searchParams.delete('id');
    req.url = `${url.pathname}${url.search}`;
  };

  /**
   * A reserved id (reservedIds) goes only to a client whose token proves its secret. Anyone else is
   * told the id is taken, as PeerJS tells a second claimant, and peer's own handler (next in line)
   * is handed a request without the id, so it registers nothing and closes the socket.
   * @param {import('ws').WebSocket} socket
   * @param {http.IncomingMessage} req
   */
  const refuseUnprovenReservedId = (socket, req) => {
    if (reservedIds.size === 0) return;
    const { id, token } = brokerQuery(req);
    const secret = id === undefined ? undefined : reservedIds.get(id);
    if (secret === undefined || provesSecret(token ?? null, secret)) return;
    logTrouble(`reserved:${id}`, `rtc-elements broker: refused reserved id ${JSON.stringify(id)} to a client without its secret`);
    socket.send(JSON.stringify({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }));
    withoutId(req);
  };

  // peer's Express app is its own: it does not inherit ours.
  broker.disable('x-powered-by');
  broker.on('connection', (client) => {
    const id = client.getId();
    const socket = /** @type {import('ws').WebSocket | null} */ (client.getSocket());
    const previous = clients.get(id);
    if (previous && previous.client === client && previous.socket && previous.socket !== socket) {
      // Same id+token while the old socket is still open (reload, network switch): peer gives the new socket no OPEN, so PeerJS would never fire 'open'.
      client.send({ type: 'OPEN' });
      previous.socket.terminate();
    }
    clients.set(id, { client, socket });
  });
  broker.on('disconnect', (client) => {
    if (clients.get(client.getId())?.client === client) clients.delete(client.getId());
  });
  // Without a listener, peer re-emits socket errors and unparsable messages as 'error' and crashes the process.
  broker.on('error', (error) => {
    // ws forwards the http server's listen errors here too; listen() already reports those.
    if (/** @type {NodeJS.ErrnoException} */ (error)?.syscall === 'listen') return;
    logTrouble('broker-error', `rtc-elements broker: ${error instanceof Error ? error.message : String(error)}`);
  });

  const apiNotFound = /** @type {express.RequestHandler} */ ((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  /** @type {express.RequestHandler} */
  const rtcConfig = (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('application/json').send(rtcConfigBody);
  };
  const rtcConfigPaths = [...new Set(['/rtc-config', path.posix.join(path.posix.dirname(mountPath), 'rtc-config')])];
  for (const p of rtcConfigPaths) {
    app.use(p, cors(allowOrigin));
    app.get(p, rtcConfig);
    app.all(p, (_req, res) => {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      res.status(405).json({ error: 'method not allowed' });
    });
  }

  // With the broker under a prefix (--path /support/peerjs), everything else is served under it too,
  // for a proxy that forwards only /support/…: the script there finds the broker at ../peerjs.
  const prefix = path.posix.dirname(mountPath) === '/' ? '' : path.posix.dirname(mountPath);
  const underPrefix = (/** @type {string} */ p) => [...new Set([p, `${prefix}${p}`])];

  app.get(underPrefix('/healthz'), (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ok: true, peers: clients.size });
  });

  // Site owners load the script from their own origin: compressed, CORS *, cached by name (server/cdn.js).
  const cdn = cdnHandler(staticRoots.cdn);
  for (const at of underPrefix('/cdn')) app.use(at, cdn);

  // staticRoots.demo === false (--no-demo): a production server shows no demo shop and no agent console of ours.
  const demo = staticRoots.demo === false ? null : express.static(staticRoots.demo, {
    extensions: ['html'],
    setHeaders(res, filePath) {
      // The agent console answers calls with camera and microphone: no other site may frame it (clickjacking).
      if (/\.html?$/.test(filePath)) {
        res.setHeader('Content-Security-Policy', "frame-ancestors 'self'");
        res.setHeader('X-Frame-Options', 'SAMEORIGIN');
      }
    },
  });
  // A root mount would answer GET / with peer's info JSON, so let the demo go first then.
  if (demo && mountPath === '/') app.use(demo);
  const timers = runWithStoppableTimers(() => app.use(mountPath, broker));
  if (mountPath !== '/') app.use(mountPath, apiNotFound);
  // One mount each: a layer with several paths tries only the first that matches.
  if (demo && mountPath !== '/') for (const at of underPrefix('/')) app.use(at, demo);
  // Anything else: a JSON 404 like the API's, not Express's HTML page.
  app.use(apiNotFound);

  /** @type {express.ErrorRequestHandler} */
  const onError = (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' && error.status >= 400 ? error.status : 500;
    if (status >= 500) log(`rtc-elements server error: ${error instanceof Error ? error.stack : String(error)}`);
    res.status(status).json({ error: status >= 500 ? 'internal error' : String(error.message ?? 'error') });
  };
  app.use(onError);

  let state = /** @type {'idle' | 'listening' | 'closed'} */ ('idle');
  /** @type {Promise<void> | undefined} */
  let closing;

  /** @returns {Promise<ListenInfo>} */
  function listen() {
    if (state === 'closed') return Promise.reject(new Error('rtc-elements server: listen() after close(); create a new server'));
    if (state === 'listening') return Promise.reject(new Error('rtc-elements server: already listening'));
    return new Promise((resolve, reject) => {
      /** @param {NodeJS.ErrnoException} error */
      const onListenError = (error) => {
        httpServer.off('listening', onListening);
        const where = `${host}:${port}`;
        let message = `rtc-elements server could not listen on ${where}: ${error.message}`;
        if (error.code === 'EADDRINUSE') message = `rtc-elements server: port ${port} on ${host} is already in use (EADDRINUSE); stop the other process or choose another port (--port / PORT)`;
        else if (error.code === 'EACCES') message = `rtc-elements server: no permission to listen on port ${port} on ${host} (EACCES); choose a port above 1023`;
        else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') message = `rtc-elements server: cannot bind to host "${host}" (${error.code}); use 127.0.0.1 or 0.0.0.0`;
        reject(Object.assign(new Error(message, { cause: error }), { code: error.code }));
      };
      const onListening = () => {
        httpServer.off('error', onListenError);
        state = 'listening';
        const address = /** @type {import('node:net').AddressInfo} */ (httpServer.address());
        const origin = `http://${displayHost(host)}:${address.port}`;
        const brokerPath = mountPath === '/' ? '' : mountPath;
        const info = {
          url: `${origin}/`,
          brokerUrl: `${origin}${brokerPath}`,
          wsUrl: `${origin.replace(/^http/, 'ws')}${brokerPath}`,
          port: address.port,
        };
        // Name only the pages this checkout actually has (the agent console arrives with <rtc-inbox>).
        const demoRoot = staticRoots.demo;
        const pages =
          demoRoot === false
            ? []
            : [['demo', '/'], ['call page', '/call.html'], ['chat page', '/chat.html'], ['agent console', '/agent.html']].filter(
                ([, page]) => page === '/' || existsSync(path.join(demoRoot, page)),
              );
        log(
          // Under a prefix, the prefixed URLs: the script finds the broker beside its own /cdn/ folder.
          `rtc-elements server on ${origin} — ${[...pages.map(([label, page]) => `${label} ${origin}${prefix}${page}`), `broker ${info.wsUrl}`, `script ${origin}${prefix}/cdn/rtc-elements.js`].join(' · ')}`,
        );
        if (path.posix.basename(mountPath) !== 'peerjs') {
          log(`rtc-elements server: note: the script looks for the broker at ${prefix}/peerjs, beside ${prefix}/cdn/; with --path ${mountPath} give every element server="${info.brokerUrl}"`);
        }
        resolve(info);
        // The first visitor should not wait for brotli: compress the scripts now, in the background.
        void cdn.warm();
      };
      httpServer.once('error', onListenError);
      httpServer.once('listening', onListening);
      // A larger accept queue than Node's 511: thousands of visitors reconnecting at once (after a
      // restart) would otherwise overflow it and wait out 1 s, 2 s, 4 s SYN retransmits. The kernel
      // caps it at net.core.somaxconn.
      httpServer.listen({ port, host, backlog: LISTEN_BACKLOG });
    });
  }

  /** @returns {Promise<void>} */
  function close() {
    if (closing) return closing;
    state = 'closed';
    timers.stop();
    // "Going away" tells PeerJS to reconnect (to this server once it is back), rather than a cut
    // connection (1006). A socket that does not finish the closing handshake within a second is cut.
    const socketsClosed = [...(wss?.clients ?? [])].map(
      (socket) =>
        new Promise((resolve) => {
          socket.once('close', resolve);
          socket.close(1001, 'Server shutting down');
          setTimeout(() => socket.terminate(), 1000).unref();
        }),
    );
    wss?.close();
    clients.clear();
    const httpClosed = new Promise((resolve) => {
      if (!httpServer.listening) return resolve(undefined);
      httpServer.close(() => resolve(undefined));
      // Idle keep-alive HTTP connections would otherwise hold close() open for seconds.
      httpServer.closeAllConnections();
    });
    closing = Promise.all([...socketsClosed, httpClosed]).then(() => {});
    return closing;
  }

  return {
    app,
    httpServer,
    listen,
    close,
    get clientCount() {
      return clients.size;
    },
  };
}
