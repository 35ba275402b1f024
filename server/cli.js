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
  --reserved-ids <json> JSON object of peer id → secret, or @file.json to read one: only an element
                        with that peer-secret may take the id (e.g. the agent console's)
  --no-demo             serve no demo pages (the demo shop, call, chat and agent console pages)
  -v, --version         print the version
  -h, --help            show this help

Env TRUST_PROXY=1 trusts X-Forwarded-Host from the proxy in front (for the same-origin check of the
server's own pages); also a hop count or addresses/subnets ("loopback, 10.0.0.0/8").`;

/** createServer's option names as the command line spells them, for its error messages. */
const FLAG_NAMES = /** @type {Record<string, string>} */ ({ iceServers: '--ice-servers', allowOrigin: '--allow-origin', reservedIds: '--reserved-ids', path: '--path', key: '--key', port: '--port' });

/** A bad command line: printed with a hint and exit code 2. */
export class UsageError extends Error {
  name = 'UsageError';
}

/**
 * Turns argv (without node and script) plus env into createServer options.
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} [env]
 * @returns {{ help: true } | { help: false, version: true } | { help: false, version?: undefined, options: import('./index.d.ts').ServerOptions }}
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
        'reserved-ids': { type: 'string' },
        'no-demo': { type: 'boolean' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { help: true };
  if (values.version) return { help: false, version: true };

  /** @type {import('./index.d.ts').ServerOptions} */
  const options = {};
  // An empty PORT is as good as unset (env files leave them so); an empty --port is a mistake.
  const port = values.port ?? (env.PORT === '' ? undefined : env.PORT);
  if (port !== undefined) {
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
  // createServer normalises it ("peerjs" → "/peerjs") and refuses what is no path.
  if (values.path !== undefined) options.path = values.path;
  if (values['ice-servers'] !== undefined) options.iceServers = readJsonOption('--ice-servers', values['ice-servers']);
  if (values['reserved-ids'] !== undefined) options.reservedIds = readJsonOption('--reserved-ids', values['reserved-ids']);
  if (values['allow-origin'] !== undefined) {
    const raw = values['allow-origin'].trim();
    const list = raw.split(',').map((o) => o.trim()).filter(Boolean);
    if (list.length === 0) throw new UsageError('--allow-origin needs * or a comma-separated list of origins');
    options.allowOrigin = raw === '*' ? '*' : list;
  }
  if (values['no-demo']) options.staticRoots = { demo: false };
  return { help: false, options };
}

/**
 * @param {string} flag
 * @param {string} value JSON text, or @path to a JSON file (keeps secrets out of `ps`)
 * @returns {any} checked by createServer
 */
function readJsonOption(flag, value) {
  let text = value;
  let source = flag;
  if (value.startsWith('@')) {
    const file = path.resolve(value.slice(1));
    source = `${flag} file ${file}`;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${source}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser quotes the text around the mistake, which may be a secret: say where, not what.
    const at = /position (\d+)/.exec(String(error))?.[1];
    throw new UsageError(`${source} is not valid JSON${at ? ` (at character ${at})` : ''}`);
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
  if (parsed.version) {
    log(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
    return undefined;
  }
  let server;
  try {
    server = createServer({ ...parsed.options, log });
  } catch (error) {
    // createServer's TypeErrors (bad ICE servers, origins, path) are input mistakes too: named as typed.
    if (error instanceof TypeError) throw new UsageError(error.message.replace(/^(iceServers|allowOrigin|reservedIds|path|key|port)\b/, (name) => FLAG_NAMES[name] ?? name));
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
