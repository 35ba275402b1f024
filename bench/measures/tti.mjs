// Time to interactive: navigation of a host page carrying the script tag and <rtc-support> until
// its launcher is clickable, beside the same page without the widget (until the host's own button
// is clickable). Also the host page's load event with and without the widget.
// Skipped ("n/a: needs <rtc-support>") when the built script does not define <rtc-support>.
import { notApplicable, pick, repeat, row } from '../lib/report.mjs';

export const id = 'tti';
export const title = 'Time to interactive';

const LAUNCHER = '[part~="launcher"]';

/**
 * Init script: from the start of navigation, checks every frame whether the host's #host-button
 * and the widget's launcher are clickable (rendered, enabled, and the topmost element at their
 * centre), and records performance.now() (ms since navigation start) for each.
 */
function watchInteractive(launcher) {
  const tti = { host: 0, launcher: 0 };
  window.__tti = tti;
  const clickable = (el, root) => {
    if (!el || el.disabled) return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && (hit === el || el.contains(hit));
  };
  const check = () => {
    const now = performance.now();
    if (document.documentElement) {
      if (!tti.host && clickable(document.getElementById('host-button'), document)) tti.host = now;
      const host = document.querySelector('rtc-support');
      const button = host?.shadowRoot?.querySelector(launcher);
      if (!tti.launcher && button && clickable(button, host.shadowRoot)) tti.launcher = now;
    }
    if (!tti.host || !tti.launcher) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

async function once(ctx, page, widget) {
  // A fresh context each time: cold HTTP cache, nothing compiled yet.
  const context = await ctx.browser.newContext();
  try {
    const tab = await context.newPage();
    await tab.addInitScript(watchInteractive, LAUNCHER);
    await tab.goto(`${ctx.server.url}${page}`, { waitUntil: 'load' });
    const done = await tab.waitForFunction((widget) => (window.__tti.host && (!widget || window.__tti.launcher) ? { ...window.__tti } : null), widget, {
      timeout: 20_000,
      polling: 20,
    });
    const tti = await done.jsonValue();
    const load = await tab.evaluate(() => performance.getEntriesByType('navigation')[0]?.loadEventStart ?? Number.NaN);
    return { host: tti.host, launcher: tti.launcher, load };
  } finally {
    await context.close();
  }
}

/** Whether the built script defines <rtc-support> at all. */
async function supported(ctx) {
  const context = await ctx.browser.newContext();
  try {
    const tab = await context.newPage();
    await tab.goto(`${ctx.server.url}tti-widget.html`, { waitUntil: 'load' });
    return await tab
      .waitForFunction(() => !!customElements.get('rtc-support'), null, { timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
  } finally {
    await context.close();
  }
}

export async function run(ctx) {
  if (!(await supported(ctx))) {
    ctx.log('  n/a: needs <rtc-support>');
    return [notApplicable('tti', 'navigation → launcher clickable', 'needs <rtc-support>')];
  }
  const widget = { values: [], errors: [] };
  const plain = { values: [], errors: [] };
  for (let i = 0; i < ctx.runs; i++) {
    for (const [target, page, hasWidget] of [
      [widget, 'tti-widget.html', true],
      [plain, 'tti-plain.html', false],
    ]) {
      const r = await repeat(1, () => once(ctx, page, hasWidget), { label: `tti ${page}`, log: ctx.log });
      target.values.push(...r.values);
      target.errors.push(...r.errors);
    }
    const w = widget.values.at(-1);
    const p = plain.values.at(-1);
    ctx.log(`  tti run ${i + 1}/${ctx.runs}: launcher ${w ? Math.round(w.launcher) : '—'} ms · page without widget ${p ? Math.round(p.host) : '—'} ms`);
  }
  const baselineName = 'same page without the widget';
  return [
    row({
      measure: 'tti',
      figure: 'navigation → launcher clickable (baseline: host button)',
      unit: 'ms',
      ours: pick(widget.values, 'launcher'),
      baseline: pick(plain.values, 'host'),
      baselineName,
      errors: [...widget.errors, ...plain.errors],
      digits: 0,
    }),
    row({
      measure: 'tti',
      figure: "navigation → host's own button clickable",
      unit: 'ms',
      ours: pick(widget.values, 'host'),
      baseline: pick(plain.values, 'host'),
      baselineName,
      digits: 0,
    }),
    row({ measure: 'tti', figure: 'host page load event', unit: 'ms', ours: pick(widget.values, 'load'), baseline: pick(plain.values, 'load'), baselineName, digits: 0 }),
  ];
}
