// Worker thread: N PeerJS-protocol WebSocket clients (the `ws` package), driven by the bench's
// main thread, where the broker runs. Keeping the clients in their own isolate keeps their
// garbage out of the server's heap figures. Loopback only; every loop is bounded.
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** @type {{ id: string, ws: WebSocket }[]} */
let clients = [];
const sentAt = new Map();
let onRelayed = null;

const SDP_LINE = 'a=candidate:842163049 1 udp 1677729535 192.0.2.1 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0\r\n';
const SDP = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n${'a=rtpmap:96 VP8/90000\r\n'.repeat(40)}${SDP_LINE.repeat(8)}`;

/** Message bodies shaped like what PeerJS sends through the broker. */
function payload(type, seq) {
  const connectionId = `mc_bench${seq}`;
  if (type === 'OFFER') return { sdp: { type: 'offer', sdp: SDP }, type: 'media', connectionId, browser: 'chrome', metadata: { callId: `c${seq}` } };
  if (type === 'ANSWER') return { sdp: { type: 'answer', sdp: SDP }, type: 'media', connectionId, browser: 'chrome' };
  return { candidate: { candidate: SDP_LINE.slice(2, -2), sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' }, type: 'media', connectionId };
}

function connect({ url, n, prefix, timeoutMs }) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let open = 0;
    let failed = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ms: performance.now() - t0, open, failed });
    };
    const timer = setTimeout(finish, timeoutMs);
    clients = [];
    for (let i = 0; i < n; i++) {
      const id = `${prefix}-${i}`;
      const token = Math.random().toString(36).slice(2);
      const ws = new WebSocket(`${url}?key=peerjs&id=${id}&token=${token}`);
      const client = { id, ws, open: false };
      clients.push(client);
      ws.on('message', (data) => {
        let message;
        try {
          message = JSON.parse(String(data));
        } catch {
          return;
        }
        if (message.type === 'OPEN' && !client.open) {
          client.open = true;
          open++;
          if (open + failed === n) finish();
        } else if (message.type === 'OFFER' || message.type === 'ANSWER' || message.type === 'CANDIDATE') {
          const key = message.payload?.connectionId;
          const start = sentAt.get(key);
          if (start !== undefined) {
            sentAt.delete(key);
            onRelayed?.(performance.now() - start);
          }
        }
      });
      const fail = () => {
        if (client.open || client.failed) return;
        client.failed = true;
        failed++;
        if (open + failed === n) finish();
      };
      ws.on('error', fail);
      ws.on('close', fail);
    }
  });
}

/** `count` relayed messages between random pairs, in rounds of `batch` sent at once. */
async function relay({ count, batch, roundTimeoutMs }) {
  const live = clients.filter((c) => c.open && c.ws.readyState === WebSocket.OPEN);
  if (live.length < 2) return { latencies: [], lost: count };
  const types = ['OFFER', 'ANSWER', 'CANDIDATE', 'CANDIDATE'];
  const latencies = [];
  let lost = 0;
  let seq = 0;
  for (let sent = 0; sent < count; sent += batch) {
    const size = Math.min(batch, count - sent);
    let received = 0;
    const round = new Promise((resolve) => {
      const timer = setTimeout(resolve, roundTimeoutMs);
      onRelayed = (ms) => {
        latencies.push(ms);
        if (++received === size) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
    for (let k = 0; k < size; k++) {
      const from = live[Math.floor(Math.random() * live.length)];
      let to = live[Math.floor(Math.random() * live.length)];
      if (to === from) to = live[(live.indexOf(from) + 1) % live.length];
      const type = types[seq % types.length];
      const body = payload(type, seq);
      sentAt.set(body.connectionId, performance.now());
      from.ws.send(JSON.stringify({ type, dst: to.id, payload: body }));
      seq++;
    }
    await round;
    lost += size - received;
    sentAt.clear();
  }
  onRelayed = null;
  return { latencies, lost };
}

function closeAll({ timeoutMs }) {
  return new Promise((resolve) => {
    let pending = 0;
    const timer = setTimeout(() => {
      for (const c of clients) c.ws.terminate();
      resolve();
    }, timeoutMs);
    for (const c of clients) {
      if (c.ws.readyState === WebSocket.CLOSED) continue;
      pending++;
      c.ws.once('close', () => {
        if (--pending === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      c.ws.close();
    }
    if (pending === 0) {
      clearTimeout(timer);
      resolve();
    }
  }).then(() => {
    clients = [];
  });
}

parentPort.on('message', async ({ cmd, args }) => {
  try {
    let result;
    if (cmd === 'connect') result = await connect(args);
    else if (cmd === 'relay') result = await relay(args);
    else if (cmd === 'close') result = await closeAll(args);
    parentPort.postMessage({ ok: true, result });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error?.stack ?? error) });
  }
});
