// Resource hygiene: 100 call → hang-up cycles between two <rtc-call> elements in ONE page, then
// live tracks, RTCPeerConnections not closed, and JS heap growth after GC (CDP), beside the same
// cycles done with two bare PeerJS Peers in one page.
import { mount, openPage, plainPeer, uniqueId } from '../lib/browser.mjs';
import { row } from '../lib/report.mjs';
import { summarize } from '../lib/stats.mjs';

export const id = 'hygiene';
export const title = 'Resource hygiene';

const SETTLE_MS = 10_000;

/** JS heap in use after full garbage collections, through the DevTools protocol. */
async function heapAfterGc(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

/**
 * Waits (bounded by SETTLE_MS) until nothing captured is live and every peer connection is
 * closed, then counts. The control channel of a call lingers a few seconds after hang-up by design.
 */
async function settledResources(page) {
  return page.evaluate(async (settleMs) => {
    const b = window.__bench;
    const end = performance.now() + settleMs;
    let r = b.openResources();
    while (performance.now() < end && (r.liveTracks > 0 || r.openPeerConnections > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      r = b.openResources();
    }
    return { ...r, settleMs: Math.round(performance.now() - (end - settleMs)) };
  }, SETTLE_MS);
}

/** In page: `count` cycles between #a and #b (<rtc-call>): call, ring, answer, connected on both, hang up, ended on both. */
const OURS_CYCLES = async ({ count, idB }) => {
  const b = window.__bench;
  const A = document.getElementById('a');
  const B = document.getElementById('b');
  const times = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const incoming = b.waitFor(B, 'rtc-incoming', () => true, 15_000);
    const connected = Promise.all([b.waitFor(A, 'rtc-connected', () => true, 15_000), b.waitFor(B, 'rtc-connected', () => true, 15_000)]);
    A.call(idB);
    await incoming;
    B.answer();
    await connected;
    const ended = Promise.all([b.waitFor(A, 'rtc-ended', () => true, 15_000), b.waitFor(B, 'rtc-ended', () => true, 15_000)]);
    A.hangup();
    await ended;
    times.push(performance.now() - t);
  }
  return times;
};

/** In page: the same cycles with two bare PeerJS Peers (window.peer calls window.peer2). */
const BARE_CYCLES = async ({ count, idB }) => {
  const caller = window.peer;
  const callee = window.peer2;
  const videos = [document.createElement('video'), document.createElement('video')];
  for (const v of videos) {
    v.autoplay = true;
    document.body.append(v);
  }
  const withTimeout = (promise, what) =>
    Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`no ${what} within 15 s`)), 15_000))]);
  const times = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const incoming = new Promise((resolve) => callee.once('call', resolve));
    const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const call = caller.call(idB, local);
    const callerStream = new Promise((resolve) => call.once('stream', resolve));
    const answered = await withTimeout(incoming, 'call');
    const remoteLocal = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const calleeStream = new Promise((resolve) => answered.once('stream', resolve));
    answered.answer(remoteLocal);
    const [s1, s2] = await withTimeout(Promise.all([callerStream, calleeStream]), 'stream');
    videos[0].srcObject = s1;
    videos[1].srcObject = s2;
    // Each side hangs up its own end (PeerJS does not reliably tell the other side).
    call.close();
    answered.close();
    for (const track of [...local.getTracks(), ...remoteLocal.getTracks()]) track.stop();
    videos[0].srcObject = null;
    videos[1].srcObject = null;
    times.push(performance.now() - t);
  }
  return times;
};

