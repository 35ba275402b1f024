// Call setup: from the callee's answer() to the first remote video frame on BOTH sides.
// <rtc-call> pair vs a bare PeerJS pair (stock peerjs.min.js), same browser, same broker, same run.
import { launchBrowser, mount, openPage, openPair, plainPeer, uniqueId } from '../lib/browser.mjs';
import { pick, repeat, row } from '../lib/report.mjs';
import { startWan, wanChromeArgs } from '../lib/wan.mjs';

export const id = 'call';

/**
 * How long the callee lets it ring before answering, in both pairs: a person takes at least this
 * long to reach the answer button. <rtc-call> connects the transport during these seconds; the
 * bare PeerJS pair cannot (its callee has no answer before answer()).
 */
const RING_MS = 1_000;
const ringing = () => new Promise((resolve) => setTimeout(resolve, RING_MS));
export const title = 'Call setup';

/**
 * The slow networks of the later rows, as round trips between the peers: 100 ms (e.g. Europe ↔ US
 * east coast, a busy mobile link) and 250 ms (across the world, satellite). A message from one page
 * through the broker to the other takes half the round trip, as the direct path does. On loopback
 * ICE and DTLS cost almost nothing, so connecting them while it rings can only save what they cost
 * on a real network, which these rows show. Override with RTC_BENCH_RTT=100,250 (milliseconds).
 */
const WAN_ROUND_TRIPS_MS = (process.env.RTC_BENCH_RTT ?? '100,250')
  .split(',')
  .map(Number)
  .filter((ms) => Number.isFinite(ms) && ms > 0);

/** In a page: the round trip (ms) of the selected candidate pair of its connected media connection. */
async function mediaRoundTrip() {
  for (const pc of window.__bench.pcs) {
    if (pc.connectionState !== 'connected' || pc.getTransceivers().length === 0) continue;
    const stats = [...(await pc.getStats()).values()];
    const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const selected = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    if (Number.isFinite(selected?.currentRoundTripTime)) return selected.currentRoundTripTime * 1000;
  }
  return null;
}

/**
 * The caller's (A) and callee's (B) first frames (window.__frame in each page) as one run's figures:
 * ms from t0 on each side and on both, and the first pictures' sizes ("caller's / callee's").
 */
async function frameFigures(pa, pb, t0) {
  const [a, b] = await Promise.all([pa.evaluate(() => window.__frame), pb.evaluate(() => window.__frame)]);
  return { both: Math.max(a.at, b.at) - t0, caller: a.at - t0, callee: b.at - t0, sizes: `${a.size} / ${b.size}` };
}

/** One <rtc-call> call: A calls B, B rings for RING_MS, then answer() → first frame in A and in B. */
export async function oursOnce({ browser, url, prepare }) {
  const a = uniqueId('ca');
  const b = uniqueId('cb');
  const pair = await openPair(browser, `${url}host.html`, prepare);
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
    const figures = await frameFigures(pa, pb, t0);
    const rtt = await pb.evaluate(mediaRoundTrip);
    await pa.evaluate(() => document.getElementById('el').hangup());
    return { ...figures, rtt };
  } finally {
    await pair.close();
  }
}

/**
 * Bare PeerJS: A captures, peer.call(B, stream); B gets 'call'; answer(stream) → first frame on
 * both sides. `captureAtAnswer` makes B capture its camera inside the timed span, as <rtc-call>
 * does (devices start only when the callee answers); otherwise B captured while it rang.
 */
async function bareOnce({ browser, url, port, prepare }, captureAtAnswer) {
  const a = uniqueId('pa');
  const b = uniqueId('pb');
  const pair = await openPair(browser, `${url}blank.html`, prepare);
  const [pa, pb] = pair.pages;
  try {
    await Promise.all([plainPeer(pa, a, port), plainPeer(pb, b, port)]);
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
    const figures = await frameFigures(pa, pb, t0);
    const rtt = await pb.evaluate(mediaRoundTrip);
    await pa.evaluate(() => window.__call.close());
    return { ...figures, rtt };
  } finally {
    await pair.close();
  }
}

/**
 * The browser's own floor, no rtc-elements and no PeerJS: one page, two RTCPeerConnections already
 * connected over loopback, video only, one way, nothing else on screen. The timer starts where a
 * callee's answer() would: the camera is opened (the capture services were primed by an earlier
 * capture, as in a page that has ringed before), its track goes on the sender, and the timer stops at
 * the first remote frame with a picture. A real call also starts a microphone, shows a self-view and
 * sends both ways between two pages. This over the bare figure is the lowest ratio a pre-connected
 * call of that design could reach in the same run.
 *
 * `primed`: the sender is readied as <rtc-call> does while it rings (src/session/sender-primer.ts,
 * sdp.ts): an 800 kbit/s start bitrate in both descriptions, the encoding switched off, one black
 * 640×480 canvas frame on the sender; once the sender's stats count that frame, it comes off and
 * the encoding is switched on at half size (the fast start), with nothing on the sender. At the
 * "answer" the camera only goes on. Written here again on purpose: the floor must not depend on
 * our code.
 */
