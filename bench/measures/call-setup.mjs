// Call setup: from the callee's answer() to the first remote video frame on BOTH sides.
// <rtc-call> pair vs a bare PeerJS pair (stock peerjs.min.js), same browser, same broker, same run.
import { mount, openPair, plainPeer, uniqueId } from '../lib/browser.mjs';
import { pick, repeat, row } from '../lib/report.mjs';

export const id = 'call';

/**
 * How long the callee lets it ring before answering, in both pairs: a person takes at least this
 * long to reach the answer button. <rtc-call> connects the transport during these seconds; the
 * bare PeerJS pair cannot (its callee has no answer before answer()).
 */
const RING_MS = 1_000;
const ringing = () => new Promise((resolve) => setTimeout(resolve, RING_MS));
export const title = 'Call setup';

/** One <rtc-call> call: A calls B, B rings for RING_MS, then answer() → first frame in A and in B. */
async function oursOnce({ browser, server }) {
  const a = uniqueId('ca');
  const b = uniqueId('cb');
  const pair = await openPair(browser, `${server.url}host.html`);
  const [pa, pb] = pair.pages;
  try {
    await Promise.all([mount(pa, 'rtc-call', { 'peer-id': a }), mount(pb, 'rtc-call', { 'peer-id': b })]);
    await pb.evaluate(() => {
      window.__incoming = window.__bench.waitFor(document.getElementById('el'), 'rtc-incoming');
    });
    await pa.evaluate((b) => document.getElementById('el').call(b), b);
    await pb.evaluate(() => window.__incoming);
    // The remote-video part in the element's shadow root, on each side.
    const arm = () => {
      window.__frame = window.__bench.firstFrame(() => document.getElementById('el').shadowRoot?.querySelector('[part~="remote-video"]'));
      window.__frame.catch(() => {});
    };
    await Promise.all([pa.evaluate(arm), pb.evaluate(arm)]);
    await ringing();
    const t0 = await pb.evaluate(() => {
      const t = window.__bench.now();
      document.getElementById('el').answer();
      return t;
    });
    const [ta, tb] = await Promise.all([pa.evaluate(() => window.__frame), pb.evaluate(() => window.__frame)]);
    await pa.evaluate(() => document.getElementById('el').hangup());
    return { both: Math.max(ta, tb) - t0, caller: ta - t0, callee: tb - t0 };
  } finally {
    await pair.close();
  }
}

/**
 * Bare PeerJS: A captures, peer.call(B, stream); B gets 'call'; answer(stream) → first frame on
 * both sides. `captureAtAnswer` makes B capture its camera inside the timed span, as <rtc-call>
 * does (devices start only when the callee answers); otherwise B captured while it rang.
 */
async function bareOnce({ browser, server }, captureAtAnswer) {
  const a = uniqueId('pa');
  const b = uniqueId('pb');
  const pair = await openPair(browser, `${server.url}blank.html`);
  const [pa, pb] = pair.pages;
  try {
    await Promise.all([plainPeer(pa, a, server.port), plainPeer(pb, b, server.port)]);
    const setup = () => {
      const video = document.createElement('video');
      video.autoplay = true;
      video.playsInline = true;
      document.body.append(video);
      window.__video = video;
      window.__show = (stream) => {
        video.srcObject = stream;
        video.play().catch(() => {});
      };
    };
    await Promise.all([pa.evaluate(setup), pb.evaluate(setup)]);
    await pb.evaluate(() => {
      window.__incoming = new Promise((resolve) => window.peer.once('call', resolve));
    });
    await pa.evaluate(async (b) => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const call = window.peer.call(b, stream);
      call.on('stream', (remote) => window.__show(remote));
      window.__call = call;
    }, b);
    await pb.evaluate(async (captureAtAnswer) => {
      window.__call = await window.__incoming;
      window.__call.on('stream', (remote) => window.__show(remote));
      if (!captureAtAnswer) window.__stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    }, captureAtAnswer);
    const arm = () => {
      window.__frame = window.__bench.firstFrame(() => window.__video);
      window.__frame.catch(() => {});
    };
    await Promise.all([pa.evaluate(arm), pb.evaluate(arm)]);
    await ringing();
    const t0 = await pb.evaluate(async (captureAtAnswer) => {
      const t = window.__bench.now();
      if (captureAtAnswer) window.__stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      window.__call.answer(window.__stream);
      return t;
    }, captureAtAnswer);
    const [ta, tb] = await Promise.all([pa.evaluate(() => window.__frame), pb.evaluate(() => window.__frame)]);
    await pa.evaluate(() => window.__call.close());
    return { both: Math.max(ta, tb) - t0, caller: ta - t0, callee: tb - t0 };
  } finally {
    await pair.close();
  }
}

export async function run(ctx) {
  const { runs, log } = ctx;
  {
    const env = { browser: ctx.browser, server: ctx.server };
    // Interleaved, so drift in the machine's load hits all three alike.
    const ours = { values: [], errors: [] };
    const bare = { values: [], errors: [] };
    const bareAtAnswer = { values: [], errors: [] };
    for (let i = 0; i < runs; i++) {
      for (const [target, fn, label] of [
        [ours, () => oursOnce(env), '<rtc-call>'],
        [bare, () => bareOnce(env, false), 'bare PeerJS'],
        [bareAtAnswer, () => bareOnce(env, true), 'bare PeerJS (capture at answer)'],
      ]) {
        const result = await repeat(1, fn, { label, log });
        target.values.push(...result.values);
        target.errors.push(...result.errors);
      }
      log(`  call setup run ${i + 1}/${runs}: ours ${fmt(ours.values.at(-1))} · bare ${fmt(bare.values.at(-1))} · bare+capture ${fmt(bareAtAnswer.values.at(-1))}`);
    }
    const split = (r) => ({ caller: pick(r.values, 'caller'), callee: pick(r.values, 'callee') });
    return [
      row({
        measure: 'call setup',
        figure: 'answer() → first remote frame, both sides',
        unit: 'ms',
        ours: pick(ours.values, 'both'),
        baseline: pick(bare.values, 'both'),
        baselineName: 'bare PeerJS call()/answer(stream)',
        errors: [...ours.errors, ...bare.errors],
        extra: { ours: split(ours), baseline: split(bare) },
        digits: 0,
      }),
      row({
        measure: 'call setup',
        figure: 'same, baseline captures camera at answer',
        unit: 'ms',
        ours: pick(ours.values, 'both'),
        baseline: pick(bareAtAnswer.values, 'both'),
        baselineName: 'bare PeerJS, getUserMedia at answer',
        errors: bareAtAnswer.errors,
        extra: { baseline: split(bareAtAnswer) },
        digits: 0,
      }),
    ];
  }
}

function fmt(v) {
  return v && Number.isFinite(v.both) ? `${Math.round(v.both)} ms` : 'failed';
}
