#!/usr/bin/env node
// rtc-elements-server: the self-hosted broker + /rtc-config + script + demo, from the command line.
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer, DEFAULTS } from './index.js';

export const USAGE = `Usage: rtc-elements-server [options]

Serves the PeerJS broker, /rtc-config, the script at /cdn/ and the demo from one process.

Options:
  --port <n>            port to listen on, 0 for a random free port (env PORT, default ${DEFAULTS.port})
  --host <addr>         address to bind (env HOST, default ${DEFAULTS.host}; 0.0.0.0 for all interfaces)
  --key <key>           PeerServer API key (default ${DEFAULTS.key})
  --path <path>         mount path of the broker (default ${DEFAULTS.path}); /rtc-config is served next to it
  --ice-servers <json>  JSON array of RTCIceServer objects, or @file.json to read one
                        e.g. '[{"urls":"stun:stun.example.com:3478"}]'
  --allow-origin <list> comma-separated origins allowed to use the broker and /rtc-config, or * (default *)
  -h, --help            show this help

Env TRUST_PROXY=1 makes the server trust X-Forwarded-* headers from a reverse proxy.`;

/** A bad command line: printed with a hint and exit code 2. */
export class UsageError extends Error {
  name = 'UsageError';
}

/**
 * Turns argv (without node and script) plus env into createServer options.
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} [env]
 * @returns {{ help: true } | { help: false, options: import('./index.d.ts').ServerOptions }}
 */
export function parseCommandLine(argv, env = process.env) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        key: { type: 'string' },
        path: { type: 'string' },
        'ice-servers': { type: 'string' },
        'allow-origin': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { help: true };

  /** @type {import('./index.d.ts').ServerOptions} */
  const options = {};
  const port = values.port ?? env.PORT;
  if (port !== undefined && port !== '') {
    if (!/^\d+$/.test(port) || Number(port) > 65535) {
      throw new UsageError(`${values.port !== undefined ? '--port' : 'PORT'} must be a whole number from 0 to 65535, got "${port}"`);
    }
    options.port = Number(port);
  }
  const host = values.host ?? env.HOST;
  if (host !== undefined && host !== '') options.host = host;
  if (values.key !== undefined) {
    if (values.key === '') throw new UsageError('--key must not be empty');
    options.key = values.key;
  }
  if (values.path !== undefined) {
    if (!values.path.startsWith('/')) throw new UsageError(`--path must start with "/", got "${values.path}"`);
    options.path = values.path;
  }
  if (values['ice-servers'] !== undefined) options.iceServers = readIceServers(values['ice-servers']);
  if (values['allow-origin'] !== undefined) {
    const raw = values['allow-origin'].trim();
    const list = raw.split(',').map((o) => o.trim()).filter(Boolean);
    if (list.length === 0) throw new UsageError('--allow-origin needs * or a comma-separated list of origins');
    options.allowOrigin = raw === '*' ? '*' : list;
  }
  return { help: false, options };
}

/**
 * @param {string} value JSON text, or @path to a JSON file
 * @returns {import('./index.d.ts').IceServer[]}
 */
function readIceServers(value) {
  let text = value;
  let source = '--ice-servers';
  if (value.startsWith('@')) {
    const file = path.resolve(value.slice(1));
    source = `--ice-servers file ${file}`;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${source}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * Runs the server like the CLI: parses argv/env, listens, and closes on SIGINT/SIGTERM.
 * Resolves with the running server, or undefined after --help; throws UsageError for bad input.
 * @param {string[]} argv
 * @param {{ env?: Record<string, string | undefined>, log?: (line: string) => void, handleSignals?: boolean }} [opts]
 */
export async function main(argv, { env = process.env, log = console.log, handleSignals = true } = {}) {
  const parsed = parseCommandLine(argv, env);
  if (parsed.help) {
    log(USAGE);
    return undefined;
  }
  let server;
  try {
    server = createServer({ ...parsed.options, log });
  } catch (error) {
    // createServer's TypeErrors (bad ICE servers, origins, path) are input mistakes too.
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
  const info = await server.listen();
  if (handleSignals) {
    let stopping = false;
    /** @param {NodeJS.Signals} signal */
    const stop = (signal) => {
      if (stopping) process.exit(1); // a second Ctrl-C means "now"
      stopping = true;
      log(`rtc-elements server: ${signal}, shutting down`);
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }
  return { server, info };
}

/**
 * main() for a process entry point: prints errors and sets the exit code (2 for usage, 1 otherwise).
 * @param {string[]} argv
 */
export async function run(argv) {
  try {
    return await main(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`rtc-elements-server: ${error.message}\nRun rtc-elements-server --help for usage.`);
      process.exitCode = 2;
    } else {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    }
    return undefined;
  }
}

// Run only when executed directly (also through npm's bin symlink), not when imported by start.js.
const invokedPath = process.argv[1] ? safeRealpath(process.argv[1]) : '';
if (invokedPath === fileURLToPath(import.meta.url)) await run(process.argv.slice(2));

/** @param {string} p */
function safeRealpath(p) {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