async function floorOnce({ browser, url }, primed) {
  const context = await browser.newContext();
  try {
    const page = await openPage(context, `${url}blank.html`);
    return await page.evaluate(async (primed) => {
      const b = window.__bench;
      const [one, two] = [new RTCPeerConnection(), new RTCPeerConnection()];
      one.onicecandidate = (event) => event.candidate && two.addIceCandidate(event.candidate);
      two.onicecandidate = (event) => event.candidate && one.addIceCandidate(event.candidate);
      const { sender } = one.addTransceiver('video', { direction: 'sendonly' });
      const startBitrate = (description) =>
        primed
          ? { type: description.type, sdp: description.sdp.replace(/a=rtpmap:(\d+) VP8\/90000\r\n/, (line, pt) => `${line}a=fmtp:${pt} x-google-start-bitrate=800\r\n`) }
          : description;
      await one.setLocalDescription();
      await two.setRemoteDescription(startBitrate(one.localDescription));
      await two.setLocalDescription();
      await one.setRemoteDescription(startBitrate(two.localDescription));
      await b.waitFor(one, 'connectionstatechange', () => one.connectionState === 'connected');
      const video = document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      video.srcObject = new MediaStream([two.getReceivers()[0].track]);
      document.body.append(video);
      const primer = await navigator.mediaDevices.getUserMedia({ video: true });
      primer.getTracks().forEach((track) => track.stop());
      const frame = b.firstFrame(() => video);
      const setActive = async (active, scaleResolutionDownBy = 1) => {
        const parameters = sender.getParameters();
        for (const encoding of parameters.encodings) Object.assign(encoding, { active, scaleResolutionDownBy });
        await sender.setParameters(parameters);
      };
      let black = null;
      if (primed) {
        await setActive(false);
        const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 480 });
        const context2d = canvas.getContext('2d');
        black = canvas.captureStream(0).getVideoTracks()[0];
        await sender.replaceTrack(black);
        context2d.fillRect(0, 0, 640, 480);
        black.requestFrame();
        const framesIn = async () => [...(await sender.getStats()).values()].some((s) => s.type === 'media-source' && s.frames > 0);
        while (!(await framesIn())) await new Promise((resolve) => setTimeout(resolve, 20));
        await sender.replaceTrack(null);
        await setActive(true, 2);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const t0 = b.now();
      const camera = await navigator.mediaDevices.getUserMedia({ video: true });
      await sender.replaceTrack(camera.getVideoTracks()[0]);
      const { at, size } = await frame;
      camera.getTracks().forEach((track) => track.stop());
      black?.stop();
      one.close();
      two.close();
      return { both: at - t0, sizes: size };
    }, primed);
  } finally {
    await context.close();
  }
}

/** Runs the `pairs` ([target label, once()] …) interleaved `runs` times; per label { values, errors }. */
async function interleaved(pairs, runs, log, title) {
  const results = pairs.map(() => ({ values: [], errors: [] }));
  for (let i = 0; i < runs; i++) {
    for (const [index, [label, once]] of pairs.entries()) {
      const result = await repeat(1, once, { label, log });
      results[index].values.push(...result.values);
      results[index].errors.push(...result.errors);
    }
    log(`  ${title} run ${i + 1}/${runs}: ${pairs.map(([label], index) => `${label} ${fmt(results[index].values.at(-1))}`).join(' · ')}`);
  }
  return results;
}

/** Every run's first picture size(s), null for a failed run. */
const firstPicture = (r) => r.values.map((v) => v?.sizes ?? null);
/** Each side's own time, and the size of the first picture each side showed ("caller's / callee's"). */
const split = (r) => ({ caller: pick(r.values, 'caller'), callee: pick(r.values, 'callee'), firstPicture: firstPicture(r) });

