import type { Plugin } from 'vite';

/**
 * Live stories: the Storybook dev server starts the project's own PeerServer (server/index.js,
 * the same one `npm start` and the demo use) on a port of its own, and tells the stories its URL
 * through the virtual module `virtual:rtc-preview-broker`. A static build has no server, so there
 * `brokerUrl` is null and the live stories say so instead of connecting anywhere.
 *
 * RTC_BROKER_PORT picks the port (default: any free one); it binds to 127.0.0.1 like `npm start`.
 */
const VIRTUAL_ID = 'virtual:rtc-preview-broker';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

export function rtcPreviewBroker(): Plugin {
  let brokerUrl: Promise<string | null> = Promise.resolve(null);
  return {
    name: 'rtc-elements:preview-broker',
    configureServer(server) {
      brokerUrl = (async () => {
        const { createServer } = await import('../server/index.js');
        const broker = createServer({ port: Number(process.env.RTC_BROKER_PORT) || 0, log: false });
        const info = await broker.listen();
        server.config.logger.info(`rtc-elements: broker for the live stories at ${info.brokerUrl}`);
        // Storybook runs Vite in middleware mode (no httpServer): the broker then ends with the process.
        server.httpServer?.once('close', () => void broker.close());
        return info.brokerUrl;
      })().catch((error: unknown) => {
        server.config.logger.error(`rtc-elements: the broker for the live stories did not start: ${String(error)}`);
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
