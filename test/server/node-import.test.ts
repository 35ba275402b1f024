import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const entry = fileURLToPath(new URL('../../dist/npm/index.js', import.meta.url));

// Frameworks that render on the server (Next, Nuxt, SvelteKit) import the package in plain Node,
// which resolves dependencies its own way (PeerJS to its CommonJS build): not through vite as the
// rest of the suite does, so this runs a separate node process.
describe('the npm entry in plain Node', () => {
  it('imports without throwing and exports its API (nothing may need a browser at import time)', async () => {
    expect(existsSync(entry), 'dist/npm is built by `npm run build`').toBe(true);
    const script = `const m = await import(${JSON.stringify(pathToFileURL(entry).href)});
      console.log(JSON.stringify(['registerTranslation', 'RtcSession', 'provideSession', 'RtcCall'].filter((name) => !(name in m))));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual([]);
  });
});
