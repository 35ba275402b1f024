import { describe, expect, it } from 'vitest';
import { createBucket, createThrottledLog, isBrokerMessage } from '../../server/guard.js';

describe('broker guard', () => {
  it('a bucket allows its burst at once, then refills at its rate and never beyond the burst', () => {
    let t = 0;
    const bucket = createBucket(10, 5, () => t);
    for (let i = 0; i < 10; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    t += 1000; // 5 more
    for (let i = 0; i < 5; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    t += 3_600_000; // an hour idle still only fills it to 10
    expect(bucket.take(10)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });

  it('knows a broker message from junk', () => {
    expect(isBrokerMessage(Buffer.from('{"type":"HEARTBEAT"}'))).toBe(true);
    for (const junk of ['not json', 'null', '[]', '{"type":5}', '{}', '"OFFER"']) expect(isBrokerMessage(Buffer.from(junk)), junk).toBe(false);
  });

  it('the throttled log writes the first line of a kind, then one per interval saying how many it left out', () => {
    let t = 0;
    const lines: string[] = [];
    const log = createThrottledLog((line) => lines.push(line), 5000, () => t);
    for (let i = 0; i < 100; i++) log('junk', `junk ${i}`);
    log('flood', 'flood 0');
    expect(lines).toEqual(['junk 0', 'flood 0']);
    t = 5000;
    log('junk', 'junk 100');
    expect(lines.at(-1)).toBe('junk 100 (and 99 more like it in the last 5 s)');
    t = 20_000;
    log('junk', 'junk 101');
    expect(lines.at(-1)).toBe('junk 101');
  });
});
