// What a page downloads from a bundle directory: the static-import closure of entry files and
// their gzipped sizes. Shared by `npm run size` (the budget) and `npm run bench` (the figures).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Gzipped size of a buffer at level 9. */
export const gzipSize = (buffer) => gzipSync(buffer, { level: 9 }).length;

/** Relative modules `file` imports statically (import … from "./x.js", import "./x.js", export … from). */
function staticImports(file) {
  const text = readFileSync(file, 'utf8');
  const found = new Set();
  const pattern = /(?:^|[;}\s])(?:import|export)\s*(?:[^'"();]*?\sfrom\s*|[^'"();]*?from)?\s*["'](\.{1,2}\/[^"']+)["']/g;
  for (const match of text.matchAll(pattern)) found.add(path.resolve(path.dirname(file), match[1]));
  return [...found];
}

/** `entries` and every module they reach through static relative imports (dynamic import() is not followed). */
export function staticClosure(entries) {
  const seen = new Set();
  const stack = entries.map((entry) => path.resolve(entry));
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const next of staticImports(file)) if (!seen.has(next)) stack.push(next);
  }
  return [...seen];
}

/** Sum of gzipped sizes, each file on its own (as a server sends them). */
export function gzipFiles(files) {
  return files.reduce((sum, file) => sum + gzipSize(readFileSync(file)), 0);
}

/** Every .js/.mjs file below `dir`. */
export function listJs(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listJs(full));
    else if (/\.m?js$/.test(name)) out.push(full);
  }
  return out;
}
