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
  const pipe = (from, to, ms) => {
    from.on('data', (chunk) => later(() => to.writable && to.write(chunk), ms));
    from.on('end', () => later(() => to.end(), ms));
    from.on('error', () => to.destroy());
    from.on('close', () => later(() => to.destroy(), ms));
  };
  const proxy = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    pipe(client, upstream, oneWayMs / 2);
    pipe(upstream, client, oneWayMs / 2);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));

  /**
   * The relay address that stands for the candidate `ip:port`: datagrams from the candidate go to
   * whoever last wrote to the relay, everyone else's go to the candidate, each after oneWayMs.
   */
  async function relayFor(ip, port) {
    const key = `${ip}:${port}`;
    if (!relays.has(key)) {
      relays.set(
        key,
        new Promise((resolve, reject) => {
          const socket = dgram.createSocket('udp4');
          let other = null;
          socket.on('message', (message, from) => {
            const fromTarget = from.address === ip && from.port === port;
            if (!fromTarget) other = { address: from.address, port: from.port };
            const to = fromTarget ? other : { address: ip, port };
            if (to) later(() => socket.send(message, to.port, to.address, () => {}), oneWayMs);
          });
          socket.on('error', reject);
          socket.bind(0, ip, () => resolve({ socket, port: socket.address().port }));
        }),
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
      await Promise.all([...relays.values()].map(async (r) => (await r.catch(() => null))?.socket.close()));
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

/** In the page: remote IPv4 UDP host candidates become their relays; other candidates are dropped. */
function rewriteCandidates() {
  const add = RTCPeerConnection.prototype.addIceCandidate;
  RTCPeerConnection.prototype.addIceCandidate = async function (init, ...rest) {
    const text = init?.candidate;
    if (!text) return add.call(this, init, ...rest);
    // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …
    const parts = text.split(' ');
    if (parts[2]?.toLowerCase() !== 'udp' || parts[7] !== 'host' || !/^\d+\.\d+\.\d+\.\d+$/.test(parts[4])) return;
    const relay = await window.__wanRelay(parts[4], Number(parts[5]));
    parts[4] = relay.ip;
    parts[5] = String(relay.port);
    const rewritten = { candidate: parts.join(' '), sdpMid: init.sdpMid, sdpMLineIndex: init.sdpMLineIndex, usernameFragment: init.usernameFragment };
    return add.call(this, rewritten, ...rest);
  };
}

/** Chromium flag for the WAN browser: host candidates carry IP addresses, not mDNS names. */
export const WAN_CHROME_ARGS = ['--disable-features=WebRtcHideLocalIpsWithMdns'];
