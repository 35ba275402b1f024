// Finds a Chrome/Chromium to drive: CHROME_PATH first, then the usual install locations.
// Nothing here downloads a browser; .ci/run installs Debian's chromium when none is found.
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export function findChrome() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error('No Chrome or Chromium found: set CHROME_PATH or install chromium (apt-get install -y chromium).');
  return found;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Flags for real WebRTC between headless pages with fake camera and microphone. */
export function chromeArgs({ fakeUi = true } = {}) {
  return [
    '--use-fake-device-for-media-stream',
    ...(fakeUi ? ['--use-fake-ui-for-media-stream'] : []),
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-gpu',
    '--disable-quic',
    // Background tabs must keep timers and media running during multi-page tests.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    ...(isRoot ? ['--no-sandbox'] : []),
  ];
}
