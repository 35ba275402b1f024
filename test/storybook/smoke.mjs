// Storybook smoke test: serves storybook-static/ (run `npm run build-storybook` first), opens every
// story and docs page of index.json in a real Chromium, and fails on any console error, uncaught
// exception, Storybook render/play error, request that leaves this machine, or missing file.
// Usage: node test/storybook/smoke.mjs [substring-of-id …]
// STORYBOOK_SCREENSHOTS=<dir> also saves a PNG of every entry there (for a look, not compared).
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromeArgs, findChrome } from '../../scripts/chrome.js';

const root = fileURLToPath(new URL('../../storybook-static/', import.meta.url));
const indexFile = path.join(root, 'index.json');
if (!existsSync(indexFile)) {
  console.error(`No ${path.relative(process.cwd(), indexFile)}: run \`npm run build-storybook\` first.`);
  process.exit(1);
}

/** Per-entry time limit: render, loaders, play function and the lazy chunks they load. */
const ENTRY_TIMEOUT_MS = 30_000;
/** Quiet time after rendering in which late errors (timers, lazy imports) still count. */
const SETTLE_MS = 400;
/** Pages checked at once; two cores. */
const CONCURRENCY = 2;

/** Console errors that are not ours, each with the reason it is safe to ignore. None so far. */
const BENIGN_CONSOLE = [];
/** Files the browser may ask for that a static Storybook does not have (none: see /favicon.ico below). */
const BENIGN_404 = [];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

const missing = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  // Chromium asks every top-level page for /favicon.ico; Storybook ships favicon.svg. Answering
  // keeps a browser-made "Failed to load resource" 404 out of the console errors we fail on.
  const pathname = url.pathname === '/favicon.ico' ? '/favicon.svg' : url.pathname;
  let file = path.normalize(path.join(root, decodeURIComponent(pathname)));
  if (!file.startsWith(root)) {
    res.writeHead(403).end();
    return;
  }
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!existsSync(file)) {
    if (!BENIGN_404.some((re) => re.test(url.pathname))) missing.push(url.pathname);
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'max-age=600' });
  createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const screenshots = process.env.STORYBOOK_SCREENSHOTS ? path.resolve(process.env.STORYBOOK_SCREENSHOTS) : null;
if (screenshots) mkdirSync(screenshots, { recursive: true });

/**
 * Stories opened a second time with the toolbar's dark theme, where no light surface may remain
 * (a surface that ignores the theme's custom properties stays white).
 */
const DARK_CHECKS = [
  'elements-rtc-chat--long-conversation',
  'elements-rtc-chat--error-too-long',
  'elements-rtc-chat--offline-outbox',
  'elements-rtc-support--open',
  'elements-rtc-support--agent-offline',
  'elements-rtc-support--ask-name',
  'elements-rtc-inbox--conversations',
];

/** Stories opened with the toolbar's German, and a text each must then show (in shadow DOM). */
const GERMAN_CHECKS = {
  'elements-rtc-support--open': 'Videoanruf',
  'elements-rtc-call--ringing-video': 'Annehmen',
  'elements-rtc-chat--offline-outbox': 'Nachricht schreiben…',
  'elements-rtc-inbox--conversations': 'Unterhaltungen',
};

const filters = process.argv.slice(2);
const stories = Object.values(JSON.parse(readFileSync(indexFile, 'utf8')).entries);
const entries = [
  ...stories,
  ...stories.filter((e) => DARK_CHECKS.includes(e.id)).map((e) => ({ ...e, dark: true })),
  ...stories.filter((e) => e.id in GERMAN_CHECKS).map((e) => ({ ...e, german: GERMAN_CHECKS[e.id] })),
].filter(
  (e) => filters.length === 0 || filters.some((f) => e.id.includes(f)),
);
if (entries.length === 0) {
  console.error('index.json lists no stories' + (filters.length ? ` matching ${filters.join(', ')}` : ''));
  process.exit(1);
}

