// Bundle sizes, gzipped (node:zlib, level 9): the script-tag files (dist/cdn) and the npm entry
// (dist/npm), beside bare peerjs.min.js and lit bundled alone. Reads the dist/ copy taken at the
// start of the run. Sizes are deterministic: one "run" each.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PEERJS_UMD, ROOT } from '../lib/browser.mjs';
import { row } from '../lib/report.mjs';
import { gzipFiles as gzFiles, gzipSize as gz, listJs, staticClosure as closure } from '../../scripts/bundle-files.js';

export const id = 'size';
export const title = 'Bundle size';

const KiB = 1024;
/** Bundles `entry` with vite (esbuild-minified ES module, like our own build); returns the output files. */
async function viteBundle(entry, outDir) {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    build: {
      outDir,
      emptyOutDir: true,
      write: true,
      target: 'es2022',
      minify: 'esbuild',
      sourcemap: false,
      modulePreload: false,
      copyPublicDir: false,
      rollupOptions: {
        input: entry,
        preserveEntrySignatures: 'exports-only',
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  });
  return listJs(outDir);
}

export async function run(ctx) {
  const cdn = path.join(ctx.dist, 'cdn');
  const npmEntry = path.join(ctx.dist, 'npm', 'index.js');
  const work = path.join(ROOT, 'node_modules', '.cache', 'rtc-bench', `size-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const litEntry = path.join(work, 'lit-alone.js');
    writeFileSync(litEntry, "export * from 'lit';\n");
    const litFiles = await viteBundle(litEntry, path.join(work, 'out-lit'));
    const npmFiles = await viteBundle(npmEntry, path.join(work, 'out-npm'));

    const peerjs = gz(readFileSync(PEERJS_UMD));
    const lit = gzFiles(litFiles);
    const base = { median: (peerjs + lit) / KiB, min: (peerjs + lit) / KiB, max: (peerjs + lit) / KiB, runs: [(peerjs + lit) / KiB] };
    const baselineName = `peerjs.min.js ${(peerjs / KiB).toFixed(1)} + lit ${(lit / KiB).toFixed(1)} KiB`;

    const entry = path.join(cdn, 'rtc-elements.js');
    const onLoad = closure([entry]);
    const full = path.join(cdn, 'rtc-elements-full.js');
    const forCall = closure([entry, ...(listJs(cdn).includes(full) ? [full] : [])]);
    const allCdn = listJs(cdn);
    const npmOwn = closure([npmEntry]);
    const rel = (files) => files.map((f) => path.relative(ctx.dist, f)).sort();
    // Every figure: the gzipped size of a set of files, beside the same baseline.
    const sizeRow = (figure, files, listed = rel(files)) =>
      row({ measure: 'size', figure, unit: 'KiB gz', ours: [gzFiles(files) / KiB], baseline: base, baselineName, extra: { files: listed }, digits: 1 });
    return [
      sizeRow('script tag, on page load (rtc-elements.js + static imports)', onLoad),
      sizeRow('script tag, everything for a call (+ rtc-elements-full.js)', forCall),
      sizeRow('script tag, all of dist/cdn (every chunk)', allCdn),
      sizeRow('npm entry bundled with lit + peerjs (vite, minified)', npmFiles, npmFiles.length),
      sizeRow('npm entry, own modules only (tsc output, unminified)', npmOwn, npmOwn.length),
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