export async function run(ctx) {
  const { runs, log } = ctx;
  const local = { browser: ctx.browser, url: ctx.server.url, port: ctx.server.port };
  // Interleaved, so drift in the machine's load hits all three alike.
  const [ours, bare, bareAtAnswer, floor, primedFloor] = await interleaved(
    [
      ['<rtc-call>', () => oursOnce(local)],
      ['bare PeerJS', () => bareOnce(local, false)],
      ['bare PeerJS (capture at answer)', () => bareOnce(local, true)],
      ['browser floor', () => floorOnce(local, false)],
      ['browser floor, primed', () => floorOnce(local, true)],
    ],
    runs,
    log,
    'call setup',
  );
  const rows = [
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
    row({
      measure: 'call setup',
      figure: 'browser floor, not ours: open camera, put it on a connected sender → first frame (one page, video one way)',
      unit: 'ms',
      ours: pick(floor.values, 'both'),
      baseline: pick(bare.values, 'both'),
      baselineName: 'bare PeerJS call()/answer(stream)',
      errors: floor.errors,
      extra: { firstPicture: firstPicture(floor) },
      digits: 0,
    }),
    row({
      measure: 'call setup',
      figure: 'same, sender primed while it rings and fast start, as <rtc-call> does (start bitrate, one black frame on a switched-off encoding, then switched on empty; first pictures at half size)',
      unit: 'ms',
      ours: pick(primedFloor.values, 'both'),
      baseline: pick(bare.values, 'both'),
      baselineName: 'bare PeerJS call()/answer(stream)',
      errors: primedFloor.errors,
      extra: { firstPicture: firstPicture(primedFloor) },
      digits: 0,
    }),
  ];

  // The same calls over slow networks, in a browser whose candidates the relays can rewrite.
  if (WAN_ROUND_TRIPS_MS.length === 0) return rows;
  const browser = await launchBrowser(await wanChromeArgs(ctx.browser));
  try {
    for (const roundTrip of WAN_ROUND_TRIPS_MS) rows.push(...(await slowRows({ browser, server: ctx.server, roundTrip, runs, log })));
  } finally {
    await browser.close().catch(() => {});
  }
  return rows;
}

/** The three pairs again over a network with a `roundTrip` ms round trip; two rows. */
async function slowRows({ browser, server, roundTrip, runs, log }) {
  const oneWay = roundTrip / 2;
  const wan = await startWan({ target: { host: '127.0.0.1', port: server.port }, oneWayMs: oneWay });
  try {
    const slow = { browser, url: wan.url, port: wan.port, prepare: (context) => wan.route(context) };
    const [ours, bare, bareAtAnswer] = await interleaved(
      [
        ['<rtc-call>', () => oursOnce(slow)],
        ['bare PeerJS', () => bareOnce(slow, false)],
        ['bare PeerJS (capture at answer)', () => bareOnce(slow, true)],
      ],
      runs,
      log,
      `call setup at ${roundTrip} ms RTT`,
    );
    // Proof that the media took the slow path: a round trip well under the set one (or none to
    // read) means the run cannot count as slow.
    const offPath = (r, label) =>
      r.values
        .map((v, i) => {
          if (!v) return null; // failed already, and reported
          if (!Number.isFinite(v.rtt)) return `run ${i + 1}: ${label} media round trip unknown, not proven slow`;
          return v.rtt < 0.8 * roundTrip ? `run ${i + 1}: ${label} media round trip ${Math.round(v.rtt)} ms, not through the slow relay` : null;
        })
        .filter(Boolean);
    const rtt = (r) => pick(r.values, 'rtt').map((v) => (v === null ? null : Math.round(v)));
    const figure = `same over a ${roundTrip} ms round trip`;
    return [
      row({
        measure: 'call setup',
        figure,
        unit: 'ms',
        ours: pick(ours.values, 'both'),
        baseline: pick(bare.values, 'both'),
        baselineName: 'bare PeerJS call()/answer(stream)',
        errors: [...ours.errors, ...bare.errors, ...offPath(ours, 'ours'), ...offPath(bare, 'bare')],
        extra: { roundTripMs: roundTrip, ours: { ...split(ours), rttMs: rtt(ours) }, baseline: { ...split(bare), rttMs: rtt(bare) } },
        digits: 0,
      }),
      row({
        measure: 'call setup',
        figure: `${figure}, baseline captures at answer`,
        unit: 'ms',
        ours: pick(ours.values, 'both'),
        baseline: pick(bareAtAnswer.values, 'both'),
        baselineName: 'bare PeerJS, getUserMedia at answer',
        errors: [...bareAtAnswer.errors, ...offPath(bareAtAnswer, 'bare')],
        extra: { roundTripMs: roundTrip, baseline: { ...split(bareAtAnswer), rttMs: rtt(bareAtAnswer) } },
        digits: 0,
      }),
    ];
  } finally {
    await wan.close();
  }
}

function fmt(v) {
  return v && Number.isFinite(v.both) ? `${Math.round(v.both)} ms` : 'failed';
}
