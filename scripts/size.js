// `npm run size`: gzipped size of every script-tag file, and the budget for what a host page
// downloads before the support launcher is visible (the entry plus its static imports).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const CDN = 'dist/cdn';
const ENTRY = join(CDN, 'rtc-elements.js');
const INITIAL_BUDGET = 12 * 1024;

if (!existsSync(ENTRY)) {
  console.error(`${ENTRY} is missing: run npm run build first.`);
  process.exit(2);
}

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/** The entry and every module it imports statically (dynamic import() is not followed). */
export function initialFiles(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.[^"']+)["']/g)) {
      visit(join(dirname(file), match[1]));
    }
  };
  visit(entry);
  return [...seen];
}

const files = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.js')) files.push(path);
  }
};
walk(CDN);

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
console.log('file                                              gzip');
for (const file of files.sort()) console.log(`${relative(CDN, file).padEnd(48)}  ${kb(gz(file)).padStart(9)}`);
const initial = initialFiles(ENTRY);
const initialBytes = initial.reduce((sum, file) => sum + gz(file), 0);
console.log(`\ninitial load (${initial.map((f) => relative(CDN, f)).join(' + ')}): ${kb(initialBytes)} of ${kb(INITIAL_BUDGET)} budget`);
if (initialBytes > INITIAL_BUDGET) {
  console.error(`Over budget by ${kb(initialBytes - INITIAL_BUDGET)}: the launcher must load before anything heavy.`);
  process.exit(1);
}
