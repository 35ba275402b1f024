#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --only=size,call,file,chat,hygiene,broker,tti] [-- --update-docs]`
//
// Measures rtc-elements beside a baseline measured in the same run (bare PeerJS, raw WebRTC,
// the stock PeerServer, lit/peerjs alone) and reports each figure as the median of its runs with
// min and max, plus the ratio ours/baseline. Prints a table on stdout (progress goes to stderr)
// and writes bench/results/latest.json. Benchmarks never fail: a measure that breaks is reported
// in the table and the JSON; the exit code is non-zero only when the bench cannot be set up
// (no browser, build failure, server will not start).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChrome } from '../scripts/chrome.js';
import { launchBrowser, ROOT, startServer } from './lib/browser.mjs';
import { markdownTable, textTable } from './lib/report.mjs';
import * as size from './measures/size.mjs';
import * as call from './measures/call-setup.mjs';
import * as file from './measures/file-throughput.mjs';
import * as chat from './measures/chat-latency.mjs';
import * as hygiene from './measures/hygiene.mjs';
import * as broker from './measures/broker.mjs';
import * as tti from './measures/tti.mjs';

const MEASURES = [size, call, file, chat, hygiene, broker, tti];
const BROWSER_MEASURES = new Set(['call', 'file', 'chat', 'hygiene', 'tti']);
const DOCS = path.join(ROOT, 'docs', 'performance.md');
const RESULTS = path.join(ROOT, 'bench', 'results');

function parseArgs(argv) {
  const args = { quick: false, only: null, runs: null, updateDocs: false };
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else if (arg === '--update-docs') args.updateDocs = true;
    else if (arg.startsWith('--only=')) args.only = new Set(arg.slice(7).split(',').filter(Boolean));
    else if (arg.startsWith('--runs=')) args.runs = Number(arg.slice(7));
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: npm run bench [-- --quick] [--only=size,call,file,chat,hygiene,broker,tti] [--runs=N] [--update-docs]');
      process.exit(0);
    } else throw new SetupError(`unknown argument ${arg} (try --help)`);
  }
  if (args.only) {
    for (const id of args.only) if (!MEASURES.some((m) => m.id === id)) throw new SetupError(`unknown measure "${id}"`);
  }
  if (args.runs !== null && !(Number.isInteger(args.runs) && args.runs >= 1)) throw new SetupError('--runs must be a positive integer');
  return args;
}

class SetupError extends Error {}

/** 1/5/15-minute load averages when the run started: other work on the machine skews every figure. */
const LOAD_AT_START = os.loadavg().map((v) => Math.round(v * 100) / 100);

const log = (line) => process.stderr.write(`${line}\n`);

/** Builds dist/ only when it is missing: other work may be using the current build. */
function ensureBuilt() {
  const steps = [
    [path.join(ROOT, 'dist', 'npm', 'index.js'), ['tsc', '-p', 'tsconfig.build.json']],
    [path.join(ROOT, 'dist', 'cdn', 'rtc-elements.js'), ['vite', 'build', '--logLevel', 'warn']],
  ];
  for (const [output, command] of steps) {
    if (existsSync(output)) continue;
    log(`bench: ${path.relative(ROOT, output)} is missing; running npx ${command.join(' ')}`);
    const result = spawnSync('npx', ['--no-install', ...command], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0 || !existsSync(output)) throw new SetupError(`build failed: npx ${command.join(' ')}`);
  }
}

/**
 * Copies dist/ aside for the run, so a rebuild started meanwhile (`npm test` builds first) cannot
 * swap files under the pages or the size measure. Retries while a build seems to be mid-way.
 */
