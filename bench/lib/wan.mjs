// A slow network on loopback, for measures that need round trips to cost what they cost between
// two homes: no netem here (it needs a kernel module and root), so the delay is added by relays.
//
// - Signaling and pages: a TCP proxy in front of our server that holds every chunk `oneWayMs / 2`
//   in each direction, so a message from one page through the broker to the other takes
//   `oneWayMs`, as long as the direct path between the peers (the broker is assumed halfway).
// - Media and data: the pages' remote ICE candidates are rewritten (at addIceCandidate, by an init
//   script) to a UDP relay per candidate that forwards each datagram after `oneWayMs`; every
//   other candidate is dropped. The peers still run real ICE, DTLS and SRTP end to end: the
//   relay only delays datagrams, like a long cable. A measure checks the selected pair's
//   currentRoundTripTime to prove the media took the slow path.
import dgram from 'node:dgram';
import net from 'node:net';

/** Starts the proxy for `target` ({ host, port }); returns its port, a relay factory and close(). */
export async function startWan({ target, oneWayMs }) {
  const sockets = new Set();
  const relays = new Map();
  const timers = new Set();
  const later = (fn, ms) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  // Equal delays keep the order: Node runs timers of the same duration in the order they were set.
  // Half-open sockets, so an end travels like data, and a close only cuts what an error cut.
  const pipe = (from, to, ms) => {
    from.on('data', (chunk) => later(() => !to.destroyed && to.write(chunk), ms));
    from.on('end', () => later(() => !to.destroyed && to.end(), ms));
    from.on('close', (hadError) => hadError && later(() => to.destroy(), ms));
    from.on('error', () => {});
  };
  // No Nagle: small WebSocket frames written back to back must not wait for an ACK (≈ 40 ms).
  const proxy = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const upstream = net.connect({ port: target.port, host: target.host, allowHalfOpen: true, noDelay: true });
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    pipe(client, upstream, oneWayMs / 2);
    pipe(upstream, client, oneWayMs / 2);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));

  const bind = (ip) =>
    new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, ip, () => resolve(socket));
    });

  /**
   * The relay address that stands for the candidate `ip:port`, working like a NAT in front of it:
   * each peer socket that writes to the relay gets its own socket towards the candidate, and what
   * the candidate answers there goes back to that peer socket from the relay's address (where it
   * sent its request, as ICE requires). Every datagram waits oneWayMs.
   */
  async function relayFor(ip, port) {
    const key = `${ip}:${port}`;
    if (!relays.has(key)) {
      relays.set(
        key,
        (async () => {
          const front = await bind(ip);
          const relaySockets = [front];
          const outward = new Map();
          front.on('message', (message, from) => {
            const source = `${from.address}:${from.port}`;
            let out = outward.get(source);
            if (!out) {
              out = bind(ip).then((socket) => {
                relaySockets.push(socket);
                socket.on('message', (reply) => later(() => front.send(reply, from.port, from.address, () => {}), oneWayMs));
                return socket;
              });
              outward.set(source, out);
            }
            out.then((socket) => later(() => socket.send(message, port, ip, () => {}), oneWayMs));
          });
          return { port: front.address().port, sockets: relaySockets };
        })(),
      );
    }
    return { ip, port: (await relays.get(key)).port };
  }

  return {
    port: proxy.address().port,
    url: `http://localhost:${proxy.address().port}/`,
    relayFor,
    /** Sends the page's remote ICE candidates through relays; call before the page loads. */
    async route(context) {
      await context.exposeBinding('__wanRelay', (_source, ip, port) => relayFor(ip, port));
      await context.addInitScript(rewriteCandidates);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      for (const relay of await Promise.all([...relays.values()].map((r) => r.catch(() => null)))) {
        for (const socket of relay?.sockets ?? []) socket.close();
      }
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

/**
 * In the page: remote IPv4 UDP host candidates become their relays; other candidates are dropped.
 * Calls are chained per connection, so candidates (and end-of-candidates) keep their order.
 */
function rewriteCandidates() {
  const add = RTCPeerConnection.prototype.addIceCandidate;
  const chains = new WeakMap();
  RTCPeerConnection.prototype.addIceCandidate = function (init, ...rest) {
    const step = async () => {
      const text = init?.candidate;
      if (!text) return add.call(this, init, ...rest);
      // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …
      const parts = text.split(' ');
      if (parts[2]?.toLowerCase() !== 'udp' || parts[7] !== 'host' || !/^\d+\.\d+\.\d+\.\d+$/.test(parts[4])) return undefined;
      const relay = await window.__wanRelay(parts[4], Number(parts[5]));
      parts[4] = relay.ip;
      parts[5] = String(relay.port);
      const rewritten = { candidate: parts.join(' '), sdpMid: init.sdpMid, sdpMLineIndex: init.sdpMLineIndex, usernameFragment: init.usernameFragment };
      return add.call(this, rewritten, ...rest);
    };
    const next = (chains.get(this) ?? Promise.resolve()).then(step, step);
    chains.set(this, next);
    return next;
  };
}

/**
 * Chromium flags for the slow-network browser: host candidates carry IP addresses, not mDNS names.
 * Chromium keeps only the last --disable-features, so ours is added to the list the loopback
 * browser already runs with (read from its chrome://version), and both browsers differ only in it.
 */
export async function wanChromeArgs(browser) {
  const page = await browser.newPage();
  try {
    await page.goto('chrome://version');
    const commandLine = (await page.locator('#command_line').textContent()) ?? '';
    const current = /--disable-features=(\S+)/.exec(commandLine)?.[1];
    return [`--disable-features=${current ? `${current},` : ''}WebRtcHideLocalIpsWithMdns`];
  } finally {
    await page.close();
  }
}
