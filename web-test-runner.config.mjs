// Browser tests: real Chromium (Debian's, found like everywhere else), fake camera and
// microphone, and our real server (PeerServer broker) started here for the whole run.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { chromeArgs, findChrome } from './scripts/chrome.js';
import { createServer } from './server/index.js';

const broker = createServer({ port: 0, log: false });
const { brokerUrl } = await broker.listen();

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 30_000 } },
  browsers: [chromeLauncher({ launchOptions: { executablePath: findChrome(), args: chromeArgs(), headless: true } })],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' }),
    { name: 'stop-broker', serverStop: () => broker.close() },
  ],
  testRunnerHtml: (testFramework) => `<html><head><meta charset="utf-8"></head><body>
    <script>window.__BROKER__ = ${JSON.stringify(brokerUrl)};</script>
    <script type="module" src="${testFramework}"></script>
  </body></html>`,
};
