import { Sha256 } from './sha256.js';

/**
 * The SHA-256 of one transferred file. Where WebCrypto exists and the file is small enough to
 * hold in memory once, the browser hashes the whole file natively at the end, off the main
 * thread (about 1 GB/s); the JavaScript hash, fed as the bytes pass, took a third to a half of
 * each page's main thread during a transfer and slowed the transfer itself on a busy machine.
 * Larger files, and pages without WebCrypto (plain http:), keep the incremental hash, whose
 * memory stays flat whatever the size.
 */
export interface FileHash {
  /** True for the native hash: it needs the whole file at once, as a Blob or as bytes. */
  readonly native: boolean;
  /** Feeds the next bytes, in order (ignored by the native hash). */
  update(bytes: Uint8Array): void;
  /**
   * The lowercase hex digest of `whole`, which must hold exactly the bytes fed. The native hash
   * computes it once: the sender starts it from its copy of the file as soon as that copy is
   * complete, while the bytes are still on their way, and later calls return that result.
   */
  digest(whole: Blob | Uint8Array<ArrayBuffer>): Promise<string>;
}

/**
 * Above this the native hash would need too much memory at once (the whole file as one
 * ArrayBuffer, beside the received parts), so larger files are hashed as they pass.
 */
export const NATIVE_HASH_MAX_BYTES = 64 * 1024 * 1024;

/** `subtle`: WebCrypto, or null to force the incremental hash (it is absent on plain http: pages). */
export function createFileHash(size: number, subtle: SubtleCrypto | null = globalThis.crypto?.subtle ?? null): FileHash {
  if (subtle && size <= NATIVE_HASH_MAX_BYTES) {
    // Only the digest's promise is kept (it resolves to a string): the bytes belong to the caller,
    // so a finished transfer that is still listed does not hold its file in memory.
    let started: Promise<string> | null = null;
    const hash = async (bytes: Promise<ArrayBuffer | Uint8Array<ArrayBuffer>>) => hex(await subtle.digest('SHA-256', await bytes));
    return {
      native: true,
      update() {},
      digest: (whole) => (started ??= hash(whole instanceof Blob ? whole.arrayBuffer() : Promise.resolve(whole))),
    };
  }
  const sha = new Sha256();
  return {
    native: false,
    update: (bytes) => sha.update(bytes),
    digest: async () => sha.digestHex(),
  };
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