/** Runs in every page before Storybook: records what its channel reports about rendering. */
function watchChannel() {
  const smoke = { finished: [], docsRendered: false, errors: [] };
  window.__smoke = smoke;
  const errorEvents = ['storyErrored', 'storyThrewException', 'playFunctionThrewException', 'storyMissing', 'unhandledErrorsWhilePlaying'];
  let channel;
  Object.defineProperty(globalThis, '__STORYBOOK_ADDONS_CHANNEL__', {
    configurable: true,
    get: () => channel,
    set(value) {
      channel = value;
      for (const type of errorEvents) {
        value.on(type, (detail) => smoke.errors.push(`${type}: ${JSON.stringify(detail)?.slice(0, 600)}`));
      }
      value.on('storyFinished', (detail) => {
        smoke.finished.push(detail.storyId);
        if (detail.status === 'error') smoke.errors.push(`storyFinished with status error: ${detail.storyId}`);
      });
      value.on('docsRendered', () => (smoke.docsRendered = true));
    },
  });
}

const browser = await chromium.launch({ executablePath: findChrome(), args: chromeArgs(), headless: true });
const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
await context.addInitScript(watchChannel);

/** In the page: the text of the story, shadow roots and the placeholders of fields included. */
function shadowText() {
  const parts = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) visit(el.shadowRoot);
      if (el.placeholder) parts.push(el.placeholder);
      for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent);
    }
  };
  visit(document.querySelector('#storybook-root') ?? document.body);
  return parts.join(' ');
}

/** In the page: visible elements, in every shadow root of the story, with a near-white background. */
function lightSurfaces() {
  const found = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) visit(el.shadowRoot);
      const box = el.getBoundingClientRect();
      if (box.width * box.height < 400) continue;
      const match = getComputedStyle(el).backgroundColor.match(/rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/);
      if (!match || (match[4] !== undefined && Number(match[4]) < 0.5)) continue;
      const [r, g, b] = match.slice(1, 4).map(Number);
      if (0.2126 * r + 0.7152 * g + 0.0722 * b > 200) {
        const host = el.getRootNode().host?.localName ?? 'document';
        found.push(`${host} > ${el.localName}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (${match[0]})`);
      }
    }
  };
  visit(document.querySelector('#storybook-root') ?? document.body);
  return [...new Set(found)];
}

