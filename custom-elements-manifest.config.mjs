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
      // Our elements register through defineElement('tag', Class) (src/define.ts), which the analyzer
      // does not know: say what customElements.define would have said.
      name: 'define-element',
      analyzePhase({ ts, node, moduleDoc }) {
        if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'defineElement') return;
        const [tag, element] = node.arguments;
        if (!tag || !element || !ts.isStringLiteral(tag) || !ts.isIdentifier(element)) return;
        moduleDoc.exports ??= [];
        moduleDoc.exports.push({ kind: 'custom-element-definition', name: tag.text, declaration: { name: element.text, module: moduleDoc.path } });
      },
    },
    {
      // Consumers import what the package ships, the compiled modules in dist/npm, not src/.
      name: 'shipped-paths',
      packageLinkPhase({ customElementsManifest }) {
        const rewrite = (value) => {
          if (Array.isArray(value)) value.forEach(rewrite);
          else if (value && typeof value === 'object') {
            for (const [key, inner] of Object.entries(value)) {
              if ((key === 'path' || key === 'module') && typeof inner === 'string') value[key] = inner.replace(/^\/?src\/(.*)\.[jt]s$/, 'dist/npm/$1.js');
              else rewrite(inner);
            }
          }
        };
        rewrite(customElementsManifest.modules);
      },
    },
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
