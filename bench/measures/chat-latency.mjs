// Chat: round-trip latency of 1,000 echoed messages between two <rtc-chat> pages, beside a raw
// PeerJS json DataConnection echo; then a 10,000-message burst A → B (time, lost, out of order).
import { mount, openPair, plainPeer, uniqueId } from '../lib/browser.mjs';
import { pick, repeat, row } from '../lib/report.mjs';
import { percentile } from '../lib/stats.mjs';

export const id = 'chat';
export const title = 'Chat latency';

const WARMUP = 20;
const BURST_IDLE_MS = 15_000;

/** Two <rtc-chat> pages A ↔ B with the control channel open; B echoes every rtc-message. */
async function chatPair(env) {
  const a = uniqueId('ma');
  const b = uniqueId('mb');
  const pair = await openPair(env.browser, `${env.server.url}host.html`);
  const [pa, pb] = pair.pages;
  try {
    await Promise.all([mount(pa, 'rtc-chat', { 'peer-id': a, 'remote-id': b }), mount(pb, 'rtc-chat', { 'peer-id': b, 'remote-id': a })]);
    await pa.evaluate(() => {
      window.__warm = window.__bench.waitFor(document.getElementById('el'), 'rtc-message');
    });
    await pb.evaluate(() => {
      const el = document.getElementById('el');
      el.addEventListener('rtc-message', (event) => {
        if (!event.detail.text.startsWith('burst ')) el.send(event.detail.text);
      });
    });
    await pa.evaluate(() => document.getElementById('el').send('warm-up'));
    await pa.evaluate(() => window.__warm.then(() => undefined));
  } catch (error) {
    await pair.close();
    throw error;
  }
  return pair;
}

/** Two plain PeerJS pages with a json DataConnection A → B (as reliable as our control channel); B echoes. */
async function peerjsPair(env) {
  const a = uniqueId('qa');
  const b = uniqueId('qb');
  const pair = await openPair(env.browser, `${env.server.url}blank.html`);
  const [pa, pb] = pair.pages;
  try {
    await Promise.all([plainPeer(pa, a, env.server.port), plainPeer(pb, b, env.server.port)]);
    await pb.evaluate(() => {
      window.peer.on('connection', (conn) => {
        window.__conn = conn;
        conn.on('data', (data) => {
          if (data.type === 'ping') conn.send(data);
          else window.__onBurst?.(data);
        });
      });
    });
    await pa.evaluate(
      (b) =>
        new Promise((resolve, reject) => {
          const conn = window.peer.connect(b, { serialization: 'json', reliable: true });
          window.__conn = conn;
          conn.on('open', resolve);
          conn.on('error', reject);
        }),
      b,
    );
  } catch (error) {
    await pair.close();
    throw error;
  }
  return pair;
}

/** Runs in page A: `count` sequential round trips through `sendAndWait(text)`; returns ms each. */
const PING_LOOP = async ({ count, warmup, kind }) => {
  const b = window.__bench;
  let sendAndWait;
  if (kind === 'ours') {
    const el = document.getElementById('el');
    sendAndWait = (text) => {
      const echoed = b.waitFor(el, 'rtc-message', (event) => event.detail.text === text, 10_000);
      if (el.send(text) === null) throw new Error('send() refused a message');
      return echoed;
    };
  } else {
    const conn = window.__conn;
    sendAndWait = (text) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no echo within 10 s')), 10_000);
        const on = (data) => {
          if (data.text !== text) return;
          clearTimeout(timer);
          conn.off('data', on);
          resolve();
        };
        conn.on('data', on);
        conn.send({ type: 'ping', id: text, text, ts: Date.now() });
      });
  }
  for (let i = 0; i < warmup; i++) await sendAndWait(`warm ${i}`);
  const rtts = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await sendAndWait(`ping ${i}`);
    rtts.push(performance.now() - t);
  }
  return rtts;
};

async function roundTrips(pair, kind, count) {
  const rtts = await pair.pages[0].evaluate(PING_LOOP, { count, warmup: WARMUP, kind });
  return { p50: percentile(rtts, 50), p99: percentile(rtts, 99) };
}

/**
 * B records each burst message's index as it arrives; resolves when all `count` are there or
 * nothing new came for BURST_IDLE_MS. Lost = never arrived; out of order = arrived after a
 * higher index; duplicates are counted too.
 */
const ARM_RECEIVER = ({ count, idleMs, kind }) => {
  const b = window.__bench;
  const seen = new Uint8Array(count);
  const state = { unique: 0, duplicates: 0, outOfOrder: 0, maxIndex: -1, last: 0 };
  window.__burst = new Promise((resolve) => {
    let idle;
    const finish = () => resolve({ ...state, lost: count - state.unique });
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(finish, idleMs);
    };
    const take = (text) => {
      const index = Number(/^burst (\d+)$/.exec(text)?.[1] ?? NaN);
      if (!(index >= 0 && index < count)) return;
      if (seen[index]) state.duplicates++;
      else {
        seen[index] = 1;
        state.unique++;
      }
      if (index < state.maxIndex) state.outOfOrder++;
      else state.maxIndex = index;
      state.last = b.now();
      if (state.unique === count) {
        clearTimeout(idle);
        finish();
      } else arm();
    };
    if (kind === 'ours') document.getElementById('el').addEventListener('rtc-message', (event) => take(event.detail.text));
    else window.__onBurst = (data) => take(data.text);
    arm();
  });
};

