import { createHash, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFileHash, NATIVE_HASH_MAX_BYTES } from '../../src/session/file-hash.js';

const bytes = new Uint8Array(300_001).map((_, i) => (i * 31 + 7) & 0xff);
const expected = createHash('sha256').update(bytes).digest('hex');
const subtle = webcrypto.subtle as unknown as SubtleCrypto;

function feed(hash: ReturnType<typeof createFileHash>): void {
  for (let at = 0; at < bytes.length; at += 65_536) hash.update(bytes.subarray(at, at + 65_536));
}

describe('createFileHash', () => {
  it('hashes natively with WebCrypto: the whole file at the end, the fed bytes ignored', async () => {
    const hash = createFileHash(bytes.length, subtle);
    hash.update(new Uint8Array([1, 2, 3])); // not part of the file: the native hash must not see it
    expect(await hash.digest(new Blob([bytes]))).toBe(expected);
  });

  it('hashes incrementally in JavaScript without WebCrypto: the fed bytes, not the blob', async () => {
    const hash = createFileHash(bytes.length, null);
    feed(hash);
    expect(await hash.digest(new Blob([]))).toBe(expected);
  });

  it('hashes incrementally above the native limit, so memory stays flat for huge files', async () => {
    const hash = createFileHash(NATIVE_HASH_MAX_BYTES + 1, subtle);
    feed(hash);
    expect(await hash.digest(new Blob([]))).toBe(expected);
  });
});

describe('createFileHash.prepare', () => {
  it('starts the native hash early and digest() returns that same result', async () => {
    let calls = 0;
    const counting = { digest: (algorithm: string, data: ArrayBuffer) => (calls++, subtle.digest(algorithm, data)) } as unknown as SubtleCrypto;
    const hash = createFileHash(bytes.length, counting);
    const whole = new Blob([bytes]);
    const loaded = hash.prepare(whole);
    expect(await hash.digest(whole)).toBe(expected);
    expect(calls).toBe(1);
    // The sender sends from the bytes the hash loaded, instead of reading the file again.
    expect(new Uint8Array((await loaded)!)).toEqual(bytes);
  });

  it('loads nothing for the incremental hash: the sender reads the file in blocks', () => {
    expect(createFileHash(bytes.length, null).prepare(new Blob([bytes]))).toBeNull();
    expect(createFileHash(NATIVE_HASH_MAX_BYTES + 1, subtle).prepare(new Blob([bytes]))).toBeNull();
  });
});
