// A probe, not part of `npm run bench`: what asking for the camera on its own, ahead of the
// microphone, takes off the camera's first frame (src/session/media.ts captureCameraFirst).
// Each run launches a new Chromium and opens one page that lists its devices (as a ringing callee
// does) and then captures, either with one request for both or with two, the camera's first. "cold":
// the page's first capture; "warm": after one capture of both, stopped (the audio service runs).
// Prints the medians, from the first request, of the camera's track, its first frame shown, and
// the microphone's track.
//   node bench/probes/camera-first.mjs [runs=7]
import { inNewBrowser, startServer } from '../lib/browser.mjs';
import { median } from '../lib/stats.mjs';

const runs = Number(process.argv[2] ?? 7);
const { server, url } = await startServer();

function once(split, warm) {
  return inNewBrowser(`${url}blank.html`, (page) =>
    page.evaluate(
      async ({ split, warm }) => {
        const media = navigator.mediaDevices;
        await media.enumerateDevices();
        if (warm) (await media.getUserMedia({ audio: true, video: true })).getTracks().forEach((track) => track.stop());
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const start = performance.now();
        let microphoneAt = 0;
        let microphone = Promise.resolve(null);
        let camera;
        if (split) {
          const video = media.getUserMedia({ video: true });
          microphone = media.getUserMedia({ audio: true }).then((stream) => ((microphoneAt = performance.now() - start), stream));
          camera = await video;
        } else {
          camera = await media.getUserMedia({ audio: true, video: true });
          microphoneAt = performance.now() - start;
        }
        const captured = performance.now() - start;
        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = camera;
        document.body.append(video);
        await video.play();
        await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
        const shown = performance.now() - start;
        for (const stream of [camera, await microphone]) stream?.getTracks().forEach((track) => track.stop());
        return { captured, shown, microphoneAt };
      },
      { split, warm },
    ),
  );
}

const cases = [];
for (const warm of [false, true]) for (const split of [false, true]) cases.push({ label: `${warm ? 'warm' : 'cold'}, ${split ? 'camera first' : 'one request'}`, split, warm, values: [] });
for (let i = 0; i < runs; i++) for (const c of cases) c.values.push(await once(c.split, c.warm)); // interleaved
for (const { label, values } of cases) {
  const ms = (key) => median(values.map((v) => v[key])).toFixed(0);
  console.log(`${label}: camera ${ms('captured')} ms, first frame shown ${ms('shown')} ms, microphone ${ms('microphoneAt')} ms (median of ${runs})`);
}
await server.close();
