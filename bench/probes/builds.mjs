// A probe, not part of `npm run bench`: the bench's own <rtc-call> call (answer() → first remote
// frame on both sides) with two or more builds of the script-tag bundle, interleaved run by run so
// that the machine's drift hits every build alike. On these 2-core VMs one build's median moves by
// ±30 ms between batches; a change shows only beside its "before", in the same run.
//   npm run build && cp -r dist/cdn /tmp/cdn-after
//   git stash && npm run build && cp -r dist/cdn /tmp/cdn-before && git stash pop && npm run build
//   node bench/probes/builds.mjs 21 /tmp/cdn-before /tmp/cdn-after
// Prints, per build, the median, quartiles and mean of both sides and each side's own time.
import { launchBrowser, startServer } from '../lib/browser.mjs';
import { median, percentile } from '../lib/stats.mjs';
import { oursOnce } from '../measures/call-setup.mjs';

const [runsArg, ...builds] = process.argv.slice(2);
const runs = Number(runsArg);
if (!Number.isInteger(runs) || runs < 1 || builds.length === 0) {
  console.error('usage: node bench/probes/builds.mjs <runs> <built dist/cdn directory>...');
  process.exit(2);
}
// One server per build, each serving its bundle as /cdn/; one browser for all.
const servers = await Promise.all(builds.map((cdn) => startServer({ staticRoots: { cdn } })));
const browser = await launchBrowser();
const results = builds.map(() => []);
try {
  for (let i = 0; i < runs; i++) {
    for (const [index, build] of builds.entries()) {
      const { url } = servers[index];
      try {
        const result = await oursOnce({ browser, url });
        results[index].push(result);
        process.stderr.write(`run ${i + 1}/${runs} ${build}: ${result.both.toFixed(0)} ms (caller ${result.caller.toFixed(0)}, callee ${result.callee.toFixed(0)})\n`);
      } catch (error) {
        process.stderr.write(`run ${i + 1}/${runs} ${build}: failed: ${error.message}\n`);
      }
    }
  }
} finally {
  await browser.close();
  await Promise.all(servers.map(({ server }) => server.close()));
}
const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
const describe = (values) =>
  `${median(values).toFixed(0)} ms (quartiles ${percentile(values, 25).toFixed(0)}–${percentile(values, 75).toFixed(0)}, mean ${mean(values).toFixed(0)})`;
for (const [index, build] of builds.entries()) {
  const list = results[index];
  if (!list.length) {
    console.log(`${build}: no run succeeded`);
    continue;
  }
  console.log(`${build} (${list.length} runs): both ${describe(list.map((r) => r.both))}; caller ${median(list.map((r) => r.caller)).toFixed(0)} ms; callee ${median(list.map((r) => r.callee)).toFixed(0)} ms`);
}
