import type { StorybookConfig } from '@storybook/web-components-vite';

/**
 * Storybook for the rtc-* elements. Every story but Live/* renders offline: fixtures in stories/fixtures.ts
 * build real RtcSession / Call / Chat objects that never connect and hand them to the elements
 * through `provideSession()`. Controls and the docs tables come from custom-elements.json
 * (see preview.ts), not from hand-written argTypes.
 */
const config: StorybookConfig = {
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-docs'],
  framework: {
    name: '@storybook/web-components-vite',
    options: {
      // The root vite.config.ts builds the CDN bundle (fixed inputs, outDir dist/cdn); Storybook
      // gets its own small config instead (with the broker of the live stories, server/vite-plugin.js).
      builder: { viteConfigPath: '.storybook/vite.config.ts' },
    },
  },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // Storybook's own manager/docs chunks are large; that is not ours to split.
  viteFinal: (viteConfig) => ({ ...viteConfig, build: { ...viteConfig.build, chunkSizeWarningLimit: 2048 } }),
};

export default config;
