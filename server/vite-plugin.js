// A Vite plugin that starts the rtc-elements server (broker + /rtc-config) beside a Vite dev
// server, so any dev page — Storybook's live stories, a demo under development — can place
// real loopback calls. Pages read its URL from the virtual module `virtual:rtc-broker`
// (`export const brokerUrl: string | null`; null in a static build, where nothing runs).
import { createServer } from './index.js';

const VIRTUAL_ID = 'virtual:rtc-broker';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

/**
 * @param {{ port?: number, serverOptions?: import('./index.js').ServerOptions }} [options]
 *   `port` defaults to env RTC_BROKER_PORT, else any free port; it binds to 127.0.0.1.
 * @returns {import('vite').Plugin}
 */
export function rtcBroker(options = {}) {
  /** @type {Promise<string | null>} */
  let brokerUrl = Promise.resolve(null);
  return {
    name: 'rtc-elements:broker',
    configureServer(server) {
      brokerUrl = (async () => {
        const broker = createServer({ port: options.port ?? (Number(process.env.RTC_BROKER_PORT) || 0), log: false, ...options.serverOptions });
        const info = await broker.listen();
        server.config.logger.info(`rtc-elements: broker at ${info.brokerUrl}`);
        // In middleware mode (Storybook) there is no httpServer: the broker ends with the process.
        server.httpServer?.once('close', () => void broker.close());
        return info.brokerUrl;
      })().catch((error) => {
        server.config.logger.error(`rtc-elements: the broker did not start: ${String(error)}`);
        return null;
      });
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    async load(id) {
      if (id !== RESOLVED_ID) return undefined;
      return `export const brokerUrl = ${JSON.stringify(await brokerUrl)};`;
    },
  };
}
