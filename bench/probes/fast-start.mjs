// A probe, not part of `npm run bench`: what the fast start (src/session/sender-primer.ts
// FAST_START: the first pictures after the answer at half size) takes off <rtc-call>'s call setup.
// Runs the bench's own <rtc-call> call (answer() → first remote frame on both sides), interleaved,
// as built and with an init script that keeps every video encoding at full size. Needs a build
// (npm run build). Prints medians of both sides, each side, and the first pictures' sizes.
//   node bench/probes/fast-start.mjs [runs=9]
import path from 'node:path';
import { launchBrowser, ROOT, startServer } from '../lib/browser.mjs';
import { median } from '../lib/stats.mjs';
import { oursOnce } from '../measures/call-setup.mjs';

const runs = Number(process.argv[2] ?? 9);
const { server, url } = await startServer({ staticRoots: { cdn: path.join(ROOT, 'dist', 'cdn') } });
const browser = await launchBrowser();

/** In the page: every setParameters() keeps the picture at the camera's size. */
function fullSizeOnly() {
  const setParameters = RTCRtpSender.prototype.setParameters;
  RTCRtpSender.prototype.setParameters = function (parameters, ...rest) {
    for (const encoding of parameters.encodings ?? []) encoding.scaleResolutionDownBy = 1;
    return setParameters.call(this, parameters, ...rest);
  };
}

const variants = {
  'fast start (as built)': async () => {},
  'full size from the first picture': (context) => context.addInitScript(fullSizeOnly),
};
const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
try {
  for (let i = 0; i < runs; i++) {
    for (const [name, prepare] of Object.entries(variants)) {
      const result = await oursOnce({ browser, url, prepare });
      results[name].push(result);
      process.stderr.write(`run ${i + 1}/${runs} ${name}: ${result.both.toFixed(0)} ms (${result.sizes})\n`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const fmt = (values) => `${median(values).toFixed(0)} ms`;
for (const [name, list] of Object.entries(results)) {
  const sizes = [...new Set(list.map((r) => r.sizes))].join(', ');
  console.log(`${name.padEnd(34)} both ${fmt(list.map((r) => r.both))}  caller ${fmt(list.map((r) => r.caller))}  callee ${fmt(list.map((r) => r.callee))}  first pictures (caller's / callee's): ${sizes}`);
}
