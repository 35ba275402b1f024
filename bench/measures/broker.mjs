// Broker capacity: our server (createServer) vs the stock `peer` PeerServer, under N simultaneous
// PeerJS-protocol WebSocket clients: connect time until every client has OPEN, relay latency
// p99 for OFFER/ANSWER/CANDIDATE-shaped messages between random pairs, and server memory per client.
//
// The broker runs in this process (main thread); the clients run in a worker thread, so the
// main isolate's heapUsed is the server's own. Memory is read with process.memoryUsage() after
// global.gc() when Node runs with --expose-gc (npm run bench does); RSS is the whole process
// (server and clients), so it is an upper bound.
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import { startServer } from '../lib/browser.mjs';
import { pick, repeat, row } from '../lib/report.mjs';
import { percentile } from '../lib/stats.mjs';

export const id = 'broker';
export const title = 'Broker capacity';

const RELAY_MESSAGES = 3_000;
const RELAY_BATCH = 100;

/**
 * The stock PeerServer from `peer`, mounted the same way (/peerjs) on a plain http server.
 * peer@1.0.2 starts two self-rearming timers per broker that nothing stops; they are created with
 * a patched setTimeout so they are unref'd and stop at close() (the same trick server/index.js uses).
 */
async function startStockPeer() {
  let stopped = false;
  const realSetTimeout = globalThis.setTimeout;
  const tracked = (cb, ms, ...rest) =>
    realSetTimeout(() => {
      if (!stopped) scoped(() => cb(...rest));
    }, ms).unref();
  const scoped = (fn) => {
    const previous = globalThis.setTimeout;
    globalThis.setTimeout = tracked;
    try {
      fn();
    } finally {
      globalThis.setTimeout = previous;
    }
  };
  const app = express();
  const httpServer = http.createServer(app);
  const sockets = new Set();
  httpServer.on('upgrade', (_req, socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  scoped(() => app.use('/peerjs', ExpressPeerServer(httpServer, { path: '/', key: 'peerjs', concurrent_limit: 5000 })));
  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', resolve);
  });
  const { port } = httpServer.address();
  return {
    wsUrl: `ws://127.0.0.1:${port}/peerjs/peerjs`,
    close: () =>
      new Promise((resolve) => {
        stopped = true;
        for (const socket of sockets) socket.destroy();
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      }),
  };
}

async function startOurs() {
  const server = await startServer();
  return { wsUrl: `ws://127.0.0.1:${server.port}/peerjs/peerjs`, close: () => server.server.close(), clientCount: () => server.server.clientCount };
}

/** Memory after the event loop settled (sockets of an earlier run finish closing) and full GCs. */
async function memory() {
  await new Promise((resolve) => setTimeout(resolve, 250));
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external };
}

function workerCall(worker, cmd, args) {
  return new Promise((resolve, reject) => {
    worker.once('message', (reply) => (reply.ok ? resolve(reply.result) : reject(new Error(reply.error))));
    worker.postMessage({ cmd, args });
  });
}

async function once(worker, start, n, tag) {
  const broker = await start();
  try {
    const before = await memory();
    const connected = await workerCall(worker, 'connect', { url: broker.wsUrl, n, prefix: `${tag}${Date.now().toString(36)}`, timeoutMs: 60_000 });
    if (connected.open < n) throw new Error(`only ${connected.open} of ${n} clients got OPEN (${connected.failed} failed)`);
    const after = await memory();
    const relayed = await workerCall(worker, 'relay', { count: RELAY_MESSAGES, batch: RELAY_BATCH, roundTimeoutMs: 10_000 });
    return {
      connectMs: connected.ms,
      p50: percentile(relayed.latencies, 50),
      p99: percentile(relayed.latencies, 99),
      lost: relayed.lost,
      heapPerClientKB: (after.heapUsed - before.heapUsed) / n / 1024,
      rssPerClientKB: (after.rss - before.rss) / n / 1024,
    };
  } finally {
    await workerCall(worker, 'close', { timeoutMs: 10_000 }).catch(() => {});
    await broker.close();
  }
}

export async function run(ctx) {
  const { runs, log } = ctx;
  const sizes = ctx.quick ? [200] : [500, 1000, 2000];
  const worker = new Worker(new URL('../lib/broker-clients.mjs', import.meta.url));
  const rows = [];
  try {
    for (const n of sizes) {
      const ours = { values: [], errors: [] };
      const stock = { values: [], errors: [] };
      for (let i = 0; i < runs; i++) {
        for (const [target, start, tag] of [
          [ours, startOurs, 'o'],
          [stock, startStockPeer, 's'],
        ]) {
          const r = await repeat(1, () => once(worker, start, n, tag), { label: `broker N=${n} ${tag === 'o' ? 'ours' : 'stock peer'}`, log });
          target.values.push(...r.values);
          target.errors.push(...r.errors);
        }
        const f = (v) => (v ? `connect ${Math.round(v.connectMs)} ms, relay p99 ${v.p99.toFixed(1)} ms, ${v.heapPerClientKB.toFixed(1)} KiB heap/client` : 'failed');
        log(`  broker N=${n} run ${i + 1}/${runs}: ours ${f(ours.values.at(-1))} · stock ${f(stock.values.at(-1))}`);
      }
      const baselineName = 'stock peer@1.0.2 PeerServer';
      const N = n.toLocaleString('en-US');
      const lost = [...pick(ours.values, 'lost'), ...pick(stock.values, 'lost')].filter((v) => v > 0);
      rows.push(
        row({ measure: 'broker', figure: `N=${N}: connect until all OPEN`, unit: 'ms', ours: pick(ours.values, 'connectMs'), baseline: pick(stock.values, 'connectMs'), baselineName, errors: [...ours.errors, ...stock.errors], digits: 0 }),
        row({
          measure: 'broker',
          figure: `N=${N}: relay latency p99`,
          unit: 'ms',
          ours: pick(ours.values, 'p99'),
          baseline: pick(stock.values, 'p99'),
          baselineName,
          note: lost.length ? `messages not relayed in some runs: ${lost.join(', ')}` : undefined,
          extra: { p50: { ours: pick(ours.values, 'p50'), baseline: pick(stock.values, 'p50') }, lost: { ours: pick(ours.values, 'lost'), baseline: pick(stock.values, 'lost') } },
        }),
        row({
          measure: 'broker',
          figure: `N=${N}: server heap per client${typeof globalThis.gc === 'function' ? ', after GC' : ' (no --expose-gc)'}`,
          unit: 'KiB',
          ours: pick(ours.values, 'heapPerClientKB'),
          baseline: pick(stock.values, 'heapPerClientKB'),
          baselineName,
          extra: { rssPerClientKB: { ours: pick(ours.values, 'rssPerClientKB'), baseline: pick(stock.values, 'rssPerClientKB') } },
          digits: 1,
        }),
      );
    }
  } finally {
    await worker.terminate();
  }
  return rows;
}
