// File throughput for a 64 MiB file between two pages: <rtc-chat>'s sendFile() vs a raw
// RTCDataChannel with bufferedamountlow backpressure (64 KiB messages, and 256 KiB as ours
// sends between Chromes) vs PeerJS's default DataConnection.
import { mount, openPair, plainPeer, uniqueId } from '../lib/browser.mjs';
import { pick, repeat, row } from '../lib/report.mjs';

export const id = 'file';
export const title = 'File throughput';

const MiB = 1024 * 1024;
const SIZE = 64 * MiB;
const TIMEOUT = 180_000;

/** In page: window.__buffer, 1 MiB of random bytes (getRandomValues fills 64 KiB per call). */
function makeBuffer() {
  const buffer = new Uint8Array(1024 * 1024);
  for (let at = 0; at < buffer.length; at += 65536) crypto.getRandomValues(buffer.subarray(at, at + 65536));
  window.__buffer = buffer;
}

/** <rtc-chat> A → B: sendFile() in A until rtc-file (size and SHA-256 verified) in B. */
async function oursOnce({ browser, server }) {
  const a = uniqueId('fa');
  const b = uniqueId('fb');
  const pair = await openPair(browser, `${server.url}host.html`);
  const [pa, pb] = pair.pages;
  try {
    const max = String(2 * SIZE);
    await Promise.all([mount(pa, 'rtc-chat', { 'peer-id': a, 'remote-id': b, 'max-file-size': max, persist: 'none' }), mount(pb, 'rtc-chat', { 'peer-id': b, 'remote-id': a, 'max-file-size': max, persist: 'none' })]);
    // The control channel is open once a message made it across.
    await pb.evaluate(() => {
      window.__warm = window.__bench.waitFor(document.getElementById('el'), 'rtc-message');
    });
    await pa.evaluate(() => document.getElementById('el').send('warm-up'));
    await pb.evaluate(() => window.__warm.then(() => undefined));
    await pa.evaluate(makeBuffer);
    await pa.evaluate((size) => {
      window.__file = new File(Array.from({ length: size / window.__buffer.length }, () => window.__buffer), 'bench-64mib.bin', { type: 'application/octet-stream' });
    }, SIZE);
    // B also watches the file's own data channel, to split the time into setup / bytes / verify.
    await pb.evaluate(
      ({ size, timeout }) => {
        const b = window.__bench;
        const seen = { first: 0, last: 0, bytes: 0 };
        window.__seen = seen;
        b.onChannel = (channel) => {
          if (channel.label !== 'rtc-file') return;
          channel.addEventListener('message', (event) => {
            const n = event.data.byteLength ?? event.data.size ?? 0;
            if (!seen.first) seen.first = b.now();
            seen.bytes += n;
            if (seen.bytes >= size) seen.last = b.now();
          });
        };
        window.__got = b.waitFor(document.getElementById('el'), 'rtc-file', () => true, timeout).then((event) => ({ at: b.now(), size: event.detail.size }));
        window.__got.catch(() => {});
      },
      { size: SIZE, timeout: TIMEOUT },
    );
    const t0 = await pa.evaluate(() => {
      const t = window.__bench.now();
      document.getElementById('el').sendFile(window.__file);
      return t;
    });
    const got = await pb.evaluate(() => window.__got);
    const seen = await pb.evaluate(() => window.__seen);
    if (got.size !== SIZE) throw new Error(`received ${got.size} bytes, expected ${SIZE}`);
    const seconds = (got.at - t0) / 1000;
    return {
      mibps: SIZE / MiB / seconds,
      setupMs: seen.first ? seen.first - t0 : null,
      bytesMs: seen.first && seen.last ? seen.last - seen.first : null,
      verifyMs: seen.last ? got.at - seen.last : null,
    };
  } finally {
    await pair.close();
  }
}

/**
 * Raw RTCDataChannel: SDP handed over by the bench, `chunk`-byte messages, high water 8 MiB,
 * low 2 MiB. 64 KiB is the size every stack accepts and the usual choice; 256 KiB is what
 * <rtc-chat> sends when the remote (here Chromium) accepts it.
 */
