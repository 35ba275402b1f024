// Optional check of the live story (not part of test:storybook, which needs no server): starts
// `storybook dev` on a free port (which starts the broker of server/vite-plugin.js), places a
// real call and sends a chat message between the two peers of "Live/Two peers" in Chromium with
// fake devices, then stops the dev server. About a minute on two cores.
// Usage: node test/storybook/live.mjs
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromeArgs, findChrome } from '../../scripts/chrome.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const storybookBin = fileURLToPath(new URL('../../node_modules/storybook/dist/bin/dispatcher.js', import.meta.url));

const port = await new Promise((resolve, reject) => {
  const probe = net.createServer();
  probe.once('error', reject);
  probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});

// Its own process group, so stopping it also stops what it spawned.
const dev = spawn(process.execPath, [storybookBin, 'dev', '-p', String(port), '--host', '127.0.0.1', '--ci', '--no-open'], {
  cwd: root,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
dev.stdout.on('data', (chunk) => (output += chunk));
dev.stderr.on('data', (chunk) => (output += chunk));
const stopDev = () => {
  try {
    process.kill(-dev.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};

const origin = `http://127.0.0.1:${port}`;
let browser;
let failure = null;
try {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (dev.exitCode !== null) throw new Error(`storybook dev exited (${dev.exitCode})`);
    const ok = await fetch(`${origin}/index.json`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error('storybook dev did not start within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  browser = await chromium.launch({ executablePath: findChrome(), args: chromeArgs(), headless: true });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`uncaught ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // The dev server has no /favicon.ico, which Chromium asks for by itself: not ours.
    if (message.location()?.url?.endsWith('/favicon.ico')) return;
    errors.push(`${message.text()} (${message.location()?.url ?? ''})`);
  });
  await page.goto(`${origin}/iframe.html?id=live-two-peers--loopback-call&viewMode=story`);
  const calls = page.locator('rtc-call');
  const states = () => page.evaluate(() => [...document.querySelectorAll('rtc-call')].map((c) => c.getAttribute('state')));
  const waitStates = (wanted, timeout = 30_000) =>
    page.waitForFunction((wanted) => [...document.querySelectorAll('rtc-call')].map((c) => c.getAttribute('state')).join() === wanted.join(), wanted, { timeout });
  await waitStates(['idle', 'idle'], 60_000);
  await calls.nth(0).locator('[part~="call-button"]').click();
  await waitStates(['calling', 'ringing']);
  await calls.nth(1).locator('[part~="answer-button"]').click();
  await waitStates(['connected', 'connected']);
  const chats = page.locator('rtc-chat');
  await chats.nth(0).locator('textarea').fill('hello from Ada');
  await chats.nth(0).locator('textarea').press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('rtc-chat')[1].messages.some((m) => m.text === 'hello from Ada'), null, { timeout: 15_000 });
  await calls.nth(1).locator('[part~="hangup-button"]').click();
  await waitStates(['idle', 'idle']);
  console.log(`call and chat through the dev server's broker: ok (${(await states()).join(', ')})`);
  if (errors.length) throw new Error(`errors in the page:\n  ${errors.join('\n  ')}`);
} catch (error) {
  failure = error;
} finally {
  await browser?.close();
  stopDev();
}
if (failure) {
  console.error(`live story check failed: ${failure.message}`);
  console.error(output.split('\n').slice(-20).join('\n'));
  process.exit(1);
}
console.log('1 passed, 0 failed');
