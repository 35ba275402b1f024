// Types for what rtcBroker() gives pages. Reference it once in your app:
//   /// <reference types="rtc-elements/vite-plugin/client" />
/** The dev server's broker URL, or null in a static build (nothing runs a broker there). */
declare module 'virtual:rtc-broker' {
  export const brokerUrl: string | null;
}