async function rawOnce({ browser, server }, chunk = 64 * 1024) {
  const pair = await openPair(browser, `${server.url}blank.html`);
  const [pa, pb] = pair.pages;
  try {
    const gathered = (pc) =>
      pc.iceGatheringState === 'complete'
        ? Promise.resolve()
        : new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()));
    const offer = await pa.evaluate(async (gathered) => {
      const pc = new RTCPeerConnection({ iceServers: [] });
      const channel = pc.createDataChannel('bench', { ordered: true });
      channel.binaryType = 'arraybuffer';
      window.__pc = pc;
      window.__channel = channel;
      window.__open = new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
      await pc.setLocalDescription(await pc.createOffer());
      await new Function('pc', `return (${gathered})(pc)`)(pc);
      return pc.localDescription.toJSON();
    }, gathered.toString());
    const answer = await pb.evaluate(
      async ({ offer, gathered }) => {
        const pc = new RTCPeerConnection({ iceServers: [] });
        window.__pc = pc;
        window.__channel = new Promise((resolve) =>
          pc.addEventListener('datachannel', (event) => {
            event.channel.binaryType = 'arraybuffer';
            resolve(event.channel);
          }),
        );
        await pc.setRemoteDescription(offer);
        await pc.setLocalDescription(await pc.createAnswer());
        await new Function('pc', `return (${gathered})(pc)`)(pc);
        return pc.localDescription.toJSON();
      },
      { offer, gathered: gathered.toString() },
    );
    await pa.evaluate(async (answer) => {
      await window.__pc.setRemoteDescription(answer);
      await window.__open;
    }, answer);
    await pb.evaluate(
      async ({ size, timeout }) => {
        const channel = await window.__channel;
        let bytes = 0;
        window.__got = new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`raw: ${bytes} of ${size} bytes after ${timeout} ms`)), timeout);
          channel.addEventListener('message', (event) => {
            bytes += event.data.byteLength;
            if (bytes >= size) {
              clearTimeout(timer);
              resolve({ at: window.__bench.now(), bytes });
            }
          });
        });
        window.__got.catch(() => {});
      },
      { size: SIZE, timeout: TIMEOUT },
    );
    await pa.evaluate(makeBuffer);
    const t0 = await pa.evaluate(async ([size, CHUNK]) => {
      const HIGH = 8 * 1024 * 1024;
      const LOW = 2 * 1024 * 1024;
      const channel = window.__channel;
      const buffer = window.__buffer;
      channel.bufferedAmountLowThreshold = LOW;
      const t = window.__bench.now();
      for (let sent = 0; sent < size; sent += CHUNK) {
        if (channel.bufferedAmount > HIGH) await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
        const at = sent % buffer.length;
        channel.send(buffer.subarray(at, at + CHUNK));
      }
      return t;
    }, [SIZE, chunk]);
    const got = await pb.evaluate(() => window.__got);
    await Promise.all([pa.evaluate(() => window.__pc.close()), pb.evaluate(() => window.__pc.close())]);
    return { mibps: SIZE / MiB / ((got.at - t0) / 1000) };
  } finally {
    await pair.close();
  }
}

