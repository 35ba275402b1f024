// The script-tag bundle at /cdn/: compressed, and cached as long as each file's name allows.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import express from 'express';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** A build has a handful of files; this bounds what releases (and case-insensitive spellings) can add. */
const MAX_CACHED_FILES = 200;

/** Vite names lazy chunks `chunks/<name>-<hash>.js`: a new build never reuses a name for new bytes. */
const HASHED = /(?:^|\/)chunks\/[^/]+-[A-Za-z0-9_-]{8}\.m?js(?:\.map)?$/;

const TYPES = /** @type {const} */ ({
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
});

/**
 * Hashed chunks never change, so browsers may keep them a year without asking. The entry files
 * (`rtc-elements.js`, `rtc-elements-full.js`) keep their names across releases: browsers revalidate
 * them on every load (a 304 when unchanged), so a deploy reaches every page at once and never
 * leaves an old entry asking for chunks the new build no longer has.
 * @param {string} urlPath
 */
export function cdnCacheControl(urlPath) {
  return HASHED.test(urlPath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * The encoding to send for an Accept-Encoding header: brotli, else gzip, else none. Honours q=0
 * ("not this one") and `*`.
 * @param {string | undefined} header
 * @returns {'br' | 'gzip' | null}
 */
export function chooseEncoding(header) {
  if (!header) return null;
  /** @type {Map<string, number>} */
  const weights = new Map();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(name.trim(), q === undefined ? 1 : Number(q) || 0);
  }
  const weight = (/** @type {string} */ name) => weights.get(name) ?? weights.get('*') ?? 0;
  const best = /** @type {const} */ (['br', 'gzip']).filter((name) => weight(name) > 0).sort((a, b) => weight(b) - weight(a))[0];
  return best ?? null;
}

/**
 * @typedef {{ mtimeMs: number, size: number, ready: Promise<{ tag: string, br: Buffer, gzip: Buffer }> }} Compressed
 */

/**
 * Serves `root` at its mount: files the browser can take compressed come from an in-memory cache
 * (compressed once, off the event loop, again when the file changes on disk), the rest through
 * express.static. Every response allows any origin (sites load the script from theirs).
 * @param {string} root
 * @returns {express.RequestHandler & { warm(): Promise<void> }}
 */
export function cdnHandler(root) {
  const base = path.resolve(root);
  /** @type {Map<string, Compressed>} */
  const cache = new Map();

  /** @param {string} file @param {import('node:fs').Stats} info */
  const compressed = (file, info) => {
    const known = cache.get(file);
    if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known.ready;
    const ready = readFile(file).then(async (bytes) => {
      // Source maps are large and rarely fetched: a quicker brotli level for them.
      const quality = file.endsWith('.map') ? 5 : zlib.constants.BROTLI_MAX_QUALITY;
      const [br, gz] = await Promise.all([brotli(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality } }), gzip(bytes, { level: 9 })]);
      return { tag: createHash('sha256').update(bytes).digest('base64url').slice(0, 22), br, gzip: gz };
    });
    const entry = { mtimeMs: info.mtimeMs, size: info.size, ready };
    // A file that vanished or could not be read is tried again next time (unless a newer entry took its place).
    ready.catch(() => cache.get(file) === entry && cache.delete(file));
    cache.set(file, entry);
    // Releases add files under new names; the oldest entries make room (a Map keeps insertion order).
    while (cache.size > MAX_CACHED_FILES) cache.delete(/** @type {string} */ (cache.keys().next().value));
    return ready;
  };

  const plain = express.static(base, {
    fallthrough: true,
    // Nothing under a dot-named file or folder (send's default still serves dot-folders).
    dotfiles: 'ignore',
    cacheControl: false,
    setHeaders(res, filePath) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cache-Control', cdnCacheControl(filePath.split(path.sep).join('/')));
      res.setHeader('Vary', 'Accept-Encoding');
      const type = TYPES[/** @type {keyof typeof TYPES} */ (path.extname(filePath))];
      if (type) res.setHeader('Content-Type', type);
    },
  });

  /** @type {express.RequestHandler} */
  const handler = async (req, res, next) => {
    const type = TYPES[/** @type {keyof typeof TYPES} */ (path.extname(req.path))];
    const encoding = chooseEncoding(req.headers['accept-encoding']);
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !type || !encoding) return plain(req, res, next);
    let file;
    try {
      file = path.join(base, path.normalize(decodeURIComponent(req.path)));
    } catch {
      return plain(req, res, next); // a malformed escape: express.static refuses it
    }
    // Outside the root, or a dotfile (express.static serves none): not ours to compress.
    if (!file.startsWith(base + path.sep) || file.slice(base.length).split(path.sep).some((part) => part.startsWith('.'))) return plain(req, res, next);
    try {
      const info = await stat(file).catch((error) => {
        cache.delete(file); // deleted since it was cached: keep no copy of it
        throw error;
      });
      if (!info.isFile()) return plain(req, res, next);
      const { tag, ...bodies } = await compressed(file, info);
      const etag = `"${tag}-${encoding}"`;
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cache-Control', cdnCacheControl(req.path));
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Content-Type', type);
      res.setHeader('ETag', etag);
      if (req.headers['if-none-match']?.split(',').some((t) => t.trim() === etag)) return void res.status(304).end();
      const body = bodies[encoding];
      res.setHeader('Content-Encoding', encoding);
      res.setHeader('Content-Length', body.length);
      res.status(200).end(req.method === 'HEAD' ? undefined : body);
    } catch {
      plain(req, res, next);
    }
  };

  return Object.assign(handler, {
    /** Compresses every script ahead of the first visitor (source maps wait until asked for). */
    async warm() {
      const names = await readdir(base, { recursive: true }).catch(() => []);
      await Promise.all(
        names
          .filter((name) => /\.m?js$/.test(name))
          .map(async (name) => {
            const file = path.join(base, name);
            await compressed(file, await stat(file));
          })
          .map((done) => done.catch(() => {})), // a file gone meanwhile is compressed when asked for, if ever
      );
    },
  });
}