async function snapshotDist() {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'rtc-bench', `dist-${process.pid}`);
  for (let attempt = 0; attempt < 10; attempt++) {
    rmSync(dir, { recursive: true, force: true });
    try {
      cpSync(path.join(ROOT, 'dist', 'cdn'), path.join(dir, 'cdn'), { recursive: true });
      cpSync(path.join(ROOT, 'dist', 'npm'), path.join(dir, 'npm'), { recursive: true });
      if (existsSync(path.join(dir, 'cdn', 'rtc-elements.js')) && existsSync(path.join(dir, 'npm', 'index.js'))) return dir;
    } catch {
      // A build was deleting files while we copied; try again.
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  rmSync(dir, { recursive: true, force: true });
  throw new SetupError('could not copy dist/ (a build kept changing it)');
}

function chromiumVersion(browser) {
  if (browser) return browser.version();
  try {
    const text = execFileSync(findChrome(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /\d+\.\d+\.\d+\.\d+/.exec(text)?.[0] ?? text.trim();
  } catch {
    return 'unknown';
  }
}

function environment(browserVersion) {
  const cpus = os.cpus();
  return {
    chromium: browserVersion,
    chromiumPath: (() => {
      try {
        return findChrome();
      } catch {
        return null;
      }
    })(),
    node: process.version,
    cpuCount: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    totalMemoryMB: Math.round(os.totalmem() / 1048576),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    exposeGc: typeof globalThis.gc === 'function',
    loadAverage: { start: LOAD_AT_START, end: os.loadavg().map((v) => Math.round(v * 100) / 100) },
  };
}

function updateDocs(results) {
  if (!existsSync(DOCS)) {
    log(`bench: ${path.relative(ROOT, DOCS)} not found; not updated`);
    return;
  }
  const start = '<!-- bench:table:start -->';
  const end = '<!-- bench:table:end -->';
  const text = readFileSync(DOCS, 'utf8');
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    log(`bench: no ${start} … ${end} markers in docs/performance.md; not updated`);
    return;
  }
  const env = results.environment;
  const block = [
    start,
    '',
    `Measured ${results.date.slice(0, 10)} (${results.quick ? '`--quick`, one run each' : 'default run'}) on ${env.cpuCount} × ${env.cpuModel}, ` +
      `${Math.round(env.totalMemoryMB / 1024)} GB RAM, ${env.platform}; Chromium ${env.chromium}; Node ${env.node}. ` +
      `Total bench time ${Math.round(results.durationSeconds)} s; load average (1 min) ${env.loadAverage.start[0]} at the start, ${env.loadAverage.end[0]} at the end.`,
    '',
    markdownTable(results.rows),
    '',
    end,
  ].join('\n');
  writeFileSync(DOCS, text.slice(0, i) + block + text.slice(j + end.length));
  log(`bench: updated the table in ${path.relative(ROOT, DOCS)}`);
}

async function main() {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const runs = args.runs ?? (args.quick ? 1 : 5);
  const selected = MEASURES.filter((m) => !args.only || args.only.has(m.id));
  ensureBuilt();
  const dist = await snapshotDist();

  let server;
  let browser;
  const rows = [];
  try {
    try {
      server = await startServer({ staticRoots: { cdn: path.join(dist, 'cdn') } });
    } catch (error) {
      throw new SetupError(`server: ${error.message}`);
    }
    if (selected.some((m) => BROWSER_MEASURES.has(m.id))) {
      try {
        browser = await launchBrowser();
      } catch (error) {
        throw new SetupError(`browser: ${error.message.split('\n')[0]}`);
      }
    }
    log(`bench: ${args.quick ? 'quick, ' : ''}${runs} run(s) per figure; measures: ${selected.map((m) => m.id).join(', ')}`);
    for (const measure of selected) {
      const t = Date.now();
      log(`bench: ${measure.title}…`);
      try {
        rows.push(...(await measure.run({ quick: args.quick, runs, browser, server, log, dist })));
      } catch (error) {
        if (error instanceof SetupError) throw error;
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        log(`bench: ${measure.title} broke: ${error?.stack ?? message}`);
        rows.push({ measure: measure.id, figure: measure.title, unit: '', better: 'lower', ours: null, baseline: null, baselineName: null, ratio: null, na: `error: ${message}`, errors: [message] });
      }
      log(`bench: ${measure.title} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const results = {
      date: new Date(started).toISOString(),
      quick: args.quick,
      runsPerFigure: runs,
      measures: selected.map((m) => m.id),
      durationSeconds: (Date.now() - started) / 1000,
      environment: environment(chromiumVersion(browser)),
      rows,
    };
    mkdirSync(RESULTS, { recursive: true });
    const json = `${JSON.stringify(results, null, 2)}\n`;
    writeFileSync(path.join(RESULTS, 'latest.json'), json);
    // A dated copy too, so earlier runs can be compared (bench/results/*.json is gitignored).
    writeFileSync(path.join(RESULTS, `${results.date.replace(/[:.]/g, '-')}${args.quick ? '-quick' : ''}.json`), json);
    const env = results.environment;
    console.log(
      `rtc-elements bench · ${results.date} · ${env.cpuCount} × ${env.cpuModel} · Chromium ${env.chromium} · load ${env.loadAverage.start[0]}→${env.loadAverage.end[0]} · Node ${env.node} · ${args.quick ? 'quick (1 run)' : `${runs} runs`} · ${Math.round(results.durationSeconds)} s\n`,
    );
    console.log(textTable(rows));
    console.log(`\nwritten: ${path.relative(process.cwd(), path.join(RESULTS, 'latest.json'))}`);
    if (args.updateDocs) updateDocs(results);
  } finally {
    await browser?.close().catch(() => {});
    await server?.server.close().catch(() => {});
    rmSync(dist, { recursive: true, force: true });
    try {
      rmdirSync(path.dirname(dist));
    } catch {
      // Another run's files are still there.
    }
  }
}

main().then(
  () => {
    // Everything is closed; if some handle still holds the process, say so instead of hanging.
    setTimeout(() => {
      log('bench: something is still open after the run; exiting anyway');
      process.exit(0);
    }, 10_000).unref();
  },
  (error) => {
    log(`bench: setup failed: ${error instanceof SetupError ? error.message : (error?.stack ?? error)}`);
    process.exit(1);
  },
);
