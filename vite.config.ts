import { defineConfig } from 'vite';

// The script-tag bundle: one ES module at dist/cdn/rtc-elements.js that defines every element
// (lazy chunks beside it). Not library mode: that skips whitespace minification for ES output.
// The npm build (dist/npm) is plain `tsc` output so consumers' bundlers see real modules.
export default defineConfig({
  build: {
    outDir: 'dist/cdn',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: 'esbuild',
    modulePreload: false,
    rollupOptions: {
      // The tiny entry a page loads, and everything else as a second entry it imports on demand.
      input: { 'rtc-elements': 'src/cdn.ts', 'rtc-elements-full': 'src/full.ts' },
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