async function cycleRun(ctx, kind, count) {
  const context = await ctx.browser.newContext();
  try {
    const a = uniqueId(kind === 'ours' ? 'ha' : 'ka');
    const b = uniqueId(kind === 'ours' ? 'hb' : 'kb');
    const page = await openPage(context, `${ctx.server.url}${kind === 'ours' ? 'host.html' : 'blank.html'}`);
    if (kind === 'ours') {
      await mount(page, 'rtc-call', { 'peer-id': a }, 'a');
      await mount(page, 'rtc-call', { 'peer-id': b }, 'b');
    } else {
      await plainPeer(page, b, ctx.server.port);
      await page.evaluate(() => (window.peer2 = window.peer));
      await plainPeer(page, a, ctx.server.port);
    }
    const cycles = kind === 'ours' ? OURS_CYCLES : BARE_CYCLES;
    const cdp = await context.newCDPSession(page);
    // One warm-up cycle first: code loaded and compiled on first use is not a leak.
    await page.evaluate(cycles, { count: 1, idB: b });
    await settledResources(page);
    const before = await heapAfterGc(cdp);
    const times = await page.evaluate(cycles, { count, idB: b });
    const resources = await settledResources(page);
    const after = await heapAfterGc(cdp);
    await cdp.detach().catch(() => {});
    return { times, resources, settleMs: resources.settleMs, growthMB: (after - before) / 1048576, beforeMB: before / 1048576, afterMB: after / 1048576, errors: page.errors.slice(0, 5) };
  } finally {
    await context.close();
  }
}

export async function run(ctx) {
  const count = ctx.quick ? 10 : 100;
  const results = {};
  const errors = [];
  for (const kind of ['ours', 'bare']) {
    try {
      results[kind] = await cycleRun(ctx, kind, count);
      const r = results[kind];
      ctx.log(
        `  hygiene ${kind}: ${count} cycles, median ${summarize(r.times).median.toFixed(0)} ms each; live tracks ${r.resources.liveTracks}, open peer connections ${r.resources.openPeerConnections} (media ${r.resources.openMediaPeerConnections}) of ${r.resources.peerConnectionsCreated}; heap ${r.beforeMB.toFixed(2)} → ${r.afterMB.toFixed(2)} MB`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      errors.push(`${kind}: ${message}`);
      ctx.log(`  hygiene ${kind} failed: ${message}`);
    }
  }
  const one = (kind, f) => (results[kind] ? [f(results[kind])] : [null]);
  const baselineName = `bare PeerJS, same ${count} cycles`;
  const figure = (what) => `${what} after ${count} cycles`;
  return [
    row({ measure: 'hygiene', figure: figure('live tracks'), unit: 'tracks', ours: one('ours', (r) => r.resources.liveTracks), baseline: one('bare', (r) => r.resources.liveTracks), baselineName, errors, note: 'must be 0', digits: 0 }),
    row({
      measure: 'hygiene',
      figure: figure('media RTCPeerConnections not closed'),
      unit: 'pcs',
      ours: one('ours', (r) => r.resources.openMediaPeerConnections),
      baseline: one('bare', (r) => r.resources.openMediaPeerConnections),
      baselineName,
      note: 'must be 0',
      digits: 0,
    }),
    row({
      measure: 'hygiene',
      figure: figure('all RTCPeerConnections not closed'),
      unit: 'pcs',
      ours: one('ours', (r) => r.resources.openPeerConnections),
      baseline: one('bare', (r) => r.resources.openPeerConnections),
      baselineName,
      note: `counted ${SETTLE_MS / 1000} s at most after the last hang-up; includes the call's control channel`,
      extra: {
        created: { ours: one('ours', (r) => r.resources.peerConnectionsCreated)[0], baseline: one('bare', (r) => r.resources.peerConnectionsCreated)[0] },
        settleMs: { ours: results.ours?.settleMs, baseline: results.bare?.settleMs },
        pageErrors: { ours: results.ours?.errors, baseline: results.bare?.errors },
      },
      digits: 0,
    }),
    row({
      measure: 'hygiene',
      figure: figure('JS heap growth, after GC'),
      unit: 'MiB',
      ours: one('ours', (r) => r.growthMB),
      baseline: one('bare', (r) => r.growthMB),
      baselineName,
      note: 'goal ≤ 2 MiB',
      extra: { heapMB: { ours: results.ours && [results.ours.beforeMB, results.ours.afterMB], baseline: results.bare && [results.bare.beforeMB, results.bare.afterMB] } },
    }),
    row({
      measure: 'hygiene',
      figure: 'one call → hang-up cycle',
      unit: 'ms',
      ours: results.ours ? summarize(results.ours.times) : summarize([null]),
      baseline: results.bare ? summarize(results.bare.times) : null,
      baselineName,
      digits: 0,
    }),
  ];
}
