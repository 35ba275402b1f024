/** Set by .storybook/rtc-broker.ts: the dev server's broker, or null in a static build. */
declare module 'virtual:rtc-preview-broker' {
  export const brokerUrl: string | null;
}
