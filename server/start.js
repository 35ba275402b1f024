// `npm start`: rebuild the script bundle if src/ changed since the last build, then run the server like the CLI.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = path.join(root, 'dist', 'cdn', 'rtc-elements.js');
const srcDir = path.join(root, 'src');

/**
 * Newest mtime of any file under `dir` (0 when it does not exist).
 * @param {string} dir
 * @returns {number}
 */
export function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.isFile()) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** @returns {string | null} why a build is needed, or null when dist is fresh */
export function buildReason() {
  if (!existsSync(bundle)) return `${path.relative(root, bundle)} is missing`;
  // An installed package ships dist/ without src/: nothing to rebuild from.
  if (!existsSync(srcDir)) return null;
  return newestMtime(srcDir) > statSync(bundle).mtimeMs ? 'src/ changed since the last build' : null;
}

/** @returns {Promise<void>} */
function build() {
  return new Promise((resolve, reject) => {
    // npm is npm.cmd on Windows, which spawn only finds through a shell.
    const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('error', (error) => reject(new Error(`could not run "npm run build": ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`"npm run build" failed (${signal ? `signal ${signal}` : `exit code ${code}`}); fix the errors above and run npm start again`));
    });
  });
}

const reason = buildReason();
if (reason) {
  console.log(`rtc-elements: building first (${reason})…`);
  try {
    await build();
  } catch (error) {
    console.error(`rtc-elements: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (!existsSync(bundle)) {
    console.error(`rtc-elements: the build finished but ${path.relative(root, bundle)} was not produced`);
    process.exit(1);
  }
}

// Same entry as the CLI: PORT/HOST env (default 8080 / 127.0.0.1), extra flags via `npm start -- --port 9000`.
await run(process.argv.slice(2));
