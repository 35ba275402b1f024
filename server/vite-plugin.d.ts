import type { Plugin } from 'vite';
import type { ServerOptions } from './index.js';

/** Starts the rtc-elements server beside a Vite dev server; pages import `brokerUrl` from `virtual:rtc-broker`. */
export function rtcBroker(options?: { port?: number; serverOptions?: ServerOptions }): Plugin;