async function burst(pair, kind, count) {
  const [pa, pb] = pair.pages;
  {
    await pb.evaluate(ARM_RECEIVER, { count, idleMs: BURST_IDLE_MS, kind });
    const { t0, refused } = await pa.evaluate(
      ({ count, kind }) => {
        const t = window.__bench.now();
        let refused = 0;
        if (kind === 'ours') {
          const el = document.getElementById('el');
          for (let i = 0; i < count; i++) if (el.send(`burst ${i}`) === null) refused++;
        } else {
          const conn = window.__conn;
          for (let i = 0; i < count; i++) conn.send({ type: 'chat', id: `b${i}`, text: `burst ${i}`, ts: Date.now() });
        }
        return { t0: t, refused };
      },
      { count, kind },
    );
    const result = await pb.evaluate(() => window.__burst);
    return {
      ms: result.lost === 0 ? result.last - t0 : Number.NaN,
      lost: result.lost,
      outOfOrder: result.outOfOrder,
      duplicates: result.duplicates,
      refused,
    };
  }
}

/** One run for one kind: a fresh pair, 1,000 round trips, then the burst on the same pair. */
async function session(env, kind, rtt, bursts, log) {
  let pair;
  try {
    pair = kind === 'ours' ? await chatPair(env) : await peerjsPair(env);
  } catch (error) {
    const message = `setup: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    for (const target of [rtt, bursts]) {
      target.values.push(null);
      target.errors.push(message);
    }
    log(`  ${kind} chat ${message}`);
    return;
  }
  try {
    for (const [target, fn, label] of [
      [rtt, () => roundTrips(pair, kind, 1000), 'round trips'],
      [bursts, () => burst(pair, kind, 10_000), 'burst'],
    ]) {
      const r = await repeat(1, fn, { label: `${kind} ${label}`, log });
      target.values.push(...r.values);
      target.errors.push(...r.errors);
    }
  } finally {
    await pair.close();
  }
}

export async function run(ctx) {
  const { runs, log } = ctx;
  const env = { browser: ctx.browser, server: ctx.server };
  const rtt = { ours: { values: [], errors: [] }, peerjs: { values: [], errors: [] } };
  const bursts = { ours: { values: [], errors: [] }, peerjs: { values: [], errors: [] } };
  for (let i = 0; i < runs; i++) {
    for (const kind of ['ours', 'peerjs']) await session(env, kind, rtt[kind], bursts[kind], log);
    const f = (v) => (v ? `p50 ${v.p50.toFixed(2)} / p99 ${v.p99.toFixed(2)} ms` : 'failed');
    const g = (v) => (v ? `${Number.isFinite(v.ms) ? `${Math.round(v.ms)} ms` : 'incomplete'}, lost ${v.lost}, out of order ${v.outOfOrder}` : 'failed');
    log(`  chat run ${i + 1}/${runs}: round trips ours ${f(rtt.ours.values.at(-1))} · PeerJS ${f(rtt.peerjs.values.at(-1))}`);
    log(`  chat run ${i + 1}/${runs}: burst ours ${g(bursts.ours.values.at(-1))} · PeerJS ${g(bursts.peerjs.values.at(-1))}`);
  }
  const rttErrors = [...rtt.ours.errors, ...rtt.peerjs.errors];
  const burstErrors = [...bursts.ours.errors, ...bursts.peerjs.errors];
  const baselineName = 'PeerJS json DataConnection';
  return [
    row({ measure: 'chat', figure: 'round trip p50, 1,000 messages', unit: 'ms', ours: pick(rtt.ours.values, 'p50'), baseline: pick(rtt.peerjs.values, 'p50'), baselineName, errors: rttErrors }),
    row({ measure: 'chat', figure: 'round trip p99, 1,000 messages', unit: 'ms', ours: pick(rtt.ours.values, 'p99'), baseline: pick(rtt.peerjs.values, 'p99'), baselineName }),
    row({
      measure: 'chat',
      figure: '10,000-message burst, until all arrived',
      unit: 'ms',
      ours: pick(bursts.ours.values, 'ms'),
      baseline: pick(bursts.peerjs.values, 'ms'),
      baselineName,
      errors: burstErrors,
      digits: 0,
    }),
    row({ measure: 'chat', figure: 'burst: messages lost (must be 0)', unit: 'msgs', ours: pick(bursts.ours.values, 'lost'), baseline: pick(bursts.peerjs.values, 'lost'), baselineName, digits: 0 }),
    row({
      measure: 'chat',
      figure: 'burst: out of order (must be 0)',
      unit: 'msgs',
      ours: pick(bursts.ours.values, 'outOfOrder'),
      baseline: pick(bursts.peerjs.values, 'outOfOrder'),
      baselineName,
      digits: 0,
      extra: { duplicates: { ours: pick(bursts.ours.values, 'duplicates'), baseline: pick(bursts.peerjs.values, 'duplicates') }, refused: pick(bursts.ours.values, 'refused') },
    }),
  ];
}
