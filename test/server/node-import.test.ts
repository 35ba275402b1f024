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

  it('resolves every subpath the package exports (one element, or the translations alone), as an app would', async () => {
    // Inside the package, Node resolves its own name through package.json "exports".
    const subpaths = { 'rtc-elements/rtc-call': 'RtcCall', 'rtc-elements/rtc-chat': 'RtcChat', 'rtc-elements/rtc-inbox': 'RtcInbox', 'rtc-elements/rtc-support': 'RtcSupport', 'rtc-elements/i18n': 'registerTranslation' };
    const script = `const missing = [];
      for (const [path, name] of Object.entries(${JSON.stringify(subpaths)})) if (!(name in (await import(path)))) missing.push(path);
      console.log(JSON.stringify(missing));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000, cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(JSON.parse(stdout)).toEqual([]);
  });
});
