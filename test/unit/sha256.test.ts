import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../../src/session/sha256.js';

const reference = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const hash = (bytes: Uint8Array): string => new Sha256().update(bytes).digestHex();
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Plain Uint8Array (not a Buffer) over fresh random bytes. */
function random(length: number): Uint8Array {
  const buffer = randomBytes(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

describe('Sha256', () => {
  it.each([
    ['empty', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'NIST 448-bit',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [
      'NIST 896-bit',
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
  ])('%s matches the published digest', (_name, input, expected) => {
    expect(hash(ascii(input))).toBe(expected);
    expect(reference(ascii(input))).toBe(expected);
  });

  it('NIST one million "a"', () => {
    const input = new Uint8Array(1_000_000).fill(0x61);
    expect(hash(input)).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('matches node:crypto for every length 0..300', () => {
    for (let length = 0; length <= 300; length++) {
      const input = random(length);
      expect(hash(input), `length ${length}`).toBe(reference(input));
    }
  });

  it('gives the same digest however the input is split', () => {
    for (let round = 0; round < 50; round++) {
      const input = random(Math.floor(Math.random() * 5_000));
      const sha = new Sha256();
      let offset = 0;
      while (offset < input.length) {
        // Pieces of 0..200 bytes cross block boundaries in every way, including empty updates.
        const size = Math.floor(Math.random() * 201);
        sha.update(input.subarray(offset, offset + size));
        offset += size;
      }
      expect(sha.digestHex(), `round ${round}`).toBe(reference(input));
    }
  });

  it('hashes a view with a non-zero byte offset', () => {
    const input = random(1_000);
    expect(hash(input.subarray(3, 700))).toBe(reference(input.subarray(3, 700)));
  });

  it('hashes 10 MB in 64 KiB pieces and in one update', () => {
    const input = random(10 * 1024 * 1024);
    const expected = reference(input);
    expect(hash(input)).toBe(expected);
    const sha = new Sha256();
    for (let offset = 0; offset < input.length; offset += 65_536) sha.update(input.subarray(offset, offset + 65_536));
    expect(sha.digestHex()).toBe(expected);
  });

  it('digestHex is stable and the hash refuses updates after it', () => {
    const sha = new Sha256().update(ascii('abc'));
    const first = sha.digestHex();
    expect(sha.digestHex()).toBe(first);
    expect(() => sha.update(ascii('d'))).toThrow();
  });
});
