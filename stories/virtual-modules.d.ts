/** Set by server/vite-plugin.js: the dev server's broker, or null in a static build. */
declare module 'virtual:rtc-broker' {
  export const brokerUrl: string | null;
}