async function check(entry) {
  const problems = [];
  const page = await context.newPage();
  if (entry.tags?.includes('mobile')) await page.setViewportSize({ width: 390, height: 844 });
  // Stories must render offline: anything not served by this script fails the story.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    problems.push(`request left the machine: ${url}`);
    return route.abort();
  });
  page.on('pageerror', (error) => problems.push(`uncaught ${error.name}: ${error.message}\n${(error.stack ?? '').split('\n').slice(1, 5).join('\n')}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (BENIGN_CONSOLE.some((re) => re.test(text))) return;
    const where = message.location()?.url ? ` (${message.location().url.replace(origin, '')}:${message.location().lineNumber})` : '';
    problems.push(`console.error: ${text}${where}`);
  });
  const missingBefore = missing.length;
  const docs = entry.type === 'docs';
  try {
    const globals = entry.dark ? '&globals=theme:dark' : entry.german ? '&globals=locale:de' : '';
    await page.goto(`${origin}/iframe.html?id=${encodeURIComponent(entry.id)}&viewMode=${docs ? 'docs' : 'story'}${globals}`, { timeout: ENTRY_TIMEOUT_MS });
    await page.waitForFunction(
      ({ id, docs }) => {
        const smoke = window.__smoke;
        if (smoke.errors.length || document.body.classList.contains('sb-show-errordisplay')) return true;
        return docs ? smoke.docsRendered : smoke.finished.includes(id);
      },
      { id: entry.id, docs },
      { timeout: ENTRY_TIMEOUT_MS, polling: 50 },
    );
    // Lazy chunks (the support panel), inline docs iframes and their stories.
    await page.waitForLoadState('networkidle', { timeout: ENTRY_TIMEOUT_MS });
    await page.waitForTimeout(SETTLE_MS);
    const state = await page.evaluate((docs) => {
      const shown = (el) => !!el && el.childElementCount > 0;
      const body = document.body;
      const errorText = body.classList.contains('sb-show-errordisplay') ? (document.querySelector('#error-message')?.textContent ?? '').trim() : '';
      if (docs) {
        const root = document.querySelector('#storybook-docs');
        return {
          errorText,
          rendered: shown(root),
          argRows: root?.querySelectorAll('.docblock-argstable tbody tr').length ?? 0,
          elements: root?.querySelectorAll('rtc-call, rtc-chat, rtc-support, rtc-inbox, iframe').length ?? 0,
        };
      }
      const root = document.querySelector('#storybook-root');
      const elements = [...(root?.querySelectorAll('*') ?? [])].filter((el) => el.tagName.startsWith('RTC-'));
      return {
        errorText,
        rendered: shown(root),
        liveNote: !!root?.querySelector('.rtc-live-unavailable'),
        elements: elements.length,
        emptyShadow: elements.filter((el) => !el.shadowRoot || el.shadowRoot.childElementCount === 0).map((el) => el.localName),
      };
    }, docs);
    if (entry.german && !(await page.evaluate(shadowText)).includes(entry.german)) problems.push(`German toolbar: "${entry.german}" is not shown`);
    if (entry.dark) problems.push(...(await page.evaluate(lightSurfaces)).map((what) => `light surface in the dark theme: ${what}`));
    if (screenshots) await page.screenshot({ path: path.join(screenshots, `${entry.id}${entry.dark ? '-dark' : ''}${entry.german ? '-de' : ''}.png`), fullPage: docs });
    const reported = await page.evaluate(() => window.__smoke.errors);
    problems.push(...reported);
    if (state.errorText) problems.push(`Storybook error display: ${state.errorText.slice(0, 600)}`);
    if (!state.rendered) problems.push(`nothing rendered in #storybook-${docs ? 'docs' : 'root'}`);
    // Every story and every component page shows an element; an MDX page need not, and a live
    // story (tag "live") must say it needs the dev server instead of connecting anywhere.
    const live = entry.tags?.includes('live');
    if (live && !state.liveNote) problems.push('a live story in a static build must show its "needs the dev server" note');
    if (state.elements === 0 && !live && !(docs && entry.importPath?.endsWith('.mdx'))) problems.push('no rtc-* element rendered');
    if (state.emptyShadow?.length) problems.push(`rendered nothing in the shadow root of ${state.emptyShadow.join(', ')}`);
    if (docs && entry.title.startsWith('Elements/') && state.argRows < 5) {
      problems.push(`the docs table has ${state.argRows} rows: is setCustomElementsManifest() wired?`);
    }
  } catch (error) {
    problems.push(String(error?.message ?? error).split('\n')[0]);
    problems.push(...(await page.evaluate(() => window.__smoke?.errors ?? []).catch(() => [])));
  }
  for (const file of missing.slice(missingBefore)) problems.push(`404 ${file}`);
  await page.close();
  return problems;
}

const started = Date.now();
let passed = 0;
let failed = 0;
const queue = [...entries];
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      const t0 = Date.now();
      const problems = await check(entry);
      const label = `${entry.type === 'docs' ? 'docs ' : 'story'} ${entry.id}${entry.dark ? ' (dark)' : ''}${entry.german ? ' (de)' : ''}`;
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      if (problems.length === 0) {
        passed++;
        console.log(`ok    ${label} (${seconds} s)`);
      } else {
        failed++;
        console.log(`FAIL  ${label}\n${problems.map((p) => `      ${p.replace(/\n/g, '\n      ')}`).join('\n')}`);
      }
    }
  }),
);

await browser.close();
server.close();
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
