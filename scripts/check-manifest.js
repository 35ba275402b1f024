// CI guard: custom-elements.json must match what the analyzer generates from the current source.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// The analyzer resolves --outdir against the working directory, so stay inside the checkout.
const out = join('node_modules', '.cache', 'cem-check');
try {
  execFileSync('npx', ['cem', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--outdir', out], { stdio: 'pipe' });
  const fresh = readFileSync(join(out, 'custom-elements.json'), 'utf8');
  const committed = readFileSync('custom-elements.json', 'utf8');
  if (fresh !== committed) {
    console.error('custom-elements.json is out of date: run `npm run analyze` and commit it.');
    // The first lines that differ, so a CI log shows what changed.
    const [a, b] = [committed.split('\n'), fresh.split('\n')];
    const first = a.findIndex((line, i) => line !== b[i]);
    console.error(`first difference at line ${first + 1}:\n  committed: ${a.slice(first, first + 3).join('\n             ')}\n  generated: ${b.slice(first, first + 3).join('\n             ')}`);
    process.exit(1);
  }
  const manifest = JSON.parse(fresh);
  // Every element module (src/elements/rtc-*/, listed as the dist/npm module it compiles to) must
  // declare its tag; shared base classes have none.
  const tags = manifest.modules
    .filter((m) => /^dist\/npm\/elements\/rtc-[^/]+\//.test(m.path))
    .flatMap((m) => (m.declarations ?? []).filter((d) => d.customElement).map((d) => d.tagName));
  if (tags.some((t) => !t)) {
    console.error('custom-elements.json has an element without a tag name (add @tagname to its JSDoc).');
    process.exit(1);
  }
  // Tools find an element's tag through its definition export (see the define-element plugin).
  const defined = manifest.modules.flatMap((m) => (m.exports ?? []).filter((e) => e.kind === 'custom-element-definition').map((e) => e.name));
  const undefinedTags = tags.filter((t) => !defined.includes(t));
  if (undefinedTags.length) {
    console.error(`custom-elements.json has no custom-element-definition for ${undefinedTags.join(', ')} (is it registered with defineElement()?).`);
    process.exit(1);
  }
  // The manifest format's own JSON schema (from the custom-elements-manifest package).
  const schema = createRequire(import.meta.url)('custom-elements-manifest/schema.json');
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  if (!validate(manifest)) {
    console.error('custom-elements.json does not match the custom-elements-manifest schema:');
    console.error(JSON.stringify(validate.errors, null, 2));
    process.exit(1);
  }
  console.log(`custom-elements.json is current and valid against schema ${manifest.schemaVersion} (${tags.join(', ')}).`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
