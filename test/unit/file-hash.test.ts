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

describe('createFileHash native digest', () => {
  it('is computed once: a digest started from the sender copy is what a later digest(file) returns', async () => {
    let calls = 0;
    const counting = { digest: (algorithm: string, data: ArrayBuffer) => (calls++, subtle.digest(algorithm, data)) } as unknown as SubtleCrypto;
    const hash = createFileHash(bytes.length, counting);
    const early = hash.digest(new Uint8Array(bytes));
    expect(await hash.digest(new Blob([bytes]))).toBe(expected);
    expect(await early).toBe(expected);
    expect(calls).toBe(1);
  });
});
