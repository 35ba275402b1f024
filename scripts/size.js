// `npm run size`: gzipped size of every script-tag file, and the budget for what a host page
// downloads before the support launcher is visible (the entry plus its static imports).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipFiles, gzipSize, listJs, staticClosure } from './bundle-files.js';

const CDN = 'dist/cdn';
const ENTRY = join(CDN, 'rtc-elements.js');
const INITIAL_BUDGET = 12 * 1024;

if (!existsSync(ENTRY)) {
  console.error(`${ENTRY} is missing: run npm run build first.`);
  process.exit(2);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const cdnRoot = join(process.cwd(), CDN);
console.log('file                                              gzip');
for (const file of listJs(CDN).sort()) console.log(`${relative(CDN, file).padEnd(48)}  ${kb(gzipSize(readFileSync(file))).padStart(9)}`);
const initial = staticClosure([ENTRY]);
const initialBytes = gzipFiles(initial);
console.log(`\ninitial load (${initial.map((f) => relative(cdnRoot, f)).join(' + ')}): ${kb(initialBytes)} of ${kb(INITIAL_BUDGET)} budget`);
if (initialBytes > INITIAL_BUDGET) {
  console.error(`Over budget by ${kb(initialBytes - INITIAL_BUDGET)}: the launcher must load before anything heavy.`);
  process.exit(1);
}
