// Hand-written types for server/index.js (the "rtc-elements/server" export).
import type { Server } from 'node:http';
import type { Express } from 'express';

/** An RTCIceServer, declared here so Node-only projects need no DOM lib. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface ServerOptions {
  /** Port to listen on; 0 picks a random free port. Default 8080. */
  port?: number;
  /** Address to bind. Default '127.0.0.1' (this machine only); '0.0.0.0' for all interfaces. */
  host?: string;
  /** PeerServer API key clients must send. Default 'peerjs'. */
  key?: string;
  /** Mount path of the broker. Default '/peerjs'; /rtc-config is also served as its sibling (e.g. '/support/peerjs' → '/support/rtc-config'). */
  path?: string;
  /** ICE servers handed out at /rtc-config; each `urls` must start with stun:, stuns:, turn: or turns:. Default []. */
  iceServers?: IceServer[];
  /** Origins allowed to use /rtc-config and the broker (CORS and WebSocket Origin check), or '*'. Default '*'. Same-origin pages are always allowed. */
  allowOrigin?: '*' | string[];
  /**
   * Peer ids only a client that knows the id's secret may take (an agent console's, which is public in
   * the site's HTML): `{ "acme-help": "<16–128 letters, digits, - or _>" }`. The element proves it with
   * `peer-secret`; anyone else is told the id is taken. Default: none reserved.
   */
  reservedIds?: Record<string, string>;
  /** Maximum connected broker clients. Default 5000. */
  concurrentLimit?: number;
  /** ms without a heartbeat before a client is dropped. Default 150000 (background tabs ping only once a minute). */
  aliveTimeout?: number;
  /** ms a message to an unknown peer waits before the sender gets EXPIRE ("peer unavailable"). Default 3000. */
  expireTimeout?: number;
  /** ms between sweeps of undelivered messages. Default 1000. */
  cleanupOutMsgs?: number;
  /** Trust X-Forwarded-* from a reverse proxy (Express "trust proxy" value). Default: env TRUST_PROXY, else false. */
  proxied?: boolean | number | string;
  /** Directories served at /cdn/ and /. Default { cdn: <package>/dist/cdn, demo: <package>/demo }; demo: false serves no demo pages. */
  staticRoots?: { cdn?: string; demo?: string | false };
  /** Receives one line per start, plus broker errors. Default console.log; false silences it. */
  log?: ((line: string) => void) | false;
}

export interface ListenInfo {
  /** e.g. 'http://localhost:8080/' */
  url: string;
  /** The broker as an http URL, e.g. 'http://localhost:8080/peerjs' (what `server=` attributes take). */
  brokerUrl: string;
  /** The same broker as a ws URL, e.g. 'ws://localhost:8080/peerjs'; PeerJS sockets go to `${wsUrl}/peerjs?key=…`. */
  wsUrl: string;
  /** The port actually bound (useful with port 0). */
  port: number;
}

export interface RtcServer {
  readonly app: Express;
  readonly httpServer: Server;
  /** Starts listening and logs one line; rejects with a message naming the port on EADDRINUSE. */
  listen(): Promise<ListenInfo>;
  /** Closes every broker WebSocket with 1001 "going away" (cut after 1 s if a client does not answer) and the HTTP server; resolves even with clients connected. */
  close(): Promise<void>;
  /** Broker clients currently connected. */
  readonly clientCount: number;
}

export interface ServerDefaults {
  readonly port: number;
  readonly host: string;
  readonly key: string;
  readonly path: string;
  readonly iceServers: readonly IceServer[];
  readonly allowOrigin: '*';
  readonly concurrentLimit: number;
  readonly aliveTimeout: number;
  readonly expireTimeout: number;
  readonly cleanupOutMsgs: number;
  readonly staticRoots: { readonly cdn: string; readonly demo: string };
}

export const DEFAULTS: ServerDefaults;

/** Builds the server without listening; throws TypeError for invalid options. */
export function createServer(options?: ServerOptions): RtcServer;