/** PeerJS DataConnection with its defaults (serialization 'binary'): 1,024 sends of 64 KiB ArrayBuffers. */
async function peerjsOnce({ browser, server }) {
  const a = uniqueId('ja');
  const b = uniqueId('jb');
  const pair = await openPair(browser, `${server.url}blank.html`);
  const [pa, pb] = pair.pages;
  try {
    await Promise.all([plainPeer(pa, a, server.port), plainPeer(pb, b, server.port)]);
    await pb.evaluate(
      ({ size, timeout }) => {
        let bytes = 0;
        window.__got = new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`PeerJS: ${bytes} of ${size} bytes after ${timeout} ms`)), timeout);
          window.peer.on('connection', (conn) => {
            conn.on('data', (data) => {
              bytes += data.byteLength ?? data.size ?? 0;
              if (bytes >= size) {
                clearTimeout(timer);
                resolve({ at: window.__bench.now(), bytes });
              }
            });
          });
        });
        window.__got.catch(() => {});
      },
      { size: SIZE, timeout: TIMEOUT },
    );
    await pa.evaluate(
      (b) =>
        new Promise((resolve, reject) => {
          const conn = window.peer.connect(b, { serialization: 'binary' });
          window.__conn = conn;
          conn.on('open', resolve);
          conn.on('error', reject);
        }),
      b,
    );
    await pa.evaluate(makeBuffer);
    const t0 = await pa.evaluate((size) => {
      const CHUNK = 64 * 1024;
      const buffer = window.__buffer;
      const chunks = [];
      for (let at = 0; at < buffer.length; at += CHUNK) chunks.push(buffer.buffer.slice(at, at + CHUNK));
      const t = window.__bench.now();
      for (let sent = 0, i = 0; sent < size; sent += CHUNK, i++) window.__conn.send(chunks[i % chunks.length]);
      return t;
    }, SIZE);
    const got = await pb.evaluate(() => window.__got);
    await pa.evaluate(() => window.__conn.close());
    return { mibps: SIZE / MiB / ((got.at - t0) / 1000) };
  } finally {
    await pair.close();
  }
}

export async function run(ctx) {
  const { runs, log } = ctx;
  const env = { browser: ctx.browser, server: ctx.server };
  const results = { ours: { values: [], errors: [] }, raw: { values: [], errors: [] }, raw256: { values: [], errors: [] }, peerjs: { values: [], errors: [] } };
  const plan = [
    ['ours', oursOnce, '<rtc-chat> file'],
    ['raw', rawOnce, 'raw RTCDataChannel'],
    ['raw256', (e) => rawOnce(e, 256 * 1024), 'raw RTCDataChannel, 256 KiB'],
    ['peerjs', peerjsOnce, 'PeerJS DataConnection'],
  ];
  for (let i = 0; i < runs; i++) {
    for (const [key, fn, label] of plan) {
      const r = await repeat(1, () => fn(env), { label, log });
      results[key].values.push(...r.values);
      results[key].errors.push(...r.errors);
    }
    const f = (key) => {
      const v = results[key].values.at(-1);
      return v ? `${v.mibps.toFixed(1)} MiB/s` : 'failed';
    };
    log(`  file run ${i + 1}/${runs}: ours ${f('ours')} · raw ${f('raw')} · raw 256 KiB ${f('raw256')} · PeerJS ${f('peerjs')}`);
  }
  const ours = pick(results.ours.values, 'mibps');
  const breakdown = {
    setupMs: pick(results.ours.values, 'setupMs'),
    bytesMs: pick(results.ours.values, 'bytesMs'),
    verifyMs: pick(results.ours.values, 'verifyMs'),
  };
  return [
    row({
      measure: 'file 64 MiB',
      figure: '<rtc-chat> sendFile → rtc-file, vs raw channel',
      unit: 'MiB/s',
      better: 'higher',
      ours,
      baseline: pick(results.raw.values, 'mibps'),
      baselineName: 'raw RTCDataChannel, bufferedamountlow',
      errors: [...results.ours.errors, ...results.raw.errors],
      note: 'goal ≥ 0.9× raw',
      extra: { oursBreakdown: breakdown },
      digits: 1,
    }),
    row({
      measure: 'file 64 MiB',
      figure: '<rtc-chat> vs raw channel with 256 KiB messages, like ours',
      unit: 'MiB/s',
      better: 'higher',
      ours,
      baseline: pick(results.raw256.values, 'mibps'),
      baselineName: 'raw RTCDataChannel, 256 KiB messages',
      errors: results.raw256.errors,
      digits: 1,
    }),
    row({
      measure: 'file 64 MiB',
      figure: '<rtc-chat> vs PeerJS default DataConnection',
      unit: 'MiB/s',
      better: 'higher',
      ours,
      baseline: pick(results.peerjs.values, 'mibps'),
      baselineName: "PeerJS DataConnection, 'binary'",
      errors: results.peerjs.errors,
      digits: 1,
    }),
  ];
}
