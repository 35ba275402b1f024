// Generates custom-elements.json from the elements' JSDoc (npm run analyze); CI checks it is current.
export default {
  globs: ['src/elements/**/*.ts', 'src/events.ts'],
  exclude: ['src/**/*.styles.ts', 'src/elements/icons.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  // package.json names custom-elements.json itself; letting the analyzer write it would point it at
  // the check's temporary output (scripts/check-manifest.js) while the suite runs.
  packagejson: false,
  plugins: [
    {
      // The analyzer lists modules in the order the file system returns them, which differs between
      // checkouts (a fresh clone failed the manifest check on order alone); sorted, it is the same
      // everywhere.
      name: 'sort-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
    },
  ],
};
