import { defineConfig } from 'vite';
import { rtcBroker } from '../server/vite-plugin.js';

// Storybook's Vite config. Deliberately not the root vite.config.ts, whose rollup inputs and
// outDir are those of the CDN bundle. Lit's decorators come from tsconfig.json
// (experimentalDecorators, useDefineForClassFields: false), which Vite's esbuild step reads.
export default defineConfig({
  plugins: [rtcBroker()],
  build: { target: 'es2022' },
  optimizeDeps: {
    // The web-components renderer imports this one; pre-bundled with the rest of Lit, or the dev
    // server loads a second lit-html ("Multiple versions of Lit loaded").
    include: ['lit/directive-helpers.js'],
  },
});
