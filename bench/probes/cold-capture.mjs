// A probe, not part of `npm run bench`: how much of a browser's *first* capture the callee's
// enumerateDevices() while it rings (src/session/media.ts warmCapture) takes off the answer.
// Each run launches a new Chromium (nothing captured yet), opens one page and, 1 s before timing
// getUserMedia({audio, video}), either does nothing or lists the devices. Prints the medians of
// getUserMedia resolving and of the first camera frame shown, from the getUserMedia call.
//   node bench/probes/cold-capture.mjs [runs=7]
import { inNewBrowser, startServer } from '../lib/browser.mjs';
import { median } from '../lib/stats.mjs';

const runs = Number(process.argv[2] ?? 7);
const { server, url } = await startServer();

function once(listFirst) {
  return inNewBrowser(`${url}blank.html`, (page) =>
    page.evaluate(async (listFirst) => {
      if (listFirst) await navigator.mediaDevices.enumerateDevices();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const start = performance.now();
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const captured = performance.now() - start;
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = stream;
      document.body.append(video);
      await video.play();
      await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
      const shown = performance.now() - start;
      stream.getTracks().forEach((track) => track.stop());
      return { captured, shown };
    }, listFirst),
  );
}

const results = { 'cold (nothing before)': [], 'devices listed 1 s before': [] };
for (let i = 0; i < runs; i++) {
  // Interleaved, so drifting load hits both alike.
  results['cold (nothing before)'].push(await once(false));
  results['devices listed 1 s before'].push(await once(true));
}
for (const [label, values] of Object.entries(results)) {
  const ms = (key) => median(values.map((v) => v[key])).toFixed(0);
  console.log(`${label}: getUserMedia ${ms('captured')} ms, first frame shown ${ms('shown')} ms (median of ${runs})`);
}
await server.close();
